//! What a router does with a message, written once above the formats: a PUBLISH delivered as
//! EVENTs, a CALL as an INVOCATION, a YIELD as the caller's RESULT, a callee's ERROR as the
//! caller's ERROR.
//!
//! Each step is a set of details the router decides (the `*Details` structs here) joined with
//! what the incoming message carries. The owned helpers ([`Publish::to_event`],
//! [`Call::to_invocation`], [`Yield::to_result`], [`ErrorReply::to_caller`]) copy every field a
//! step carries, the payload-transparency ones included, so that nobody copies them by hand and
//! forgets one.

use crate::error::ValidationError;
use crate::message::element_error;
use crate::message::pubsub::{Event, Publish};
use crate::message::rpc::{Call, CallResult, Invocation, Yield};
use crate::message::session::ErrorReply;
use crate::message::Id;
use crate::message::WampMessage;
use crate::messages::MessageType;

/// What the broker decides for one EVENT, beside what the PUBLISH carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventDetails<'a> {
    /// The subscriber's subscription ID.
    pub subscription: Id,
    /// The publication ID the broker gave the PUBLISH.
    pub publication: Id,
    /// The publisher's session ID, when disclosed.
    pub publisher: Option<Id>,
    /// The publisher's authid, when disclosed.
    pub publisher_authid: Option<&'a str>,
    /// The publisher's authrole, when disclosed.
    pub publisher_authrole: Option<&'a str>,
    /// The PUBLISH's topic, for a subscription by pattern (prefix or wildcard).
    pub topic: Option<&'a str>,
    /// Whether this is a retained event.
    pub retained: Option<bool>,
    /// Whether the subscriber is to acknowledge the delivery with EVENT_RECEIVED (named as
    /// the EVENT detail and [`Event`]'s field).
    pub x_acknowledged_delivery: Option<bool>,
}

/// What the dealer decides for one INVOCATION, beside what the CALL carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InvocationDetails<'a> {
    /// The dealer's request ID for the invocation (not the caller's).
    pub request: Id,
    /// The callee's registration ID.
    pub registration: Id,
    /// The caller's session ID, when disclosed.
    pub caller: Option<Id>,
    /// The caller's authid, when disclosed.
    pub caller_authid: Option<&'a str>,
    /// The caller's authrole, when disclosed.
    pub caller_authrole: Option<&'a str>,
    /// The CALL's procedure, for a registration by pattern (prefix or wildcard).
    pub procedure: Option<&'a str>,
}

/// What the dealer decides for the RESULT of a YIELD, beside what the YIELD carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResultDetails<'a> {
    /// The caller's request ID of the CALL.
    pub request: Id,
    /// The callee's session ID, when disclosed.
    pub callee: Option<Id>,
    /// The callee's authid, when disclosed.
    pub callee_authid: Option<&'a str>,
    /// The callee's authrole, when disclosed.
    pub callee_authrole: Option<&'a str>,
}

/// What the dealer decides for the caller's ERROR, beside what the callee's ERROR carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErrorDetails<'a> {
    /// The caller's request ID of the CALL.
    pub request: Id,
    /// The callee's session ID, when disclosed.
    pub callee: Option<Id>,
    /// The callee's authid, when disclosed.
    pub callee_authid: Option<&'a str>,
    /// The callee's authrole, when disclosed.
    pub callee_authrole: Option<&'a str>,
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_owned)
}

