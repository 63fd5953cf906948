//! Publish and subscribe: PUBLISH, PUBLISHED, SUBSCRIBE, SUBSCRIBED, UNSUBSCRIBE, UNSUBSCRIBED,
//! EVENT and EVENT_RECEIVED.

use crate::error::{FieldRole, ValidationError};
use crate::message::{correlation_accessors, validate_with_payload, Head};
use crate::message::{
    extra, forward_for_value, joined, AppPayload, Correlation, Id, KeyLocation, PayloadRef,
    PayloadStyle, Principal, WampMessage, Wmsg,
};
use crate::validate::UriRule;
use crate::value::{Dict, Value};

/// A publisher asks the broker to publish an event to a topic.
///
/// `[PUBLISH, Request|id, Options|dict, Topic|uri]`,
/// `[PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list]`,
/// `[PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]`, or with
/// payload transparency `[PUBLISH, Request|id, Options|dict, Topic|uri, Payload|binary]`.
/// Autobahn also takes a string or bytes for `Arguments` when `ArgumentsKw` follows: see
/// [`StrOrBytesArgs`].
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[16, 239714735, {"acknowledge": true}, "com.myapp.topic", ["Hello"]]"#;
/// let Message::Publish(publish) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(publish.topic, "com.myapp.topic");
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Publish {
    /// The request ID, echoed in PUBLISHED or ERROR.
    pub request: Id,
    /// The topic to publish to.
    pub topic: String,
    /// Positional payload.
    pub args: Option<Vec<Value>>,
    /// Keyword payload.
    pub kwargs: Option<Dict>,
    /// The transparent (possibly encrypted) payload, instead of `args`/`kwargs`.
    pub payload: Option<Vec<u8>>,
    /// `args` when it is a string or bytes rather than a list. `args` must then be `None`:
    /// encoding a PUBLISH with both refuses it ([`EncodeError::Invalid`] naming `args`), since
    /// either would drop the other. See [`StrOrBytesArgs`].
    ///
    /// [`EncodeError::Invalid`]: crate::EncodeError::Invalid
    pub args_str_or_bytes: Option<StrOrBytesArgs>,
    /// Ask the broker for a PUBLISHED acknowledgement.
    pub acknowledge: Option<bool>,
    /// Whether the publisher is excluded from receiving the event (default true).
    pub exclude_me: Option<bool>,
    /// Sessions excluded from receiving the event.
    pub exclude: Option<Vec<Id>>,
    /// Authids excluded from receiving the event.
    pub exclude_authid: Option<Vec<String>>,
    /// Authroles excluded from receiving the event.
    pub exclude_authrole: Option<Vec<String>>,
    /// The only sessions eligible to receive the event.
    pub eligible: Option<Vec<Id>>,
    /// The only authids eligible to receive the event.
    pub eligible_authid: Option<Vec<String>>,
    /// The only authroles eligible to receive the event.
    pub eligible_authrole: Option<Vec<String>>,
    /// Ask the broker to retain the event for late subscribers.
    pub retain: Option<bool>,
    /// A hash identifying the transaction the publication belongs to.
    pub transaction_hash: Option<String>,
    /// Payload transparency: the encryption algorithm (`cryptobox`, `mqtt`, `xbr`, `x_*`).
    pub enc_algo: Option<String>,
    /// Payload transparency: the key identifier.
    pub enc_key: Option<String>,
    /// Payload transparency: the serializer of the payload before encryption.
    pub enc_serializer: Option<String>,
    /// The path of routers the publication was forwarded through.
    pub forward_for: Option<Vec<Principal>>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

/// The `args` of a six-element PUBLISH that is a string or bytes, not a list.
///
/// Autobahn 26.10.2's `Publish.parse` takes `args` of type list, str or bytes when `kwargs`
/// follows (with five elements a string or bytes is the transparent payload instead), and
/// `kwargs` must still be a dict. It keeps the value as it came, writes it back as it came in
/// every format (in FlatBuffers as the CBOR of the string or bytes, as it writes a list), and
/// its `marshal()` applies its usual rule: `args` and `kwargs` if `kwargs` is non-empty, else
/// `args` alone if non-empty (which autobahn then reads back as a transparent payload), else
/// neither. The crate does the same. Only PUBLISH has this rule; EVENT, CALL and the others
/// take a list. So such a publication cannot be delivered: autobahn's `Event` asserts that
/// `args` is a list, and [`Publish::to_event`] and the forwarder refuse it with an error
/// naming `args`.
#[derive(Debug, Clone, PartialEq)]
pub struct StrOrBytesArgs(Value);

impl StrOrBytesArgs {
    /// A string `args`.
    pub fn str(s: impl Into<String>) -> StrOrBytesArgs {
        StrOrBytesArgs(Value::from(s.into()))
    }

    /// A binary `args`.
    pub fn bytes(b: impl Into<Vec<u8>>) -> StrOrBytesArgs {
        StrOrBytesArgs(Value::Bytes(b.into()))
    }

    /// The string or bytes, as a value ([`Value::Str`] or [`Value::Bytes`]).
    pub fn value(&self) -> &Value {
        &self.0
    }

    /// `value` if it is a string or bytes.
    pub(crate) fn from_value(value: Value) -> Option<StrOrBytesArgs> {
        matches!(value, Value::Str(_) | Value::Bytes(_)).then_some(StrOrBytesArgs(value))
    }

    /// The payload elements autobahn's `marshal` writes for these `args` and `kwargs`.
    fn payload_ref<'a>(&'a self, kwargs: &'a Option<Dict>) -> PayloadRef<'a> {
        match kwargs.as_ref().filter(|kw| !kw.is_empty()) {
            Some(kw) => PayloadRef::StrOrBytesArgs(&self.0, Some(kw)),
            None if self.0.is_truthy() => PayloadRef::StrOrBytesArgs(&self.0, None),
            None => PayloadRef::None,
        }
    }
}

impl Publish {
    /// A publication of `topic` with request ID `request` and no payload or options.
    pub fn new(request: Id, topic: impl Into<String>) -> Publish {
        Publish {
            request,
            topic: topic.into(),
            ..Publish::default()
        }
    }

    /// Refuses `args` and `args_str_or_bytes` both set: a PUBLISH has one `args` element.
    #[cfg(any_format)]
    pub(crate) fn check_one_args(&self) -> Result<(), ValidationError> {
        if self.args.is_some() && self.args_str_or_bytes.is_some() {
            return Err(ValidationError::protocol(
                "both a list and a string or bytes (args_str_or_bytes) given; a PUBLISH has one",
            )
            .in_message(Self::NAME)
            .at("args", FieldRole::Element));
        }
        Ok(())
    }

    fn options(&self) -> Dict {
        let mut options = extra! {
            "acknowledge" => self.acknowledge,
            "exclude_me" => self.exclude_me,
            "exclude" => self.exclude.clone(),
            "exclude_authid" => self.exclude_authid.clone(),
            "exclude_authrole" => self.exclude_authrole.clone(),
            "eligible" => self.eligible.clone(),
            "eligible_authid" => self.eligible_authid.clone(),
            "eligible_authrole" => self.eligible_authrole.clone(),
            "retain" => self.retain,
            "transaction_hash" => self.transaction_hash.clone(),
        };
        add_enc_extra(
            &mut options,
            &self.payload,
            [&self.enc_algo, &self.enc_key, &self.enc_serializer],
        );
        if let Some(ff) = &self.forward_for {
            options.insert("forward_for", forward_for_value(ff));
        }
        options
    }
}

impl WampMessage for Publish {
    const MESSAGE_TYPE: u64 = 16;
    const NAME: &'static str = "PUBLISH";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[4, 5, 6])?;
        let request = w.id(1, "request")?;
        let mut options = w.extra(2, "options", FieldRole::Option)?;
        let topic = w.uri(3, "topic", UriRule::LOOSE)?.unwrap_or_default();
        let mut app = AppPayload::read(&mut w, &mut options, 4, PayloadStyle::Publish)?;
        let acknowledge = options.bool("acknowledge")?;
        let exclude_me = options.bool("exclude_me")?;
        let exclude = options.id_list("exclude")?;
        let exclude_authid = options.str_list("exclude_authid")?;
        let exclude_authrole = options.str_list("exclude_authrole")?;
        let eligible = options.id_list("eligible")?;
        let eligible_authid = options.str_list("eligible_authid")?;
        let eligible_authrole = options.str_list("eligible_authrole")?;
        let retain = options.bool("retain")?;
        let transaction_hash = options.string("transaction_hash")?;
        let forward_for = options.forward_for()?;
        app.check()?;
        let AppPayload {
            args,
            kwargs,
            payload,
            args_str_or_bytes,
            enc_algo,
            enc_key,
            enc_serializer,
            ..
        } = app;
        Ok(Publish {
            request,
            topic,
            args,
            kwargs,
            payload,
            args_str_or_bytes,
            acknowledge,
            exclude_me,
            exclude,
            exclude_authid,
            exclude_authrole,
            eligible,
            eligible_authid,
            eligible_authrole,
            retain,
            transaction_hash,
            enc_algo,
            enc_key,
            enc_serializer,
            forward_for,
            correlation: Correlation::default(),
        })
    }

    fn marshal(&self) -> Vec<Value> {
        joined(self.marshal_parts())
    }

    fn marshal_parts(&self) -> (Head<'_>, PayloadRef<'_>) {
        let head = Head::parts(
            Self::MESSAGE_TYPE,
            &[self.request],
            self.options(),
            Some(&self.topic),
        );
        let payload = match &self.args_str_or_bytes {
            Some(args) if !has_payload(&self.payload) => args.payload_ref(&self.kwargs),
            _ => PayloadRef::of(&self.args, &self.kwargs, &self.payload),
        };
        (head, payload)
    }

    correlation_accessors!();
    validate_with_payload!(FieldRole::Option);
}

