//! A selector byte and bytes: the zero-copy views and forwarding of that format against the
//! owned decode and the owned forwarding steps (see `wamp_codec_fuzz::views`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wamp_codec_fuzz::views(data);
});
