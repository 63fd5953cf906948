//! Arbitrary bytes through `MessageRef::cast`: every accessor of the view read, the view
//! converted to the owned message, `MessageBuf` agreeing; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wamp_codec_fuzz::flatbuffers(data));
