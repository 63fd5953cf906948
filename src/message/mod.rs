//! The 25 WAMP messages as owned types, grouped by family as the schema groups them.
//!
//! Each type implements [`WampMessage`]: `parse` from the raw message array with autobahn's
//! checks, and `marshal` back to the array autobahn emits. [`Message`](crate::Message) is the
//! enum over all of them; one table (`for_each_message!` in `src/messages.rs`) generates
//! [`MessageType`](crate::MessageType), `Message`, dispatch by code, `Display` and the
//! conversions.
//!
//! * `parse` checks everything autobahn's `parse` checks: arity, types, URIs, IDs in
//!   `0..=2^53`, option and detail types, payload transparency. `parse_taking(&mut [Value])`
//!   applies the same checks but moves the strings, lists and dicts out of the array; the JSON,
//!   MessagePack and CBOR decoders read a message's elements into a small buffer on the stack
//!   and hand them to it, so no list of the whole message is built and nothing is copied twice.
//! * `marshal` emits exactly the keys autobahn emits, in its order. `marshal_parts` is
//!   `marshal` with the `args`/`kwargs`/payload elements borrowed ([`PayloadRef`]), which is
//!   what the encoders write from.
//! * Every type carries the in-memory correlation fields of autobahn ([`Correlation`]), which,
//!   as in autobahn, take no part in equality.
//!
//! The module `autobahn.wamp.message`'s helpers are in [`validate`](crate::validate) and at the
//! crate root: `check_or_raise_uri`, `check_or_raise_realm_name`, `check_or_raise_id`,
//! `check_or_raise_extra`, `identify_realm_name_category`, `is_valid_enc_algo`,
//! `is_valid_enc_serializer` and the `PAYLOAD_ENC_*` constants. They return typed errors
//! (`ErrorKind::InvalidUri` apart from `ErrorKind::Protocol`, as autobahn has `InvalidUriError`
//! and `ProtocolError`) and allocate nothing when the value is valid.
//!
//! What a type does not model it neither reads nor writes, so nothing set on a message is lost
//! on the way out:
//! - an options or details key the type has no field for is ignored by `parse`, as autobahn
//!   ignores it (the views read every key, these too: `option(key)`, `detail(key)`), and cannot
//!   be set on the owned type; WELCOME keeps its `x_*` attributes both ways (`custom`);
//! - a role feature the crate does not know is kept and written ([`Features`](session::Features));
//! - payload fields `marshal` would leave out (`args` beside a transparent payload, `enc_*`
//!   without one) are refused by [`WampMessage::validate`].

mod fields;
pub mod pubsub;
pub mod rpc;
pub mod session;

#[allow(unused_imports)]
pub(crate) use fields::{
    element_error, length_error, AppPayload, EncOptions, Extra, KeyLocation, PayloadStyle, Wmsg,
    STR_PAYLOAD,
};

use core::cmp::Ordering;

use crate::error::ValidationError;
use crate::value::{Dict, Value};

/// A WAMP ID: a session, request, publication, subscription or registration ID, the one type
/// every ID has in the crate (owned messages, views, routing details, builders).
///
/// On the wire an ID is an integer in `0..=2^53` ([`MAX_ID`](crate::validate::MAX_ID)), so
/// that every peer, JavaScript's included, holds it exactly. Decoding checks that range for the
/// ID elements of a message (`request`, `session`, ...). For the IDs in options and details
/// (`caller`, `publisher`, `exclude`, a `forward_for` hop's `session`, ...), which autobahn
/// checks only for being integers, decoding refuses a negative one, as out of range.
pub type Id = u64;

/// What every WAMP message type provides.
pub trait WampMessage: Sized {
    /// The WAMP message code (`PUBLISH` is 16; `EVENT_RECEIVED` is 337).
    const MESSAGE_TYPE: u64;
    /// The upper-case name used in the spec and in error messages (`"PUBLISH"`).
    const NAME: &'static str;

    /// Parses the raw message array (code first), with autobahn's validation.
    ///
    /// This copies what the message keeps; [`WampMessage::parse_taking`] moves it instead.
    fn parse(wmsg: &[Value]) -> Result<Self, ValidationError> {
        Self::parse_taking(&mut wmsg.to_vec())
    }

