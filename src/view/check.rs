//! The validation of a message read in place: [`check`] accepts exactly the message arrays
//! [`Message::parse`](crate::Message::parse) accepts, and rejects the others with the same
//! [`ValidationError`], for items of any format.
//!
//! It is the owned parse (`src/message/*.rs`) with nothing kept:
//!
//! * `ItemMsg` is the counterpart of the owned `Wmsg`: arity, IDs, URIs, strings, the
//!   options/details dict, `args`/`kwargs` and the transparent payload, checked in the order
//!   each message's `parse_taking` reads them, so that the first error is the same.
//! * `ItemExtra` is the counterpart of `Extra`: each message has one table of the
//!   options/details keys its parse reads, in the order it reads them, each with its `Rule`.
//!   The dict is scanned once, noting which known keys it holds; the rules then run over those
//!   in table order, each reading its key's last occurrence (a repeated key counts with its
//!   last value, as the decoders keep it). A dict without a known key costs the scan only,
//!   an empty one (told from its head) not even that.
//! * Where the owned parse applies a rule of its own (ID, URI, enc identifiers, revocations,
//!   resumption, `match` selecting the URI rule) both sides call the same function.
//!
//! Nothing is allocated unless an error is returned: strings are compared borrowed (an item's
//! string is only owned if the format had to decode it, such as JSON with escapes), and errors
//! print values through [`Item::to_value`] so that they read as the owned parse's do.

use crate::error::{FieldRole, ValidationError};
use crate::message::pubsub::{Subscribe, Unsubscribed};
use crate::message::rpc::{Cancel, Interrupt, Register, Unregistered};
use crate::message::session::{Hello, Role, Welcome, ERROR_REQUEST_TYPES};
use crate::message::{element_error, length_error, Id, KeyLocation, PayloadStyle, STR_PAYLOAD};
use crate::messages::{message_type_of, MessageType};
use crate::validate::{
    check_id, check_non_str_uri, check_uri_str, is_valid_enc_algo, is_valid_enc_serializer,
    is_valid_uri, not_an_extra_type, UriRule, MAX_ID,
};
use crate::view::item::{Elems, Item, Kind};
use crate::view::read;

/// Validates the message array `elems` as [`Message::parse`](crate::Message::parse) does, and
/// returns its type.
///
/// For every input the answer is the owned parse's: the same acceptance, and on rejection an
/// equal [`ValidationError`] (kind, message, field and reason), found in the same order. On
/// success nothing is allocated.
#[inline(never)] // a call of its own keeps the scanners' frames small
pub fn check<'a, I: Item<'a>>(elems: &Elems<I>) -> Result<MessageType, ValidationError> {
    use MessageType as T;
    use PayloadStyle::{Publish, StrOrBytes};
    let t = message_type(elems.get_ref(0))?;
    match t {
        T::Hello => hello(elems),
        T::Welcome => welcome(elems),
        T::Abort => closing(elems, "ABORT", &ABORT_KEYS),
        T::Challenge => auth(elems, "CHALLENGE", "method"),
        T::Authenticate => auth(elems, "AUTHENTICATE", "signature"),
        T::Goodbye => closing(elems, "GOODBYE", &GOODBYE_KEYS),
        T::Error => error(elems),
        T::Publish => request_uri_payload(elems, "PUBLISH", "topic", Publish, &PUBLISH_KEYS),
        T::Published => ids(elems, "PUBLISHED", &["request", "publication"]),
        T::Subscribe => subscribe(elems),
        T::Subscribed => ids(elems, "SUBSCRIBED", &["request", "subscription"]),
        T::Unsubscribe => unsubscribe(elems, "UNSUBSCRIBE", "WAMP UNSUBSCRIBE", "subscription"),
        T::Unsubscribed => revoked(
            elems,
            "UNSUBSCRIBED",
            &UNSUBSCRIBED_KEYS,
            Unsubscribed::check_revocation,
        ),
        T::Event => delivery(elems, "EVENT", "subscription", "publication", &EVENT_KEYS),
        T::EventReceived => ids(elems, "EVENT_RECEIVED", &["publication"]),
        T::Call => request_uri_payload(elems, "CALL", "procedure", StrOrBytes, &CALL_KEYS),
        T::Cancel => request_options(elems, "CANCEL", &CANCEL_KEYS),
        T::Result => outcome(elems, "RESULT", &RESULT_KEYS),
        T::Register => register(elems),
        T::Registered => ids(elems, "REGISTERED", &["request", "registration"]),
        T::Unregister => unsubscribe(elems, "UNREGISTER", "WAMP UNREGISTER", "registration"),
        T::Unregistered => revoked(
            elems,
            "UNREGISTERED",
            &UNREGISTERED_KEYS,
            Unregistered::check_revocation,
        ),
        T::Invocation => delivery(
            elems,
            "INVOCATION",
            "request",
            "registration",
            &INVOCATION_KEYS,
        ),
        T::Interrupt => request_options(elems, "INTERRUPT", &INTERRUPT_KEYS),
        T::Yield => outcome(elems, "YIELD", &YIELD_KEYS),
    }?;
    Ok(t)
}

