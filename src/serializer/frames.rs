//! Batched mode of the binary serializers (MessagePack, CBOR): each message after its length,
//! 4 bytes big-endian. Shared by both codecs and by [`Serializer`](super::Serializer).

use crate::error::{DecodeError, EncodeError};
#[cfg(any(feature = "msgpack", feature = "cbor"))]
use crate::messages::Message;

/// Batched mode: every message prefixed with its length, 4 bytes big-endian
/// (autobahn's `struct.pack("!L", len)`).
#[cfg(any(feature = "msgpack", feature = "cbor"))]
pub(crate) fn encode_frames<'m>(
    format: &'static str,
    msgs: impl IntoIterator<Item = &'m Message>,
    mut write: impl FnMut(&Message, &mut Vec<u8>) -> Result<(), EncodeError>,
) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    for msg in msgs {
        append_frame(format, &mut out, |out| write(msg, out))?;
    }
    Ok(out)
}

/// Appends one length-prefixed frame whose body `write` appends.
pub(crate) fn append_frame(
    format: &'static str,
    out: &mut Vec<u8>,
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    write(out)?;
    let len = out.len() - start - 4;
    let prefix = u32::try_from(len).map_err(|_| EncodeError::Unrepresentable {
        format,
        what: format!("a message of {len} bytes in batched mode (4-byte lengths)"),
    })?;
    out[start..start + 4].copy_from_slice(&prefix.to_be_bytes());
    Ok(())
}

/// The frames of a batch, borrowed from `buf`. After an error the iterator ends.
#[cfg(any(feature = "msgpack", feature = "cbor"))]
pub(crate) fn frames<'a>(
    format: &'static str,
    buf: &'a [u8],
) -> impl Iterator<Item = Result<&'a [u8], DecodeError>> {
    let mut pos = 0;
    core::iter::from_fn(move || next_frame(format, buf, &mut pos))
}

/// The frame at `*pos`, advancing past it; `None` at the end, and after an error.
pub(crate) fn next_frame<'a>(
    format: &'static str,
    buf: &'a [u8],
    pos: &mut usize,
) -> Option<Result<&'a [u8], DecodeError>> {
    let at = *pos;
    let rest = buf.get(at..).filter(|rest| !rest.is_empty())?;
    let failed = |reason: String| DecodeError::syntax(format, format!("{reason} at offset {at}"));
    let Some((prefix, body)) = rest.split_first_chunk::<4>() else {
        *pos = buf.len() + 1;
        return Some(Err(failed(format!(
            "batch truncated in a length prefix ({} of 4 bytes)",
            rest.len()
        ))));
    };
    let len = u32::from_be_bytes(*prefix) as usize;
    if len > body.len() {
        *pos = buf.len() + 1;
        return Some(Err(failed(format!(
            "batched message of {len} bytes but only {} bytes follow",
            body.len()
        ))));
    }
    *pos = at + 4 + len;
    Some(Ok(&body[..len]))
}
