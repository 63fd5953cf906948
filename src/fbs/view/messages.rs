//! The 25 message views, their accessors and their conversions to the owned types.

use core::fmt;

use super::reader::{Offsets, StrIter, Table, U64Iter};
use super::specs::{self, slot_of};
use super::verifier::TableSpec;
use crate::error::DecodeError;
use crate::message::pubsub::*;
use crate::message::rpc::*;
use crate::message::session::*;
use crate::message::{Correlation, Id, Principal};
use crate::messages::MessageType;
use crate::serializer::Limits;
use crate::value::{Dict, Value};

/// An owned message type's FlatBuffers view type (`<Publish as FbsView>::Ref<'a>` is
/// [`PublishRef<'a>`]).
pub trait FbsView {
    /// The view type.
    type Ref<'a>: Copy;
    /// The message type viewed.
    const MESSAGE_TYPE: MessageType;
}

/// Crate-private: the const field table of an owned type's FlatBuffers table, and how to wrap a
/// verified table position in the view.
pub(crate) trait ViewSpec: FbsView {
    const SPEC: &'static TableSpec;
    /// The view of verified table `t`, with its key string if `cast` saw it.
    fn wrap<'a>(t: Table<'a>, key: Option<&'a str>) -> Self::Ref<'a>;
}

/// One accessor of a view, reading schema field `$field` of table spec `$spec`.
macro_rules! accessor {
    ($spec:ident, $name:ident, $field:literal, u64) => {
        #[doc = concat!("`", $field, "` (`uint64`; 0 when absent).")]
        pub fn $name(&self) -> u64 {
            const S: usize = slot_of(&specs::$spec, $field);
            self.t.u64(S).unwrap_or(0)
        }
    };
    ($spec:ident, $name:ident, $field:literal, u32) => {
        #[doc = concat!("`", $field, "` (`uint32`; 0 when absent).")]
        pub fn $name(&self) -> u32 {
            const S: usize = slot_of(&specs::$spec, $field);
            self.t.u32(S).unwrap_or(0)
        }
    };
    ($spec:ident, $name:ident, $field:literal, u16) => {
        #[doc = concat!("`", $field, "` (`uint16`; 0 when absent).")]
        pub fn $name(&self) -> u16 {
            const S: usize = slot_of(&specs::$spec, $field);
            self.t.u16(S).unwrap_or(0)
        }
    };
    ($spec:ident, $name:ident, $field:literal, u8) => {
        #[doc = concat!("`", $field, "` (raw `uint8` enum value; 0 when absent).")]
        pub fn $name(&self) -> u8 {
            const S: usize = slot_of(&specs::$spec, $field);
            self.t.u8(S).unwrap_or(0)
        }
    };
    ($spec:ident, $name:ident, $field:literal, bool) => {
        #[doc = concat!("`", $field, "` (`bool`): `None` when absent (the schema default).")]
        pub fn $name(&self) -> Option<bool> {
            const S: usize = slot_of(&specs::$spec, $field);
            self.t.bool(S)
        }
    };
    ($spec:ident, $name:ident, $field:literal, str) => {
        #[doc = concat!("`", $field, "` (`string`), borrowed from the buffer.")]
        #[inline]
        pub fn $name(&self) -> Option<&'a str> {
            const S: usize = slot_of(&specs::$spec, $field);
            self.string(S)
        }
    };
    ($spec:ident, $name:ident, $field:literal, req_str) => {
        #[doc = concat!("`", $field, "` (`string`, required), borrowed from the buffer.")]
        #[inline]
        pub fn $name(&self) -> &'a str {
            const S: usize = slot_of(&specs::$spec, $field);
            self.string(S).unwrap_or("")
        }
    };
    ($spec:ident, $name:ident, $field:literal, bytes) => {
        #[doc = concat!("`", $field, "` (`[uint8]`), borrowed from the buffer.")]
        pub fn $name(&self) -> Option<&'a [u8]> {
            const S: usize = slot_of(&specs::$spec, $field);
            self.t.bytes(S)
        }
    };
    ($spec:ident, $name:ident, $field:literal, u64s) => {
        #[doc = concat!("`", $field, "` (`[uint64]`), read in place.")]
        pub fn $name(&self) -> Option<U64Iter<'a>> {
            const S: usize = slot_of(&specs::$spec, $field);
            self.t.u64s(S)
        }
    };
    ($spec:ident, $name:ident, $field:literal, strs) => {
        #[doc = concat!("`", $field, "` (`[string]`), borrowed from the buffer.")]
        pub fn $name(&self) -> Option<StrIter<'a>> {
            const S: usize = slot_of(&specs::$spec, $field);
            self.t.strs(S)
        }
    };
    ($spec:ident, $name:ident, $field:literal, principals) => {
        #[doc = concat!("`", $field, "` (`[Principal]`): the forwarding path, as views.")]
        pub fn $name(&self) -> Option<PrincipalIter<'a>> {
            const S: usize = slot_of(&specs::$spec, $field);
            self.t.tables(S).map(PrincipalIter)
        }
    };
    ($spec:ident, $name:ident, $field:literal, algo) => {
        #[doc = concat!("`", $field, "` (`PPTScheme`) as autobahn's `enc_algo` string (`cryptobox`, ",
                        "`mqtt`, `xbr`); `None` when absent, 0 or unknown.")]
        pub fn $name(&self) -> Option<&'static str> {
            const S: usize = slot_of(&specs::$spec, $field);
            enc_algo(self.t.u8(S).unwrap_or(0))
        }
    };
    ($spec:ident, $name:ident, $field:literal, ser) => {
        #[doc = concat!("`", $field, "` (`PPTSerializer`) as autobahn's `enc_serializer` string ",
                        "(`json`, `msgpack`, `cbor`, ...); `None` when absent, 0 or unknown.")]
        pub fn $name(&self) -> Option<&'static str> {
            const S: usize = slot_of(&specs::$spec, $field);
            enc_serializer(self.t.u8(S).unwrap_or(0))
        }
    };
    ($spec:ident, $name:ident, $field:literal, payload) => {
        #[doc = concat!("`", $field, "` (`[uint8]`): the raw CBOR, borrowed from the buffer.")]
        pub fn $name(&self) -> Option<&'a [u8]> {
            const S: usize = slot_of(&specs::$spec, $field);
            self.t.bytes(S)
        }
    };
}