/// The message type coded by element 0: its integer read once; anything else (and every
/// error) is left to the owned [`message_type_of`].
///
/// The router's hot messages (PUBLISH, EVENT, CALL, RESULT, INVOCATION, YIELD) are matched
/// by their code directly.
#[inline(always)]
fn message_type<'a, I: Item<'a>>(first: Option<&I>) -> Result<MessageType, ValidationError> {
    use MessageType as T;
    let code = first.and_then(Item::as_int);
    let known = match code.and_then(|c| u64::try_from(c).ok()) {
        Some(16) => Some(T::Publish),
        Some(36) => Some(T::Event),
        Some(48) => Some(T::Call),
        Some(50) => Some(T::Result),
        Some(68) => Some(T::Invocation),
        Some(70) => Some(T::Yield),
        Some(c) => MessageType::from_code(c),
        None => None,
    };
    match known {
        Some(t) => Ok(t),
        None => message_type_error(first),
    }
}

#[cold]
#[inline(never)]
fn message_type_error<'a, I: Item<'a>>(first: Option<&I>) -> Result<MessageType, ValidationError> {
    message_type_of(first.copied())
}

// ---- the key tables ----

/// What an options/details key must hold (the owned `Extra` reader its parse uses).
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// `Extra::bool`.
    Bool,
    /// `Extra::id`: an integer in the [`Id`] range.
    Id,
    /// An integer in the `i64` range, at least this (`timeout`, `concurrency`).
    IntAtLeast(i64),
    /// `Extra::string`.
    Str,
    /// `Extra::uri` under this rule.
    Uri(UriRule),
    /// `Extra::map`.
    Map,
    /// `Extra::id_list`.
    IdList,
    /// `Extra::str_list`.
    StrList,
    /// `Extra::forward_for`.
    ForwardFor,
    /// A string among these; the error quotes it (`mode`, REGISTER's `match`, `invoke`).
    OneOf(&'static [&'static str]),
    /// A string among these; the error does not quote it (SUBSCRIBE's `match`).
    Match(&'static [&'static str]),
    /// A payload-transparency key, checked with its two companions by
    /// [`ItemExtra::enc_options`], and only with a transparent payload.
    Enc,
    /// Checked by the message's own code (`roles`).
    Custom,
}

/// One key of a table.
#[derive(Debug, Clone, Copy)]
struct Key {
    name: &'static str,
    rule: Rule,
    /// A `null` counts as absent (autobahn's `details.get(key)` before the type test).
    null_is_absent: bool,
}

const fn key(name: &'static str, rule: Rule) -> Key {
    Key {
        name,
        rule,
        null_is_absent: false,
    }
}

const fn or_null(name: &'static str, rule: Rule) -> Key {
    Key {
        name,
        rule,
        null_is_absent: true,
    }
}

/// The payload-transparency keys: the first three of every table of a message with a payload
/// (where [`ItemExtra::enc_options`] finds them).
const ENC: [Key; 3] = [
    key("enc_algo", Rule::Enc),
    key("enc_key", Rule::Enc),
    key("enc_serializer", Rule::Enc),
];
const FORWARD_FOR: Key = key("forward_for", Rule::ForwardFor);

