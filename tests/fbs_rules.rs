//! FlatBuffers input is held to the same WAMP rules as JSON: an ID past 2^53 or a URI its message
//! does not allow is refused on both, with the same error naming the message and field.

use wamp_codec::message::session::{Features, Role, Roles};
use wamp_codec::serializer::Format;
use wamp_codec::*;

const TOO_BIG: u64 = (1 << 53) + 1;

/// Every message with an ID element or a URI the owned parse checks, given a bad one.
fn broken() -> Vec<Message> {
    let roles: Roles = [(Role::Subscriber, Features::default())]
        .into_iter()
        .collect();
    let register = |m: &str, procedure: &str| Register {
        r#match: m.into(),
        ..Register::new(1, procedure)
    };
    vec![
        Publish::new(u64::MAX, "com.ok").into(),
        Publish::new(TOO_BIG, "com.ok").into(),
        Publish::new(1, "com..bad topic#").into(),
        Published::new(1, TOO_BIG).into(),
        Subscribe::new(TOO_BIG, "com.ok").into(),
        Subscribe::new(1, "com.bad topic").into(),
        Subscribed::new(1, TOO_BIG).into(),
        Unsubscribe::new(1, TOO_BIG).into(),
        Unsubscribed::new(TOO_BIG).into(),
        Unsubscribed {
            reason: Some("bad reason".into()),
            ..Unsubscribed::new(1)
        }
        .into(),
        Event::new(TOO_BIG, 1).into(),
        Event::new(1, u64::MAX).into(),
        EventReceived::new(TOO_BIG).into(),
        Call::new(TOO_BIG, "com.ok").into(),
        Call::new(1, "com.#bad").into(),
        Cancel::new(TOO_BIG).into(),
        CallResult::new(TOO_BIG).into(),
        register("exact", "com..p").into(),
        register("prefix", "com..p").into(),
        register("wildcard", "com p").into(),
        Register::new(TOO_BIG, "com.ok").into(),
        Registered::new(1, TOO_BIG).into(),
        Unregister::new(TOO_BIG, 1).into(),
        Unregistered::new(TOO_BIG).into(),
        Unregistered {
            reason: Some("bad reason".into()),
            ..Unregistered::new(1)
        }
        .into(),
        Invocation::new(1, TOO_BIG).into(),
        Interrupt::new(TOO_BIG).into(),
        Interrupt {
            reason: Some("bad reason".into()),
            ..Interrupt::new(1)
        }
        .into(),
        Yield::new(TOO_BIG).into(),
        ErrorReply::new(MessageType::Call, TOO_BIG, "com.ok").into(),
        ErrorReply::new(MessageType::Call, 1, "bad error").into(),
        Abort::new("bad reason").into(),
        Goodbye::new("com..bad").into(),
        Welcome::new(TOO_BIG, roles.clone()).into(),
        Hello::new(Some("bad realm".into()), roles).into(),
    ]
}

#[test]
fn flatbuffers_refuses_what_json_refuses_with_the_same_error() {
    for msg in broken() {
        let json = Format::Json.encode(&msg).unwrap();
        let fbs = Format::Flatbuffers.encode(&msg).unwrap();
        let json_error = Format::Json.decode(&json).expect_err(&format!("{msg:?}"));
        let fbs_error = Format::Flatbuffers
            .decode(&fbs)
            .expect_err(&format!("{msg:?}"));
        assert_eq!(fbs_error.to_string(), json_error.to_string(), "{msg:?}");
        assert!(
            matches!(fbs_error, DecodeError::Invalid(_)),
            "{fbs_error:?} is a WAMP rule, not a syntax error"
        );
        let cast_error = wamp_codec::fbs::view::MessageRef::cast(&fbs).unwrap_err();
        assert_eq!(cast_error.to_string(), json_error.to_string());
    }
}

#[test]
fn typed_casts_apply_the_rules_too() {
    let bad = Format::Flatbuffers
        .encode(&Publish::new(1, "com..bad topic#").into())
        .unwrap();
    let e = Publish::cast(&bad).unwrap_err().to_string();
    assert!(e.starts_with("'topic' in PUBLISH: invalid value"), "{e}");
    let bad = Format::Flatbuffers
        .encode(&Call::new(u64::MAX, "com.ok").into())
        .unwrap();
    let e = Call::cast(&bad).unwrap_err().to_string();
    assert_eq!(
        e,
        format!("'request' in CALL: invalid value {} for ID", u64::MAX)
    );
}

#[test]
fn the_limits_themselves_are_accepted() {
    let ok: Vec<Message> = vec![
        Publish::new(1 << 53, "com.ok").into(),
        Event::new(1 << 53, 0).into(),
        Register {
            r#match: "wildcard".into(),
            ..Register::new(1, "com..p")
        }
        .into(),
        Register {
            r#match: "prefix".into(),
            ..Register::new(1, "com.p.")
        }
        .into(),
        Subscribe::new(1, "com..any").into(),
        Unsubscribed::new(1).into(),
    ];
    for msg in ok {
        let fbs = Format::Flatbuffers.encode(&msg).unwrap();
        assert!(Format::Json
            .decode(&Format::Json.encode(&msg).unwrap())
            .is_ok());
        assert!(Format::Flatbuffers.decode(&fbs).is_ok(), "{msg:?}");
    }
}
