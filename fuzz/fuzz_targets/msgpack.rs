//! Arbitrary bytes through the msgpack decoder: an error or a message, never a panic; a message
//! decoded must re-encode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wamp_codec::serializer::Format;

fuzz_target!(|data: &[u8]| {
    wamp_codec_fuzz::decode_and_reencode(Format::Msgpack, data);
});
