//! Batched mode of the binary serializers (MessagePack, CBOR): each message after its length,
//! 4 bytes big-endian. Writing is shared by both codecs and by [`Serializer`](super::Serializer);
//! reading is [`Subprotocol::messages`](crate::transport::websocket::Subprotocol::messages).

use crate::error::EncodeError;
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
