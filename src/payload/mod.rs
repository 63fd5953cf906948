//! Typed payloads (the `serde` feature): `args` and `kwargs` read as, and built from, Rust types.
//!
//! # Reading
//!
//! The seven messages that carry an application payload (PUBLISH, EVENT, CALL, INVOCATION,
//! YIELD, RESULT, ERROR) have `args_as::<T>()` and `kwargs_as::<T>()` on the owned type, on its
//! typed view (`PublishView`, ...: JSON, MessagePack, CBOR and FlatBuffers) and on its
//! FlatBuffers view (`PublishRef`, ...):
//!
//! ```
//! use wamp_codec::serializer::Format;
//! use wamp_codec::Call;
//!
//! #[derive(serde::Deserialize)]
//! struct Options<'a> { unit: &'a str, round: bool }
//!
//! let wire = br#"[48, 7, {}, "com.myapp.convert", [21.5, "celsius"], {"unit": "K", "round": true}]"#;
//! let call = Call::view(Format::Json, wire)?;
//! let (amount, from): (f64, &str) = call.args_as()?; // `from` borrows from `wire`
//! let options: Options = call.kwargs_as()?;
//! assert_eq!((amount, from, options.unit, options.round), (21.5, "celsius", "K", true));
//! # Ok::<(), wamp_codec::DecodeError>(())
//! ```
//!
//! * **Straight from the wire.** On a view, `T` is deserialized from the input's bytes as they
//!   are, by one serde `Deserializer` over the crate's in-place reader of every format
//!   ([`Item`]): no [`Value`] is built. A string is borrowed where the
//!   encoding holds it as it is (a `&str` field works but for a JSON string with escapes,
//!   which must go into a `String` or a `Cow<str>`); MessagePack and CBOR byte strings are
//!   borrowed too. On an owned message, `T` borrows from the message.
//! * **Bytes are not strings**, in every format: a MessagePack `bin`, a CBOR byte string, and
//!   in JSON a string starting with U+0000 (base64, WAMP's convention) are byte strings,
//!   handed to serde as bytes. They go into `Vec<u8>`, `[u8; N]`, `serde_bytes::ByteBuf` or
//!   `&[u8]` (borrowed, but for JSON's base64, which is decoded), never into a `String` or
//!   `&str`, which refuse them. A string is never bytes: in JSON, only the U+0000 prefix makes
//!   bytes, whatever `T` asks for.
//! * **Absent means empty**: a message without `args` reads as an empty list (so `()`, `Vec<T>`
//!   and a struct of optional fields work), one without `kwargs` as an empty map. A message
//!   carrying a transparent (encrypted) payload instead has neither: reading them is an
//!   error, not an empty payload.
//! * **Exact shapes**: a tuple of 2 refuses a list of 3 (no element is dropped unseen); an
//!   integer field refuses a float; a map's keys are strings (a `HashMap<u32, _>` cannot be
//!   read). Enums are as in serde_json: a unit variant is its name, other variants a map of
//!   one entry.
//! * **Errors** are [`DecodeError::Payload`], naming the message, the field and where in it:
//!   `'args' in CALL: at [1]: invalid type: string "x", expected u8`.
//! * **Limits**: a view was checked against the decoder's [`Limits`] when made (size, depth,
//!   item count), and the CBOR of a FlatBuffers payload is checked against the default
//!   [`Limits`] before it is read. Nesting is refused beyond [`Limits::DEFAULT`]'s depth as the
//!   decoders count it (the message array is level 1, `args` level 2) on every path, owned
//!   messages built in memory included, so no payload can run the deserializer's recursion
//!   deep.
//!
//! # Building
//!
//! [`args_from`] and [`kwargs_from`] serialize a Rust value into `args` or `kwargs`
//! ([`to_value`] into any [`Value`]), and the same seven owned types have `with_args` and
//! `with_kwargs`:
//!
//! ```
//! use wamp_codec::{Publish, serializer::json};
//!
//! #[derive(serde::Serialize)]
//! struct Reading { sensor: &'static str, celsius: f64 }
//!
//! let publish = Publish::new(1, "com.myapp.reading")
//!     .with_args(&("hello", 3))?
//!     .with_kwargs(&Reading { sensor: "t1", celsius: 21.5 })?;
//! assert_eq!(
//!     json::to_vec(&publish.into())?,
//!     br#"[16,1,{},"com.myapp.reading",["hello",3],{"sensor":"t1","celsius":21.5}]"#,
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Serde's data model maps as `serde_json::to_value` maps it (structs and maps are maps in
//! field order, `None` and `()` are `null`, enums as above, integer map keys as their text),
//! except that bytes (`serde_bytes`, `Value::Bytes`) stay bytes and integers keep their exact
//! value in the `i64` and `u64` ranges (beyond them, an error).
//!
//! [`Value`]: crate::Value
//! [`DecodeError::Payload`]: crate::DecodeError::Payload

