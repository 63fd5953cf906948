//! Lazy FlatBuffers views (in progress).
