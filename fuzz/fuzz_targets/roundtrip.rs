//! A message decoded from JSON, MessagePack or CBOR (picked by the first byte) goes through all
//! four formats and comes back equal, apart from what a format cannot carry.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wamp_codec_fuzz::roundtrip(data));
