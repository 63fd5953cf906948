//! The views of every format against the owned decode: the same verdict and error on every
//! corpus message and mutations of it, the same fields; and forwarding against
//! `Publish::to_event` + encode.

mod common;

use wamp_codec::router::forward::{EventTemplate, Forwarder};
use wamp_codec::router::{ErrorDetails, EventDetails, InvocationDetails, ResultDetails};
use wamp_codec::serializer::{cbor, json, msgpack, Format, Limits};
use wamp_codec::view::item::Item;
use wamp_codec::view::{MessageView, Payload, PublishView};
use wamp_codec::{Message, Publish, Value};

const TEXT_AND_BINARY: [Format; 3] = [Format::Json, Format::Msgpack, Format::Cbor];

/// `raw` in `format`, as the value encoders write it.
fn encode_value(format: Format, raw: &Value) -> Vec<u8> {
    let encoded = match format {
        Format::Json => json::value_to_vec(raw),
        Format::Msgpack => msgpack::value_to_vec(raw),
        Format::Cbor => cbor::value_to_vec(raw),
        Format::Flatbuffers => unreachable!(),
    };
    encoded.unwrap()
}

/// Every corpus message as bytes of every format, accepted or not (the rejected ones encoded
/// from their JSON value), and mutations: truncations and single-byte changes.
fn inputs() -> Vec<(String, Format, Vec<u8>)> {
    let mut out = Vec::new();
    for case in common::corpus() {
        let raw = json::value_from_slice(case.json(), &Limits::DEFAULT).ok();
        for format in TEXT_AND_BINARY {
            let bytes = match (format, &raw) {
                (Format::Json, _) => case.json().to_vec(),
                (_, Some(raw)) => encode_value(format, raw),
                (_, None) => continue,
            };
            let n = bytes.len();
            for cut in [n / 2, n.saturating_sub(1)] {
                out.push((
                    format!("{} {format:?} cut {cut}", case.id),
                    format,
                    bytes[..cut].to_vec(),
                ));
            }
            for at in [1, n / 3, n / 2, (2 * n) / 3] {
                for flip in [0x01u8, 0x20, 0x80] {
                    let mut m = bytes.clone();
                    if let Some(b) = m.get_mut(at) {
                        *b ^= flip;
                        out.push((
                            format!("{} {format:?} flip {at}^{flip:#x}", case.id),
                            format,
                            m,
                        ));
                    }
                }
            }
            out.push((format!("{} {format:?}", case.id), format, bytes));
        }
    }
    out
}

#[test]
fn views_agree_with_the_owned_decode_on_the_corpus_and_mutations() {
    let mut accepted = 0;
    let mut refused = 0;
    for (name, format, bytes) in inputs() {
        let owned = format.decode(&bytes);
        let view = MessageView::decode(format, &bytes);
        match (&owned, &view) {
            (Ok(m), Ok(v)) => {
                assert_eq!(v.message_type(), m.message_type(), "{name}");
                assert_eq!(&v.to_message().unwrap(), m, "{name}");
                accepted += 1;
            }
            (Err(a), Err(b)) => {
                assert_eq!(a.to_string(), b.to_string(), "{name}");
                refused += 1;
            }
            _ => panic!(
                "{name}: owned {owned:?}, view {:?}",
                view.map(|v| v.message_type())
            ),
        }
    }
    assert!(
        accepted > 1000 && refused > 10_000,
        "{accepted} / {refused}"
    );
}

