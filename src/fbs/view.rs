//! Lazy, zero-copy FlatBuffers views, behind a safe verifier.
//!
//! `Publish::cast(buf)` verifies `buf` once and returns a [`PublishRef`], whose accessors (named
//! as the schema's fields) read in place: `topic()` is a `&str` into `buf`, `args_bytes()` the
//! raw CBOR, `exclude()` an iterator over the `[uint64]` as it lies in the buffer. `args()` and
//! `kwargs()` decode the CBOR only when called. [`MessageRef::cast`] dispatches on the union
//! tag; [`MessageBuf`] owns the bytes (a [`Bytes`]), verified once, cheap to clone and share.
//! `TryFrom` converts any view to its owned type, with autobahn's reading of absent fields.
//!
//! # What `cast` checks
//!
//! Everything flatc's generated verifier checks (`flatbuffers::root::<Message>` with default
//! options), with the same depth, table-count and apparent-size accounting
//! ([`VerifierOptions`]), and nothing the accessors read is left unchecked. It is driven by one
//! const field table per schema table (`specs.rs`), walked by one generic table verifier.
//! Stricter than flatc:
//! * the union tag must be one of the 25 message tags (flatc accepts unknown tags and 0);
//! * a vtable must be at least 4 bytes long, and the table's object size (vtable bytes 2..4)
//!   must be at least 4 and lie in the buffer;
//! * every present field must lie inside the table's object size and after its soffset;
//! * the buffer must be at most [`VerifierOptions::max_buffer_size`] bytes.
//!
//! Nested tables are verified as flatc does: `Principal` in `forward_for`, HELLO's
//! `ClientRoles` and WELCOME's `RouterRoles` with their feature tables, and the `Map` tables of
//! `authextra`/`extra`. A `[uint8]` costs a bounds check whatever its length; strings are
//! checked for UTF-8 and their NUL terminator. `cast` does not allocate (its errors do).
//!
//! No `unsafe` is involved: reads are bounds-checked slice accesses, so even a verifier bug
//! gives a wrong value (an empty string, a zero), never undefined behaviour. Because the crate
//! forbids `unsafe`, a `&str` can only come from `str::from_utf8`: the message's URI (`topic`,
//! `procedure`, `error`, `reason`, `realm`), the string a router reads on every message, is kept
//! in the view as the `&str` that `cast` validated; other string accessors check UTF-8 again on
//! each call.
//!
//! # Cost
//!
//! `cast` visits the root, the union and the slots the message table's vtable has, with the slot
//! walk written out per message type so each slot's kind is known where it is checked. It reads
//! no payload byte: its cost does not grow with `args`, `kwargs` or `payload`. For the typical
//! PUBLISH of `wamp-codec bench`, `Publish::cast` + `topic()` runs about 420 instructions, 75
//! of them validating the topic's UTF-8 (`examples/profile.rs` measures it under callgrind).
//! The typed casts (`Publish::cast`) each have the walk inline, with the default limits as
//! constants; [`MessageRef::cast`] and [`MessageBuf`] share one out-of-line walk per type.

mod messages;
mod reader;
mod specs;
mod verifier;

use core::marker::PhantomData;

use bytes::Bytes;

use crate::error::DecodeError;
use crate::message::pubsub::*;
use crate::message::rpc::*;
use crate::message::session::*;
use crate::messages::{Message, MessageType};

pub use messages::*;
pub use reader::{StrIter, U64Iter};
pub use verifier::VerifierOptions;

use reader::Table;
use verifier::{verify_root, Verifier};