mod de;
mod ser;

use serde::{Deserialize, Serialize};

use crate::error::{DecodeError, EncodeError};
#[cfg(feature = "flatbuffers")]
use crate::fbs::view::{
    CallRef, CallResultRef, ErrorReplyRef, EventRef, InvocationRef, PublishRef, YieldRef,
};
use crate::message::pubsub::{Event, Publish};
use crate::message::rpc::{Call, CallResult, Invocation, Yield};
use crate::message::session::ErrorReply;
use crate::message::WampMessage;
#[cfg(feature = "flatbuffers")]
use crate::serializer::cbor;
use crate::serializer::Limits;
use crate::value::{Dict, Value};
use crate::view::item::{Item, Kind};
use crate::view::typed::{
    CallResultView, CallView, ErrorReplyView, EventView, InvocationView, PublishView, YieldView,
};
use crate::view::{ItemList, ItemMap, ItemRef, Payload};
use de::{Depth, ItemDeserializer, Whole};

/// Serializes `value` into a [`Value`].
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, EncodeError> {
    value
        .serialize(ser::ValueSerializer)
        .map_err(|e| EncodeError::Serialize(e.0))
}

/// Serializes `args` into a message's `args`: it must serialize as a list (a tuple, a `Vec`, a
/// tuple struct; a struct is not one, and belongs in `kwargs`).
pub fn args_from<T: Serialize + ?Sized>(args: &T) -> Result<Vec<Value>, EncodeError> {
    match to_value(args)? {
        Value::List(items) => Ok(items),
        other => Err(EncodeError::Serialize(format!(
            "'args' must be a list, not a {}",
            other.type_name()
        ))),
    }
}

/// Serializes `kwargs` into a message's `kwargs`: it must serialize as a map (a struct, a
/// map).
pub fn kwargs_from<T: Serialize + ?Sized>(kwargs: &T) -> Result<Dict, EncodeError> {
    match to_value(kwargs)? {
        Value::Map(entries) => Ok(entries),
        other => Err(EncodeError::Serialize(format!(
            "'kwargs' must be a dict, not a {}",
            other.type_name()
        ))),
    }
}

/// Deserializes `T` from an item read in place (a view's option or detail, say), with the
/// limits of a payload's contents.
pub fn from_item<'a, T: Deserialize<'a>, I: Item<'a>>(item: I) -> Result<T, DecodeError> {
    T::deserialize(ItemDeserializer::new(item, contents_depth())).map_err(|e| {
        DecodeError::Payload {
            message: "WAMP message",
            field: "value",
            reason: e.to_string(),
        }
    })
}

/// The `args` and `kwargs` fields, as errors name them.
const ARGS: &str = "args";
const KWARGS: &str = "kwargs";

/// The levels of nesting left inside `args` or `kwargs`: the decoders count the message
/// array as level 1 and the payload as level 2.
fn contents_depth() -> Depth {
    let max = Limits::DEFAULT.max_depth;
    Depth::new(max.saturating_sub(2), max)
}

fn payload_error(message: &'static str, field: &'static str, reason: String) -> DecodeError {
    DecodeError::Payload {
        message,
        field,
        reason,
    }
}

fn transparent_error(message: &'static str, field: &'static str) -> DecodeError {
    payload_error(
        message,
        field,
        "absent: the message carries a transparent payload instead".to_owned(),
    )
}