/// Every field of the PUBLISH view equals the owned message's.
fn assert_fields(view: &PublishView<'_>, owned: &Publish, name: &str) {
    assert_eq!(view.request(), owned.request, "{name}");
    assert_eq!(view.topic(), owned.topic, "{name}");
    assert_eq!(view.acknowledge(), owned.acknowledge, "{name}");
    assert_eq!(view.exclude_me(), owned.exclude_me, "{name}");
    assert_eq!(view.retain(), owned.retain, "{name}");
    assert_eq!(
        view.transaction_hash().as_deref(),
        owned.transaction_hash.as_deref(),
        "{name}"
    );
    assert_eq!(
        view.exclude().map(Iterator::collect::<Vec<_>>),
        owned.exclude,
        "{name}"
    );
    assert_eq!(
        view.eligible().map(Iterator::collect::<Vec<_>>),
        owned.eligible,
        "{name}"
    );
    let value = |p: Option<Payload<'_>>| p.map(|p| p.to_value().unwrap());
    assert_eq!(
        value(view.args()),
        owned.args.clone().map(Value::List),
        "{name}"
    );
    assert_eq!(
        value(view.kwargs()),
        owned.kwargs.clone().map(Value::Map),
        "{name}"
    );
    assert_eq!(
        view.payload().as_deref(),
        owned.payload.as_deref(),
        "{name}"
    );
    assert_eq!(
        view.enc_algo().as_deref(),
        owned.enc_algo.as_deref(),
        "{name}"
    );
    assert_eq!(
        view.enc_key().as_deref(),
        owned.enc_key.as_deref(),
        "{name}"
    );
    assert_eq!(
        view.enc_serializer().as_deref(),
        owned.enc_serializer.as_deref(),
        "{name}"
    );
}

/// The accepted PUBLISHes of the corpus, in every format.
fn publishes() -> Vec<(String, Format, Vec<u8>, Publish)> {
    let mut out = Vec::new();
    for case in common::corpus().into_iter().filter(|c| c.accept()) {
        let Ok(Message::Publish(owned)) = Format::Json.decode(case.json()) else {
            continue;
        };
        let mut sources = vec![(Format::Json, case.json().to_vec())];
        sources.extend(case.hex("msgpack").map(|b| (Format::Msgpack, b)));
        sources.extend(case.hex("cbor").map(|b| (Format::Cbor, b)));
        for (format, bytes) in sources {
            out.push((case.id.clone(), format, bytes, owned.clone()));
        }
    }
    // the payload shapes whose emptiness decides what an EVENT carries
    let shapes = [
        (Some(vec![]), Some(wamp_codec::dict! {"k" => 1})),
        (Some(vec![]), None),
        (Some(vec![]), Some(wamp_codec::dict! {})),
        (Some(vec![Value::from(1)]), Some(wamp_codec::dict! {})),
        (
            Some(vec![Value::Bytes(vec![0, 255])]),
            Some(wamp_codec::dict! {"k" => 1.5}),
        ),
    ];
    for (i, (args, kwargs)) in shapes.into_iter().enumerate() {
        let owned = Publish {
            args,
            kwargs,
            ..Publish::new(1, "com.t")
        };
        for format in TEXT_AND_BINARY {
            let bytes = format.encode(&owned.clone().into()).unwrap();
            let Ok(Message::Publish(decoded)) = format.decode(&bytes) else {
                panic!("shape {i} decodes")
            };
            out.push((format!("shape {i}"), format, bytes, decoded));
        }
    }
    for (i, owned) in rich().into_iter().enumerate() {
        let Message::Publish(_) = owned else { continue };
        if let Ok(bytes) = Format::Flatbuffers.encode(&owned) {
            let Ok(Message::Publish(decoded)) = Format::Flatbuffers.decode(&bytes) else {
                panic!("rich {i} reads back")
            };
            out.push((
                format!("rich {i} direct"),
                Format::Flatbuffers,
                bytes,
                decoded,
            ));
        }
        for format in TEXT_AND_BINARY {
            let bytes = format.encode(&owned).unwrap();
            let Ok(Message::Publish(decoded)) = format.decode(&bytes) else {
                panic!("rich {i}")
            };
            out.push((format!("rich {i}"), format, bytes, decoded));
        }
    }
    assert!(out.len() > 60, "{}", out.len());
    out
}

#[test]
fn publish_views_read_every_field_as_the_owned_decode() {
    for (name, format, bytes, owned) in publishes() {
        let view = Publish::view(format, &bytes).unwrap();
        assert_fields(&view, &owned, &format!("{name} {format:?}"));
        // FlatBuffers, through the same accessors
        let fbs = Format::Flatbuffers.encode(&owned.clone().into());
        if let Ok(fbs) = fbs {
            let view = Publish::view(Format::Flatbuffers, &fbs).unwrap();
            assert_eq!(view.request(), owned.request);
            assert_eq!(view.topic(), owned.topic);
        }
    }
}