const HELLO_KEYS: [Key; 8] = [
    key("roles", Rule::Custom),
    key("authmethods", Rule::StrList),
    key("authid", Rule::Str),
    key("authrole", Rule::Str),
    key("authextra", Rule::Map),
    key("resumable", Rule::Bool),
    key("resume-session", Rule::Id),
    key("resume-token", Rule::Str),
];
const WELCOME_KEYS: [Key; 10] = [
    key("resumed", Rule::Bool),
    key("resumable", Rule::Bool),
    key("resume_token", Rule::Str),
    key("roles", Rule::Custom),
    or_null("realm", Rule::Str),
    or_null("authid", Rule::Str),
    or_null("authrole", Rule::Str),
    or_null("authmethod", Rule::Str),
    or_null("authprovider", Rule::Str),
    or_null("authextra", Rule::Map),
];
const ABORT_KEYS: [Key; 1] = [key("message", Rule::Str)];
const GOODBYE_KEYS: [Key; 2] = [key("message", Rule::Str), key("resumable", Rule::Bool)];
const ERROR_KEYS: [Key; 7] = [
    ENC[0],
    ENC[1],
    ENC[2],
    key("callee", Rule::Id),
    key("callee_authid", Rule::Str),
    key("callee_authrole", Rule::Str),
    FORWARD_FOR,
];
const PUBLISH_KEYS: [Key; 14] = [
    ENC[0],
    ENC[1],
    ENC[2],
    key("acknowledge", Rule::Bool),
    key("exclude_me", Rule::Bool),
    key("exclude", Rule::IdList),
    key("exclude_authid", Rule::StrList),
    key("exclude_authrole", Rule::StrList),
    key("eligible", Rule::IdList),
    key("eligible_authid", Rule::StrList),
    key("eligible_authrole", Rule::StrList),
    key("retain", Rule::Bool),
    key("transaction_hash", Rule::Str),
    FORWARD_FOR,
];
const SUBSCRIBE_KEYS: [Key; 3] = [
    key("match", Rule::Match(&Subscribe::MATCHES)),
    key("get_retained", Rule::Bool),
    FORWARD_FOR,
];
const FORWARD_FOR_KEYS: [Key; 1] = [FORWARD_FOR];
const UNSUBSCRIBED_KEYS: [Key; 2] = [
    key("subscription", Rule::Id),
    key("reason", Rule::Uri(UriRule::LOOSE)),
];
const EVENT_KEYS: [Key; 11] = [
    ENC[0],
    ENC[1],
    ENC[2],
    key("publisher", Rule::Id),
    key("publisher_authid", Rule::Str),
    key("publisher_authrole", Rule::Str),
    key("topic", Rule::Str),
    key("retained", Rule::Bool),
    key("transaction_hash", Rule::Str),
    key("x_acknowledged_delivery", Rule::Bool),
    FORWARD_FOR,
];
const CALL_KEYS: [Key; 10] = [
    ENC[0],
    ENC[1],
    ENC[2],
    key("timeout", Rule::IntAtLeast(0)),
    key("receive_progress", Rule::Bool),
    key("transaction_hash", Rule::Str),
    key("caller", Rule::Id),
    key("caller_authid", Rule::Str),
    key("caller_authrole", Rule::Str),
    FORWARD_FOR,
];
const CANCEL_KEYS: [Key; 2] = [key("mode", Rule::OneOf(&Cancel::MODES)), FORWARD_FOR];
const OUTCOME_KEYS: [Key; 8] = [
    ENC[0],
    ENC[1],
    ENC[2],
    key("progress", Rule::Bool),
    key("callee", Rule::Id),
    key("callee_authid", Rule::Str),
    key("callee_authrole", Rule::Str),
    FORWARD_FOR,
];
/// RESULT and YIELD: the same keys, in details and options, with different payload styles.
struct Outcome {
    keys: [Key; 8],
    extra: &'static str,
    role: FieldRole,
    style: PayloadStyle,
}
const RESULT_KEYS: Outcome = Outcome {
    keys: OUTCOME_KEYS,
    extra: "details",
    role: FieldRole::Detail,
    style: PayloadStyle::StrOrBytes,
};
const YIELD_KEYS: Outcome = Outcome {
    keys: OUTCOME_KEYS,
    extra: "options",
    role: FieldRole::Option,
    style: PayloadStyle::Bytes,
};
const REGISTER_KEYS: [Key; 5] = [
    key("match", Rule::OneOf(&Register::MATCHES)),
    key("invoke", Rule::OneOf(&Register::INVOKES)),
    key("concurrency", Rule::IntAtLeast(1)),
    or_null("force_reregister", Rule::Bool),
    FORWARD_FOR,
];
const UNREGISTERED_KEYS: [Key; 2] = [
    key("registration", Rule::Id),
    key("reason", Rule::Uri(UriRule::LOOSE)),
];
const INVOCATION_KEYS: [Key; 11] = [
    ENC[0],
    ENC[1],
    ENC[2],
    key("timeout", Rule::IntAtLeast(0)),
    key("receive_progress", Rule::Bool),
    key("caller", Rule::Id),
    key("caller_authid", Rule::Str),
    key("caller_authrole", Rule::Str),
    key("procedure", Rule::Str),
    key("transaction_hash", Rule::Str),
    FORWARD_FOR,
];
const INTERRUPT_KEYS: [Key; 3] = [
    key("mode", Rule::OneOf(&Interrupt::MODES)),
    key("reason", Rule::Uri(UriRule::LOOSE)),
    FORWARD_FOR,
];

// ---- the messages, each in the order its owned parse reads it ----

fn hello<'a, I: Item<'a>>(elems: &Elems<I>) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, "HELLO", &[3])?;
    w.uri(1, "realm", UriRule::LOOSE.or_none())?;
    let details = w.extra(2, "details", FieldRole::Detail, &HELLO_KEYS)?;
    check_roles(details.slot(0), &Role::CLIENT, details.at)?;
    details.check(1..HELLO_KEYS.len())?;
    Hello::check_resume(
        details.slot(6).and_then(|s| read::option_id(&s)),
        details.slot(7).is_some(),
        details.at,
    )
}

fn welcome<'a, I: Item<'a>>(elems: &Elems<I>) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, "WELCOME", &[3])?;
    w.id(1, "session")?;
    let details = w.extra(2, "details", FieldRole::Detail, &WELCOME_KEYS)?;
    details.check(0..3)?;
    Welcome::check_resume(
        details.slot(1).and_then(|r| r.as_bool()),
        details.slot(2).is_some(),
        details.at,
    )?;
    check_roles(details.slot(3), &Role::ROUTER, details.at)?;
    details.check(4..WELCOME_KEYS.len())
}

/// ABORT and GOODBYE: `[CODE, Details|dict, Reason|uri]`.
fn closing<'a, I: Item<'a>, const N: usize>(
    elems: &Elems<I>,
    name: &'static str,
    keys: &'static [Key; N],
) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, name, &[3])?;
    let details = w.extra(1, "details", FieldRole::Detail, keys)?;
    w.uri(2, "reason", UriRule::LOOSE)?;
    details.check(0..N)
}

/// CHALLENGE and AUTHENTICATE: `[CODE, field|string, Extra|dict]`.
fn auth<'a, I: Item<'a>>(
    elems: &Elems<I>,
    name: &'static str,
    field: &'static str,
) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, name, &[3])?;
    w.string(1, field)?;
    w.dict(2, "extra")
}

