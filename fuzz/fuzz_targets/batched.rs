//! Arbitrary transport payloads for each of the seven serializers (picked by the first byte),
//! split into frames and decoded; never a panic, and the frame iterator always ends.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wamp_codec_fuzz::batched(data));
