//! The one table of the 25 WAMP messages, and what it generates: [`MessageType`], [`Message`],
//! dispatch by code, `Display` and `From` conversions.

use core::fmt;

use crate::error::{UnexpectedMessage, ValidationError};
use crate::message::pubsub::*;
use crate::message::rpc::*;
use crate::message::session::*;
use crate::message::{Correlation, PayloadRef, WampMessage};
use crate::value::Value;
use crate::view::item::{Item, Kind};

/// Calls `$callback!` with the table of the 25 messages:
/// `(Variant, OwnedType, code, flatbuffers_tag, "NAME", family)`.
///
/// The FlatBuffers tag is the WAMP code, except EVENT_RECEIVED (337, but 37 on that wire, where
/// the union tag is a `u8`).
#[macro_export]
#[doc(hidden)]
macro_rules! for_each_message {
    ($callback:ident) => {
        $callback! {
            (Hello, Hello, 1, 1, "HELLO", Session),
            (Welcome, Welcome, 2, 2, "WELCOME", Session),
            (Abort, Abort, 3, 3, "ABORT", Session),
            (Challenge, Challenge, 4, 4, "CHALLENGE", Session),
            (Authenticate, Authenticate, 5, 5, "AUTHENTICATE", Session),
            (Goodbye, Goodbye, 6, 6, "GOODBYE", Session),
            (Error, ErrorReply, 8, 8, "ERROR", Common),
            (Publish, Publish, 16, 16, "PUBLISH", PubSub),
            (Published, Published, 17, 17, "PUBLISHED", PubSub),
            (Subscribe, Subscribe, 32, 32, "SUBSCRIBE", PubSub),
            (Subscribed, Subscribed, 33, 33, "SUBSCRIBED", PubSub),
            (Unsubscribe, Unsubscribe, 34, 34, "UNSUBSCRIBE", PubSub),
            (Unsubscribed, Unsubscribed, 35, 35, "UNSUBSCRIBED", PubSub),
            (Event, Event, 36, 36, "EVENT", PubSub),
            (EventReceived, EventReceived, 337, 37, "EVENT_RECEIVED", PubSub),
            (Call, Call, 48, 48, "CALL", Rpc),
            (Cancel, Cancel, 49, 49, "CANCEL", Rpc),
            (Result, CallResult, 50, 50, "RESULT", Rpc),
            (Register, Register, 64, 64, "REGISTER", Rpc),
            (Registered, Registered, 65, 65, "REGISTERED", Rpc),
            (Unregister, Unregister, 66, 66, "UNREGISTER", Rpc),
            (Unregistered, Unregistered, 67, 67, "UNREGISTERED", Rpc),
            (Invocation, Invocation, 68, 68, "INVOCATION", Rpc),
            (Interrupt, Interrupt, 69, 69, "INTERRUPT", Rpc),
            (Yield, Yield, 70, 70, "YIELD", Rpc),
        }
    };
}

/// The family a message belongs to, as the schema files group them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Session lifecycle: HELLO .. GOODBYE.
    Session,
    /// ERROR, shared by both patterns.
    Common,
    /// Publish and subscribe.
    PubSub,
    /// Remote procedure calls.
    Rpc,
}