fn error<'a, I: Item<'a>>(elems: &Elems<I>) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, "ERROR", &[5, 6, 7])?;
    let request_type = w.element(1);
    if request_type.kind() != Kind::Int {
        return Err(w.type_error("request_type", request_type));
    }
    let known = request_type
        .as_int()
        .and_then(|c| u64::try_from(c).ok())
        .and_then(MessageType::from_code)
        .is_some_and(|t| ERROR_REQUEST_TYPES.contains(&t));
    if !known {
        let reason = format!("invalid value {}", request_type.to_value());
        return Err(w.error("request_type", reason));
    }
    w.id(2, "request")?;
    let details = w.extra(3, "details", FieldRole::Detail, &ERROR_KEYS)?;
    w.uri(4, "error", UriRule::LOOSE)?;
    let payload = w.payload(&details, 5, PayloadStyle::Bytes)?;
    details.check(ENC.len()..ERROR_KEYS.len())?;
    w.check_payload(payload)
}

/// PUBLISH and CALL: `[CODE, Request|id, Options|dict, uri, payload...]`.
#[inline]
fn request_uri_payload<'a, I: Item<'a>, const N: usize>(
    elems: &Elems<I>,
    name: &'static str,
    uri: &'static str,
    style: PayloadStyle,
    keys: &'static [Key; N],
) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, name, &[4, 5, 6])?;
    w.id(1, "request")?;
    let options = w.extra(2, "options", FieldRole::Option, keys)?;
    w.uri(3, uri, UriRule::LOOSE)?;
    let payload = w.payload(&options, 4, style)?;
    options.check(ENC.len()..N)?;
    w.check_payload(payload)
}

/// EVENT and INVOCATION: `[CODE, id, id, Details|dict, payload...]`.
#[inline]
fn delivery<'a, I: Item<'a>, const N: usize>(
    elems: &Elems<I>,
    name: &'static str,
    first: &'static str,
    second: &'static str,
    keys: &'static [Key; N],
) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, name, &[4, 5, 6])?;
    w.id(1, first)?;
    w.id(2, second)?;
    let details = w.extra(3, "details", FieldRole::Detail, keys)?;
    let payload = w.payload(&details, 4, PayloadStyle::Bytes)?;
    details.check(ENC.len()..N)?;
    w.check_payload(payload)
}

/// RESULT and YIELD: `[CODE, Request|id, Details|dict (Options|dict), payload...]`.
#[inline]
fn outcome<'a, I: Item<'a>>(
    elems: &Elems<I>,
    name: &'static str,
    outcome: &'static Outcome,
) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, name, &[3, 4, 5])?;
    w.id(1, "request")?;
    let extra = w.extra(2, outcome.extra, outcome.role, &outcome.keys)?;
    let payload = w.payload(&extra, 3, outcome.style)?;
    extra.check(ENC.len()..outcome.keys.len())?;
    w.check_payload(payload)
}

/// Messages that are their code and IDs.
fn ids<'a, I: Item<'a>>(
    elems: &Elems<I>,
    name: &'static str,
    fields: &[&'static str],
) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, name, &[fields.len() + 1])?;
    for (i, field) in fields.iter().enumerate() {
        w.id(i + 1, field)?;
    }
    Ok(())
}

fn subscribe<'a, I: Item<'a>>(elems: &Elems<I>) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, "SUBSCRIBE", &[4])?;
    w.id(1, "request")?;
    let options = w.extra(2, "options", FieldRole::Option, &SUBSCRIBE_KEYS)?;
    w.uri(3, "topic", UriRule::WILDCARD)?;
    options.check(0..SUBSCRIBE_KEYS.len())
}

/// UNSUBSCRIBE and UNREGISTER: `[CODE, Request|id, id]` or `[CODE, Request|id, id,
/// Options|dict]`, whose length error says `WAMP NAME`.
fn unsubscribe<'a, I: Item<'a>>(
    elems: &Elems<I>,
    name: &'static str,
    length_name: &'static str,
    second: &'static str,
) -> Result<(), ValidationError> {
    let w = ItemMsg::with_length_name(elems, name, length_name, &[3, 4])?;
    w.id(1, "request")?;
    w.id(2, second)?;
    if w.len() > 3 {
        let options = w.extra(3, "options", FieldRole::Option, &FORWARD_FOR_KEYS)?;
        options.check(0..1)?;
    }
    Ok(())
}

/// UNSUBSCRIBED and UNREGISTERED: `[CODE, Request|id]` or `[CODE, Request|id, Details|dict]`,
/// whose details may name a revoked subscription or registration.
fn revoked<'a, I: Item<'a>>(
    elems: &Elems<I>,
    name: &'static str,
    keys: &'static [Key; 2],
    check_revocation: fn(Id, Option<Id>, KeyLocation) -> Result<(), ValidationError>,
) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, name, &[2, 3])?;
    let request = w.id(1, "request")?;
    if w.len() > 2 {
        let details = w.extra(2, "details", FieldRole::Detail, keys)?;
        details.check(0..2)?;
        let revoked = details.slot(0).and_then(|s| read::option_id(&s));
        check_revocation(request, revoked, details.at)?;
    }
    Ok(())
}

/// CANCEL and INTERRUPT: `[CODE, Request|id, Options|dict]`.
fn request_options<'a, I: Item<'a>, const N: usize>(
    elems: &Elems<I>,
    name: &'static str,
    keys: &'static [Key; N],
) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, name, &[3])?;
    w.id(1, "request")?;
    let options = w.extra(2, "options", FieldRole::Option, keys)?;
    options.check(0..N)
}

