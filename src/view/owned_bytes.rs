//! A checked message that owns its bytes: [`MessageBytes`], the every-format counterpart of
//! FlatBuffers' [`MessageBuf`].

use bytes::Bytes;

use super::item::{Elems, MAX_ELEMENTS};
use super::{ElementsView, ItemRef, MessageView};
use crate::error::DecodeError;
#[cfg(feature = "flatbuffers")]
use crate::fbs::view::MessageBuf;
use crate::messages::MessageType;
#[cfg(feature = "cbor")]
use crate::serializer::cbor;
#[cfg(feature = "json")]
use crate::serializer::json;
#[cfg(feature = "msgpack")]
use crate::serializer::msgpack;
use crate::serializer::{Format, Limits};

/// A message of any format, checked once (every rule [`MessageView::decode`] applies) and kept
/// with its bytes: cheap to clone (a [`Bytes`]), `Send + Sync`, viewed again with
/// [`MessageBytes::view`] without checking it again.
///
/// ```
/// use bytes::Bytes;
/// use wamp_codec::serializer::Format;
/// use wamp_codec::view::{MessageBytes, TypedView};
///
/// let kept = MessageBytes::new(Format::Json, Bytes::from_static(br#"[16,1,{},"com.t",[1]]"#))?;
/// let shared = kept.clone(); // another task's copy: the same bytes
/// let TypedView::Publish(publish) = shared.view().typed()? else { unreachable!() };
/// assert_eq!(publish.topic(), "com.t");
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct MessageBytes {
    kept: Kept,
}

#[derive(Debug, Clone)]
enum Kept {
    /// JSON, MessagePack or CBOR: the bytes and where each element lies in them.
    Elements {
        bytes: Bytes,
        format: Format,
        message_type: MessageType,
        spans: [(u32, u32); MAX_ELEMENTS],
        len: usize,
    },
    #[cfg(feature = "flatbuffers")]
    Flatbuffers(MessageBuf),
}

impl MessageBytes {
    /// Checks `bytes` as one message of `format` within the default [`Limits`].
    pub fn new(format: Format, bytes: Bytes) -> Result<MessageBytes, DecodeError> {
        MessageBytes::with_limits(format, bytes, &Limits::DEFAULT)
    }

    /// [`MessageBytes::new`] within `limits`.
    pub fn with_limits(
        format: Format,
        bytes: Bytes,
        limits: &Limits,
    ) -> Result<MessageBytes, DecodeError> {
        #[cfg(feature = "flatbuffers")]
        if format == Format::Flatbuffers {
            return MessageBuf::new(bytes).map(|b| MessageBytes {
                kept: Kept::Flatbuffers(b),
            });
        }
        let view = ElementsView::decode(format, &bytes, limits)?;
        let base = bytes.as_ptr() as usize;
        let mut spans = [(0, 0); MAX_ELEMENTS];
        for (i, span) in spans.iter_mut().enumerate().take(view.len()) {
            if let Some(item) = view.element(i) {
                // where the element's bytes lie in `bytes` (they are a subslice of it)
                let start = item.bytes().as_ptr() as usize - base;
                *span = (start as u32, (start + item.bytes().len()) as u32);
            }
        }
        let (message_type, len) = (view.message_type(), view.len());
        Ok(MessageBytes {
            kept: Kept::Elements {
                bytes,
                format,
                message_type,
                spans,
                len,
            },
        })
    }

    /// The bytes, as given.
    pub fn bytes(&self) -> &Bytes {
        match &self.kept {
            Kept::Elements { bytes, .. } => bytes,
            #[cfg(feature = "flatbuffers")]
            Kept::Flatbuffers(b) => b.bytes(),
        }
    }

    /// The format of the message.
    pub fn format(&self) -> Format {
        match &self.kept {
            Kept::Elements { format, .. } => *format,
            #[cfg(feature = "flatbuffers")]
            Kept::Flatbuffers(_) => Format::Flatbuffers,
        }
    }

    /// The message's type.
    pub fn message_type(&self) -> MessageType {
        match &self.kept {
            Kept::Elements { message_type, .. } => *message_type,
            #[cfg(feature = "flatbuffers")]
            Kept::Flatbuffers(b) => b.message_type(),
        }
    }

    /// The view, from the element positions found when the bytes were checked: no syntax or
    /// WAMP rule is checked again (a JSON element's text is taken as `str` again, which safe
    /// Rust can only do by checking its UTF-8).
    pub fn view(&self) -> MessageView<'_> {
        match &self.kept {
            #[cfg(feature = "flatbuffers")]
            Kept::Flatbuffers(b) => MessageView::Flatbuffers(b.view()),
            Kept::Elements {
                bytes,
                format,
                message_type,
                spans,
                len,
            } => {
                let mut elems = Elems::new();
                for i in 0..*len {
                    let (start, end) = spans.get(i).copied().unwrap_or_default();
                    let element = bytes.get(start as usize..end as usize).unwrap_or_default();
                    match item_of(*format, element) {
                        Some(item) if i < MAX_ELEMENTS => elems.push(item),
                        // (a checked message has at most MAX_ELEMENTS elements)
                        _ => break,
                    }
                }
                MessageView::Elements(ElementsView {
                    format: *format,
                    message_type: *message_type,
                    elems,
                })
            }
        }
    }
}

/// The item of one element's bytes, checked when the message was.
fn item_of(format: Format, element: &[u8]) -> Option<ItemRef<'_>> {
    Some(match format {
        #[cfg(feature = "json")]
        Format::Json => ItemRef::Json(json::view::checked_item(element)?),
        #[cfg(feature = "msgpack")]
        Format::Msgpack => ItemRef::Msgpack(msgpack::view::checked_item(element)?),
        #[cfg(feature = "cbor")]
        Format::Cbor => ItemRef::Cbor(cbor::view::checked_item(element)?),
        #[cfg(feature = "flatbuffers")]
        Format::Flatbuffers => return None,
    })
}