/// Deserializes `T` from a whole `args` list or `kwargs` map.
fn whole<'a, T, I, L, M>(
    payload: Whole<L, M>,
    message: &'static str,
    field: &'static str,
) -> Result<T, DecodeError>
where
    T: Deserialize<'a>,
    I: Item<'a>,
    L: Iterator<Item = I>,
    M: Iterator<Item = (std::borrow::Cow<'a, str>, I)>,
{
    T::deserialize(payload).map_err(|e| payload_error(message, field, e.to_string()))
}

/// The element types of an owned payload, for an absent `args` or `kwargs` to be the same type
/// as a present one.
type OwnedItems<'v> = std::iter::Flatten<std::option::IntoIter<std::slice::Iter<'v, Value>>>;
type OwnedEntries<'v> = std::iter::Flatten<std::option::IntoIter<<&'v Value as Item<'v>>::Map>>;

/// An owned message's `args` as `T`.
///
/// `not_a_list` is an `args` element that is no list (a PUBLISH's string or bytes, see
/// [`StrOrBytesArgs`](crate::StrOrBytesArgs)): an error, as from a view of the same message,
/// not the empty list `args: None` would give.
fn owned_args<'v, T: Deserialize<'v>>(
    message: &'static str,
    transparent: Option<&[u8]>,
    args: Option<&'v [Value]>,
    not_a_list: Option<&Value>,
) -> Result<T, DecodeError> {
    if transparent.is_some_and(|p| !p.is_empty()) {
        return Err(transparent_error(message, ARGS));
    }
    if let Some(value) = not_a_list {
        return Err(wrong_kind(message, ARGS, Kind::List, Item::kind(&value)));
    }
    let items: OwnedItems<'v> = args.map(<[Value]>::iter).into_iter().flatten();
    whole(
        Whole::<_, OwnedEntries<'v>>::List(items, contents_depth()),
        message,
        ARGS,
    )
}

/// An owned message's `kwargs` as `T`.
fn owned_kwargs<'v, T: Deserialize<'v>>(
    message: &'static str,
    transparent: Option<&[u8]>,
    kwargs: Option<&'v Dict>,
) -> Result<T, DecodeError> {
    if transparent.is_some_and(|p| !p.is_empty()) {
        return Err(transparent_error(message, KWARGS));
    }
    // the same iterator as `Item::map` of a `&Value`, for one deserializer of owned values
    let entries: OwnedEntries<'v> = kwargs
        .map(|d| {
            d.iter()
                .map((|(k, v)| (std::borrow::Cow::Borrowed(k), v)) as fn((&'v str, &'v Value)) -> _)
        })
        .into_iter()
        .flatten();
    whole(
        Whole::<OwnedItems<'v>, _>::Map(entries, contents_depth()),
        message,
        KWARGS,
    )
}

/// A view's payload element, read in place: the CBOR of a FlatBuffers payload is checked
/// first, within the default limits, as the owned conversion checks it.
#[cfg_attr(not(feature = "flatbuffers"), allow(unused_variables))]
fn payload_item<'a>(
    payload: Payload<'a>,
    message: &'static str,
    field: &'static str,
) -> Result<ItemRef<'a>, DecodeError> {
    match payload {
        Payload::Item(item) => Ok(item),
        #[cfg(feature = "flatbuffers")]
        Payload::FlatbuffersCbor(bytes) => cbor::view::scan_value(bytes, &Limits::DEFAULT)
            .map(ItemRef::Cbor)
            .map_err(|e| match e {
                DecodeError::Syntax { reason, .. } => DecodeError::syntax(
                    "flatbuffers",
                    format!("'{field}' in {message}: invalid CBOR: {reason}"),
                ),
                other => other,
            }),
    }
}

/// A view's `args` or `kwargs` element, read in place; `transparent` tells, when it is
/// absent, whether a transparent payload is there instead (an error, not an empty payload).
fn view_item<'a>(
    message: &'static str,
    field: &'static str,
    payload: Option<Payload<'a>>,
    transparent: impl FnOnce() -> bool,
) -> Result<Option<ItemRef<'a>>, DecodeError> {
    match payload {
        Some(p) => payload_item(p, message, field).map(Some),
        None if transparent() => Err(transparent_error(message, field)),
        None => Ok(None),
    }
}

/// The error for a payload element of the wrong kind (only a FlatBuffers payload's CBOR can
/// be: the other views' check refuses it).
fn wrong_kind(message: &'static str, field: &'static str, want: Kind, found: Kind) -> DecodeError {
    payload_error(
        message,
        field,
        format!("a {}, not a {}", found.type_name(), want.type_name()),
    )
}

type ViewItems<'a> = std::iter::Flatten<std::option::IntoIter<ItemList<'a>>>;
type ViewEntries<'a> = std::iter::Flatten<std::option::IntoIter<ItemMap<'a>>>;

/// A view's `args` as `T`.
fn view_args<'a, T: Deserialize<'a>>(
    message: &'static str,
    args: Option<Payload<'a>>,
    transparent: impl FnOnce() -> bool,
) -> Result<T, DecodeError> {
    let items = match view_item(message, ARGS, args, transparent)? {
        Some(item) => Some(
            item.list()
                .ok_or_else(|| wrong_kind(message, ARGS, Kind::List, item.kind()))?,
        ),
        None => None,
    };
    let items: ViewItems<'a> = items.into_iter().flatten();
    whole(
        Whole::<_, ViewEntries<'a>>::List(items, contents_depth()),
        message,
        ARGS,
    )
}

/// A view's `kwargs` as `T`.
fn view_kwargs<'a, T: Deserialize<'a>>(
    message: &'static str,
    kwargs: Option<Payload<'a>>,
    transparent: impl FnOnce() -> bool,
) -> Result<T, DecodeError> {
    let entries = match view_item(message, KWARGS, kwargs, transparent)? {
        Some(item) => Some(
            item.map()
                .ok_or_else(|| wrong_kind(message, KWARGS, Kind::Map, item.kind()))?,
        ),
        None => None,
    };
    let entries: ViewEntries<'a> = entries.into_iter().flatten();
    whole(
        Whole::<ViewItems<'a>, _>::Map(entries, contents_depth()),
        message,
        KWARGS,
    )
}