macro_rules! define_messages {
    ($(($variant:ident, $ty:ident, $code:literal, $tag:literal, $name:literal, $family:ident)),* $(,)?) => {
        /// The type of a WAMP message: one of the 25.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum MessageType {
            $(
                #[doc = concat!("`", $name, "` (", stringify!($code), ")")]
                $variant,
            )*
        }

        impl MessageType {
            /// All 25, in code order.
            pub const ALL: [MessageType; 25] = [$(MessageType::$variant),*];

            /// The WAMP message code.
            pub const fn code(self) -> u64 {
                match self { $(MessageType::$variant => $code,)* }
            }

            /// The FlatBuffers union tag (the code, but 37 for EVENT_RECEIVED).
            pub const fn flatbuffers_tag(self) -> u8 {
                match self { $(MessageType::$variant => $tag,)* }
            }

            /// The upper-case name (`"PUBLISH"`).
            pub const fn name(self) -> &'static str {
                match self { $(MessageType::$variant => $name,)* }
            }

            /// The family.
            pub const fn family(self) -> Family {
                match self { $(MessageType::$variant => Family::$family,)* }
            }

            /// The type with WAMP code `code`.
            pub const fn from_code(code: u64) -> Option<MessageType> {
                match code { $($code => Some(MessageType::$variant),)* _ => None }
            }

            /// The type with FlatBuffers union tag `tag`.
            pub const fn from_flatbuffers_tag(tag: u8) -> Option<MessageType> {
                match tag { $($tag => Some(MessageType::$variant),)* _ => None }
            }
        }

        /// Any WAMP message.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)] // moved rarely; boxing would cost every decode
        pub enum Message {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant($ty),
            )*
        }

        impl Message {
            /// The message's type.
            pub fn message_type(&self) -> MessageType {
                match self { $(Message::$variant(_) => MessageType::$variant,)* }
            }

            /// Parses a raw message array, dispatching on its code (autobahn's
            /// `WampSerializer.unserialize` checks, then the type's `parse`).
            ///
            /// This copies what the message keeps; [`Message::parse_taking`] moves it instead.
            pub fn parse(wmsg: &[Value]) -> Result<Message, ValidationError> {
                Message::parse_taking(&mut wmsg.to_vec())
            }

            /// As [`Message::parse`], but the strings, lists and dicts the message keeps are
            /// moved out of `wmsg` rather than copied (see [`WampMessage::parse_taking`]).
            pub fn parse_taking(wmsg: &mut [Value]) -> Result<Message, ValidationError> {
                Message::parse_taking_into(wmsg)
            }

            /// [`Message::parse_taking`] with the error converted to `E` (the decoders'
            /// `DecodeError`): converted here, the message goes straight into the result the
            /// decoder returns rather than being copied into it.
            pub(crate) fn parse_taking_into<E: From<ValidationError>>(
                wmsg: &mut [Value],
            ) -> Result<Message, E> {
                let code = message_code(wmsg)?;
                match code {
                    $($code => match $ty::parse_taking(wmsg) {
                        Ok(m) => Ok(Message::$variant(m)),
                        Err(e) => Err(e.into()),
                    },)*
                    _ => unreachable!("message_code returns known codes only"),
                }
            }

            /// Checks the message against every rule the decoders apply (autobahn's `parse`):
            /// IDs in `0..=2^53`, URIs, the values options and details may take, the rules
            /// between fields (a `resume-session` needs a `resume-token`, HELLO needs a role,
            /// ...). The error names the message and the field, as a decoder's would.
            ///
            /// Encoding does not validate: it writes what the message holds, so that a router
            /// re-encoding what it decoded, or building messages from checked inputs, pays for
            /// no second check on its hot path (a check costs about a decode). A message built
            /// in code from data nobody checked can break the rules while encoding succeeds: a
            /// `request` of `u64::MAX` encodes, and every peer refuses it. Call `validate`
            /// before sending such a message.
            ///
            /// ```
            /// use wamp_codec::{Message, Publish};
            ///
            /// assert!(Message::from(Publish::new(1, "com.myapp.topic")).validate().is_ok());
            /// let err = Message::from(Publish::new(u64::MAX, "com.myapp.topic"))
            ///     .validate()
            ///     .unwrap_err();
            /// assert!(err.to_string().starts_with("'request' in PUBLISH"), "{err}");
            /// ```
            pub fn validate(&self) -> Result<(), ValidationError> {
                // The decoders' own rules, on the array they would read: one set of rules, so
                // that `validate` accepts exactly what a peer's decoder accepts.
                match self { $(Message::$variant(m) => m.validate(),)* }
            }

            /// The raw message array, as autobahn's `marshal()` builds it.
            pub fn marshal(&self) -> Vec<Value> {
                match self { $(Message::$variant(m) => m.marshal(),)* }
            }

            /// The raw message array with the application payload borrowed (see
            /// [`WampMessage::marshal_parts`]).
            pub fn marshal_parts(&self) -> (crate::message::Head<'_>, PayloadRef<'_>) {
                match self { $(Message::$variant(m) => m.marshal_parts(),)* }
            }

            /// [`Message::marshal_parts`] for an encoder: a message whose fields contradict
            /// each other, so that writing it would drop one (a PUBLISH with two `args`), is
            /// refused with [`EncodeError::Invalid`](crate::error::EncodeError::Invalid) naming the field.
            #[cfg(any_format)]
            pub(crate) fn encodable_parts(&self) -> Result<(crate::message::Head<'_>, PayloadRef<'_>), crate::error::EncodeError> {
                if let Message::Publish(p) = self {
                    p.check_one_args()?;
                }
                Ok(self.marshal_parts())
            }

            /// The message's tracing metadata.
            pub fn correlation(&self) -> &Correlation {
                match self { $(Message::$variant(m) => m.correlation(),)* }
            }

            /// The message's tracing metadata, to set it.
            pub fn correlation_mut(&mut self) -> &mut Correlation {
                match self { $(Message::$variant(m) => m.correlation_mut(),)* }
            }
        }

        $(
            impl From<$ty> for Message {
                fn from(m: $ty) -> Message {
                    Message::$variant(m)
                }
            }

            impl TryFrom<Message> for $ty {
                type Error = UnexpectedMessage;

                #[doc = concat!("The `", $name, "` inside `message`; an error naming both ",
                                "types, with the message, for any other.")]
                fn try_from(message: Message) -> Result<$ty, UnexpectedMessage> {
                    match message {
                        Message::$variant(m) => Ok(m),
                        other => Err(UnexpectedMessage {
                            expected: MessageType::$variant,
                            message: Box::new(other),
                        }),
                    }
                }
            }

            impl fmt::Display for $ty {
                /// `PUBLISH [16, 1, {}, "com.myapp.topic"]`: the name and the marshalled array.
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    write!(f, "{} {}", $name, Value::List(self.marshal()))
                }
            }
        )*

        impl fmt::Display for Message {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self { $(Message::$variant(m) => m.fmt(f),)* }
            }
        }
    };
}