/// A view type: the struct, its accessors, and its place in the type table.
macro_rules! view {
    (
        $(#[$doc:meta])*
        $ref:ident for $owned:ident, $spec:ident {
            $($name:ident = $field:literal : $kind:ident),* $(,)?
        }
    ) => {
        $(#[$doc])*
        ///
        /// A verified position in a borrowed buffer: `Copy`, five words, and every accessor
        /// reads in place (strings and byte vectors are borrowed, nothing is decoded until asked).
        #[derive(Clone, Copy)]
        pub struct $ref<'a> {
            t: Table<'a>,
            /// The message's URI as `cast` validated it (see `TableSpec::key`); `None` when
            /// absent or not kept, and then read from the table.
            key: Option<&'a str>,
        }

        impl FbsView for $owned {
            type Ref<'a> = $ref<'a>;
            const MESSAGE_TYPE: MessageType = match MessageType::from_code(
                <$owned as crate::message::WampMessage>::MESSAGE_TYPE,
            ) {
                Some(t) => t,
                None => panic!("a view of a type with no message code"),
            };
        }

        impl ViewSpec for $owned {
            const SPEC: &'static TableSpec = &specs::$spec;
            fn wrap<'a>(t: Table<'a>, key: Option<&'a str>) -> $ref<'a> {
                $ref { t, key }
            }
        }

        impl<'a> $ref<'a> {
            $(accessor!($spec, $name, $field, $kind);)*

            /// The string in `slot`: the key string `cast` kept, or read (and its UTF-8
            /// checked again) from the table. (Unused by the views that have no string.)
            #[allow(dead_code)]
            #[inline]
            fn string(&self, slot: usize) -> Option<&'a str> {
                match self.key {
                    Some(key) if slot == specs::$spec.key => Some(key),
                    _ => table_str(self.t, slot),
                }
            }
        }

        impl fmt::Debug for $ref<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ref))
                    .field("table", &self.t.pos)
                    .field("vtable", &self.t.vtable)
                    .finish()
            }
        }
    };
}

/// The string in `slot` of `t`, out of line and given the table by value: a view's accessor
/// that reads its key string then needs none of the view in memory, so that a view just
/// returned is read field by field where it was written, not first copied (a copy reads the
/// fields' narrow stores with wide loads, which wait for the stores to reach the cache).
#[inline(never)]
fn table_str(t: Table<'_>, slot: usize) -> Option<&str> {
    t.str(slot)
}

/// `args()` and `kwargs()`, decoding the CBOR of `args_bytes()` / `kwargs_bytes()` on demand.
macro_rules! payload_decoders {
    ($($ref:ident: $name:literal),* $(,)?) => {$(
        impl $ref<'_> {
            /// The positional arguments, decoded from their CBOR (`args_bytes()`) now, within
            /// the default [`Limits`].
            pub fn args(&self) -> Result<Option<Vec<Value>>, DecodeError> {
                decode_args(self.args_bytes(), $name, &Limits::DEFAULT)
            }

            /// The keyword arguments, decoded from their CBOR (`kwargs_bytes()`) now, within
            /// the default [`Limits`].
            pub fn kwargs(&self) -> Result<Option<Dict>, DecodeError> {
                decode_kwargs(self.kwargs_bytes(), $name, &Limits::DEFAULT)
            }

            /// [`args`](Self::args) within `limits`.
            pub fn args_with(&self, limits: &Limits) -> Result<Option<Vec<Value>>, DecodeError> {
                decode_args(self.args_bytes(), $name, limits)
            }

            /// [`kwargs`](Self::kwargs) within `limits`.
            pub fn kwargs_with(&self, limits: &Limits) -> Result<Option<Dict>, DecodeError> {
                decode_kwargs(self.kwargs_bytes(), $name, limits)
            }
        }
    )*};
}

fn enc_algo(v: u8) -> Option<&'static str> {
    match v {
        1 => Some("cryptobox"),
        2 => Some("mqtt"),
        3 => Some("xbr"),
        _ => None,
    }
}

fn enc_serializer(v: u8) -> Option<&'static str> {
    match v {
        1 => Some("json"),
        2 => Some("msgpack"),
        3 => Some("cbor"),
        4 => Some("ubjson"),
        5 => Some("opaque"),
        6 => Some("flatbuffers"),
        7 => Some("flexbuffers"),
        _ => None,
    }
}

fn cbor(bytes: &[u8], field: &str, message: &str, limits: &Limits) -> Result<Value, DecodeError> {
    crate::serializer::cbor::value_from_slice(bytes, limits).map_err(|e| match e {
        DecodeError::Syntax { reason, .. } => DecodeError::syntax(
            "flatbuffers",
            format!("'{field}' in {message}: invalid CBOR: {reason}"),
        ),
        other => other,
    })
}

fn decode_args(
    bytes: Option<&[u8]>,
    message: &str,
    limits: &Limits,
) -> Result<Option<Vec<Value>>, DecodeError> {
    match bytes {
        None => Ok(None),
        Some(b) => match cbor(b, "args", message, limits)? {
            Value::List(l) => Ok(Some(l)),
            other => Err(DecodeError::syntax(
                "flatbuffers",
                format!(
                    "'args' in {message}: CBOR {} is not a list",
                    other.type_name()
                ),
            )),
        },
    }
}

fn decode_kwargs(
    bytes: Option<&[u8]>,
    message: &str,
    limits: &Limits,
) -> Result<Option<Dict>, DecodeError> {
    match bytes {
        None => Ok(None),
        Some(b) => match cbor(b, "kwargs", message, limits)? {
            Value::Map(m) => Ok(Some(m)),
            other => Err(DecodeError::syntax(
                "flatbuffers",
                format!(
                    "'kwargs' in {message}: CBOR {} is not a map",
                    other.type_name()
                ),
            )),
        },
    }
}

// ---- Principal ----

/// A view of a `Principal` table (an element of `forward_for`).
#[derive(Clone, Copy)]
pub struct PrincipalRef<'a> {
    t: Table<'a>,
}

impl<'a> PrincipalRef<'a> {
    fn string(&self, slot: usize) -> Option<&'a str> {
        self.t.str(slot)
    }

    accessor!(PRINCIPAL, session, "session", u64);
    accessor!(PRINCIPAL, authid, "authid", str);
    accessor!(PRINCIPAL, authrole, "authrole", str);
}