    /// As [`WampMessage::parse`], but the strings, lists and dicts the message keeps are moved
    /// out of `wmsg` (and `null` left in their place) rather than copied: how the decoders
    /// parse. What is left in `wmsg` afterwards, on success or error, is unspecified.
    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError>;

    /// Checks the message against every rule the decoders apply; see
    /// [`Message::validate`](crate::Message::validate), which says why encoding does not.
    fn validate(&self) -> Result<(), ValidationError> {
        Self::parse_taking(&mut self.marshal()).map(drop)
    }

    /// The raw message array, exactly as autobahn's `marshal()` builds it.
    fn marshal(&self) -> Vec<Value>;

    /// [`WampMessage::marshal`] in two parts: the elements before the application payload, and
    /// the payload elements, borrowed from the message rather than copied (how the serializers
    /// write a message).
    fn marshal_parts(&self) -> (Head<'_>, PayloadRef<'_>) {
        (Head::marshalled(self.marshal()), PayloadRef::None)
    }

    /// The message's tracing metadata.
    fn correlation(&self) -> &Correlation;

    /// The message's tracing metadata, to set it.
    fn correlation_mut(&mut self) -> &mut Correlation;
}

/// The elements of a message's array before its application payload (see
/// [`WampMessage::marshal_parts`]). For the messages that carry a payload these are always the
/// code and up to three IDs, an options or details dict, and perhaps a URI, held without
/// allocating (the URI borrowed from the message, the dict allocating only when it has
/// entries); for the others, their [`WampMessage::marshal`].
#[derive(Debug, Clone)]
pub struct Head<'a>(HeadElements<'a>);

#[derive(Debug, Clone)]
enum HeadElements<'a> {
    Parts {
        ints: [u64; 4],
        int_count: usize,
        dict: Value,
        uri: Option<&'a str>,
    },
    Marshalled(Vec<Value>),
}