/// A PUBLISH's `args` when a string or bytes, which `args_as` refuses.
fn publish_str_or_bytes_args(p: &Publish) -> Option<&Value> {
    p.args_str_or_bytes
        .as_ref()
        .map(crate::StrOrBytesArgs::value)
}

/// `args_as`, `kwargs_as`, `with_args` and `with_kwargs` on each payload-carrying message: its
/// owned type, its typed view and its FlatBuffers view.
macro_rules! typed_payloads {
    ($($owned:ident, $view:ident, $fbs:ident $(, not_a_list: $not_a_list:expr)?;)*) => {$(
        impl $owned {
            #[doc = concat!("`args` deserialized as `T`, borrowing from the message (an empty ",
                            "list when absent; see [`payload`](crate::payload)).")]
            pub fn args_as<'v, T: Deserialize<'v>>(&'v self) -> Result<T, DecodeError> {
                let not_a_list: Option<&Value> = None $(.or_else(|| $not_a_list(self)))?;
                owned_args(Self::NAME, self.payload.as_deref(), self.args.as_deref(), not_a_list)
            }

            #[doc = concat!("`kwargs` deserialized as `T`, borrowing from the message (an ",
                            "empty map when absent; see [`payload`](crate::payload)).")]
            pub fn kwargs_as<'v, T: Deserialize<'v>>(&'v self) -> Result<T, DecodeError> {
                owned_kwargs(Self::NAME, self.payload.as_deref(), self.kwargs.as_ref())
            }

            #[doc = concat!("The ", stringify!($owned), " with `args` serialized from `args` ",
                            "(see [`args_from`]).")]
            pub fn with_args<T: Serialize + ?Sized>(mut self, args: &T) -> Result<Self, EncodeError> {
                self.args = Some(args_from(args)?);
                Ok(self)
            }

            #[doc = concat!("The ", stringify!($owned), " with `kwargs` serialized from ",
                            "`kwargs` (see [`kwargs_from`]).")]
            pub fn with_kwargs<T: Serialize + ?Sized>(mut self, kwargs: &T) -> Result<Self, EncodeError> {
                self.kwargs = Some(kwargs_from(kwargs)?);
                Ok(self)
            }
        }

        impl<'a> $view<'a> {
            #[doc = concat!("`args` deserialized as `T` straight from the input, borrowing ",
                            "from it (an empty list when absent; see [`payload`](crate::payload)).")]
            pub fn args_as<T: Deserialize<'a>>(&self) -> Result<T, DecodeError> {
                view_args(<$owned>::NAME, self.args_element(), || self.payload().is_some())
            }

            #[doc = concat!("`kwargs` deserialized as `T` straight from the input, borrowing ",
                            "from it (an empty map when absent; see [`payload`](crate::payload)).")]
            pub fn kwargs_as<T: Deserialize<'a>>(&self) -> Result<T, DecodeError> {
                view_kwargs(<$owned>::NAME, self.kwargs(), || self.payload().is_some())
            }
        }

        #[cfg(feature = "flatbuffers")]
        impl<'a> $fbs<'a> {
            #[doc = concat!("`args` deserialized as `T` from their CBOR (checked first within ",
                            "the default limits), borrowing from the buffer (an empty list when ",
                            "absent; see [`payload`](crate::payload)).")]
            pub fn args_as<T: Deserialize<'a>>(&self) -> Result<T, DecodeError> {
                view_args(
                    <$owned>::NAME,
                    self.args_bytes().map(Payload::FlatbuffersCbor),
                    || self.payload().is_some_and(|p| !p.is_empty()),
                )
            }

            #[doc = concat!("`kwargs` deserialized as `T` from their CBOR (checked first within ",
                            "the default limits), borrowing from the buffer (an empty map when ",
                            "absent; see [`payload`](crate::payload)).")]
            pub fn kwargs_as<T: Deserialize<'a>>(&self) -> Result<T, DecodeError> {
                view_kwargs(
                    <$owned>::NAME,
                    self.kwargs_bytes().map(Payload::FlatbuffersCbor),
                    || self.payload().is_some_and(|p| !p.is_empty()),
                )
            }
        }
    )*};
}

typed_payloads! {
    Publish, PublishView, PublishRef, not_a_list: publish_str_or_bytes_args;
    Event, EventView, EventRef;
    Call, CallView, CallRef;
    Invocation, InvocationView, InvocationRef;
    Yield, YieldView, YieldRef;
    CallResult, CallResultView, CallResultRef;
    ErrorReply, ErrorReplyView, ErrorReplyRef;
}