macro_rules! define_views {
    ($(($variant:ident, $ty:ident, $code:literal, $tag:literal, $name:literal, $family:ident)),* $(,)?) => {
        /// A view of any of the 25 messages, by type.
        #[derive(Debug, Clone, Copy)]
        pub enum MessageRef<'a> {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant(<$ty as FbsView>::Ref<'a>),
            )*
        }

        /// Verifies a message table of type `t`: one copy of the verifier's slot walk per
        /// message type, each with its spec as a constant.
        fn verify_message<'a>(
            v: &mut Verifier<'a>,
            t: MessageType,
            pos: usize,
        ) -> verifier::R<Option<&'a str>> {
            match t { $(MessageType::$variant => verify_message_table::<$ty>(v, pos),)* }
        }

        impl<'a> MessageRef<'a> {
            /// Verifies `buf` (default [`VerifierOptions`]) and views the message it holds,
            /// whichever of the 25 it is.
            pub fn cast(buf: &'a [u8]) -> Result<MessageRef<'a>, DecodeError> {
                MessageRef::cast_with(buf, &VerifierOptions::DEFAULT)
            }

            /// [`cast`](MessageRef::cast) with explicit limits.
            pub fn cast_with(
                buf: &'a [u8],
                opts: &VerifierOptions,
            ) -> Result<MessageRef<'a>, DecodeError> {
                let v = verify_root(buf, opts, None, verify_message)?;
                Ok(MessageRef::at(buf, v.message_type, v.pos, v.key))
            }

            /// The view of a verified message table, with its key string if known.
            fn at(
                buf: &'a [u8],
                t: MessageType,
                pos: usize,
                key: Option<&'a str>,
            ) -> MessageRef<'a> {
                // Verified positions; an empty table (every field absent) if that were wrong.
                let table = Table::at(buf, pos).unwrap_or(Table { buf: &[], pos: 0, vtable: 0 });
                match t {
                    $(MessageType::$variant =>
                        MessageRef::$variant(<$ty as ViewSpec>::wrap(table, key)),)*
                }
            }

            /// The message's type.
            pub fn message_type(&self) -> MessageType {
                match self { $(MessageRef::$variant(_) => MessageType::$variant,)* }
            }
        }

        impl TryFrom<MessageRef<'_>> for Message {
            type Error = DecodeError;

            /// The owned message; fails only when `args`/`kwargs` are not valid CBOR of the
            /// right shape, or ERROR's `request_type` is not a message code.
            fn try_from(v: MessageRef<'_>) -> Result<Message, DecodeError> {
                Ok(match v { $(MessageRef::$variant(r) => Message::$variant($ty::try_from(r)?),)* })
            }
        }

        $(
            impl $ty {
                #[doc = concat!("Verifies `buf` as a FlatBuffers `", $name, "` (union tag ",
                                stringify!($tag), ") and returns its view; an error if `buf` is ",
                                "not valid or holds another message.")]
                pub fn cast(buf: &[u8]) -> Result<<$ty as FbsView>::Ref<'_>, DecodeError> {
                    // The message table's walk inline rather than `verify_message_table`'s
                    // shared copy: a router's hot path, where the call, its result in memory and
                    // the limits not being constants cost a tenth of the instructions.
                    let v = verify_root(
                        buf,
                        &VerifierOptions::DEFAULT,
                        Some(MessageType::$variant),
                        |v, _, pos| v.message_table(pos, <$ty as ViewSpec>::SPEC),
                    )?;
                    // Verified positions; an empty table (every field absent) if that were wrong.
                    let table = Table::at(buf, v.pos).unwrap_or(Table { buf: &[], pos: 0, vtable: 0 });
                    Ok(<$ty as ViewSpec>::wrap(table, v.key))
                }

                #[doc = concat!("Verifies `bytes` once as a FlatBuffers `", $name, "` and keeps ",
                                "them: a [`ViewBuf`] to clone, send to other tasks and view ",
                                "without verifying again.")]
                pub fn cast_bytes(bytes: Bytes) -> Result<ViewBuf<$ty>, DecodeError> {
                    MessageBuf::new(bytes)?.downcast::<$ty>().map_err(|other| {
                        DecodeError::syntax(
                            "flatbuffers",
                            format!(
                                "expected {}, the buffer holds {}",
                                $name,
                                other.message_type().name()
                            ),
                        )
                    })
                }
            }

            impl ViewBuf<$ty> {
                /// The view, from the positions found when the bytes were verified.
                pub fn view(&self) -> <$ty as FbsView>::Ref<'_> {
                    let table = Table::at(&self.bytes, self.pos as usize)
                        .unwrap_or(Table { buf: &[], pos: 0, vtable: 0 });
                    <$ty as ViewSpec>::wrap(table, None)
                }
            }
        )*
    };
}

crate::for_each_message!(define_views);

