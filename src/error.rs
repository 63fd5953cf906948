//! Errors: [`ValidationError`] for messages that break WAMP's rules, [`DecodeError`] for bytes
//! that are not a message, [`EncodeError`] for messages a format cannot carry.
//!
//! Every error names the message and, where there is one, the field, in the shape autobahn's own
//! messages have (`'topic' in PUBLISH: ...`, `invalid message length 4 for HELLO`), so that a log
//! line tells which part of which message was wrong.

use core::fmt;

/// Which of autobahn's exception classes an error corresponds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A protocol violation (autobahn's `ProtocolError`): wrong arity, type, ID, option.
    Protocol,
    /// A value that is not a valid WAMP URI (autobahn's `InvalidUriError`).
    InvalidUri,
}

/// What part of a message a field is: an element of the message array, or a key of its
/// options or details dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldRole {
    /// A positional element, such as `topic` or `args`.
    Element,
    /// A key of the `Options|dict` element.
    Option,
    /// A key of the `Details|dict` element.
    Detail,
}

/// A WAMP message that breaks the protocol's rules (what autobahn's `parse()` raises).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    kind: ErrorKind,
    message: Option<&'static str>,
    field: Option<(&'static str, FieldRole)>,
    reason: String,
}

impl ValidationError {
    /// A protocol error with a free-form reason and no location.
    pub fn protocol(reason: impl Into<String>) -> Self {
        ValidationError {
            kind: ErrorKind::Protocol,
            message: None,
            field: None,
            reason: reason.into(),
        }
    }

    /// An invalid-URI error with a free-form reason and no location.
    pub fn invalid_uri(reason: impl Into<String>) -> Self {
        ValidationError {
            kind: ErrorKind::InvalidUri,
            message: None,
            field: None,
            reason: reason.into(),
        }
    }

    /// Attaches the message name (`"PUBLISH"`), keeping a name already set.
    pub fn in_message(mut self, message: &'static str) -> Self {
        self.message.get_or_insert(message);
        self
    }

    /// Attaches the field and its role, keeping a field already set.
    pub fn at(mut self, field: &'static str, role: FieldRole) -> Self {
        self.field.get_or_insert((field, role));
        self
    }

    /// Which autobahn exception class this corresponds to.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message name (`"PUBLISH"`), if known.
    pub fn message(&self) -> Option<&'static str> {
        self.message
    }

    /// The field name (`"topic"`, `"acknowledge"`), if the error is about one.
    pub fn field(&self) -> Option<&'static str> {
        self.field.map(|(f, _)| f)
    }

    /// What was wrong, without the location.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.message.unwrap_or("WAMP message");
        match self.field {
            Some((field, FieldRole::Element)) => {
                write!(f, "'{field}' in {message}: {}", self.reason)
            }
            Some((field, FieldRole::Option)) => {
                write!(f, "'{field}' option in {message}: {}", self.reason)
            }
            Some((field, FieldRole::Detail)) => {
                write!(f, "'{field}' detail in {message}: {}", self.reason)
            }
            None if self.message.is_some() => write!(f, "{} for {message}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

impl std::error::Error for ValidationError {}

/// Bytes that could not be decoded into a WAMP message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The bytes are not valid in the serialization format (broken JSON, truncated CBOR, a
    /// FlatBuffers offset out of bounds, ...).
    #[error("invalid {format} serialization of WAMP message: {reason}")]
    Syntax {
        /// The serializer: `json`, `msgpack`, `cbor` or `flatbuffers`.
        format: &'static str,
        /// What was wrong, and where.
        reason: String,
    },
    /// The bytes decoded to a value that is not a valid WAMP message.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// A configured limit was exceeded (size, nesting depth, item count).
    #[error("{format} message exceeds the {limit} limit of {max}")]
    Limit {
        /// The serializer.
        format: &'static str,
        /// Which limit: `size`, `depth`, `items`, ...
        limit: &'static str,
        /// The configured maximum.
        max: usize,
    },
    /// `args` or `kwargs` did not deserialize into the type asked for (`args_as`,
    /// `kwargs_as`): the message is valid WAMP, its payload not what the application expects
    /// (where autobahn's callee raises `wamp.error.invalid_argument`).
    #[cfg(feature = "serde")]
    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    #[error("'{field}' in {message}: {reason}")]
    Payload {
        /// The message name (`"CALL"`).
        message: &'static str,
        /// `args` or `kwargs`.
        field: &'static str,
        /// What was wrong, and where in the payload (`at [1]["name"]: ...`).
        reason: String,
    },
}

impl DecodeError {
    /// A syntax error of the given format.
    pub fn syntax(format: &'static str, reason: impl Into<String>) -> Self {
        DecodeError::Syntax {
            format,
            reason: reason.into(),
        }
    }

    /// The validation error, if the bytes were well-formed but the message was not.
    pub fn as_validation(&self) -> Option<&ValidationError> {
        match self {
            DecodeError::Invalid(v) => Some(v),
            _ => None,
        }
    }
}

/// A message that a serializer cannot write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A value has no representation in the format (a NaN in JSON, say).
    #[error("{format} cannot encode {what}")]
    Unrepresentable {
        /// The serializer.
        format: &'static str,
        /// What could not be written, and where.
        what: String,
    },
    /// A message field has no slot in the format (FlatBuffers' schema has none for it).
    #[error("'{field}' in {message} cannot be carried by {format}: {reason}")]
    Unsupported {
        /// The serializer.
        format: &'static str,
        /// The message name.
        message: &'static str,
        /// The field.
        field: &'static str,
        /// Why not.
        reason: &'static str,
    },
    /// The message breaks a rule no format can carry it with: a PUBLISH with both a list
    /// `args` and a string or bytes one ([`StrOrBytesArgs`](crate::StrOrBytesArgs)), where
    /// writing either would drop the other.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// A Rust value could not be serialized into a [`Value`](crate::Value) (`args_from`,
    /// `kwargs_from`): a map key that is not a string, an integer beyond the `i64`/`u64`
    /// ranges, a type that is not a list where `args` must be one, ...
    #[cfg(feature = "serde")]
    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    #[error("cannot serialize into a WAMP value: {0}")]
    Serialize(String),
}

/// A [`Message`](crate::Message) converted into a message type it is not (the error of
/// `Publish::try_from(message)` and the like): the type that was expected, and the message,
/// given back whole.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("expected a {} message, got {}", expected.name(), message.message_type().name())]
pub struct UnexpectedMessage {
    /// The type the conversion asked for.
    pub expected: crate::MessageType,
    /// The message, of another type. Boxed: a message is large, an error should not be.
    pub message: Box<crate::Message>,
}

impl UnexpectedMessage {
    /// The type the message has.
    pub fn actual(&self) -> crate::MessageType {
        self.message.message_type()
    }
}