fn details() -> [EventDetails<'static>; 3] {
    [
        EventDetails {
            subscription: 1,
            publication: 2,
            ..EventDetails::default()
        },
        EventDetails {
            subscription: 5_512_315_355,
            publication: 1 << 53,
            publisher: Some(77),
            publisher_authid: Some("alice"),
            publisher_authrole: Some("user\"role"),
            topic: Some("com.myapp.topic1"),
            retained: Some(true),
            x_acknowledged_delivery: Some(false),
        },
        EventDetails {
            subscription: 0,
            publication: 0,
            x_acknowledged_delivery: Some(true),
            ..EventDetails::default()
        },
    ]
}

const ALL: [Format; 4] = [
    Format::Json,
    Format::Msgpack,
    Format::Cbor,
    Format::Flatbuffers,
];

/// `owned` in FlatBuffers too, where it can be written there.
fn with_flatbuffers<T: Clone + Into<Message>>(
    mut list: Vec<(String, Format, Vec<u8>, T)>,
) -> Vec<(String, Format, Vec<u8>, T)> {
    let mut extra = Vec::new();
    for (name, format, _, owned) in list.iter().filter(|(_, f, ..)| *f == Format::Json) {
        if let Ok(b) = Format::Flatbuffers.encode(&owned.clone().into()) {
            let _ = format;
            extra.push((name.clone(), Format::Flatbuffers, b, owned.clone()));
        }
    }
    list.extend(extra);
    list
}