fn register<'a, I: Item<'a>>(elems: &Elems<I>) -> Result<(), ValidationError> {
    let w = ItemMsg::new(elems, "REGISTER", &[4])?;
    w.id(1, "request")?;
    let options = w.extra(2, "options", FieldRole::Option, &REGISTER_KEYS)?;
    // `match` is read first: it selects the rule of the procedure URI.
    options.check(0..1)?;
    let rule = match options.slot(0).and_then(|m| m.as_str()) {
        Some(m) => Register::match_rule(&m),
        None => UriRule::LOOSE,
    };
    w.uri(3, "procedure", rule)?;
    options.check(1..REGISTER_KEYS.len())
}

// ---- the elements ----

/// A message array being checked as message `name` (the owned `Wmsg`'s counterpart).
struct ItemMsg<'e, I> {
    elems: &'e Elems<I>,
    name: &'static str,
}

impl<'e, 'a, I: Item<'a>> ItemMsg<'e, I> {
    /// Checks the arity.
    #[inline]
    fn new(
        elems: &'e Elems<I>,
        name: &'static str,
        lengths: &[usize],
    ) -> Result<Self, ValidationError> {
        Self::with_length_name(elems, name, name, lengths)
    }

    /// As [`ItemMsg::new`], where the length error spells the message differently.
    #[inline]
    fn with_length_name(
        elems: &'e Elems<I>,
        name: &'static str,
        length_name: &'static str,
        lengths: &[usize],
    ) -> Result<Self, ValidationError> {
        if lengths.contains(&elems.len()) {
            Ok(ItemMsg { elems, name })
        } else {
            Err(length_error(length_name, elems.len()))
        }
    }

    fn len(&self) -> usize {
        self.elems.len()
    }

    /// Element `i`, if the array has it (every arity is at most [`MAX_ELEMENTS`]).
    ///
    /// [`MAX_ELEMENTS`]: crate::view::item::MAX_ELEMENTS
    #[inline]
    fn get(&self, i: usize) -> Option<&'e I> {
        if i < self.len() {
            self.elems.get_ref(i)
        } else {
            None
        }
    }

    /// Element `i`, within the arity checked by [`ItemMsg::new`].
    #[inline]
    fn element(&self, i: usize) -> &'e I {
        self.get(i)
            .expect("an element within the checked arity, which is at most MAX_ELEMENTS")
    }

    #[cold]
    fn error(&self, field: &'static str, reason: impl Into<String>) -> ValidationError {
        element_error(self.name, field, reason)
    }

    #[cold]
    #[inline(never)]
    fn type_error(&self, field: &'static str, item: &I) -> ValidationError {
        self.error(field, format!("invalid type {}", item.kind().type_name()))
    }

    #[cold]
    #[inline(never)]
    fn locate(&self, field: &'static str, e: ValidationError) -> ValidationError {
        e.in_message(self.name).at(field, FieldRole::Element)
    }

    /// Element `i` as a WAMP ID.
    #[inline]
    fn id(&self, i: usize, field: &'static str) -> Result<u64, ValidationError> {
        let x = self.element(i);
        match x.as_int() {
            Some(v) if (0..=i128::from(MAX_ID)).contains(&v) => Ok(v as u64),
            _ => self.id_error(field, x),
        }
    }

    /// [`ItemMsg::id`] for an element that is not an ID: the owned rule's error.
    #[cold]
    #[inline(never)]
    fn id_error(&self, field: &'static str, x: &I) -> Result<u64, ValidationError> {
        check_id(x.as_int(), x.kind().type_name()).map_err(|e| self.locate(field, e))
    }

    /// Element `i` as a URI under `rule`.
    #[inline(always)]
    fn uri(&self, i: usize, field: &'static str, rule: UriRule) -> Result<(), ValidationError> {
        check_uri(self.element(i), rule).map_err(|e| self.locate(field, e))
    }

    /// Element `i` as a string.
    fn string(&self, i: usize, field: &'static str) -> Result<(), ValidationError> {
        let x = self.element(i);
        match x.kind() {
            Kind::Str => Ok(()),
            _ => Err(self.type_error(field, x)),
        }
    }

    /// Element `i` as a dict, not read further (CHALLENGE's and AUTHENTICATE's `extra`).
    fn dict(&self, i: usize, field: &'static str) -> Result<(), ValidationError> {
        let x = self.element(i);
        match x.kind() {
            Kind::Map => Ok(()),
            other => Err(self.locate(field, not_an_extra_type(other.type_name()))),
        }
    }

    /// Element `i` as an options or details dict, its keys of `keys` collected.
    #[inline]
    fn extra<const N: usize>(
        &self,
        i: usize,
        field: &'static str,
        role: FieldRole,
        keys: &'static [Key; N],
    ) -> Result<ItemExtra<'e, I, N>, ValidationError> {
        let x = self.element(i);
        if x.kind() != Kind::Map {
            return Err(self.extra_error(field, x));
        }
        Ok(ItemExtra::collect(
            x,
            keys,
            KeyLocation {
                message: self.name,
                role,
            },
        ))
    }

    /// [`ItemMsg::extra`] for an element that is not a dict.
    #[cold]
    #[inline(never)]
    fn extra_error(&self, field: &'static str, x: &I) -> ValidationError {
        self.locate(field, not_an_extra_type(x.kind().type_name()))
    }

    /// The application payload from element `at` on, as the owned `AppPayload::read` reads
    /// it: a transparent payload (checking the `enc_*` keys) when element `at` is the last and
    /// is bytes, or a string for the styles that take one; else `args` (a list; `null` too
    /// but for PUBLISH) and `kwargs` (a dict). Returns what autobahn's constructor asserts
    /// (a string payload, a falsy invalid `enc_*` value, `enc_*` without `enc_algo`), which
    /// [`ItemMsg::check_payload`] raises after the other keys.
    ///
    /// Each element's kind is read once, and only kinds are read.
    #[inline]
    fn payload<const N: usize>(
        &self,
        extra: &ItemExtra<'_, I, N>,
        at: usize,
        style: PayloadStyle,
    ) -> Result<Option<ValidationError>, ValidationError> {
        let Some(args) = self.get(at) else {
            return Ok(None); // no payload, so no `kwargs` either
        };
        let last = self.len() == at + 1;
        match args.kind() {
            Kind::List => {}
            Kind::Bytes if last => return extra.enc_options(),
            Kind::Str if last && style != PayloadStyle::Bytes => {
                // the constructor asserts the payload's type before the `enc_*` keys
                extra.enc_options()?;
                return Ok(Some(self.error("payload", STR_PAYLOAD)));
            }
            Kind::Null if style != PayloadStyle::Publish => {}
            // PUBLISH's `args` may be a string or bytes when `kwargs` follows (`StrOrBytesArgs`)
            Kind::Str | Kind::Bytes if style == PayloadStyle::Publish && self.len() == at + 2 => {}
            _ => return Err(self.type_error("args", args)),
        }
        match self.get(at + 1) {
            Some(kwargs) if kwargs.kind() != Kind::Map => Err(self.type_error("kwargs", kwargs)),
            _ => Ok(None),
        }
    }

    /// Autobahn's constructor assertions on the payload ([`ItemMsg::payload`]'s result).
    fn check_payload(&self, deferred: Option<ValidationError>) -> Result<(), ValidationError> {
        deferred.map_or(Ok(()), Err)
    }
}

