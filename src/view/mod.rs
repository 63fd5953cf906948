//! Zero-copy views of messages in every format.

pub mod item;