impl fmt::Debug for PrincipalRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrincipalRef")
            .field("session", &self.session())
            .field("authid", &self.authid())
            .field("authrole", &self.authrole())
            .finish()
    }
}

impl From<PrincipalRef<'_>> for Principal {
    fn from(p: PrincipalRef<'_>) -> Principal {
        Principal {
            session: p.session(),
            authid: p.authid().unwrap_or_default().to_owned(),
            authrole: p.authrole().unwrap_or_default().to_owned(),
        }
    }
}

/// The elements of a `[Principal]` vector, as views.
#[derive(Clone, Debug)]
pub struct PrincipalIter<'a>(Offsets<'a>);

impl<'a> Iterator for PrincipalIter<'a> {
    type Item = PrincipalRef<'a>;

    fn next(&mut self) -> Option<PrincipalRef<'a>> {
        let buf = self.0.buf();
        let pos = self.0.next()?;
        // Verified by `cast`; a logic bug gives an empty principal, not a panic.
        let t = pos.and_then(|p| Table::at(buf, p)).unwrap_or(Table {
            buf: &[],
            pos: 0,
            vtable: 0,
        });
        Some(PrincipalRef { t })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for PrincipalIter<'_> {}

// ---- the 25 views ----

view! {
    /// A view of HELLO (`wamp.proto.Hello`).
    HelloRef for Hello, HELLO {
        session = "session": u64,
        realm = "realm": str,
        authmethods_raw = "authmethods": bytes,
        authid = "authid": str,
        authrole = "authrole": str,
        resumable = "resumable": bool,
        resume_session = "resume_session": u64,
        resume_token = "resume_token": str,
        authextra_cbor = "authextra_cbor": payload,
        authmethods_names = "authmethods_names": strs,
    }
}

view! {
    /// A view of WELCOME (`wamp.proto.Welcome`).
    WelcomeRef for Welcome, WELCOME {
        session = "session": u64,
        realm = "realm": str,
        authid = "authid": str,
        authrole = "authrole": str,
        authmethod_raw = "authmethod": u8,
        authprovider = "authprovider": str,
        resumed = "resumed": bool,
        resumable = "resumable": bool,
        resume_token = "resume_token": str,
        authextra_cbor = "authextra_cbor": payload,
        authmethod_name = "authmethod_name": str,
        custom_cbor = "custom_cbor": payload,
    }
}

view! {
    /// A view of ABORT (`wamp.proto.Abort`).
    AbortRef for Abort, ABORT {
        reason = "reason": req_str,
        message = "message": str,
    }
}

view! {
    /// A view of CHALLENGE (`wamp.proto.Challenge`).
    ChallengeRef for Challenge, CHALLENGE {
        method_raw = "method": u8,
        extra_cbor = "extra_cbor": payload,
        method_name = "method_name": str,
    }
}

view! {
    /// A view of AUTHENTICATE (`wamp.proto.Authenticate`).
    AuthenticateRef for Authenticate, AUTHENTICATE {
        signature = "signature": str,
        extra_cbor = "extra_cbor": payload,
    }
}

view! {
    /// A view of GOODBYE (`wamp.proto.Goodbye`).
    GoodbyeRef for Goodbye, GOODBYE {
        reason = "reason": req_str,
        message = "message": str,
        resumable = "resumable": bool,
    }
}

view! {
    /// A view of ERROR (`wamp.proto.Error`; owned type [`ErrorReply`]).
    ErrorReplyRef for ErrorReply, ERROR {
        request_type_code = "request_type": u16,
        request = "request": u64,
        error = "error": req_str,
        args_bytes = "args": payload,
        kwargs_bytes = "kwargs": payload,
        payload = "payload": bytes,
        ppt_scheme = "ppt_scheme": algo,
        ppt_serializer = "ppt_serializer": ser,
        ppt_cipher = "ppt_cipher": u8,
        ppt_keyid = "ppt_keyid": str,
        forward_for = "forward_for": principals,
        callee = "callee": u64,
        callee_authid = "callee_authid": str,
        callee_authrole = "callee_authrole": str,
    }
}

view! {
    /// A view of PUBLISH (`wamp.proto.Publish`).
    PublishRef for Publish, PUBLISH {
        request = "request": u64,
        topic = "topic": req_str,
        args_bytes = "args": payload,
        kwargs_bytes = "kwargs": payload,
        payload = "payload": bytes,
        ppt_scheme = "ppt_scheme": algo,
        ppt_scheme_value = "ppt_scheme": u8,
        ppt_serializer = "ppt_serializer": ser,
        ppt_serializer_value = "ppt_serializer": u8,
        ppt_cipher = "ppt_cipher": u8,
        ppt_keyid = "ppt_keyid": str,
        acknowledge = "acknowledge": bool,
        exclude_me = "exclude_me": bool,
        exclude = "exclude": u64s,
        exclude_authid = "exclude_authid": strs,
        exclude_authrole = "exclude_authrole": strs,
        eligible = "eligible": u64s,
        eligible_authid = "eligible_authid": strs,
        eligible_authrole = "eligible_authrole": strs,
        retain = "retain": bool,
        transaction_hash = "transaction_hash": str,
        forward_for = "forward_for": principals,
    }
}

view! {
    /// A view of PUBLISHED (`wamp.proto.Published`).
    PublishedRef for Published, PUBLISHED {
        request = "request": u64,
        publication = "publication": u64,
    }
}

view! {
    /// A view of SUBSCRIBE (`wamp.proto.Subscribe`).
    SubscribeRef for Subscribe, SUBSCRIBE {
        request = "request": u64,
        topic = "topic": str,
        match_raw = "match": u8,
        get_retained = "get_retained": bool,
        forward_for = "forward_for": principals,
    }
}

view! {
    /// A view of SUBSCRIBED (`wamp.proto.Subscribed`).
    SubscribedRef for Subscribed, SUBSCRIBED {
        request = "request": u64,
        subscription = "subscription": u64,
    }
}

view! {
    /// A view of UNSUBSCRIBE (`wamp.proto.Unsubscribe`).
    UnsubscribeRef for Unsubscribe, UNSUBSCRIBE {
        request = "request": u64,
        subscription = "subscription": u64,
        forward_for = "forward_for": principals,
    }
}

view! {
    /// A view of UNSUBSCRIBED (`wamp.proto.Unsubscribed`).
    UnsubscribedRef for Unsubscribed, UNSUBSCRIBED {
        request = "request": u64,
        subscription = "subscription": u64,
        reason = "reason": str,
    }
}

view! {
    /// A view of EVENT (`wamp.proto.Event`).
    EventRef for Event, EVENT {
        subscription = "subscription": u64,
        publication = "publication": u64,
        args_bytes = "args": payload,
        kwargs_bytes = "kwargs": payload,
        payload = "payload": bytes,
        ppt_scheme = "ppt_scheme": algo,
        ppt_serializer = "ppt_serializer": ser,
        ppt_cipher = "ppt_cipher": u8,
        ppt_keyid = "ppt_keyid": str,
        publisher = "publisher": u64,
        publisher_authid = "publisher_authid": str,
        publisher_authrole = "publisher_authrole": str,
        topic = "topic": str,
        retained = "retained": bool,
        transaction_hash = "transaction_hash": str,
        acknowledge = "acknowledge": bool,
        forward_for = "forward_for": principals,
    }
}

view! {
    /// A view of EVENT_RECEIVED (`wamp.proto.EventReceived`, union tag 37).
    EventReceivedRef for EventReceived, EVENT_RECEIVED {
        publication = "publication": u64,
        forward_for = "forward_for": principals,
    }
}

view! {
    /// A view of CALL (`wamp.proto.Call`).
    CallRef for Call, CALL {
        request = "request": u64,
        procedure = "procedure": req_str,
        args_bytes = "args": payload,
        kwargs_bytes = "kwargs": payload,
        payload = "payload": bytes,
        ppt_scheme = "ppt_scheme": algo,
        ppt_serializer = "ppt_serializer": ser,
        ppt_cipher = "ppt_cipher": u8,
        ppt_keyid = "ppt_keyid": str,
        timeout = "timeout": u32,
        receive_progress = "receive_progress": bool,
        transaction_hash = "transaction_hash": str,
        caller = "caller": u64,
        caller_authid = "caller_authid": str,
        caller_authrole = "caller_authrole": str,
        forward_for = "forward_for": principals,
    }
}

view! {
    /// A view of CANCEL (`wamp.proto.Cancel`).
    CancelRef for Cancel, CANCEL {
        request = "request": u64,
        mode_raw = "mode": u8,
        forward_for = "forward_for": principals,
    }
}

view! {
    /// A view of RESULT (`wamp.proto.CallResult`; owned type [`CallResult`]).
    CallResultRef for CallResult, RESULT {
        request = "request": u64,
        args_bytes = "args": payload,
        kwargs_bytes = "kwargs": payload,
        payload = "payload": bytes,
        ppt_scheme = "ppt_scheme": algo,
        ppt_serializer = "ppt_serializer": ser,
        ppt_cipher = "ppt_cipher": u8,
        ppt_keyid = "ppt_keyid": str,
        progress = "progress": bool,
        callee = "callee": u64,
        callee_authid = "callee_authid": str,
        callee_authrole = "callee_authrole": str,
        forward_for = "forward_for": principals,
    }
}

view! {
    /// A view of REGISTER (`wamp.proto.Register`).
    RegisterRef for Register, REGISTER {
        request = "request": u64,
        procedure = "procedure": str,
        match_raw = "match": u8,
        invoke_raw = "invoke": u8,
        concurrency = "concurrency": u16,
        force_reregister = "force_reregister": bool,
        forward_for = "forward_for": principals,
    }
}

view! {
    /// A view of REGISTERED (`wamp.proto.Registered`).
    RegisteredRef for Registered, REGISTERED {
        request = "request": u64,
        registration = "registration": u64,
    }
}

view! {
    /// A view of UNREGISTER (`wamp.proto.Unregister`).
    UnregisterRef for Unregister, UNREGISTER {
        request = "request": u64,
        registration = "registration": u64,
        forward_for = "forward_for": principals,
    }
}

view! {
    /// A view of UNREGISTERED (`wamp.proto.Unregistered`).
    UnregisteredRef for Unregistered, UNREGISTERED {
        request = "request": u64,
        registration = "registration": u64,
        reason = "reason": str,
    }
}

view! {
    /// A view of INVOCATION (`wamp.proto.Invocation`).
    InvocationRef for Invocation, INVOCATION {
        request = "request": u64,
        registration = "registration": u64,
        args_bytes = "args": payload,
        kwargs_bytes = "kwargs": payload,
        payload = "payload": bytes,
        ppt_scheme = "ppt_scheme": algo,
        ppt_serializer = "ppt_serializer": ser,
        ppt_cipher = "ppt_cipher": u8,
        ppt_keyid = "ppt_keyid": str,
        procedure = "procedure": str,
        timeout = "timeout": u32,
        receive_progress = "receive_progress": bool,
        transaction_hash = "transaction_hash": str,
        caller = "caller": u64,
        caller_authid = "caller_authid": str,
        caller_authrole = "caller_authrole": str,
        forward_for = "forward_for": principals,
    }
}

view! {
    /// A view of INTERRUPT (`wamp.proto.Interrupt`).
    InterruptRef for Interrupt, INTERRUPT {
        request = "request": u64,
        mode_raw = "mode": u8,
        reason = "reason": str,
        forward_for = "forward_for": principals,
    }
}

view! {
    /// A view of YIELD (`wamp.proto.Yield`).
    YieldRef for Yield, YIELD {
        request = "request": u64,
        args_bytes = "args": payload,
        kwargs_bytes = "kwargs": payload,
        payload = "payload": bytes,
        ppt_scheme = "ppt_scheme": algo,
        ppt_serializer = "ppt_serializer": ser,
        ppt_cipher = "ppt_cipher": u8,
        ppt_keyid = "ppt_keyid": str,
        progress = "progress": bool,
        callee = "callee": u64,
        callee_authid = "callee_authid": str,
        callee_authrole = "callee_authrole": str,
        forward_for = "forward_for": principals,
    }
}

payload_decoders! {
    ErrorReplyRef: "ERROR",
    PublishRef: "PUBLISH",
    EventRef: "EVENT",
    CallRef: "CALL",
    CallResultRef: "RESULT",
    InvocationRef: "INVOCATION",
    YieldRef: "YIELD",
}

// ---- enums as autobahn's strings ----

const AUTH_METHODS: [&str; 5] = ["anonymous", "ticket", "wampcra", "wamp-scram", "cryptosign"];
const MATCHES: [&str; 3] = ["exact", "prefix", "wildcard"];
const INVOKES: [&str; 5] = ["single", "first", "last", "roundrobin", "random"];
const CANCEL_MODES: [&str; 3] = ["skip", "kill", "killnowait"];

fn name_of(names: &'static [&'static str], v: u8) -> Option<&'static str> {
    names.get(v as usize).copied()
}