/// One element of a [`Head`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HeadElement<'a> {
    /// An element as a value.
    Value(&'a Value),
    /// An integer (the message code, an ID).
    Int(u64),
    /// A string the message holds (a URI).
    Str(&'a str),
}

impl<'a> Head<'a> {
    /// The head of a message that carries a payload: `code`, the `ids` (at most three), the
    /// options or details `dict`, and the `uri` if the message has one after the dict.
    pub(crate) fn parts(code: u64, ids: &[u64], dict: Dict, uri: Option<&'a str>) -> Head<'a> {
        let mut ints = [code, 0, 0, 0];
        ints[1..=ids.len()].copy_from_slice(ids);
        Head(HeadElements::Parts {
            ints,
            int_count: 1 + ids.len(),
            dict: Value::Map(dict),
            uri,
        })
    }

    /// A head that is a whole marshalled message.
    pub(crate) fn marshalled(elements: Vec<Value>) -> Head<'static> {
        Head(HeadElements::Marshalled(elements))
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        match &self.0 {
            HeadElements::Parts { int_count, uri, .. } => {
                int_count + 1 + usize::from(uri.is_some())
            }
            HeadElements::Marshalled(values) => values.len(),
        }
    }

    /// Whether there are no elements (never, for a message: its code is one).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `f` on each element in order, stopping at the first error.
    #[inline]
    pub fn try_for_each<E>(
        &self,
        f: impl FnMut(HeadElement<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.elements().try_for_each(f)
    }

    /// The elements in order, one at a time (how the encoders write a head): the loop body
    /// is written once, inline, where a walk of the two representations would call it from
    /// three places, each a call.
    #[inline]
    pub fn elements(&self) -> impl Iterator<Item = HeadElement<'_>> + '_ {
        let mut at = 0;
        core::iter::from_fn(move || {
            let element = self.element(at)?;
            at += 1;
            Some(element)
        })
    }

    /// The element at `at`, if there is one.
    #[inline(always)]
    fn element(&self, at: usize) -> Option<HeadElement<'_>> {
        match &self.0 {
            HeadElements::Parts {
                ints,
                int_count,
                dict,
                uri,
            } => match at.cmp(int_count) {
                Ordering::Less => ints.get(at).map(|&i| HeadElement::Int(i)),
                Ordering::Equal => Some(HeadElement::Value(dict)),
                Ordering::Greater => uri.filter(|_| at == int_count + 1).map(HeadElement::Str),
            },
            HeadElements::Marshalled(values) => values.get(at).map(HeadElement::Value),
        }
    }

    /// The elements as values.
    pub fn into_values(self) -> Vec<Value> {
        match self.0 {
            HeadElements::Marshalled(values) => values,
            HeadElements::Parts {
                ints,
                int_count,
                dict,
                uri,
            } => ints[..int_count]
                .iter()
                .map(|&i| Value::from(i))
                .chain([dict])
                .chain(uri.map(Value::from))
                .collect(),
        }
    }
}

/// The application payload elements that end a message's array, borrowed from the message (see
/// [`WampMessage::marshal_parts`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PayloadRef<'a> {
    /// No payload elements.
    None,
    /// The transparent payload: one binary element.
    Bytes(&'a [u8]),
    /// `args` alone.
    Args(&'a [Value]),
    /// `args` (`null` when absent) and `kwargs`.
    ArgsKwargs(Option<&'a [Value]>, &'a Dict),
    /// A PUBLISH's `args` that is a string or bytes ([`StrOrBytesArgs`]), and `kwargs` if
    /// non-empty.
    ///
    /// [`StrOrBytesArgs`]: crate::StrOrBytesArgs
    StrOrBytesArgs(&'a Value, Option<&'a Dict>),
}

impl<'a> PayloadRef<'a> {
    /// What autobahn's `marshal` methods append: the transparent payload if non-empty; else
    /// `args` and `kwargs` when `kwargs` is non-empty (`args` may then be `null`); else `args`
    /// when non-empty; else nothing.
    pub(crate) fn of(
        args: &'a Option<Vec<Value>>,
        kwargs: &'a Option<Dict>,
        payload: &'a Option<Vec<u8>>,
    ) -> PayloadRef<'a> {
        if let Some(p) = payload.as_deref().filter(|p| !p.is_empty()) {
            PayloadRef::Bytes(p)
        } else if let Some(kw) = kwargs.as_ref().filter(|kw| !kw.is_empty()) {
            PayloadRef::ArgsKwargs(args.as_deref(), kw)
        } else if let Some(a) = args.as_deref().filter(|a| !a.is_empty()) {
            PayloadRef::Args(a)
        } else {
            PayloadRef::None
        }
    }

    /// The number of elements: 0, 1 or 2.
    pub fn element_count(self) -> usize {
        match self {
            PayloadRef::None => 0,
            PayloadRef::Bytes(_) | PayloadRef::Args(_) => 1,
            PayloadRef::ArgsKwargs(..) | PayloadRef::StrOrBytesArgs(_, Some(_)) => 2,
            PayloadRef::StrOrBytesArgs(_, None) => 1,
        }
    }

    /// Appends the elements to `out`, copied.
    pub fn append_to(self, out: &mut Vec<Value>) {
        match self {
            PayloadRef::None => {}
            PayloadRef::Bytes(p) => out.push(Value::Bytes(p.to_vec())),
            PayloadRef::Args(a) => out.push(Value::List(a.to_vec())),
            PayloadRef::ArgsKwargs(a, kw) => {
                out.push(a.map_or(Value::Null, |a| Value::List(a.to_vec())));
                out.push(Value::Map(kw.clone()));
            }
            PayloadRef::StrOrBytesArgs(a, kw) => {
                out.push(a.clone());
                out.extend(kw.map(|kw| Value::Map(kw.clone())));
            }
        }
    }
}

/// [`WampMessage::marshal`] of a message with a payload: its parts joined.
pub(crate) fn joined((head, payload): (Head<'_>, PayloadRef<'_>)) -> Vec<Value> {
    let mut values = head.into_values();
    payload.append_to(&mut values);
    values
}

/// Message correlation: tracing metadata every message carries in memory (autobahn's
/// `correlation_id`, `correlation_uri`, `correlation_is_anchor`, `correlation_is_last`).
///
/// It is never serialized, and, as in autobahn, it takes no part in message equality: two
/// messages with the same content are equal whatever their correlation says.
#[derive(Debug, Clone, Default)]
pub struct Correlation {
    /// An identifier tying related messages together (a trace).
    pub correlation_id: Option<String>,
    /// The URI the correlated messages are about.
    pub correlation_uri: Option<String>,
    /// Whether this message starts the correlated sequence.
    pub correlation_is_anchor: Option<bool>,
    /// Whether this message ends the correlated sequence.
    pub correlation_is_last: Option<bool>,
}

impl PartialEq for Correlation {
    /// Always true: correlation is metadata, not message content.
    fn eq(&self, _: &Correlation) -> bool {
        true
    }
}

/// One hop of a routed message's path (`forward_for` in options and details): the session,
/// authid and authrole a router forwarded the message for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The session ID.
    pub session: Id,
    /// The session's authentication ID.
    pub authid: String,
    /// The session's authentication role.
    pub authrole: String,
}