impl Publish {
    /// The EVENT that delivers this publication under `details`: the payload (`args`,
    /// `kwargs`, `payload`), its transparency keys (`enc_algo`, `enc_key`, `enc_serializer`),
    /// `transaction_hash` and `forward_for` from the PUBLISH, the rest from `details`.
    ///
    /// Errors: a PUBLISH whose `args` is a string or bytes ([`StrOrBytesArgs`]) has no EVENT:
    /// an EVENT's `args` is a list.
    ///
    /// [`StrOrBytesArgs`]: crate::StrOrBytesArgs
    pub fn to_event(&self, details: &EventDetails<'_>) -> Result<Event, ValidationError> {
        if self.args_str_or_bytes.is_some() {
            return Err(undeliverable_args());
        }
        Ok(Event {
            args: self.args.clone(),
            kwargs: self.kwargs.clone(),
            payload: self.payload.clone(),
            publisher: details.publisher,
            publisher_authid: owned(details.publisher_authid),
            publisher_authrole: owned(details.publisher_authrole),
            topic: owned(details.topic),
            retained: details.retained,
            transaction_hash: self.transaction_hash.clone(),
            x_acknowledged_delivery: details.x_acknowledged_delivery,
            enc_algo: self.enc_algo.clone(),
            enc_key: self.enc_key.clone(),
            enc_serializer: self.enc_serializer.clone(),
            forward_for: self.forward_for.clone(),
            ..Event::new(details.subscription, details.publication)
        })
    }
}

/// The error for a PUBLISH whose `args` is a string or bytes, which no EVENT can carry.
pub(crate) fn undeliverable_args() -> ValidationError {
    element_error(
        Publish::NAME,
        "args",
        "a string or bytes cannot be delivered (an EVENT's args is a list)",
    )
}

impl Call {
    /// The INVOCATION that carries this call to a callee under `details`: the payload and its
    /// transparency keys, `timeout`, `receive_progress`, `transaction_hash` and `forward_for`
    /// from the CALL, the rest from `details`.
    pub fn to_invocation(&self, details: &InvocationDetails<'_>) -> Invocation {
        Invocation {
            args: self.args.clone(),
            kwargs: self.kwargs.clone(),
            payload: self.payload.clone(),
            timeout: self.timeout,
            receive_progress: self.receive_progress,
            caller: details.caller,
            caller_authid: owned(details.caller_authid),
            caller_authrole: owned(details.caller_authrole),
            procedure: owned(details.procedure),
            transaction_hash: self.transaction_hash.clone(),
            enc_algo: self.enc_algo.clone(),
            enc_key: self.enc_key.clone(),
            enc_serializer: self.enc_serializer.clone(),
            forward_for: self.forward_for.clone(),
            ..Invocation::new(details.request, details.registration)
        }
    }
}

impl Yield {
    /// The RESULT that answers the caller with this yield under `details`: the payload and its
    /// transparency keys, `progress` and `forward_for` from the YIELD, the rest from
    /// `details`.
    pub fn to_result(&self, details: &ResultDetails<'_>) -> CallResult {
        CallResult {
            args: self.args.clone(),
            kwargs: self.kwargs.clone(),
            payload: self.payload.clone(),
            progress: self.progress,
            enc_algo: self.enc_algo.clone(),
            enc_key: self.enc_key.clone(),
            enc_serializer: self.enc_serializer.clone(),
            callee: details.callee,
            callee_authid: owned(details.callee_authid),
            callee_authrole: owned(details.callee_authrole),
            forward_for: self.forward_for.clone(),
            ..CallResult::new(details.request)
        }
    }
}

