//! FlatBuffers: the zero-copy codec at the heart of the crate.

pub mod generated;
