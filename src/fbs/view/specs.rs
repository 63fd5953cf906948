//! The schema as const field tables: one line per vtable slot, in schema order (slot `i` has
//! voffset `4 + 2 * i`). These drive both the verifier and the views' accessors
//! ([`slot_of`] finds an accessor's slot by name at compile time).

use super::verifier::Kind::*;
use super::verifier::{Field, KeyRule, TableSpec};
use crate::error::FieldRole;
use crate::validate::UriRule;

/// The slot of field `name` in `spec`; a compile-time error when an accessor names a field the
/// table does not have.
pub(crate) const fn slot_of(spec: &TableSpec, name: &str) -> usize {
    let mut i = 0;
    while i < spec.fields.len() {
        let f = spec.fields[i].name.as_bytes();
        let n = name.as_bytes();
        if f.len() == n.len() {
            let mut j = 0;
            while j < n.len() && f[j] == n[j] {
                j += 1;
            }
            if j == n.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("no such field in the table spec")
}

const fn o(name: &'static str, kind: super::verifier::Kind) -> Field {
    Field::opt(name, kind)
}

const fn r(name: &'static str, kind: super::verifier::Kind) -> Field {
    Field::req(name, kind)
}

pub(crate) static PRINCIPAL: TableSpec = TableSpec::new(
    "Principal",
    &[o("session", U64), o("authid", Str), o("authrole", Str)],
);

/// `wamp.Map` (used for `authextra` and `extra`; autobahn never writes it).
pub(crate) static MAP: TableSpec = TableSpec::new("Map", &[r("key", Str), o("value", Str)]);

pub(crate) static BROKER_FEATURES: TableSpec = TableSpec::new(
    "BrokerFeatures",
    &[
        o("publisher_identification", Bool),
        o("publisher_exclusion", Bool),
        o("subscriber_blackwhite_listing", Bool),
        o("pattern_based_subscription", Bool),
        o("publication_trustlevels", Bool),
        o("subscription_revocation", Bool),
        o("session_meta_api", Bool),
        o("subscription_meta_api", Bool),
        o("event_retention", Bool),
        o("event_history", Bool),
        o("acknowledge_event_received", Bool),
        o("acknowledge_subscriber_received", Bool),
        o("payload_transparency", Bool),
        o("payload_encryption_cryptobox", Bool),
    ],
);

pub(crate) static PUBLISHER_FEATURES: TableSpec = TableSpec::new(
    "PublisherFeatures",
    &[
        o("publisher_identification", Bool),
        o("publisher_exclusion", Bool),
        o("subscriber_blackwhite_listing", Bool),
        o("acknowledge_event_received", Bool),
        o("payload_transparency", Bool),
        o("payload_encryption_cryptobox", Bool),
    ],
);

pub(crate) static SUBSCRIBER_FEATURES: TableSpec = TableSpec::new(
    "SubscriberFeatures",
    &[
        o("publisher_identification", Bool),
        o("pattern_based_subscription", Bool),
        o("publication_trustlevels", Bool),
        o("subscription_revocation", Bool),
        o("event_history", Bool),
        o("acknowledge_subscriber_received", Bool),
        o("payload_transparency", Bool),
        o("payload_encryption_cryptobox", Bool),
    ],
);

pub(crate) static DEALER_FEATURES: TableSpec = TableSpec::new(
    "DealerFeatures",
    &[
        o("caller_identification", Bool),
        o("call_trustlevels", Bool),
        o("call_timeout", Bool),
        o("call_canceling", Bool),
        o("progressive_call_results", Bool),
        o("registration_revocation", Bool),
        o("pattern_based_registration", Bool),
        o("shared_registration", Bool),
        o("session_meta_api", Bool),
        o("registration_meta_api", Bool),
        o("testament_meta_api", Bool),
        o("payload_transparency", Bool),
        o("payload_encryption_cryptobox", Bool),
    ],
);

pub(crate) static CALLER_FEATURES: TableSpec = TableSpec::new(
    "CallerFeatures",
    &[
        o("caller_identification", Bool),
        o("call_timeout", Bool),
        o("call_canceling", Bool),
        o("progressive_call_results", Bool),
        o("payload_transparency", Bool),
        o("payload_encryption_cryptobox", Bool),
    ],
);

pub(crate) static CALLEE_FEATURES: TableSpec = TableSpec::new(
    "CalleeFeatures",
    &[
        o("caller_identification", Bool),
        o("call_trustlevels", Bool),
        o("call_timeout", Bool),
        o("call_canceling", Bool),
        o("progressive_call_results", Bool),
        o("registration_revocation", Bool),
        o("pattern_based_registration", Bool),
        o("shared_registration", Bool),
        o("payload_transparency", Bool),
        o("payload_encryption_cryptobox", Bool),
    ],
);

pub(crate) static CLIENT_ROLES: TableSpec = TableSpec::new(
    "ClientRoles",
    &[
        o("publisher", Table(&PUBLISHER_FEATURES)),
        o("subscriber", Table(&SUBSCRIBER_FEATURES)),
        o("caller", Table(&CALLER_FEATURES)),
        o("callee", Table(&CALLEE_FEATURES)),
    ],
);

pub(crate) static ROUTER_ROLES: TableSpec = TableSpec::new(
    "RouterRoles",
    &[
        o("broker", Table(&BROKER_FEATURES)),
        o("dealer", Table(&DEALER_FEATURES)),
    ],
);

pub(crate) static HELLO: TableSpec = TableSpec::new(
    "HELLO",
    &[
        o("session", U64),
        o("roles", Table(&CLIENT_ROLES)),
        o("realm", Str),
        o("authmethods", Bytes), // [AuthMethod], a u8 enum
        o("authid", Str),
        o("authrole", Str),
        o("authextra", Table(&MAP)),
        o("resumable", Bool),
        o("resume_session", U64),
        o("resume_token", Str),
        o("authextra_cbor", Bytes), // wamp-codec addition (schema/README.md, change 4)
        o("authmethods_names", StrVec), // wamp-codec addition
    ],
)
.key_rule(KeyRule::Uri {
    rule: UriRule::LOOSE,
    role: FieldRole::Element,
    absent_ok: true,
});

pub(crate) static WELCOME: TableSpec = TableSpec::new(
    "WELCOME",
    &[
        o("session", Id),
        o("roles", Table(&ROUTER_ROLES)),
        o("realm", Str),
        o("authid", Str),
        o("authrole", Str),
        o("authmethod", U8),
        o("authprovider", Str),
        o("authextra", Table(&MAP)),
        o("resumed", Bool),
        o("resumable", Bool),
        o("resume_token", Str),
        o("authextra_cbor", Bytes), // wamp-codec addition
        o("authmethod_name", Str),  // wamp-codec addition
        o("custom_cbor", Bytes),    // wamp-codec addition
    ],
);

pub(crate) static ABORT: TableSpec = TableSpec::new(
    "ABORT",
    &[o("session", U64), r("reason", Str), o("message", Str)],
)
.key_rule(KeyRule::Uri {
    rule: UriRule::LOOSE,
    role: FieldRole::Element,
    absent_ok: false,
});

pub(crate) static CHALLENGE: TableSpec = TableSpec::new(
    "CHALLENGE",
    &[
        o("session", U64),
        o("method", U8),
        o("extra", Table(&MAP)),
        o("extra_cbor", Bytes), // wamp-codec addition
        o("method_name", Str),  // wamp-codec addition
    ],
);

pub(crate) static AUTHENTICATE: TableSpec = TableSpec::new(
    "AUTHENTICATE",
    &[
        o("session", U64),
        o("signature", Str),
        o("extra", Table(&MAP)),
        o("extra_cbor", Bytes), // wamp-codec addition
    ],
);

pub(crate) static GOODBYE: TableSpec = TableSpec::new(
    "GOODBYE",
    &[
        o("session", U64),
        r("reason", Str),
        o("message", Str),
        o("resumable", Bool),
    ],
)
.key_rule(KeyRule::Uri {
    rule: UriRule::LOOSE,
    role: FieldRole::Element,
    absent_ok: false,
});

pub(crate) static ERROR: TableSpec = TableSpec::new(
    "ERROR",
    &[
        o("session", U64),
        o("request_type", U16),
        o("request", Id),
        r("error", Str),
        o("args", Bytes),
        o("kwargs", Bytes),
        o("payload", Bytes),
        o("ppt_scheme", U8),
        o("ppt_serializer", U8),
        o("ppt_cipher", U8),
        o("ppt_keyid", Str),
        o("forward_for", TableVec(&PRINCIPAL)),
        o("callee", U64),          // wamp-codec addition
        o("callee_authid", Str),   // wamp-codec addition
        o("callee_authrole", Str), // wamp-codec addition
    ],
)
.key_rule(KeyRule::Uri {
    rule: UriRule::LOOSE,
    role: FieldRole::Element,
    absent_ok: false,
});

pub(crate) static PUBLISH: TableSpec = TableSpec::new(
    "PUBLISH",
    &[
        o("session", U64),
        o("request", Id),
        r("topic", Str),
        o("args", Bytes),
        o("kwargs", Bytes),
        o("payload", Bytes),
        o("ppt_scheme", U8),
        o("ppt_serializer", U8),
        o("ppt_cipher", U8),
        o("ppt_keyid", Str),
        o("acknowledge", Bool),
        o("exclude_me", Bool),
        o("exclude", U64Vec),
        o("exclude_authid", StrVec),
        o("exclude_authrole", StrVec),
        o("eligible", U64Vec),
        o("eligible_authid", StrVec),
        o("eligible_authrole", StrVec),
        o("retain", Bool),
        o("transaction_hash", Str),
        o("forward_for", TableVec(&PRINCIPAL)),
    ],
)
.key_rule(KeyRule::Uri {
    rule: UriRule::LOOSE,
    role: FieldRole::Element,
    absent_ok: false,
});

pub(crate) static PUBLISHED: TableSpec = TableSpec::new(
    "PUBLISHED",
    &[o("session", U64), o("request", Id), o("publication", Id)],
);

pub(crate) static SUBSCRIBE: TableSpec = TableSpec::new(
    "SUBSCRIBE",
    &[
        o("session", U64),
        o("request", Id),
        o("topic", Str),
        o("match", U8),
        o("get_retained", Bool),
        o("forward_for", TableVec(&PRINCIPAL)), // wamp-codec addition
    ],
)
.key_rule(KeyRule::Uri {
    rule: UriRule::WILDCARD,
    role: FieldRole::Element,
    absent_ok: false,
});

pub(crate) static SUBSCRIBED: TableSpec = TableSpec::new(
    "SUBSCRIBED",
    &[o("session", U64), o("request", Id), o("subscription", Id)],
);

pub(crate) static UNSUBSCRIBE: TableSpec = TableSpec::new(
    "UNSUBSCRIBE",
    &[
        o("session", U64),
        o("request", Id),
        o("subscription", Id),
        o("forward_for", TableVec(&PRINCIPAL)), // wamp-codec addition
    ],
);

pub(crate) static UNSUBSCRIBED: TableSpec = TableSpec::new(
    "UNSUBSCRIBED",
    &[
        o("session", U64),
        o("request", Id),
        o("subscription", U64),
        o("reason", Str),
    ],
)
.key_rule(KeyRule::Uri {
    rule: UriRule::LOOSE,
    role: FieldRole::Detail,
    absent_ok: true,
});

pub(crate) static EVENT: TableSpec = TableSpec::new(
    "EVENT",
    &[
        o("session", U64),
        o("subscription", Id),
        o("publication", Id),
        o("args", Bytes),
        o("kwargs", Bytes),
        o("payload", Bytes),
        o("ppt_scheme", U8),
        o("ppt_serializer", U8),
        o("ppt_cipher", U8),
        o("ppt_keyid", Str),
        o("publisher", U64),
        o("publisher_authid", Str),
        o("publisher_authrole", Str),
        o("topic", Str),
        o("retained", Bool),
        o("transaction_hash", Str),
        o("acknowledge", Bool),
        o("forward_for", TableVec(&PRINCIPAL)),
    ],
);

pub(crate) static EVENT_RECEIVED: TableSpec = TableSpec::new(
    "EVENT_RECEIVED",
    &[
        o("session", U64),
        o("publication", Id),
        o("forward_for", TableVec(&PRINCIPAL)),
    ],
);

pub(crate) static CALL: TableSpec = TableSpec::new(
    "CALL",
    &[
        o("session", U64),
        o("request", Id),
        r("procedure", Str),
        o("args", Bytes),
        o("kwargs", Bytes),
        o("payload", Bytes),
        o("ppt_scheme", U8),
        o("ppt_serializer", U8),
        o("ppt_cipher", U8),
        o("ppt_keyid", Str),
        o("timeout", U32),
        o("receive_progress", Bool),
        o("transaction_hash", Str),
        o("caller", U64),
        o("caller_authid", Str),
        o("caller_authrole", Str),
        o("forward_for", TableVec(&PRINCIPAL)),
    ],
)
.key_rule(KeyRule::Uri {
    rule: UriRule::LOOSE,
    role: FieldRole::Element,
    absent_ok: false,
});

pub(crate) static CANCEL: TableSpec = TableSpec::new(
    "CANCEL",
    &[
        o("session", U64),
        o("request", Id),
        o("mode", U8),
        o("forward_for", TableVec(&PRINCIPAL)),
    ],
);

pub(crate) static RESULT: TableSpec = TableSpec::new(
    "RESULT",
    &[
        o("session", U64),
        o("request", Id),
        o("args", Bytes),
        o("kwargs", Bytes),
        o("payload", Bytes),
        o("ppt_scheme", U8),
        o("ppt_serializer", U8),
        o("ppt_cipher", U8),
        o("ppt_keyid", Str),
        o("progress", Bool),
        o("callee", U64),
        o("callee_authid", Str),
        o("callee_authrole", Str),
        o("forward_for", TableVec(&PRINCIPAL)),
    ],
);

pub(crate) static REGISTER: TableSpec = TableSpec::new(
    "REGISTER",
    &[
        o("session", U64),
        o("request", Id),
        o("procedure", Str),
        o("match", U8),
        o("invoke", U8),
        o("concurrency", U16),
        o("force_reregister", Bool),
        o("forward_for", TableVec(&PRINCIPAL)), // wamp-codec addition
    ],
)
.key_rule(KeyRule::ByMatch);

pub(crate) static REGISTERED: TableSpec = TableSpec::new(
    "REGISTERED",
    &[o("session", U64), o("request", Id), o("registration", Id)],
);

pub(crate) static UNREGISTER: TableSpec = TableSpec::new(
    "UNREGISTER",
    &[
        o("session", U64),
        o("request", Id),
        o("registration", Id),
        o("forward_for", TableVec(&PRINCIPAL)), // wamp-codec addition
    ],
);

pub(crate) static UNREGISTERED: TableSpec = TableSpec::new(
    "UNREGISTERED",
    &[
        o("session", U64),
        o("request", Id),
        o("registration", U64),
        o("reason", Str),
    ],
)
.key_rule(KeyRule::Uri {
    rule: UriRule::LOOSE,
    role: FieldRole::Detail,
    absent_ok: true,
});

pub(crate) static INVOCATION: TableSpec = TableSpec::new(
    "INVOCATION",
    &[
        o("session", U64),
        o("request", Id),
        o("registration", Id),
        o("args", Bytes),
        o("kwargs", Bytes),
        o("payload", Bytes),
        o("ppt_scheme", U8),
        o("ppt_serializer", U8),
        o("ppt_cipher", U8),
        o("ppt_keyid", Str),
        o("procedure", Str),
        o("timeout", U32),
        o("receive_progress", Bool),
        o("transaction_hash", Str),
        o("caller", U64),
        o("caller_authid", Str),
        o("caller_authrole", Str),
        o("forward_for", TableVec(&PRINCIPAL)),
    ],
);

pub(crate) static INTERRUPT: TableSpec = TableSpec::new(
    "INTERRUPT",
    &[
        o("session", U64),
        o("request", Id),
        o("mode", U8),
        o("reason", Str),
        o("forward_for", TableVec(&PRINCIPAL)),
    ],
)
.key_rule(KeyRule::Uri {
    rule: UriRule::LOOSE,
    role: FieldRole::Option,
    absent_ok: true,
});

pub(crate) static YIELD: TableSpec = TableSpec::new(
    "YIELD",
    &[
        o("session", U64),
        o("request", Id),
        o("args", Bytes),
        o("kwargs", Bytes),
        o("payload", Bytes),
        o("ppt_scheme", U8),
        o("ppt_serializer", U8),
        o("ppt_cipher", U8),
        o("ppt_keyid", Str),
        o("progress", Bool),
        o("callee", U64),
        o("callee_authid", Str),
        o("callee_authrole", Str),
        o("forward_for", TableVec(&PRINCIPAL)),
    ],
);
