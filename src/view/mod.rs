//! Zero-copy views of messages in every format.

pub mod check;
pub mod item;
pub(crate) mod read;