impl Principal {
    fn to_value(&self) -> Value {
        let mut d = Dict::with_capacity(3);
        d.insert("session", Value::from(self.session));
        d.insert("authid", Value::from(self.authid.as_str()));
        d.insert("authrole", Value::from(self.authrole.as_str()));
        Value::Map(d)
    }
}

/// Marshals a `forward_for` list.
pub(crate) fn forward_for_value(ff: &[Principal]) -> Value {
    Value::List(ff.iter().map(Principal::to_value).collect())
}

/// The `correlation`/`correlation_mut` methods of [`WampMessage`], the same for every type.
macro_rules! correlation_accessors {
    () => {
        fn correlation(&self) -> &$crate::message::Correlation {
            &self.correlation
        }

        fn correlation_mut(&mut self) -> &mut $crate::message::Correlation {
            &mut self.correlation
        }
    };
}
pub(crate) use correlation_accessors;

/// The payload fields a message sets that `marshal` would leave out: `args`/`kwargs` beside a
/// transparent payload (which is written instead of them), and `enc_*` keys without one (which
/// are written only with it). Autobahn's constructors refuse both; here
/// [`WampMessage::validate`] does, naming the field, so that nothing set vanishes unnoticed.
pub(crate) fn check_written_payload(
    at: KeyLocation,
    args: &Option<Vec<Value>>,
    kwargs: &Option<Dict>,
    payload: &Option<Vec<u8>>,
    enc: [(&'static str, &Option<String>); 3],
) -> Result<(), ValidationError> {
    let has_payload = payload.as_ref().is_some_and(|p| !p.is_empty());
    if has_payload {
        let args = args.as_ref().is_some_and(|a| !a.is_empty());
        let kwargs = kwargs.as_ref().is_some_and(|kw| !kw.is_empty());
        if let Some(field) = [("args", args), ("kwargs", kwargs)]
            .into_iter()
            .find(|f| f.1)
        {
            return Err(element_error(
                at.message,
                field.0,
                "set beside a transparent payload, which is written instead",
            ));
        }
    } else if let Some((key, _)) = enc.into_iter().find(|(_, v)| v.is_some()) {
        return Err(at.error(key, "set without a transparent payload, so never written"));
    }
    Ok(())
}

/// [`WampMessage::validate`] of a message with an application payload: the payload fields
/// [`check_written_payload`] checks (with the `enc_*` keys in the options or details, as
/// `$role`, a `FieldRole`, says), then the decoders' rules.
macro_rules! validate_with_payload {
    ($role:expr) => {
        fn validate(&self) -> Result<(), $crate::error::ValidationError> {
            $crate::message::check_written_payload(
                $crate::message::KeyLocation {
                    message: Self::NAME,
                    role: $role,
                },
                &self.args,
                &self.kwargs,
                &self.payload,
                [
                    ("enc_algo", &self.enc_algo),
                    ("enc_key", &self.enc_key),
                    ("enc_serializer", &self.enc_serializer),
                ],
            )?;
            Self::parse_taking(&mut self.marshal()).map(drop)
        }
    };
}
pub(crate) use validate_with_payload;

/// Builds an options/details dict from `(key, Option<value>)` pairs, skipping the `None`s, in
/// order: how autobahn's `marshal` methods build theirs.
macro_rules! extra {
    ($($key:literal => $value:expr),* $(,)?) => {{
        let mut d = $crate::value::Dict::new();
        $( if let Some(v) = $value { d.insert(::std::string::String::from($key), $crate::value::Value::from(v)); } )*
        d
    }};
}
pub(crate) use extra;