impl ErrorReply {
    /// The caller's ERROR for the CALL this callee's ERROR (to an INVOCATION) answers: the
    /// error URI, the payload and its transparency keys and `forward_for` from the callee's
    /// ERROR, the caller's request and the callee disclosure from `details`.
    pub fn to_caller(&self, details: &ErrorDetails<'_>) -> ErrorReply {
        ErrorReply {
            args: self.args.clone(),
            kwargs: self.kwargs.clone(),
            payload: self.payload.clone(),
            enc_algo: self.enc_algo.clone(),
            enc_key: self.enc_key.clone(),
            enc_serializer: self.enc_serializer.clone(),
            callee: details.callee,
            callee_authid: owned(details.callee_authid),
            callee_authrole: owned(details.callee_authrole),
            forward_for: self.forward_for.clone(),
            ..ErrorReply::new(MessageType::Call, details.request, self.error.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;
    use crate::{dict, Message, WampMessage};

    /// Every field of `to` that `from` carries by name is equal in both marshalled forms: the
    /// helpers forget none.
    fn carried(from: &[Value], to: &[Value], from_extra: usize, to_extra: usize, keys: &[&str]) {
        let (Value::Map(a), Value::Map(b)) = (&from[from_extra], &to[to_extra]) else {
            panic!("no options/details in {from:?} / {to:?}");
        };
        for key in keys {
            assert_eq!(a.get(key), b.get(key), "{key}");
            assert!(a.contains_key(key), "the test message lacks {key}");
        }
        assert_eq!(from[from_extra + 1..].last(), to[to_extra + 1..].last());
    }

    #[test]
    fn every_carried_field_is_copied() {
        let ff = Some(vec![crate::Principal {
            session: 1,
            authid: "a".into(),
            authrole: "r".into(),
        }]);
        let payload = Some(b"\x01\x02".to_vec());
        let enc = |m: &mut Option<String>, v: &str| *m = Some(v.into());
        let mut publish = Publish {
            payload: payload.clone(),
            transaction_hash: Some("t".into()),
            forward_for: ff.clone(),
            ..Publish::new(1, "com.t")
        };
        enc(&mut publish.enc_algo, "cryptobox");
        enc(&mut publish.enc_key, "k");
        enc(&mut publish.enc_serializer, "json");
        let event = publish
            .to_event(&EventDetails {
                subscription: 2,
                publication: 3,
                ..EventDetails::default()
            })
            .unwrap();
        let keys = [
            "enc_algo",
            "enc_key",
            "enc_serializer",
            "transaction_hash",
            "forward_for",
        ];
        carried(&publish.marshal(), &event.marshal(), 2, 3, &keys);

        let mut call = Call {
            payload: payload.clone(),
            timeout: Some(5),
            receive_progress: Some(true),
            transaction_hash: Some("t".into()),
            forward_for: ff.clone(),
            ..Call::new(1, "com.p")
        };
        enc(&mut call.enc_algo, "cryptobox");
        let invocation = call.to_invocation(&InvocationDetails {
            request: 7,
            registration: 8,
            ..InvocationDetails::default()
        });
        let keys = [
            "enc_algo",
            "timeout",
            "receive_progress",
            "transaction_hash",
            "forward_for",
        ];
        carried(&call.marshal(), &invocation.marshal(), 2, 3, &keys);

        let mut yielded = Yield {
            args: Some(vec![1.into()]),
            kwargs: Some(dict! {"k" => "v"}),
            progress: Some(true),
            forward_for: ff.clone(),
            ..Yield::new(7)
        };
        let result = yielded.to_result(&ResultDetails {
            request: 1,
            ..ResultDetails::default()
        });
        carried(
            &yielded.marshal(),
            &result.marshal(),
            2,
            2,
            &["progress", "forward_for"],
        );
        yielded.payload = payload;
        enc(&mut yielded.enc_algo, "cryptobox");
        let result = yielded.to_result(&ResultDetails::default());
        carried(&yielded.marshal(), &result.marshal(), 2, 2, &["enc_algo"]);

        let error = ErrorReply {
            args: Some(vec!["why".into()]),
            forward_for: ff,
            ..ErrorReply::new(MessageType::Invocation, 7, "com.err")
        };
        let to_caller = error.to_caller(&ErrorDetails {
            request: 1,
            ..ErrorDetails::default()
        });
        carried(
            &error.marshal(),
            &to_caller.marshal(),
            3,
            3,
            &["forward_for"],
        );
        assert_eq!(to_caller.error, "com.err");
        let Message::Error(e) = Message::parse(&to_caller.marshal()).unwrap() else {
            panic!()
        };
        assert_eq!((e.request_type, e.request), (MessageType::Call, 1));
    }
}
#[cfg(any(feature = "json", feature = "msgpack", feature = "cbor"))]
#[cfg_attr(
    docsrs,
    doc(cfg(any(feature = "json", feature = "msgpack", feature = "cbor")))
)]
pub mod forward;