/// Whether a transparent payload is present, by autobahn's test (`if self.payload:`).
pub(crate) fn has_payload(payload: &Option<Vec<u8>>) -> bool {
    payload.as_ref().is_some_and(|p| !p.is_empty())
}

/// Adds the `enc_*` keys marshal emits: only with a payload (`if self.payload:`), each if not
/// `None`.
pub(crate) fn add_enc_extra(dict: &mut Dict, payload: &Option<Vec<u8>>, enc: [&Option<String>; 3]) {
    if !has_payload(payload) {
        return;
    }
    for (key, value) in ["enc_algo", "enc_key", "enc_serializer"]
        .into_iter()
        .zip(enc)
    {
        if let Some(value) = value {
            dict.insert(key, value.as_str());
        }
    }
}

/// The start of a marshalled message: the code and the given IDs.
fn ids(code: u64, values: &[u64]) -> Vec<Value> {
    let mut v = Vec::with_capacity(values.len() + 4);
    v.push(Value::from(code));
    v.extend(values.iter().map(|&id| Value::from(id)));
    v
}

/// Parses a message that is exactly its code and the IDs named `fields`.
fn parse_ids<const N: usize>(
    wmsg: &mut [Value],
    name: &'static str,
    fields: [&'static str; N],
) -> Result<[Id; N], ValidationError> {
    let w = Wmsg::new(wmsg, name, &[N + 1])?;
    let mut out = [0; N];
    for (i, field) in fields.into_iter().enumerate() {
        out[i] = w.id(i + 1, field)?;
    }
    Ok(out)
}

/// The broker acknowledges a PUBLISH that asked for it (`acknowledge`).
///
/// `[PUBLISHED, PUBLISH.Request|id, Publication|id]`
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[17, 239714735, 4429313566]"#;
/// let Message::Published(published) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(published.publication, 4429313566);
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Published {
    /// The request ID of the PUBLISH.
    pub request: Id,
    /// The publication ID the broker gave the event.
    pub publication: Id,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Published {
    /// The acknowledgement of PUBLISH `request`, published as `publication`.
    pub fn new(request: Id, publication: Id) -> Published {
        Published {
            request,
            publication,
            ..Published::default()
        }
    }
}

impl WampMessage for Published {
    const MESSAGE_TYPE: u64 = 17;
    const NAME: &'static str = "PUBLISHED";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let [request, publication] = parse_ids(wmsg, Self::NAME, ["request", "publication"])?;
        Ok(Published::new(request, publication))
    }

    fn marshal(&self) -> Vec<Value> {
        ids(Self::MESSAGE_TYPE, &[self.request, self.publication])
    }

    correlation_accessors!();
}

/// A subscriber asks the broker to subscribe it to a topic (or a topic pattern).
///
/// `[SUBSCRIBE, Request|id, Options|dict, Topic|uri]`
///
/// As in autobahn, the topic may have empty components (`com..topic`) whatever `match` says.
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[32, 713845233, {"match": "prefix"}, "com.myapp"]"#;
/// let Message::Subscribe(subscribe) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(subscribe.r#match, "prefix");
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Subscribe {
    /// The request ID, echoed in SUBSCRIBED or ERROR.
    pub request: Id,
    /// The topic, or topic pattern, to subscribe to.
    pub topic: String,
    /// How `topic` matches: [`Subscribe::MATCH_EXACT`] (the default),
    /// [`Subscribe::MATCH_PREFIX`] or [`Subscribe::MATCH_WILDCARD`].
    pub r#match: String,
    /// Ask for the topic's retained event, if the broker has one.
    pub get_retained: Option<bool>,
    /// The path of routers the subscription was forwarded through.
    pub forward_for: Option<Vec<Principal>>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Default for Subscribe {
    fn default() -> Subscribe {
        Subscribe {
            request: 0,
            topic: String::new(),
            r#match: Subscribe::MATCH_EXACT.to_owned(),
            get_retained: None,
            forward_for: None,
            correlation: Correlation::default(),
        }
    }
}

impl Subscribe {
    /// Match the topic exactly.
    pub const MATCH_EXACT: &'static str = "exact";
    /// Match every topic that starts with `topic`.
    pub const MATCH_PREFIX: &'static str = "prefix";
    /// Match topics component by component, empty components matching any.
    pub const MATCH_WILDCARD: &'static str = "wildcard";

    /// The valid values of `match`.
    pub(crate) const MATCHES: [&'static str; 3] =
        [Self::MATCH_EXACT, Self::MATCH_PREFIX, Self::MATCH_WILDCARD];

    /// An exact-match subscription to `topic` with request ID `request`.
    pub fn new(request: Id, topic: impl Into<String>) -> Subscribe {
        Subscribe {
            request,
            topic: topic.into(),
            ..Subscribe::default()
        }
    }
}

impl WampMessage for Subscribe {
    const MESSAGE_TYPE: u64 = 32;
    const NAME: &'static str = "SUBSCRIBE";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[4])?;
        let request = w.id(1, "request")?;
        let mut options = w.extra(2, "options", FieldRole::Option)?;
        let topic = w.uri(3, "topic", UriRule::WILDCARD)?.unwrap_or_default();
        let mut msg = Subscribe::new(request, topic);
        if let Some(m) = options.string("match")? {
            if !Self::MATCHES.contains(&&*m) {
                return Err(options.error("match", format!("invalid value {m}")));
            }
            msg.r#match = m;
        }
        msg.get_retained = options.bool("get_retained")?;
        msg.forward_for = options.forward_for()?;
        Ok(msg)
    }

    fn marshal(&self) -> Vec<Value> {
        let is_default = self.r#match.is_empty() || self.r#match == Self::MATCH_EXACT;
        let mut options = extra! {
            "match" => (!is_default).then(|| self.r#match.clone()),
            "get_retained" => self.get_retained,
        };
        if let Some(ff) = &self.forward_for {
            options.insert("forward_for", forward_for_value(ff));
        }
        let mut msg = ids(Self::MESSAGE_TYPE, &[self.request]);
        msg.push(Value::Map(options));
        msg.push(Value::from(self.topic.as_str()));
        msg
    }

    correlation_accessors!();
}

/// The broker acknowledges a SUBSCRIBE.
///
/// `[SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]`
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[33, 713845233, 5512315355]"#;
/// let Message::Subscribed(subscribed) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(subscribed.subscription, 5512315355);
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Subscribed {
    /// The request ID of the SUBSCRIBE.
    pub request: Id,
    /// The subscription ID: events for it arrive under this ID.
    pub subscription: Id,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Subscribed {
    /// The acknowledgement of SUBSCRIBE `request`, subscribed as `subscription`.
    pub fn new(request: Id, subscription: Id) -> Subscribed {
        Subscribed {
            request,
            subscription,
            ..Subscribed::default()
        }
    }
}

impl WampMessage for Subscribed {
    const MESSAGE_TYPE: u64 = 33;
    const NAME: &'static str = "SUBSCRIBED";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let [request, subscription] = parse_ids(wmsg, Self::NAME, ["request", "subscription"])?;
        Ok(Subscribed::new(request, subscription))
    }

    fn marshal(&self) -> Vec<Value> {
        ids(Self::MESSAGE_TYPE, &[self.request, self.subscription])
    }

    correlation_accessors!();
}

/// A subscriber asks the broker to end a subscription.
///
/// `[UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]`, or
/// `[UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id, Options|dict]`.
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[34, 85346237, 5512315355]"#;
/// let Message::Unsubscribe(unsubscribe) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(unsubscribe.subscription, 5512315355);
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unsubscribe {
    /// The request ID, echoed in UNSUBSCRIBED or ERROR.
    pub request: Id,
    /// The subscription to end.
    pub subscription: Id,
    /// The path of routers the request was forwarded through (marshalled only if non-empty).
    pub forward_for: Option<Vec<Principal>>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Unsubscribe {
    /// A request `request` to end `subscription`.
    pub fn new(request: Id, subscription: Id) -> Unsubscribe {
        Unsubscribe {
            request,
            subscription,
            ..Unsubscribe::default()
        }
    }
}

impl WampMessage for Unsubscribe {
    const MESSAGE_TYPE: u64 = 34;
    const NAME: &'static str = "UNSUBSCRIBE";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::with_length_name(wmsg, Self::NAME, "WAMP UNSUBSCRIBE", &[3, 4])?;
        let mut msg = Unsubscribe::new(w.id(1, "request")?, w.id(2, "subscription")?);
        if w.len() > 3 {
            msg.forward_for = w.extra(3, "options", FieldRole::Option)?.forward_for()?;
        }
        Ok(msg)
    }

    fn marshal(&self) -> Vec<Value> {
        let mut msg = ids(Self::MESSAGE_TYPE, &[self.request, self.subscription]);
        if let Some(ff) = self.forward_for.as_deref().filter(|ff| !ff.is_empty()) {
            let mut options = Dict::with_capacity(1);
            options.insert("forward_for", forward_for_value(ff));
            msg.push(Value::Map(options));
        }
        msg
    }

    correlation_accessors!();
}

/// The broker acknowledges an UNSUBSCRIBE, or (with request 0) tells a subscriber that the
/// router revoked its subscription.
///
/// `[UNSUBSCRIBED, UNSUBSCRIBE.Request|id]`, or
/// `[UNSUBSCRIBED, UNSUBSCRIBE.Request|id, Details|dict]`.
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[35, 85346237]"#;
/// let Message::Unsubscribed(unsubscribed) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(unsubscribed.request, 85346237);
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unsubscribed {
    /// The request ID of the UNSUBSCRIBE, or 0 for a router-initiated revocation.
    pub request: Id,
    /// For a revocation (request 0): the revoked subscription (non-zero).
    pub subscription: Option<Id>,
    /// For a revocation: why, as a URI.
    pub reason: Option<String>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Unsubscribed {
    /// The acknowledgement of UNSUBSCRIBE `request`.
    pub fn new(request: Id) -> Unsubscribed {
        Unsubscribed {
            request,
            ..Unsubscribed::default()
        }
    }

    /// Autobahn's constructor assertion (an `AssertionError` there): a `subscription` detail
    /// comes only with request 0 (a router revocation), and is never 0.
    pub(crate) fn check_revocation(
        request: Id,
        subscription: Option<Id>,
        details: KeyLocation,
    ) -> Result<(), ValidationError> {
        if subscription.is_some_and(|s| request != 0 || s == 0) {
            return Err(details.error(
                "subscription",
                "allowed only with request 0 (router revocation), and never 0",
            ));
        }
        Ok(())
    }
}

impl WampMessage for Unsubscribed {
    const MESSAGE_TYPE: u64 = 35;
    const NAME: &'static str = "UNSUBSCRIBED";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[2, 3])?;
        let mut msg = Unsubscribed::new(w.id(1, "request")?);
        if w.len() > 2 {
            let mut details = w.extra(2, "details", FieldRole::Detail)?;
            msg.subscription = details.id("subscription")?;
            msg.reason = details.uri("reason", UriRule::LOOSE)?;
            Unsubscribed::check_revocation(msg.request, msg.subscription, details.location())?;
        }
        Ok(msg)
    }

    fn marshal(&self) -> Vec<Value> {
        let mut msg = ids(Self::MESSAGE_TYPE, &[self.request]);
        if self.reason.is_some() || self.subscription.is_some() {
            msg.push(Value::Map(extra! {
                "reason" => self.reason.clone(),
                "subscription" => self.subscription,
            }));
        }
        msg
    }

    correlation_accessors!();
}

/// The broker delivers an event to a subscriber.
///
/// `[EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict]`,
/// `[EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict,
/// PUBLISH.Arguments|list]`,
/// `[EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict,
/// PUBLISH.Arguments|list, PUBLISH.ArgumentsKw|dict]`, or with payload transparency
/// `[EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict,
/// PUBLISH.Payload|binary]`.
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[36, 5512315355, 4429313566, {}, ["Hello"]]"#;
/// let Message::Event(event) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(event.publication, 4429313566);
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Event {
    /// The subscription the event is delivered under.
    pub subscription: Id,
    /// The publication ID of the event.
    pub publication: Id,
    /// Positional payload.
    pub args: Option<Vec<Value>>,
    /// Keyword payload.
    pub kwargs: Option<Dict>,
    /// The transparent (possibly encrypted) payload, instead of `args`/`kwargs`.
    pub payload: Option<Vec<u8>>,
    /// The publisher's session ID, if disclosed.
    pub publisher: Option<Id>,
    /// The publisher's authid, if disclosed.
    pub publisher_authid: Option<String>,
    /// The publisher's authrole, if disclosed.
    pub publisher_authrole: Option<String>,
    /// The topic actually published to (for pattern-based subscriptions; not URI-checked).
    pub topic: Option<String>,
    /// Whether the event was retained by the broker rather than just published.
    pub retained: Option<bool>,
    /// The publication's transaction hash.
    pub transaction_hash: Option<String>,
    /// Whether the subscriber should acknowledge the event with EVENT_RECEIVED.
    pub x_acknowledged_delivery: Option<bool>,
    /// Payload transparency: the encryption algorithm (`cryptobox`, `mqtt`, `xbr`, `x_*`).
    pub enc_algo: Option<String>,
    /// Payload transparency: the key identifier.
    pub enc_key: Option<String>,
    /// Payload transparency: the serializer of the payload before encryption.
    pub enc_serializer: Option<String>,
    /// The path of routers the event was forwarded through.
    pub forward_for: Option<Vec<Principal>>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Event {
    /// Publication `publication` delivered under `subscription`, with no payload or details.
    pub fn new(subscription: Id, publication: Id) -> Event {
        Event {
            subscription,
            publication,
            ..Event::default()
        }
    }

    fn details(&self) -> Dict {
        let mut details = extra! {
            "publisher" => self.publisher,
            "publisher_authid" => self.publisher_authid.clone(),
            "publisher_authrole" => self.publisher_authrole.clone(),
            "topic" => self.topic.clone(),
            "retained" => self.retained,
            "transaction_hash" => self.transaction_hash.clone(),
            "x_acknowledged_delivery" => self.x_acknowledged_delivery,
        };
        if let Some(ff) = &self.forward_for {
            details.insert("forward_for", forward_for_value(ff));
        }
        add_enc_extra(
            &mut details,
            &self.payload,
            [&self.enc_algo, &self.enc_key, &self.enc_serializer],
        );
        details
    }
}

impl WampMessage for Event {
    const MESSAGE_TYPE: u64 = 36;
    const NAME: &'static str = "EVENT";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[4, 5, 6])?;
        let subscription = w.id(1, "subscription")?;
        let publication = w.id(2, "publication")?;
        let mut details = w.extra(3, "details", FieldRole::Detail)?;
        let mut app = AppPayload::read(&mut w, &mut details, 4, PayloadStyle::Bytes)?;
        let publisher = details.id("publisher")?;
        let publisher_authid = details.string("publisher_authid")?;
        let publisher_authrole = details.string("publisher_authrole")?;
        let topic = details.string("topic")?;
        let retained = details.bool("retained")?;
        let transaction_hash = details.string("transaction_hash")?;
        let x_acknowledged_delivery = details.bool("x_acknowledged_delivery")?;
        let forward_for = details.forward_for()?;
        app.check()?;
        let AppPayload {
            args,
            kwargs,
            payload,
            enc_algo,
            enc_key,
            enc_serializer,
            ..
        } = app;
        Ok(Event {
            subscription,
            publication,
            args,
            kwargs,
            payload,
            publisher,
            publisher_authid,
            publisher_authrole,
            topic,
            retained,
            transaction_hash,
            x_acknowledged_delivery,
            enc_algo,
            enc_key,
            enc_serializer,
            forward_for,
            correlation: Correlation::default(),
        })
    }

    fn marshal(&self) -> Vec<Value> {
        joined(self.marshal_parts())
    }

    fn marshal_parts(&self) -> (Head<'_>, PayloadRef<'_>) {
        let ids = [self.subscription, self.publication];
        let head = Head::parts(Self::MESSAGE_TYPE, &ids, self.details(), None);
        (
            head,
            PayloadRef::of(&self.args, &self.kwargs, &self.payload),
        )
    }

    correlation_accessors!();
    validate_with_payload!(FieldRole::Detail);
}

/// A subscriber acknowledges an event delivered with `x_acknowledged_delivery`.
///
/// `[EVENT_RECEIVED, EVENT.Publication|id]`
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[337, 4429313566]"#;
/// let Message::EventReceived(received) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(received.publication, 4429313566);
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventReceived {
    /// The publication ID of the event received.
    pub publication: Id,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl EventReceived {
    /// The acknowledgement of event `publication`.
    pub fn new(publication: Id) -> EventReceived {
        EventReceived {
            publication,
            ..EventReceived::default()
        }
    }
}

impl WampMessage for EventReceived {
    const MESSAGE_TYPE: u64 = 337;
    const NAME: &'static str = "EVENT_RECEIVED";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let [publication] = parse_ids(wmsg, Self::NAME, ["publication"])?;
        Ok(EventReceived::new(publication))
    }

    fn marshal(&self) -> Vec<Value> {
        ids(Self::MESSAGE_TYPE, &[self.publication])
    }

    correlation_accessors!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict;

    /// A six-element PUBLISH whose `args` is a string or bytes, as autobahn 26.10.2 takes it:
    /// kept as it came, marshalled by autobahn's rule (checked with its `marshal()`: `args`
    /// and `kwargs` when `kwargs` is non-empty, else `args` alone when non-empty, else neither),
    /// and not deliverable as an EVENT.
    #[test]
    fn publish_args_may_be_a_string_or_bytes_before_kwargs() {
        let wmsg = |args: Value, kwargs: Value| -> Vec<Value> {
            vec![
                16.into(),
                1.into(),
                dict! {}.into(),
                "com.t".into(),
                args,
                kwargs,
            ]
        };
        let kw = || Value::from(dict! { "k" => 1 });
        for (args, held) in [
            (Value::from("abc"), StrOrBytesArgs::str("abc")),
            (Value::Bytes(vec![1, 2]), StrOrBytesArgs::bytes([1, 2])),
        ] {
            let p = Publish::parse(&wmsg(args.clone(), kw())).unwrap();
            assert_eq!(
                (p.args_str_or_bytes.as_ref(), &p.args),
                (Some(&held), &None)
            );
            assert_eq!(p.marshal(), wmsg(args.clone(), kw()));
            let e = crate::router::EventDetails::default();
            assert_eq!(p.to_event(&e).unwrap_err().field(), Some("args"));
            // an empty kwargs is not marshalled; a non-empty args still is
            let p = Publish::parse(&wmsg(args.clone(), dict! {}.into())).unwrap();
            assert_eq!(p.marshal(), wmsg(args, kw())[..5]);
        }
        let p = Publish::parse(&wmsg("".into(), dict! {}.into())).unwrap();
        assert_eq!(p.marshal().len(), 4);
        // kwargs must still be a dict; args of another type is still refused
        let e = Publish::parse(&wmsg("abc".into(), "kw".into())).unwrap_err();
        assert_eq!(e.field(), Some("kwargs"));
        let e = Publish::parse(&wmsg(1.into(), kw())).unwrap_err();
        assert_eq!(e.field(), Some("args"));
    }

    /// A PUBLISH with both a list `args` and a string or bytes one has one `args` element to
    /// write them in: every format refuses it, naming `args`, rather than pick one.
    #[test]
    fn publish_with_two_args_is_refused_by_every_format() {
        use crate::serializer::Format;
        let both: crate::Message = Publish {
            args: Some(vec![1.into()]),
            args_str_or_bytes: Some(StrOrBytesArgs::str("abc")),
            kwargs: Some(dict! { "k" => 1 }),
            ..Publish::new(1, "com.t")
        }
        .into();
        for format in Format::ALL {
            let err = format.encode(&both).unwrap_err();
            let crate::EncodeError::Invalid(e) = &err else {
                panic!("{format:?}: {err:?} is not EncodeError::Invalid");
            };
            assert_eq!((e.message(), e.field()), (Some("PUBLISH"), Some("args")));
            assert!(err.to_string().starts_with("'args' in PUBLISH"), "{err}");
        }
    }

    #[test]
    fn subscribe_topic_allows_empty_components_whatever_match() {
        let s =
            Subscribe::parse(&[32.into(), 1.into(), dict! {}.into(), "com..topic".into()]).unwrap();
        assert_eq!(s.r#match, Subscribe::MATCH_EXACT);
        // the default match is not marshalled
        assert_eq!(s.marshal()[2], Value::Map(Dict::new()));
        let e = Subscribe::parse(&[
            32.into(),
            1.into(),
            dict! { "match" => "regex" }.into(),
            "com.x".into(),
        ])
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "'match' option in SUBSCRIBE: invalid value regex"
        );
    }

    #[test]
    fn unsubscribe_length_error_and_empty_forward_for() {
        let e = Unsubscribe::parse(&[34.into(), 1.into()]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid message length 2 for WAMP UNSUBSCRIBE"
        );
        let u = Unsubscribe::parse(&[
            34.into(),
            1.into(),
            2.into(),
            dict! { "forward_for" => Vec::<Value>::new() }.into(),
        ])
        .unwrap();
        assert_eq!(u.forward_for, Some(vec![]));
        assert_eq!(u.marshal().len(), 3); // `if self.forward_for:`
    }

    #[test]
    fn unsubscribed_subscription_only_for_revocation() {
        let details = || dict! { "subscription" => 5, "reason" => "wamp.x" };
        let ok = Unsubscribed::parse(&[35.into(), 0.into(), details().into()]).unwrap();
        assert_eq!(
            (ok.subscription, ok.reason.as_deref()),
            (Some(5), Some("wamp.x"))
        );
        let e = Unsubscribed::parse(&[35.into(), 7.into(), details().into()]).unwrap_err();
        assert_eq!(e.field(), Some("subscription"));
        let e = Unsubscribed::parse(&[35.into(), 0.into(), dict! { "reason" => "a b" }.into()])
            .unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (crate::ErrorKind::InvalidUri, Some("reason"))
        );
    }

    #[test]
    fn event_payload_rules() {
        let ev = |details: Dict, rest: Vec<Value>| {
            let mut m = vec![36.into(), 1.into(), 2.into(), details.into()];
            m.extend(rest);
            Event::parse(&m)
        };
        // null args are accepted, null kwargs are not
        assert!(ev(Dict::new(), vec![Value::Null]).is_ok());
        let e = ev(Dict::new(), vec![Value::Null, Value::Null]).unwrap_err();
        assert_eq!(e.field(), Some("kwargs"));
        // only bytes are a payload: a string is bad args
        let e = ev(Dict::new(), vec!["x".into()]).unwrap_err();
        assert_eq!(e.field(), Some("args"));
        // enc_key without enc_algo: autobahn's constructor assertion, a protocol error here
        let e = ev(dict! { "enc_key" => "k" }, vec![Value::Bytes(vec![1])]).unwrap_err();
        assert_eq!(e.field(), Some("enc_algo"));
        // enc_* are ignored without a payload, and an empty payload marshals as none
        let m = ev(
            dict! { "enc_algo" => "cryptobox" },
            vec![Value::Bytes(vec![])],
        )
        .unwrap();
        assert_eq!(
            m.marshal(),
            ids(36, &[1, 2])
                .into_iter()
                .chain([Value::Map(Dict::new())])
                .collect::<Vec<_>>()
        );
    }
}