#[test]
fn forwarding_gives_the_owned_events_bytes_in_every_pair_of_formats() {
    let mut forwarder = Forwarder::new();
    let mut compared = 0;
    for (name, from, bytes, owned) in with_flatbuffers(publishes()) {
        let view = Publish::view(from, &bytes).unwrap();
        // byte for byte where the input is as the crate writes it (the payload is copied
        // as it is); as the same message otherwise
        let canonical = from.encode(&owned.clone().into()).unwrap() == bytes;
        for to in ALL {
            for d in details() {
                let mut out = Vec::new();
                let forwarded = forwarder.event(&view, &d, to, &mut out);
                // a string or bytes `args` has no EVENT: both refuse it
                let expected = match owned.to_event(&d) {
                    Ok(expected) => expected,
                    Err(e) => {
                        assert!(forwarded.is_err(), "{name} {from:?} -> {to:?}: {e}");
                        compared += 1;
                        continue;
                    }
                };
                let Ok(encoded) = to.encode(&expected.clone().into()) else {
                    assert!(
                        forwarded.is_err(),
                        "{name} {from:?} -> {to:?}: the owned EVENT cannot be written"
                    );
                    continue;
                };
                forwarded.unwrap_or_else(|e| panic!("{name} {from:?} -> {to:?}: {e}"));
                if canonical || from != to {
                    assert_eq!(out, encoded, "{name} {from:?} -> {to:?}");
                }
                // the same message (as the owned EVENT writes and reads back)
                assert_eq!(
                    to.decode(&out).unwrap(),
                    to.decode(&encoded).unwrap(),
                    "{name} {from:?} -> {to:?}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 500, "{compared}");
}

#[test]
fn templates_stamp_what_forwarding_writes() {
    let mut forwarder = Forwarder::new();
    let mut template = EventTemplate::new();
    let mut undeliverable = 0;
    for (name, from, bytes, owned) in publishes() {
        let view = Publish::view(from, &bytes).unwrap();
        if owned.args_str_or_bytes.is_some() {
            // a string or bytes `args` has no EVENT (an EVENT's args is a list): refused, as
            // by `Publish::to_event`, naming `args`
            assert!(owned.to_event(&details()[1]).is_err(), "{name}");
            for to in TEXT_AND_BINARY {
                let e = template.fill(&mut forwarder, &view, &details()[1], to);
                let e = e.map(|_| ()).unwrap_err().to_string();
                assert!(
                    e.contains("'args' in PUBLISH"),
                    "{name} {from:?} -> {to:?}: {e}"
                );
            }
            undeliverable += 1;
            continue;
        }
        for to in TEXT_AND_BINARY {
            let d = details()[1];
            template.fill(&mut forwarder, &view, &d, to).unwrap();
            for subscription in [0, 1, 23, 24, 255, 256, 65_536, 1 << 32, 1 << 53] {
                let mut stamped = Vec::new();
                template.stamp(subscription, &mut stamped);
                let mut direct = Vec::new();
                let d = EventDetails { subscription, ..d };
                forwarder.event(&view, &d, to, &mut direct).unwrap();
                assert_eq!(stamped, direct, "{name} {from:?} -> {to:?} {subscription}");
            }
        }
        // FlatBuffers: the stamped EVENT reads as the built one
        let Ok(fbs) = Format::Flatbuffers.encode(&owned.clone().into()) else {
            continue;
        };
        let view = Publish::view(Format::Flatbuffers, &fbs).unwrap();
        let d = details()[1];
        template
            .fill(&mut forwarder, &view, &d, Format::Flatbuffers)
            .unwrap();
        for subscription in [1, 1 << 40] {
            let mut stamped = Vec::new();
            template.stamp(subscription, &mut stamped);
            let expected = owned.to_event(&EventDetails { subscription, ..d }).unwrap();
            // compared as marshalled, what every wire carries: an empty `kwargs` beside `args`
            // is no element on any wire (16-m3-2)
            assert_eq!(
                Format::Flatbuffers.decode(&stamped).unwrap().marshal(),
                Message::Event(expected).marshal(),
                "{name}"
            );
        }
    }
    // the corpus has them (16-o4, 16-o5, ...), in each of JSON, MessagePack and CBOR
    assert!(
        undeliverable >= 6,
        "{undeliverable} string or bytes args checked"
    );
}

#[test]
fn options_keep_keys_the_owned_type_does_not_model() {
    let wire = br#"[16,1,{"x_custom":[1,{"a":null}],"agent":"me","acknowledge":true},"com.t"]"#;
    for format in TEXT_AND_BINARY {
        let raw = json::value_from_slice(wire, &Limits::DEFAULT).unwrap();
        let bytes = encode_value(format, &raw);
        let view = Publish::view(format, &bytes).unwrap();
        let options = raw.as_list().unwrap()[2].as_map().unwrap();
        for (key, value) in options {
            assert_eq!(
                &view.option(key).unwrap().to_value(),
                value,
                "{format:?} {key}"
            );
        }
        assert!(view.option("absent").is_none());
    }
}

/// The accepted corpus messages of type `t`, in every format.
fn corpus_of(t: wamp_codec::MessageType) -> Vec<(String, Format, Vec<u8>, Message)> {
    let mut out = Vec::new();
    for case in common::corpus().into_iter().filter(|c| c.accept()) {
        let Ok(owned) = Format::Json.decode(case.json()) else {
            continue;
        };
        if owned.message_type() != t {
            continue;
        }
        let mut sources = vec![(Format::Json, case.json().to_vec())];
        sources.extend(case.hex("msgpack").map(|b| (Format::Msgpack, b)));
        sources.extend(case.hex("cbor").map(|b| (Format::Cbor, b)));
        for (format, bytes) in sources {
            out.push((case.id.clone(), format, bytes, owned.clone()));
        }
    }
    assert!(out.len() >= 9, "{t:?}: {}", out.len());
    for (i, owned) in rich()
        .into_iter()
        .filter(|m| m.message_type() == t)
        .enumerate()
    {
        // FlatBuffers straight from the message: it keeps what the others drop
        if let Ok(bytes) = Format::Flatbuffers.encode(&owned) {
            let decoded = Format::Flatbuffers.decode(&bytes).unwrap();
            out.push((
                format!("rich {i} direct"),
                Format::Flatbuffers,
                bytes,
                decoded,
            ));
        }
        for format in TEXT_AND_BINARY {
            let bytes = format.encode(&owned).unwrap();
            let decoded = format.decode(&bytes).unwrap();
            out.push((format!("rich {i}"), format, bytes, decoded));
        }
    }
    with_flatbuffers(out)
}

/// Messages with the fields the corpus seldom has: forward_for, transparency, timeouts,
/// progress, non-ASCII and escaped strings, binary and nested values.
fn rich() -> Vec<Message> {
    use wamp_codec::{dict, Call, ErrorReply, MessageType, Principal, Yield};
    let ff = Some(vec![
        Principal {
            session: 1,
            authid: "alice\"".into(),
            authrole: "röle".into(),
        },
        Principal {
            session: 1 << 50,
            authid: String::new(),
            authrole: "r".into(),
        },
    ]);
    let args = Some(vec![
        Value::Bytes(vec![0, 1, 255]),
        "é\n".into(),
        Value::Float(1.5),
        Value::List(vec![Value::Null, true.into()]),
    ]);
    let kwargs = Some(dict! {"nested" => dict! {"k" => Value::UInt(u64::MAX)}, "n" => -5});
    let enc = |algo: &str| {
        (
            Some(algo.to_owned()),
            Some("key1".to_owned()),
            Some("cbor".to_owned()),
        )
    };
    let (enc_algo, enc_key, enc_serializer) = enc("cryptobox");
    let (x_algo, x_key, x_serializer) = enc("x_mine");
    vec![
        Call {
            args: args.clone(),
            kwargs: kwargs.clone(),
            timeout: Some(0),
            receive_progress: Some(true),
            transaction_hash: Some("tx".into()),
            forward_for: ff.clone(),
            ..Call::new(1, "com.p")
        }
        .into(),
        Call {
            payload: Some(vec![9; 40]),
            enc_algo: enc_algo.clone(),
            enc_key: enc_key.clone(),
            enc_serializer: enc_serializer.clone(),
            timeout: Some(3000),
            ..Call::new(2, "com.p")
        }
        .into(),
        Call {
            payload: Some(vec![9; 3]),
            enc_algo: x_algo.clone(),
            enc_key: x_key.clone(),
            enc_serializer: x_serializer.clone(),
            ..Call::new(3, "com.p")
        }
        .into(),
        Yield {
            args: Some(vec![]),
            kwargs: kwargs.clone(),
            progress: Some(false),
            forward_for: ff.clone(),
            ..Yield::new(4)
        }
        .into(),
        Yield {
            payload: Some(vec![1]),
            enc_algo: enc_algo.clone(),
            enc_key: None,
            enc_serializer: None,
            ..Yield::new(5)
        }
        .into(),
        ErrorReply {
            args: args.clone(),
            kwargs: kwargs.clone(),
            forward_for: ff.clone(),
            ..ErrorReply::new(MessageType::Invocation, 6, "com.err.ö")
        }
        .into(),
        ErrorReply {
            payload: Some(vec![7; 9]),
            enc_algo,
            enc_key,
            enc_serializer,
            ..ErrorReply::new(MessageType::Invocation, 7, "com.err")
        }
        .into(),
        Publish {
            args,
            kwargs,
            transaction_hash: Some("t".into()),
            forward_for: ff,
            ..Publish::new(8, "com.t")
        }
        .into(),
        Publish {
            payload: Some(vec![0; 70]),
            enc_algo: x_algo,
            enc_key: x_key,
            enc_serializer: x_serializer,
            ..Publish::new(9, "com.t")
        }
        .into(),
        // regressions (fuzz views): transparency fields without a payload, which FlatBuffers
        // keeps; a payload beside args and kwargs, which only FlatBuffers can hold
        Call {
            enc_algo: Some("xbr".into()),
            enc_serializer: Some("cbor".into()),
            ..Call::new(10, "com.p")
        }
        .into(),
        Publish {
            payload: Some(vec![5; 3]),
            args: Some(vec![1.into()]),
            kwargs: Some(dict! {"k" => 2}),
            enc_algo: Some("mqtt".into()),
            ..Publish::new(11, "com.t")
        }
        .into(),
    ]
}

/// Forwards every corpus message of type `t` into every format with `step`, against `owned`
/// + encode: byte for byte where the input is canonical or the formats differ.
fn forwards_as_owned(
    t: wamp_codec::MessageType,
    owned_step: impl Fn(&Message) -> Message,
    step: impl Fn(
        &mut Forwarder,
        &MessageView<'_>,
        Format,
        &mut Vec<u8>,
    ) -> Result<(), wamp_codec::router::forward::ForwardError>,
) {
    let mut forwarder = Forwarder::new();
    for (name, from, bytes, owned) in corpus_of(t) {
        let view = MessageView::decode(from, &bytes).unwrap();
        let canonical = from.encode(&owned).ok().as_deref() == Some(&bytes[..]);
        let expected = owned_step(&owned);
        for to in ALL {
            let mut out = Vec::new();
            let forwarded = step(&mut forwarder, &view, to, &mut out);
            let Ok(encoded) = to.encode(&expected) else {
                assert!(forwarded.is_err(), "{name} {from:?} -> {to:?}");
                continue;
            };
            forwarded.unwrap_or_else(|e| panic!("{name} {from:?} -> {to:?}: {e}"));
            if canonical || from != to {
                assert_eq!(out, encoded, "{name} {from:?} -> {to:?}");
            }
            // the same message (what an owned message writes and reads back)
            assert_eq!(
                to.decode(&out).unwrap(),
                to.decode(&encoded).unwrap(),
                "{name} {from:?} -> {to:?}"
            );
        }
    }
}

#[test]
fn calls_forward_as_invocations() {
    let d = InvocationDetails {
        request: 77,
        registration: 1 << 40,
        caller: Some(3),
        caller_authid: Some("bob"),
        caller_authrole: None,
        procedure: Some("com.p"),
    };
    forwards_as_owned(
        wamp_codec::MessageType::Call,
        |m| match m {
            Message::Call(c) => c.to_invocation(&d).into(),
            _ => unreachable!(),
        },
        |f, v, to, out| f.invocation(v, &d, to, out),
    );
}

#[test]
fn yields_forward_as_results() {
    let d = ResultDetails {
        request: 5,
        callee: Some(9),
        callee_authid: None,
        callee_authrole: Some("r"),
    };
    forwards_as_owned(
        wamp_codec::MessageType::Yield,
        |m| match m {
            Message::Yield(y) => y.to_result(&d).into(),
            _ => unreachable!(),
        },
        |f, v, to, out| f.result(v, &d, to, out),
    );
}

#[test]
fn callee_errors_forward_as_caller_errors() {
    let d = ErrorDetails {
        request: 5,
        ..ErrorDetails::default()
    };
    forwards_as_owned(
        wamp_codec::MessageType::Error,
        |m| match m {
            Message::Error(e) => e.to_caller(&d).into(),
            _ => unreachable!(),
        },
        |f, v, to, out| f.error(v, &d, to, out),
    );
}

#[test]
fn views_kept_with_their_bytes_read_as_the_borrowed_ones() {
    use wamp_codec::view::MessageBytes;
    let mut kept = 0;
    for (name, format, bytes) in inputs() {
        let borrowed = MessageView::decode(format, &bytes);
        let owned = MessageBytes::new(format, bytes::Bytes::from(bytes.clone()));
        match (borrowed, owned) {
            (Ok(v), Ok(b)) => {
                let again = b.view();
                assert_eq!(b.message_type(), v.message_type(), "{name}");
                assert_eq!(
                    again.to_message().unwrap(),
                    v.to_message().unwrap(),
                    "{name}"
                );
                assert_eq!(b.bytes().as_ref(), &bytes[..]);
                // every element, as the same bytes
                if let (MessageView::Elements(a), MessageView::Elements(e)) = (again, v) {
                    assert_eq!(a.len(), e.len());
                    for i in 0..e.len() {
                        let (x, y) = (a.element(i).unwrap(), e.element(i).unwrap());
                        assert_eq!((x.bytes(), x.kind()), (y.bytes(), y.kind()), "{name} [{i}]");
                    }
                }
                kept += 1;
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{name}"),
            (a, b) => panic!(
                "{name}: borrowed {:?}, kept {:?}",
                a.map(|v| v.message_type()),
                b.map(|b| b.message_type())
            ),
        }
    }
    assert!(kept > 1000, "{kept}");
    // FlatBuffers too
    let publish: Message = Publish::new(1, "com.t").into();
    let fbs = Format::Flatbuffers.encode(&publish).unwrap();
    let b = MessageBytes::new(Format::Flatbuffers, bytes::Bytes::from(fbs)).unwrap();
    assert_eq!(b.view().to_message().unwrap(), publish);
}