/// The verifier's walk of one message type's table, with that type's spec as a constant: the
/// copy that `MessageRef::cast` and `MessageBuf` dispatch to (the typed casts have their own).
#[inline(never)]
fn verify_message_table<'a, T: ViewSpec>(
    v: &mut Verifier<'a>,
    pos: usize,
) -> verifier::R<Option<&'a str>> {
    v.message_table(pos, T::SPEC)
}

/// A verified FlatBuffers message that owns its bytes: cheap to clone (a [`Bytes`] and three
/// words), `Send + Sync`, viewed with [`view`](MessageBuf::view) without verifying again.
#[derive(Clone)]
pub struct MessageBuf {
    bytes: Bytes,
    message_type: MessageType,
    pos: u32,
}

impl MessageBuf {
    /// Verifies `bytes` once (default [`VerifierOptions`]).
    pub fn new(bytes: Bytes) -> Result<MessageBuf, DecodeError> {
        MessageBuf::with_options(bytes, &VerifierOptions::DEFAULT)
    }

    /// Verifies `bytes` once, with explicit limits.
    pub fn with_options(bytes: Bytes, opts: &VerifierOptions) -> Result<MessageBuf, DecodeError> {
        let verified = verify_root(&bytes, opts, None, verify_message)?;
        let message_type = verified.message_type;
        let pos = u32::try_from(verified.pos).map_err(|_| DecodeError::Limit {
            format: "flatbuffers",
            limit: "size",
            max: u32::MAX as usize,
        })?;
        Ok(MessageBuf {
            bytes,
            message_type,
            pos,
        })
    }

    /// The view of the message, from the positions found by the verification in `new`. (Its
    /// URI's UTF-8 is checked again when read: a view of borrowed bytes from `cast` keeps the
    /// `&str` validated there, which cannot be stored beside the bytes it borrows from.)
    pub fn view(&self) -> MessageRef<'_> {
        MessageRef::at(&self.bytes, self.message_type, self.pos as usize, None)
    }

    /// The message's type.
    pub fn message_type(&self) -> MessageType {
        self.message_type
    }

    /// The bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The same bytes as a [`ViewBuf<T>`], if they hold a `T`; else `self` back.
    pub fn downcast<T: FbsView>(self) -> Result<ViewBuf<T>, MessageBuf> {
        if T::MESSAGE_TYPE == self.message_type {
            Ok(ViewBuf {
                bytes: self.bytes,
                pos: self.pos,
                message: PhantomData,
            })
        } else {
            Err(self)
        }
    }

    /// The owned message.
    pub fn to_message(&self) -> Result<Message, DecodeError> {
        Message::try_from(self.view())
    }
}

/// A verified FlatBuffers message of type `T` that owns its bytes (from `T::cast_bytes` or
/// [`MessageBuf::downcast`]): like [`MessageBuf`], cheap to clone and `Send + Sync`, and its
/// [`view`](ViewBuf::view) is `T`'s view (`ViewBuf<Publish>::view()` is a [`PublishRef`]).
pub struct ViewBuf<T> {
    bytes: Bytes,
    pos: u32,
    message: PhantomData<fn() -> T>,
}

impl<T> Clone for ViewBuf<T> {
    fn clone(&self) -> ViewBuf<T> {
        ViewBuf {
            bytes: self.bytes.clone(),
            pos: self.pos,
            message: PhantomData,
        }
    }
}

impl<T: FbsView> ViewBuf<T> {
    /// The bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The bytes, given back.
    pub fn into_bytes(self) -> Bytes {
        self.bytes
    }

    /// Back to the message of any type.
    pub fn into_message_buf(self) -> MessageBuf {
        MessageBuf {
            bytes: self.bytes,
            message_type: T::MESSAGE_TYPE,
            pos: self.pos,
        }
    }
}

impl<T: FbsView> core::fmt::Debug for ViewBuf<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ViewBuf")
            .field("message_type", &T::MESSAGE_TYPE)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl core::fmt::Debug for MessageBuf {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MessageBuf")
            .field("message_type", &self.message_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn small_copy_views() {
        assert_send_sync::<MessageBuf>();
        assert_send_sync::<ViewBuf<Publish>>();
        assert!(core::mem::size_of::<PublishRef<'_>>() <= 5 * core::mem::size_of::<usize>());
    }
}