impl<'a> HelloRef<'a> {
    /// `authmethods` (`[AuthMethod]`) as names (`ticket`, `wampcra`, ...; unknown values are
    /// skipped). Autobahn never writes it.
    pub fn authmethods(&self) -> Option<impl Iterator<Item = &'static str> + 'a> {
        self.authmethods_raw()
            .map(|b| b.iter().filter_map(|&v| name_of(&AUTH_METHODS, v)))
    }

    /// Whether `roles` (`ClientRoles`) is present; autobahn never writes it.
    pub fn has_roles(&self) -> bool {
        const S: usize = slot_of(&specs::HELLO, "roles");
        self.t.field(S).is_some()
    }

    /// `roles` (`ClientRoles`): each role present, with the features it sets (empty when the
    /// table is absent, as autobahn writes it).
    pub fn roles(&self) -> Roles {
        roles(
            &self.t,
            slot_of(&specs::HELLO, "roles"),
            &specs::CLIENT_ROLES,
        )
    }
}

impl<'a> WelcomeRef<'a> {
    /// The authentication method: `authmethod_name` when present (a method without an
    /// `AuthMethod` value), else `authmethod` (`AuthMethod`) as its name; `None` when both are
    /// absent (autobahn writes neither).
    pub fn authmethod(&self) -> Option<&'a str> {
        const S: usize = slot_of(&specs::WELCOME, "authmethod");
        self.authmethod_name()
            .or_else(|| self.t.u8(S).and_then(|v| name_of(&AUTH_METHODS, v)))
    }

    /// `roles` (`RouterRoles`): each role present, with the features it sets (empty when the
    /// table is absent, as autobahn writes it).
    pub fn roles(&self) -> Roles {
        roles(
            &self.t,
            slot_of(&specs::WELCOME, "roles"),
            &specs::ROUTER_ROLES,
        )
    }
}

