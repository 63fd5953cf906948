// The README's examples use every format and serde, so it is the crate's page only when they
// are all there; a build with fewer features keeps the short summary below instead.
#![cfg_attr(
    all(
        feature = "json",
        feature = "msgpack",
        feature = "cbor",
        feature = "flatbuffers",
        feature = "serde"
    ),
    doc = include_str!("../README.md")
)]
#![cfg_attr(
    not(all(
        feature = "json",
        feature = "msgpack",
        feature = "cbor",
        feature = "flatbuffers",
        feature = "serde"
    )),
    doc = "The 25 messages of the WAMP protocol, wire-compatible with autobahn-python, with the \
           serializers chosen by the crate's features (`json`, `msgpack`, `cbor`, \
           `flatbuffers`); the README describes the whole crate."
)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod bytewise;
pub mod error;
#[cfg(feature = "flatbuffers")]
#[cfg_attr(docsrs, doc(cfg(feature = "flatbuffers")))]
pub mod fbs;
pub mod message;
mod messages;
#[cfg(all(
    feature = "serde",
    any(feature = "json", feature = "msgpack", feature = "cbor")
))]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub mod payload;
pub mod router;
pub mod serializer;
#[cfg(any_format)]
pub mod transport;
pub mod validate;
pub mod value;
#[cfg(feature = "serde")]
mod value_serde;
#[cfg(any(feature = "json", feature = "msgpack", feature = "cbor"))]
pub mod view;
/// Without a serializer there is nothing to view: only the [`item::Item`] trait, which the
/// owned messages' validation reads values through, is here.
#[cfg(not(any(feature = "json", feature = "msgpack", feature = "cbor")))]
pub mod view {
    pub mod item;
}

pub use error::{
    DecodeError, EncodeError, ErrorKind, FieldRole, UnexpectedMessage, ValidationError,
};
pub use message::pubsub::{
    Event, EventReceived, Publish, Published, StrOrBytesArgs, Subscribe, Subscribed, Unsubscribe,
    Unsubscribed,
};
pub use message::rpc::{
    Call, CallResult, Cancel, Interrupt, Invocation, Register, Registered, Unregister,
    Unregistered, Yield,
};
pub use message::session::{
    Abort, Authenticate, Challenge, ErrorReply, Features, Goodbye, Hello, Role, Roles, Welcome,
};
pub use message::{Correlation, Head, HeadElement, Id, PayloadRef, Principal, WampMessage};
pub use messages::{Family, Message, MessageType};
pub use validate::{
    check_or_raise_extra, check_or_raise_id, check_or_raise_realm_name, check_or_raise_uri,
    identify_realm_name_category, is_valid_enc_algo, is_valid_enc_serializer, RealmNameCategory,
    UriRule, PAYLOAD_ENC_CRYPTO_BOX, PAYLOAD_ENC_MQTT, PAYLOAD_ENC_STANDARD_IDENTIFIERS,
};
pub use value::{Dict, Value};
