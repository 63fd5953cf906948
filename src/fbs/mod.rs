//! FlatBuffers: the zero-copy codec at the heart of the crate.
//!
//! * [`view`]: `Publish::cast(buf)` and friends, lazy views over `&[u8]` checked by a verifier
//!   that looks only at what the buffer holds.
//! * [`builder`]: each message written into a caller's reusable `FlatBufferBuilder` or
//!   [`Writer`], in autobahn's order so the bytes match autobahn's.
//! * [`writer`]: the [`Sink`] the builders write to, and [`Writer`], the crate's own writer of
//!   `FlatBufferBuilder`'s exact bytes at less cost.
//! * [`forward`]: the broker's hot path, a PUBLISH view turned into each subscriber's EVENT with
//!   the payload copied as bytes.
//! * `generated`: the flatc output, included at this one site. No generated type is part of
//!   the crate's API; the module stays reachable (and out of the docs) so that tests and the
//!   benchmark can check the crate against flatc's own reader.
//!
//! Every builder ([`builder::build`], `Publish::build_flatbuffers`, `build_event`) writes into
//! a [`Sink`]: the crate's [`Writer`] or flatbuffers' `FlatBufferBuilder`, which give the same
//! bytes (tested on every corpus message and on generated ones); `Writer` lays them out with
//! less bookkeeping. `Publish::cast_bytes(bytes)` keeps the verified `bytes::Bytes` in a
//! `ViewBuf<Publish>`, cheap to clone and `Send + Sync` ([`MessageBuf`](view::MessageBuf): any
//! type; [`MessageBytes`](crate::view::MessageBytes): any type in any format).

pub mod builder;
pub mod forward;
#[doc(hidden)]
pub mod generated;
pub mod view;
pub mod writer;

pub use writer::{Sink, Writer};