/// A URI under `rule` ([`check_or_raise_uri`](crate::check_or_raise_uri) for an item).
#[inline(always)]
fn check_uri<'a, I: Item<'a>>(x: &I, rule: UriRule) -> Result<(), ValidationError> {
    match x.as_str() {
        Some(s) if is_valid_uri(&s, rule) => Ok(()),
        _ => uri_error(x, rule),
    }
}

/// [`check_uri`] for an item that is not a valid URI: the owned rule's error.
#[cold]
#[inline(never)]
fn uri_error<'a, I: Item<'a>>(x: &I, rule: UriRule) -> Result<(), ValidationError> {
    match x.as_str() {
        Some(s) => check_uri_str(&s, rule).map(|_| ()),
        None => check_non_str_uri(x.kind(), rule),
    }
}

// ---- the options and details ----

/// An options or details dict (the owned `Extra`'s counterpart): which keys of its table it
/// holds, found in one scan. Their values (each key's last occurrence) are only read when a
/// rule runs: all of them by one more scan ([`ItemExtra::check`]), or one by [`Item::get`]
/// ([`ItemExtra::slot`]).
///
/// Only the dict item and a bit set are kept, so that a dict without a known key costs one
/// scan and nothing else, and an empty one a look at its head.
struct ItemExtra<'e, I, const N: usize> {
    keys: &'static [Key; N],
    dict: &'e I,
    /// Bit `i` is set when key `i` of the table is present.
    present: u32,
    at: KeyLocation,
}

