//! Building FlatBuffers messages (in progress).