for_each_message!(define_messages);

/// The code of a raw message, checked as autobahn's `unserialize` checks it.
fn message_code(wmsg: &[Value]) -> Result<u64, ValidationError> {
    message_type_of(wmsg.first()).map(MessageType::code)
}

/// The type of a message whose first element is `first` (`None` for an empty array), checked
/// as autobahn's `unserialize` checks it; for owned values and items read in place alike.
#[inline]
pub(crate) fn message_type_of<'a, I: Item<'a>>(
    first: Option<I>,
) -> Result<MessageType, ValidationError> {
    let first =
        first.ok_or_else(|| ValidationError::protocol("missing message type in WAMP message"))?;
    let code = match first.kind() {
        Kind::Int => first.as_int().and_then(|i| u64::try_from(i).ok()),
        other => {
            return Err(ValidationError::protocol(format!(
                "invalid type {} for WAMP message type",
                other.type_name()
            )))
        }
    };
    code.and_then(MessageType::from_code).ok_or_else(|| {
        ValidationError::protocol(format!("invalid WAMP message type {}", first.to_value()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        for t in MessageType::ALL {
            assert_eq!(MessageType::from_code(t.code()), Some(t));
            assert_eq!(
                MessageType::from_flatbuffers_tag(t.flatbuffers_tag()),
                Some(t)
            );
        }
        assert_eq!(MessageType::from_code(37), None);
        assert_eq!(MessageType::EventReceived.code(), 337);
    }

    #[test]
    fn try_from_gives_the_message_or_names_both_types() {
        let publish = Publish::new(1, "com.a");
        assert_eq!(
            Publish::try_from(Message::from(publish.clone())),
            Ok(publish)
        );
        let err = Publish::try_from(Message::from(Event::new(1, 2))).unwrap_err();
        assert_eq!(err.to_string(), "expected a PUBLISH message, got EVENT");
        assert_eq!(
            (err.expected, err.actual()),
            (MessageType::Publish, MessageType::Event)
        );
        assert_eq!(*err.message, Message::from(Event::new(1, 2)));
        assert!(CallResult::try_from(Message::from(Yield::new(3))).is_err());
    }

    #[test]
    fn validate_applies_the_decoders_rules() {
        let ok: Message = Publish::new(1, "com.a").into();
        assert_eq!(ok.validate(), Ok(()));
        let cases: [(Message, &str); 4] = [
            (
                Publish::new(u64::MAX, "com.a").into(),
                "'request' in PUBLISH: invalid value 18446744073709551615 for ID",
            ),
            (
                Publish::new(1, "com..a").into(),
                "'topic' in PUBLISH: invalid value",
            ),
            (
                Hello::new(Some("realm1".into()), Default::default()).into(),
                "'roles' detail in HELLO: empty 'roles'",
            ),
            (
                Hello {
                    resume_session: Some(5),
                    ..Hello::new(None, crate::Roles::autobahn_client())
                }
                .into(),
                "'resume-token' detail in HELLO: must be provided",
            ),
        ];
        for (msg, expected) in cases {
            let err = msg.validate().unwrap_err().to_string();
            assert!(err.starts_with(expected), "{err} (expected {expected})");
        }
    }

    /// What `marshal` would leave out is refused, as autobahn's constructors refuse it:
    /// `args`/`kwargs` beside a transparent payload, `enc_*` without one.
    #[test]
    fn validate_refuses_payload_fields_that_are_never_written() {
        let beside = Event {
            payload: Some(b"sealed".to_vec()),
            enc_algo: Some("cryptobox".into()),
            kwargs: Some(crate::dict! {"a" => 1}),
            ..Event::new(1, 2)
        };
        assert_eq!(
            Message::from(beside.clone())
                .validate()
                .unwrap_err()
                .to_string(),
            "'kwargs' in EVENT: set beside a transparent payload, which is written instead"
        );
        let sealed = Event {
            kwargs: None,
            ..beside
        };
        assert_eq!(Message::from(sealed).validate(), Ok(()));
        let unsealed = Yield {
            enc_key: Some("k".into()),
            ..Yield::new(3)
        };
        assert_eq!(
            Message::from(unsealed).validate().unwrap_err().to_string(),
            "'enc_key' option in YIELD: set without a transparent payload, so never written"
        );
    }

    #[test]
    fn envelope_errors() {
        let e = |v: Vec<Value>| Message::parse(&v).unwrap_err().to_string();
        assert_eq!(e(vec![]), "missing message type in WAMP message");
        assert_eq!(
            e(vec![Value::from("16")]),
            "invalid type str for WAMP message type"
        );
        assert_eq!(e(vec![Value::Int(9999)]), "invalid WAMP message type 9999");
        assert_eq!(e(vec![Value::Int(37)]), "invalid WAMP message type 37");
    }
}