impl<'e, 'a, I: Item<'a>, const N: usize> ItemExtra<'e, I, N> {
    /// Scans the entries of `dict` once, noting which keys of `keys` it holds.
    #[inline]
    fn collect(dict: &'e I, keys: &'static [Key; N], at: KeyLocation) -> ItemExtra<'e, I, N> {
        const { assert!(N <= 32) };
        let mut present = 0;
        // an empty dict (the usual options and details) is told from its head, not walked
        if dict.len_hint() != Some(0) {
            for (name, _) in dict.map().into_iter().flatten() {
                if let Some(i) = keys.iter().position(|k| k.name == name) {
                    present |= 1 << i;
                }
            }
        }
        ItemExtra {
            keys,
            dict,
            present,
            at,
        }
    }

    /// The value of key `i` of the table, if present.
    #[inline]
    fn slot(&self, i: usize) -> Option<I> {
        match self.present & (1 << i) {
            0 => None,
            _ => self.dict.get(self.keys[i].name),
        }
    }

    /// Checks the keys `range` of the table, in order.
    #[inline]
    fn check(&self, range: core::ops::Range<usize>) -> Result<(), ValidationError> {
        if self.present == 0 {
            return Ok(());
        }
        self.check_present(range)
    }

    /// [`ItemExtra::check`] for a dict holding keys of the table: one more scan collects the
    /// last occurrence of each (rather than one scan per key).
    fn check_present(&self, range: core::ops::Range<usize>) -> Result<(), ValidationError> {
        let mut slots = [None; N];
        for (name, value) in self.dict.map().into_iter().flatten() {
            if let Some(i) = self.keys.iter().position(|k| k.name == name) {
                slots[i] = Some(value);
            }
        }
        for i in range {
            if let Some(value) = slots[i] {
                self.check_key(&self.keys[i], &value)?;
            }
        }
        Ok(())
    }

    /// Checks `value` for `key` by its rule.
    fn check_key(&self, key: &Key, v: &I) -> Result<(), ValidationError> {
        let (at, k) = (self.at, key.name);
        if key.null_is_absent && v.is_null() {
            return Ok(());
        }
        let of_kind = |kind: Kind| match v.kind() == kind {
            true => Ok(()),
            false => Err(at.type_name_error(k, v.kind().type_name())),
        };
        match key.rule {
            Rule::Bool => of_kind(Kind::Bool),
            Rule::Id => self.id(k, v).map(|_| ()),
            Rule::IntAtLeast(min) => match self.int(k, v)? {
                i if i < min => Err(at.invalid_value(k, i)),
                _ => Ok(()),
            },
            Rule::Str => of_kind(Kind::Str),
            Rule::Uri(rule) => check_uri(v, rule).map_err(|e| at.locate(k, e)),
            Rule::Map => of_kind(Kind::Map),
            Rule::IdList => self.id_list(k, v),
            Rule::StrList => {
                let items = v
                    .list()
                    .ok_or_else(|| at.type_name_error(k, v.kind().type_name()))?;
                match items.map(|x| x.kind()).find(|&kind| kind != Kind::Str) {
                    Some(bad) => Err(at.item_type_error(k, bad.type_name())),
                    None => Ok(()),
                }
            }
            Rule::ForwardFor => {
                let items = v
                    .list()
                    .ok_or_else(|| at.type_name_error(k, v.kind().type_name()))?;
                match items.clone().find(|x| !read::is_principal(x)) {
                    Some(bad) => Err(at.invalid_principal(k, &bad.to_value())),
                    None => Ok(()),
                }
            }
            Rule::OneOf(allowed) => {
                of_kind(Kind::Str)?;
                match v.as_str() {
                    Some(s) if !allowed.contains(&&*s) => {
                        Err(at.invalid_value(k, format_args!("{:?}", &*s)))
                    }
                    _ => Ok(()),
                }
            }
            Rule::Match(allowed) => {
                of_kind(Kind::Str)?;
                match v.as_str() {
                    Some(s) if !allowed.contains(&&*s) => Err(at.invalid_value(k, &*s)),
                    _ => Ok(()),
                }
            }
            Rule::Enc | Rule::Custom => Ok(()),
        }
    }

    /// An integer in the `i64` range.
    fn int(&self, k: &'static str, v: &I) -> Result<i64, ValidationError> {
        match v.kind() {
            Kind::Int => read::int(v).ok_or_else(|| self.at.out_of_range(k, &v.to_value())),
            other => Err(self.at.type_name_error(k, other.type_name())),
        }
    }

    /// An integer in the [`Id`] range.
    fn id(&self, k: &'static str, v: &I) -> Result<Id, ValidationError> {
        match v.kind() {
            Kind::Int => read::option_id(v).ok_or_else(|| self.at.out_of_range(k, &v.to_value())),
            other => Err(self.at.type_name_error(k, other.type_name())),
        }
    }

    /// A list of IDs: the first item of another type is reported before the last one out of
    /// the [`Id`] range, in one pass.
    fn id_list(&self, k: &'static str, v: &I) -> Result<(), ValidationError> {
        let at = self.at;
        let items = v
            .list()
            .ok_or_else(|| at.type_name_error(k, v.kind().type_name()))?;
        let mut big = None;
        for x in items {
            if x.kind() != Kind::Int {
                return Err(at.item_type_error(k, x.kind().type_name()));
            }
            if read::option_id(&x).is_none() {
                big = Some(x);
            }
        }
        match big {
            Some(big) => Err(at.out_of_range(k, &big.to_value())),
            None => Ok(()),
        }
    }

    /// The payload-transparency keys (the first three of the table), as the owned
    /// `Extra::enc_options` checks them: `null` is absent; `enc_algo` and `enc_serializer`
    /// known identifiers or `x_*`; `enc_key` a string; `enc_key`/`enc_serializer` need
    /// `enc_algo`. A truthy invalid value is an error now (autobahn's `parse`); a falsy one and
    /// a missing `enc_algo` (its constructor's assertions) come back to be raised after the
    /// other keys.
    fn enc_options(&self) -> Result<Option<ValidationError>, ValidationError> {
        debug_assert!(self.keys[..3]
            .iter()
            .map(|k| k.name)
            .eq(ENC.map(|k| k.name)));
        if self.present == 0 {
            return Ok(None);
        }
        let mut deferred = None;
        let algo = self.identifier(0, is_valid_enc_algo, &mut deferred)?;
        let key = match read::non_null(self.slot(1)) {
            None => false,
            Some(v) if v.kind() == Kind::Str => true,
            Some(v) => {
                let error = self.at.type_name_error("enc_key", v.kind().type_name());
                defer(error, &v, &mut deferred)?
            }
        };
        let serializer = self.identifier(2, is_valid_enc_serializer, &mut deferred)?;
        if !algo && (key || serializer) {
            deferred.get_or_insert_with(|| self.at.enc_algo_missing());
        }
        Ok(deferred)
    }

    /// Whether identifier key `i` is present (`null` is absent) and valid; an invalid value
    /// as [`ItemExtra::enc_options`] says.
    fn identifier(
        &self,
        i: usize,
        valid: fn(&str) -> bool,
        deferred: &mut Option<ValidationError>,
    ) -> Result<bool, ValidationError> {
        match read::non_null(self.slot(i)) {
            None => Ok(false),
            Some(v) => match v.as_str() {
                Some(s) if valid(&s) => Ok(true),
                _ => defer(
                    self.at.invalid_value(self.keys[i].name, v.to_value()),
                    &v,
                    deferred,
                ),
            },
        }
    }
}

