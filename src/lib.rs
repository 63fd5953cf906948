#![doc = include_str!("../README.md")]
#![deny(unsafe_code)]
#![deny(missing_docs)]

mod bytewise;
pub mod error;
pub mod fbs;
pub mod message;
mod messages;
pub mod router;
pub mod serializer;
pub mod validate;
pub mod value;
pub mod view;

pub use error::{DecodeError, EncodeError, ErrorKind, FieldRole, ValidationError};
pub use message::pubsub::{
    Event, EventReceived, Publish, Published, StrOrBytesArgs, Subscribe, Subscribed, Unsubscribe,
    Unsubscribed,
};
pub use message::rpc::{
    Call, CallResult, Cancel, Interrupt, Invocation, Register, Registered, Unregister,
    Unregistered, Yield,
};
pub use message::session::{Abort, Authenticate, Challenge, ErrorReply, Goodbye, Hello, Welcome};
pub use message::{Correlation, PayloadRef, Principal, WampMessage};
pub use messages::{Family, Message, MessageType};
pub use validate::{
    check_or_raise_extra, check_or_raise_id, check_or_raise_realm_name, check_or_raise_uri,
    identify_realm_name_category, is_valid_enc_algo, is_valid_enc_serializer, RealmNameCategory,
    UriRule, PAYLOAD_ENC_CRYPTO_BOX, PAYLOAD_ENC_MQTT, PAYLOAD_ENC_STANDARD_IDENTIFIERS,
};
pub use value::{Dict, Value};