impl<'a> ChallengeRef<'a> {
    /// The challenge method: `method_name` when present (a method without an `AuthMethod`
    /// value), else `method` (`AuthMethod`) as its name (`anonymous` when absent or unknown).
    pub fn method(&self) -> &'a str {
        self.method_name()
            .unwrap_or_else(|| name_of(&AUTH_METHODS, self.method_raw()).unwrap_or("anonymous"))
    }
}

impl SubscribeRef<'_> {
    /// `match` (`Match`) as its name: `exact` (the default), `prefix`, `wildcard`.
    pub fn r#match(&self) -> &'static str {
        name_of(&MATCHES, self.match_raw()).unwrap_or("exact")
    }
}

impl RegisterRef<'_> {
    /// `match` (`Match`) as its name: `exact` (the default), `prefix`, `wildcard`.
    pub fn r#match(&self) -> &'static str {
        name_of(&MATCHES, self.match_raw()).unwrap_or("exact")
    }

    /// `invoke` (`InvocationPolicy`) as its name: `single` (the default), `first`, `last`,
    /// `roundrobin`, `random`.
    pub fn invoke(&self) -> &'static str {
        name_of(&INVOKES, self.invoke_raw()).unwrap_or("single")
    }
}

impl CancelRef<'_> {
    /// `mode` (`CancelMode`) as its name; `None` when absent. The crate writes a given `skip`
    /// (the default, 0) too; autobahn elides it and writes `killnowait` as 0 as well, so in its
    /// bytes `skip`, `killnowait` and no mode all read as `None`.
    pub fn mode(&self) -> Option<&'static str> {
        const S: usize = slot_of(&specs::CANCEL, "mode");
        self.t.u8(S).and_then(|v| name_of(&CANCEL_MODES, v))
    }
}

impl InterruptRef<'_> {
    /// `mode` (`CancelMode`) as its name; `None` when absent. The crate writes a given `kill`
    /// (the default, 1) too; autobahn writes 1 for both `kill` and `killnowait` and elides it, so
    /// in its bytes the mode is never present.
    pub fn mode(&self) -> Option<&'static str> {
        const S: usize = slot_of(&specs::INTERRUPT, "mode");
        self.t.u8(S).and_then(|v| name_of(&CANCEL_MODES, v))
    }
}

impl ErrorReplyRef<'_> {
    /// `request_type` (`MessageType`, the WAMP code of the request); `None` when absent or not
    /// a message code.
    pub fn request_type(&self) -> Option<MessageType> {
        MessageType::from_code(u64::from(self.request_type_code()))
    }
}

// ---- conversions to the owned types ----

/// An optional integer field as the owned types keep it: `None` when absent, the value (0
/// too) when present, so that a given 0 survives the round trip (autobahn never writes 0, so
/// its bytes read as before).
macro_rules! given_int {
    ($v:expr, $spec:ident, $field:literal, $ty:ident) => {{
        const S: usize = slot_of(&specs::$spec, $field);
        $v.t.$ty(S).map(Into::into)
    }};
}

fn own(s: Option<&str>) -> Option<String> {
    s.map(str::to_owned)
}

/// `concurrency`, which the owned type keeps as `Option<i64>`, absent when 0 (autobahn keeps
/// only a truthy value).
fn nonzero(v: u16) -> Option<i64> {
    (v != 0).then_some(i64::from(v))
}

fn principals(it: Option<PrincipalIter<'_>>) -> Option<Vec<Principal>> {
    it.map(|it| it.map(Principal::from).collect())
}

fn strings(it: Option<StrIter<'_>>) -> Option<Vec<String>> {
    it.map(|it| it.map(str::to_owned).collect())
}

fn ids(it: Option<U64Iter<'_>>) -> Option<Vec<Id>> {
    it.map(Iterator::collect)
}