/// `error` now when `v` is truthy (autobahn's `parse` raises it), else kept in `deferred` (its
/// constructor's assertion) if it is the first such error; `false`: the key counts as absent.
fn defer<'a, I: Item<'a>>(
    error: ValidationError,
    v: &I,
    deferred: &mut Option<ValidationError>,
) -> Result<bool, ValidationError> {
    if v.to_value().is_truthy() {
        return Err(error);
    }
    deferred.get_or_insert(error);
    Ok(false)
}

/// The mandatory `roles` detail of HELLO and WELCOME, as the owned `parse_roles` checks it:
/// a non-empty dict of `allowed` role names to dicts, whose optional `features` is a dict in
/// which the role's known features are bool or `null`.
///
/// A repeated role counts once, at its first position, with its last value (as the decoders
/// build the dict the owned parse iterates).
fn check_roles<'a, I: Item<'a>>(
    roles: Option<I>,
    allowed: &[Role],
    at: KeyLocation,
) -> Result<(), ValidationError> {
    const KEY: &str = "roles";
    let raw = roles.ok_or_else(|| at.error(KEY, "missing mandatory roles attribute"))?;
    let entries = raw
        .map()
        .ok_or_else(|| at.locate(KEY, not_an_extra_type(raw.kind().type_name())))?;
    if entries.clone().next().is_none() {
        return Err(at.error(KEY, "empty 'roles'"));
    }
    for (n, (name, _)) in entries.clone().enumerate() {
        if entries.clone().take(n).any(|(earlier, _)| earlier == name) {
            continue;
        }
        let role = Role::from_name(&name)
            .filter(|r| allowed.contains(r))
            .ok_or_else(|| at.error(KEY, format!("invalid role '{name}'")))?;
        let invalid = |what: &str, v: &I| {
            let kind = v.kind().type_name();
            at.error(KEY, format!("invalid type {kind} for {what}role '{name}'"))
        };
        let Some(body) = raw.get(&name) else {
            continue; // not reached: the key was just read
        };
        if body.kind() != Kind::Map {
            return Err(invalid("", &body));
        }
        let Some(features) = body.get("features") else {
            continue;
        };
        if features.kind() != Kind::Map {
            return Err(invalid("'features' in ", &features));
        }
        for &feature in role.features() {
            match features.get(feature).map(|f| f.kind()) {
                None | Some(Kind::Null | Kind::Bool) => {}
                Some(_) => {
                    let v = features.get(feature).expect("just read");
                    return Err(invalid(&format!("feature '{feature}' of "), &v));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;
    use crate::{dict, Message};

    fn both(items: Vec<Value>) -> Result<MessageType, ValidationError> {
        let mut elems = Elems::new();
        items.iter().for_each(|v| elems.push(v));
        let checked = check(&elems);
        assert_eq!(
            checked,
            Message::parse(&items).map(|m| m.message_type()),
            "{items:?}"
        );
        checked
    }

    #[test]
    fn hot_path_messages() {
        let publish = vec![
            16.into(),
            1.into(),
            dict! {"acknowledge" => true, "x_unknown" => 1}.into(),
            "com.t".into(),
            Value::List(vec![1.into()]),
        ];
        assert_eq!(both(publish), Ok(MessageType::Publish));
        let e = both(vec![
            48.into(),
            1.into(),
            dict! {"timeout" => -1}.into(),
            "com.p".into(),
            "not bytes".into(),
        ])
        .unwrap_err();
        assert_eq!(e.to_string(), "'timeout' option in CALL: invalid value -1");
        let e = both(vec![
            36.into(),
            1.into(),
            2.into(),
            dict! {"enc_key" => "k"}.into(),
            Value::Bytes(vec![1]),
        ])
        .unwrap_err();
        assert_eq!(e.field(), Some("enc_algo"));
    }

    #[test]
    fn hot_codes_are_their_types() {
        for code in 0..=80u64 {
            let v = Value::from(code);
            assert_eq!(
                message_type(Some(&&v)).ok(),
                MessageType::from_code(code),
                "{code}"
            );
        }
    }

    #[test]
    fn envelope() {
        assert_eq!(
            both(vec![]).unwrap_err().to_string(),
            "missing message type in WAMP message"
        );
        assert_eq!(
            both(vec![Value::Int(37)]).unwrap_err().to_string(),
            "invalid WAMP message type 37"
        );
        assert_eq!(
            both(vec![Value::Int(8); 8]).unwrap_err().to_string(),
            "invalid message length 8 for ERROR"
        );
    }
}
