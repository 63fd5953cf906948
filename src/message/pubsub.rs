//! Publish and subscribe: PUBLISH, PUBLISHED, SUBSCRIBE, SUBSCRIBED, UNSUBSCRIBE, UNSUBSCRIBED,
//! EVENT and EVENT_RECEIVED.

use crate::error::{FieldRole, ValidationError};
use crate::message::{extra, forward_for_value, Correlation, Principal, WampMessage, Wmsg};
use crate::validate::UriRule;
use crate::value::{Dict, Value};

/// A publisher asks the broker to publish an event to a topic.
///
/// `[PUBLISH, Request|id, Options|dict, Topic|uri]`,
/// `[PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list]`,
/// `[PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]`, or with
/// payload transparency `[PUBLISH, Request|id, Options|dict, Topic|uri, Payload|binary]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Publish {
    /// The request ID, echoed in PUBLISHED or ERROR.
    pub request: u64,
    /// The topic to publish to.
    pub topic: String,
    /// Positional payload.
    pub args: Option<Vec<Value>>,
    /// Keyword payload.
    pub kwargs: Option<Dict>,
    /// The transparent (possibly encrypted) payload, instead of `args`/`kwargs`.
    pub payload: Option<Vec<u8>>,
    /// Ask the broker for a PUBLISHED acknowledgement.
    pub acknowledge: Option<bool>,
    /// Whether the publisher is excluded from receiving the event (default true).
    pub exclude_me: Option<bool>,
    /// Sessions excluded from receiving the event.
    pub exclude: Option<Vec<i64>>,
    /// Authids excluded from receiving the event.
    pub exclude_authid: Option<Vec<String>>,
    /// Authroles excluded from receiving the event.
    pub exclude_authrole: Option<Vec<String>>,
    /// The only sessions eligible to receive the event.
    pub eligible: Option<Vec<i64>>,
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

impl Publish {
    /// A publication of `topic` with request ID `request` and no payload or options.
    pub fn new(request: u64, topic: impl Into<String>) -> Publish {
        Publish {
            request,
            topic: topic.into(),
            ..Publish::default()
        }
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
        if has_payload(&self.payload) {
            options.extend(extra! {
                "enc_algo" => self.enc_algo.clone(),
                "enc_key" => self.enc_key.clone(),
                "enc_serializer" => self.enc_serializer.clone(),
            });
        }
        if let Some(ff) = &self.forward_for {
            options.insert("forward_for".into(), forward_for_value(ff));
        }
        options
    }
}

impl WampMessage for Publish {
    const MESSAGE_TYPE: u64 = 16;
    const NAME: &'static str = "PUBLISH";

    fn parse(wmsg: &[Value]) -> Result<Self, ValidationError> {
        let w = Wmsg::new(wmsg, Self::NAME, &[4, 5, 6])?;
        let request = w.id(1, "request")?;
        let options = w.extra(2, "options", FieldRole::Option)?;
        let topic = w.uri(3, "topic", UriRule::LOOSE)?.unwrap_or_default();
        let mut msg = Publish {
            request,
            topic,
            ..Publish::default()
        };

        // Autobahn takes a string in this position as a payload too, then fails an assertion
        // in the constructor; here that is a protocol error.
        match (w.len(), w.get(4)) {
            (5, Some(Value::Bytes(payload))) => {
                let enc = options.enc_options()?;
                msg.payload = Some(payload.clone());
                (msg.enc_algo, msg.enc_key, msg.enc_serializer) =
                    (enc.enc_algo, enc.enc_key, enc.enc_serializer);
            }
            (5, Some(Value::Str(_))) => {
                return Err(w.error("payload", "invalid type str (must be bytes)"))
            }
            _ => {
                msg.args = w.args(4, false)?;
                msg.kwargs = w.kwargs(5, false)?;
            }
        }

        msg.acknowledge = options.bool("acknowledge")?;
        msg.exclude_me = options.bool("exclude_me")?;
        msg.exclude = options.int_list("exclude")?;
        msg.exclude_authid = options.str_list("exclude_authid")?;
        msg.exclude_authrole = options.str_list("exclude_authrole")?;
        msg.eligible = options.int_list("eligible")?;
        msg.eligible_authid = options.str_list("eligible_authid")?;
        msg.eligible_authrole = options.str_list("eligible_authrole")?;
        msg.retain = options.bool("retain")?;
        msg.transaction_hash = options.string("transaction_hash")?;
        msg.forward_for = options.forward_for()?;
        Ok(msg)
    }