/// `authextra` / `extra`: the crate's CBOR field when present (an extra the `Map` table cannot
/// hold), else the one-pair `Map` table.
fn extra_field(
    t: &Table<'_>,
    map_slot: usize,
    cbor: Option<&[u8]>,
    field: &str,
    message: &str,
) -> Result<Option<Dict>, DecodeError> {
    match cbor {
        Some(bytes) => cbor_dict(bytes, field, message).map(Some),
        None => Ok(map_table(t, map_slot)),
    }
}

/// One of the crate's CBOR map fields (`authextra_cbor`, `custom_cbor`, ...) as a dict; errors
/// name `field`.
fn cbor_dict(bytes: &[u8], field: &str, message: &str) -> Result<Dict, DecodeError> {
    let rename = |e| match e {
        DecodeError::Syntax { format, reason } => DecodeError::Syntax {
            format,
            reason: reason.replacen("'kwargs'", &format!("'{field}'"), 1),
        },
        other => other,
    };
    Ok(decode_kwargs(Some(bytes), message, &Limits::DEFAULT)
        .map_err(rename)?
        .unwrap_or_default())
}

/// WELCOME's custom attributes from `custom_cbor`: every key must be one (`x_` and more), or
/// it would pass for a standard detail in `marshal`.
fn welcome_custom(v: &WelcomeRef<'_>) -> Result<Dict, DecodeError> {
    let Some(bytes) = v.custom_cbor() else {
        return Ok(Dict::new());
    };
    let custom = cbor_dict(bytes, "custom", "WELCOME")?;
    if let Some(k) = custom
        .keys()
        .find(|k| !crate::validate::is_custom_attribute(k))
    {
        return Err(DecodeError::syntax(
            "flatbuffers",
            format!("'custom' in WELCOME: {k:?} is not a custom attribute"),
        ));
    }
    Ok(custom)
}

/// The one-pair `Map` table as a dict.
fn map_table(t: &Table<'_>, slot: usize) -> Option<Dict> {
    let m = t.table(slot)?;
    let key = m.str(0)?.to_owned();
    let mut d = Dict::with_capacity(1);
    d.insert(key, m.str(1).map_or(Value::Null, Value::from));
    Some(d)
}

/// `roles`: each present role table, with the features it sets that the owned model knows.
fn roles(t: &Table<'_>, slot: usize, spec: &'static TableSpec) -> Roles {
    let mut out = Roles::new();
    let Some(r) = t.table(slot) else { return out };
    for (i, f) in spec.fields.iter().enumerate() {
        let (Some(role), Some(ft)) = (Role::from_name(f.name), r.table(i)) else {
            continue;
        };
        let mut features = Features::new();
        if let super::verifier::Kind::Table(fspec) = f.kind {
            for (j, feat) in fspec.fields.iter().enumerate() {
                // the schema's name for autobahn's `x_acknowledged_event_delivery`, as the builder
                // writes it
                let owned_name = match feat.name {
                    "acknowledge_event_received" => "x_acknowledged_event_delivery",
                    other => other,
                };
                if let (Some(v), Some(&name)) = (
                    ft.bool(j),
                    role.features().iter().find(|n| **n == owned_name),
                ) {
                    features.insert(name.into(), v);
                }
            }
        }
        out.insert(role, features);
    }
    out
}

impl TryFrom<HelloRef<'_>> for Hello {
    type Error = DecodeError;
    fn try_from(v: HelloRef<'_>) -> Result<Hello, DecodeError> {
        Ok(Hello {
            realm: own(v.realm()),
            roles: v.roles(),
            authmethods: strings(v.authmethods_names())
                .or_else(|| v.authmethods().map(|it| it.map(str::to_owned).collect())),
            authid: own(v.authid()),
            authrole: own(v.authrole()),
            authextra: extra_field(
                &v.t,
                slot_of(&specs::HELLO, "authextra"),
                v.authextra_cbor(),
                "authextra",
                "HELLO",
            )?,
            resumable: v.resumable(),
            resume_session: given_int!(v, HELLO, "resume_session", u64),
            resume_token: own(v.resume_token()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<WelcomeRef<'_>> for Welcome {
    type Error = DecodeError;
    fn try_from(v: WelcomeRef<'_>) -> Result<Welcome, DecodeError> {
        Ok(Welcome {
            session: v.session(),
            roles: v.roles(),
            realm: own(v.realm()),
            authid: own(v.authid()),
            authrole: own(v.authrole()),
            authmethod: v.authmethod().map(str::to_owned),
            authprovider: own(v.authprovider()),
            authextra: extra_field(
                &v.t,
                slot_of(&specs::WELCOME, "authextra"),
                v.authextra_cbor(),
                "authextra",
                "WELCOME",
            )?,
            resumed: v.resumed(),
            resumable: v.resumable(),
            resume_token: own(v.resume_token()),
            custom: welcome_custom(&v)?,
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<AbortRef<'_>> for Abort {
    type Error = DecodeError;
    fn try_from(v: AbortRef<'_>) -> Result<Abort, DecodeError> {
        Ok(Abort {
            reason: v.reason().to_owned(),
            message: own(v.message()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<ChallengeRef<'_>> for Challenge {
    type Error = DecodeError;
    fn try_from(v: ChallengeRef<'_>) -> Result<Challenge, DecodeError> {
        Ok(Challenge {
            method: v.method().to_owned(),
            extra: extra_field(
                &v.t,
                slot_of(&specs::CHALLENGE, "extra"),
                v.extra_cbor(),
                "extra",
                "CHALLENGE",
            )?
            .unwrap_or_default(),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<AuthenticateRef<'_>> for Authenticate {
    type Error = DecodeError;
    fn try_from(v: AuthenticateRef<'_>) -> Result<Authenticate, DecodeError> {
        Ok(Authenticate {
            signature: v.signature().unwrap_or_default().to_owned(),
            extra: extra_field(
                &v.t,
                slot_of(&specs::AUTHENTICATE, "extra"),
                v.extra_cbor(),
                "extra",
                "AUTHENTICATE",
            )?
            .unwrap_or_default(),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<GoodbyeRef<'_>> for Goodbye {
    type Error = DecodeError;
    fn try_from(v: GoodbyeRef<'_>) -> Result<Goodbye, DecodeError> {
        Ok(Goodbye {
            reason: v.reason().to_owned(),
            message: own(v.message()),
            resumable: v.resumable(),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<ErrorReplyRef<'_>> for ErrorReply {
    type Error = DecodeError;
    fn try_from(v: ErrorReplyRef<'_>) -> Result<ErrorReply, DecodeError> {
        let request_type = v.request_type().ok_or_else(|| {
            DecodeError::syntax(
                "flatbuffers",
                format!(
                    "'request_type' in ERROR: {} is not a WAMP message type",
                    v.request_type_code()
                ),
            )
        })?;
        Ok(ErrorReply {
            request_type,
            request: v.request(),
            error: v.error().to_owned(),
            args: v.args()?,
            kwargs: v.kwargs()?,
            payload: v.payload().map(<[u8]>::to_vec),
            enc_algo: v.ppt_scheme().map(str::to_owned),
            enc_key: own(v.ppt_keyid()),
            enc_serializer: v.ppt_serializer().map(str::to_owned),
            callee: given_int!(v, ERROR, "callee", u64),
            callee_authid: own(v.callee_authid()),
            callee_authrole: own(v.callee_authrole()),
            forward_for: principals(v.forward_for()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<PublishRef<'_>> for Publish {
    type Error = DecodeError;
    fn try_from(v: PublishRef<'_>) -> Result<Publish, DecodeError> {
        Ok(Publish {
            request: v.request(),
            topic: v.topic().to_owned(),
            args: v.args()?,
            kwargs: v.kwargs()?,
            payload: v.payload().map(<[u8]>::to_vec),
            // the builder refuses them, and `args` reads as a list
            args_str_or_bytes: None,
            acknowledge: v.acknowledge(),
            exclude_me: v.exclude_me(),
            exclude: ids(v.exclude()),
            exclude_authid: strings(v.exclude_authid()),
            exclude_authrole: strings(v.exclude_authrole()),
            eligible: ids(v.eligible()),
            eligible_authid: strings(v.eligible_authid()),
            eligible_authrole: strings(v.eligible_authrole()),
            retain: v.retain(),
            transaction_hash: own(v.transaction_hash()),
            enc_algo: v.ppt_scheme().map(str::to_owned),
            enc_key: own(v.ppt_keyid()),
            enc_serializer: v.ppt_serializer().map(str::to_owned),
            forward_for: principals(v.forward_for()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<PublishedRef<'_>> for Published {
    type Error = DecodeError;
    fn try_from(v: PublishedRef<'_>) -> Result<Published, DecodeError> {
        Ok(Published {
            request: v.request(),
            publication: v.publication(),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<SubscribeRef<'_>> for Subscribe {
    type Error = DecodeError;
    fn try_from(v: SubscribeRef<'_>) -> Result<Subscribe, DecodeError> {
        Ok(Subscribe {
            request: v.request(),
            topic: v.topic().unwrap_or_default().to_owned(),
            r#match: v.r#match().to_owned(),
            get_retained: v.get_retained(),
            forward_for: principals(v.forward_for()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<SubscribedRef<'_>> for Subscribed {
    type Error = DecodeError;
    fn try_from(v: SubscribedRef<'_>) -> Result<Subscribed, DecodeError> {
        Ok(Subscribed {
            request: v.request(),
            subscription: v.subscription(),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<UnsubscribeRef<'_>> for Unsubscribe {
    type Error = DecodeError;
    fn try_from(v: UnsubscribeRef<'_>) -> Result<Unsubscribe, DecodeError> {
        Ok(Unsubscribe {
            request: v.request(),
            subscription: v.subscription(),
            forward_for: principals(v.forward_for()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<UnsubscribedRef<'_>> for Unsubscribed {
    type Error = DecodeError;
    fn try_from(v: UnsubscribedRef<'_>) -> Result<Unsubscribed, DecodeError> {
        Ok(Unsubscribed {
            request: v.request(),
            subscription: given_int!(v, UNSUBSCRIBED, "subscription", u64),
            reason: own(v.reason()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<EventRef<'_>> for Event {
    type Error = DecodeError;
    fn try_from(v: EventRef<'_>) -> Result<Event, DecodeError> {
        Ok(Event {
            subscription: v.subscription(),
            publication: v.publication(),
            args: v.args()?,
            kwargs: v.kwargs()?,
            payload: v.payload().map(<[u8]>::to_vec),
            publisher: given_int!(v, EVENT, "publisher", u64),
            publisher_authid: own(v.publisher_authid()),
            publisher_authrole: own(v.publisher_authrole()),
            topic: own(v.topic()),
            retained: v.retained(),
            transaction_hash: own(v.transaction_hash()),
            x_acknowledged_delivery: v.acknowledge(),
            enc_algo: v.ppt_scheme().map(str::to_owned),
            enc_key: own(v.ppt_keyid()),
            enc_serializer: v.ppt_serializer().map(str::to_owned),
            forward_for: principals(v.forward_for()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<EventReceivedRef<'_>> for EventReceived {
    type Error = DecodeError;
    fn try_from(v: EventReceivedRef<'_>) -> Result<EventReceived, DecodeError> {
        Ok(EventReceived {
            publication: v.publication(),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<CallRef<'_>> for Call {
    type Error = DecodeError;
    fn try_from(v: CallRef<'_>) -> Result<Call, DecodeError> {
        Ok(Call {
            request: v.request(),
            procedure: v.procedure().to_owned(),
            args: v.args()?,
            kwargs: v.kwargs()?,
            payload: v.payload().map(<[u8]>::to_vec),
            timeout: given_int!(v, CALL, "timeout", u32),
            receive_progress: v.receive_progress(),
            transaction_hash: own(v.transaction_hash()),
            enc_algo: v.ppt_scheme().map(str::to_owned),
            enc_key: own(v.ppt_keyid()),
            enc_serializer: v.ppt_serializer().map(str::to_owned),
            caller: given_int!(v, CALL, "caller", u64),
            caller_authid: own(v.caller_authid()),
            caller_authrole: own(v.caller_authrole()),
            forward_for: principals(v.forward_for()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<CancelRef<'_>> for Cancel {
    type Error = DecodeError;
    fn try_from(v: CancelRef<'_>) -> Result<Cancel, DecodeError> {
        Ok(Cancel {
            request: v.request(),
            mode: v.mode().map(str::to_owned),
            forward_for: principals(v.forward_for()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<CallResultRef<'_>> for CallResult {
    type Error = DecodeError;
    fn try_from(v: CallResultRef<'_>) -> Result<CallResult, DecodeError> {
        Ok(CallResult {
            request: v.request(),
            args: v.args()?,
            kwargs: v.kwargs()?,
            payload: v.payload().map(<[u8]>::to_vec),
            progress: v.progress(),
            enc_algo: v.ppt_scheme().map(str::to_owned),
            enc_key: own(v.ppt_keyid()),
            enc_serializer: v.ppt_serializer().map(str::to_owned),
            callee: given_int!(v, RESULT, "callee", u64),
            callee_authid: own(v.callee_authid()),
            callee_authrole: own(v.callee_authrole()),
            forward_for: principals(v.forward_for()),
            ..CallResult::default()
        })
    }
}

impl TryFrom<RegisterRef<'_>> for Register {
    type Error = DecodeError;
    fn try_from(v: RegisterRef<'_>) -> Result<Register, DecodeError> {
        Ok(Register {
            request: v.request(),
            procedure: v.procedure().unwrap_or_default().to_owned(),
            r#match: v.r#match().to_owned(),
            invoke: v.invoke().to_owned(),
            concurrency: nonzero(v.concurrency()),
            force_reregister: v.force_reregister(),
            forward_for: principals(v.forward_for()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<RegisteredRef<'_>> for Registered {
    type Error = DecodeError;
    fn try_from(v: RegisteredRef<'_>) -> Result<Registered, DecodeError> {
        Ok(Registered {
            request: v.request(),
            registration: v.registration(),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<UnregisterRef<'_>> for Unregister {
    type Error = DecodeError;
    fn try_from(v: UnregisterRef<'_>) -> Result<Unregister, DecodeError> {
        Ok(Unregister {
            request: v.request(),
            registration: v.registration(),
            forward_for: principals(v.forward_for()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<UnregisteredRef<'_>> for Unregistered {
    type Error = DecodeError;
    fn try_from(v: UnregisteredRef<'_>) -> Result<Unregistered, DecodeError> {
        Ok(Unregistered {
            request: v.request(),
            registration: given_int!(v, UNREGISTERED, "registration", u64),
            reason: own(v.reason()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<InvocationRef<'_>> for Invocation {
    type Error = DecodeError;
    fn try_from(v: InvocationRef<'_>) -> Result<Invocation, DecodeError> {
        Ok(Invocation {
            request: v.request(),
            registration: v.registration(),
            args: v.args()?,
            kwargs: v.kwargs()?,
            payload: v.payload().map(<[u8]>::to_vec),
            timeout: given_int!(v, INVOCATION, "timeout", u32),
            receive_progress: v.receive_progress(),
            caller: given_int!(v, INVOCATION, "caller", u64),
            caller_authid: own(v.caller_authid()),
            caller_authrole: own(v.caller_authrole()),
            procedure: own(v.procedure()),
            transaction_hash: own(v.transaction_hash()),
            enc_algo: v.ppt_scheme().map(str::to_owned),
            enc_key: own(v.ppt_keyid()),
            enc_serializer: v.ppt_serializer().map(str::to_owned),
            forward_for: principals(v.forward_for()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<InterruptRef<'_>> for Interrupt {
    type Error = DecodeError;
    fn try_from(v: InterruptRef<'_>) -> Result<Interrupt, DecodeError> {
        Ok(Interrupt {
            request: v.request(),
            mode: v.mode().filter(|m| *m != "skip").map(str::to_owned),
            reason: own(v.reason()),
            forward_for: principals(v.forward_for()),
            correlation: Correlation::default(),
        })
    }
}

impl TryFrom<YieldRef<'_>> for Yield {
    type Error = DecodeError;
    fn try_from(v: YieldRef<'_>) -> Result<Yield, DecodeError> {
        Ok(Yield {
            request: v.request(),
            args: v.args()?,
            kwargs: v.kwargs()?,
            payload: v.payload().map(<[u8]>::to_vec),
            progress: v.progress(),
            enc_algo: v.ppt_scheme().map(str::to_owned),
            enc_key: own(v.ppt_keyid()),
            enc_serializer: v.ppt_serializer().map(str::to_owned),
            callee: given_int!(v, YIELD, "callee", u64),
            callee_authid: own(v.callee_authid()),
            callee_authrole: own(v.callee_authrole()),
            forward_for: principals(v.forward_for()),
            ..Yield::default()
        })
    }
}

impl EventRef<'_> {
    /// Where in the buffer the `subscription` field's eight bytes are, when present: where a
    /// fan-out stamps each subscriber's ID into one built EVENT.
    pub(crate) fn subscription_offset(&self) -> Option<usize> {
        const S: usize = slot_of(&specs::EVENT, "subscription");
        self.t.field(S)
    }
}

// ---- for the typed views (`crate::view::typed`) ----

/// The name of `AuthMethod` value `v` (`ticket`, `wampcra`, ...), `None` when unknown: how
/// [`HelloRef::authmethods`] reads `authmethods`.
pub(crate) fn auth_method_name(v: u8) -> Option<&'static str> {
    name_of(&AUTH_METHODS, v)
}

/// Optional integer fields as the owned conversions read them (`None` when absent, a given 0
/// kept): what the typed views answer for them.
macro_rules! given_accessors {
    ($($ref:ident { $($name:ident = $spec:ident $field:literal $ty:ident as $out:ty),* $(,)? })*) => {$(
        impl $ref<'_> {
            $(
                pub(crate) fn $name(&self) -> Option<$out> {
                    given_int!(self, $spec, $field, $ty)
                }
            )*
        }
    )*};
}

given_accessors! {
    HelloRef { given_resume_session = HELLO "resume_session" u64 as Id }
    ErrorReplyRef { given_callee = ERROR "callee" u64 as Id }
    UnsubscribedRef { given_subscription = UNSUBSCRIBED "subscription" u64 as Id }
    EventRef { given_publisher = EVENT "publisher" u64 as Id }
    CallRef { given_timeout = CALL "timeout" u32 as i64, given_caller = CALL "caller" u64 as Id }
    CallResultRef { given_callee = RESULT "callee" u64 as Id }
    UnregisteredRef { given_registration = UNREGISTERED "registration" u64 as Id }
    InvocationRef {
        given_timeout = INVOCATION "timeout" u32 as i64,
        given_caller = INVOCATION "caller" u64 as Id,
    }
    YieldRef { given_callee = YIELD "callee" u64 as Id }
}