    fn marshal(&self) -> Vec<Value> {
        let head = vec![
            Value::Int(Self::MESSAGE_TYPE as i64),
            Value::from(self.request),
            Value::Map(self.options()),
            Value::Str(self.topic.clone()),
        ];
        with_payload(head, &self.args, &self.kwargs, &self.payload)
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// Whether a transparent payload is present, by autobahn's test (`if self.payload:`).
pub(crate) fn has_payload(payload: &Option<Vec<u8>>) -> bool {
    payload.as_ref().is_some_and(|p| !p.is_empty())
}

/// Appends the application payload as autobahn's `marshal` methods do: the transparent payload
/// if any; else `args` and `kwargs` when `kwargs` is non-empty (`args` may then be `null`);
/// else `args` when non-empty; else nothing.
pub(crate) fn with_payload(
    mut head: Vec<Value>,
    args: &Option<Vec<Value>>,
    kwargs: &Option<Dict>,
    payload: &Option<Vec<u8>>,
) -> Vec<Value> {
    if let Some(p) = payload.as_ref().filter(|p| !p.is_empty()) {
        head.push(Value::Bytes(p.clone()));
    } else if let Some(kw) = kwargs.as_ref().filter(|kw| !kw.is_empty()) {
        head.push(args.clone().map_or(Value::Null, Value::List));
        head.push(Value::Map(kw.clone()));
    } else if let Some(a) = args.as_ref().filter(|a| !a.is_empty()) {
        head.push(Value::List(a.clone()));
    }
    head
}

// ---- stubs ----

/// `PUBLISHED` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Published {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Published {
    const MESSAGE_TYPE: u64 = 17;
    const NAME: &'static str = "PUBLISHED";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// `SUBSCRIBE` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Subscribe {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Subscribe {
    const MESSAGE_TYPE: u64 = 32;
    const NAME: &'static str = "SUBSCRIBE";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// `SUBSCRIBED` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Subscribed {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Subscribed {
    const MESSAGE_TYPE: u64 = 33;
    const NAME: &'static str = "SUBSCRIBED";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// `UNSUBSCRIBE` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unsubscribe {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Unsubscribe {
    const MESSAGE_TYPE: u64 = 34;
    const NAME: &'static str = "UNSUBSCRIBE";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// `UNSUBSCRIBED` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unsubscribed {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Unsubscribed {
    const MESSAGE_TYPE: u64 = 35;
    const NAME: &'static str = "UNSUBSCRIBED";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// `EVENT` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Event {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for Event {
    const MESSAGE_TYPE: u64 = 36;
    const NAME: &'static str = "EVENT";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}

/// `EVENT_RECEIVED` (not implemented yet).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventReceived {
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl WampMessage for EventReceived {
    const MESSAGE_TYPE: u64 = 337;
    const NAME: &'static str = "EVENT_RECEIVED";

    fn parse(_wmsg: &[Value]) -> Result<Self, ValidationError> {
        Err(ValidationError::protocol("not implemented yet").in_message(Self::NAME))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![Value::Int(Self::MESSAGE_TYPE as i64)]
    }

    fn correlation(&self) -> &Correlation {
        &self.correlation
    }

    fn correlation_mut(&mut self) -> &mut Correlation {
        &mut self.correlation
    }
}
