//! What the fuzz targets share: each target is a few lines calling one of these.
//!
//! Every check here is an `assert!`/`panic!`, so libFuzzer reports a broken property as a
//! crash, with the input saved under `fuzz/artifacts/<target>/`.

use std::hint::black_box;

use bytes::Bytes;
use wamp_codec::fbs::view::{MessageBuf, MessageRef, VerifierOptions};
use wamp_codec::serializer::{Format, Limits, Serializer};
use wamp_codec::{EncodeError, Message, Value};

/// Decodes `data` as `format`; a message decoded must encode again in the same format and
/// decode to an equal message, and its `marshal()` must pass `parse` again.
pub fn decode_and_reencode(format: Format, data: &[u8]) {
    // Small limits too: a limit hit is an error, never a panic.
    let tight = Limits {
        max_size: 512,
        max_depth: 4,
        max_items: 16,
    };
    let _ = black_box(match format {
        Format::Json => wamp_codec::serializer::json::from_slice_with_limits(data, &tight),
        Format::Msgpack => wamp_codec::serializer::msgpack::from_slice_with_limits(data, &tight),
        Format::Cbor => wamp_codec::serializer::cbor::from_slice_with_limits(data, &tight),
        Format::Flatbuffers => return flatbuffers(data),
    });
    let Ok(msg) = format.decode(data) else { return };
    let _ = black_box(msg.to_string());
    let reparsed = Message::parse(&msg.marshal())
        .unwrap_or_else(|e| panic!("{msg}: marshal() does not parse again: {e}"));
    assert_eq!(
        reparsed.marshal(),
        msg.marshal(),
        "parse(marshal()) changed"
    );
    let bytes = format
        .encode(&msg)
        .unwrap_or_else(|e| panic!("{msg}: decoded from {format:?} but does not encode: {e}"));
    let back = format
        .decode(&bytes)
        .unwrap_or_else(|e| panic!("{msg}: own {format:?} encoding does not decode: {e}"));
    assert_eq!(
        back.marshal(),
        msg.marshal(),
        "{format:?} round trip changed"
    );
}

/// Verifies `data` as FlatBuffers, reads every accessor of the view, converts it to the owned
/// message, and checks that `MessageBuf` and tight verifier options agree or fail cleanly.
pub fn flatbuffers(data: &[u8]) {
    let tight = VerifierOptions {
        max_depth: 3,
        max_tables: 8,
        max_apparent_size: 256,
        max_buffer_size: 1024,
    };
    if let Ok(view) = MessageRef::cast_with(data, &tight) {
        touch(view);
    }
    let Ok(view) = MessageRef::cast(data) else {
        assert!(MessageBuf::new(Bytes::copy_from_slice(data)).is_err());
        return;
    };
    touch(view);
    if let MessageRef::Publish(publish) = view {
        forward_event(publish);
    }
    let owned = Message::try_from(view);
    let buf = MessageBuf::new(Bytes::copy_from_slice(data)).expect("cast accepted it");
    assert_eq!(buf.message_type(), view.message_type());
    let again = buf.to_message();
    match (&owned, &again) {
        (Ok(a), Ok(b)) => assert_eq!(a.marshal(), b.marshal()),
        (Err(_), Err(_)) => {}
        _ => panic!("cast and MessageBuf disagree: {owned:?} / {again:?}"),
    }
    if let Ok(msg) = owned {
        let _ = black_box(msg.to_string());
        // Whatever the view held must be writable by every encoder (or refused cleanly).
        for format in [
            Format::Json,
            Format::Msgpack,
            Format::Cbor,
            Format::Flatbuffers,
        ] {
            let _ = black_box(format.encode(&msg));
        }
    }
}

/// The router's fast path on a verified PUBLISH: the EVENT written from it must verify, carry
/// the PUBLISH's payload bytes unchanged, and be the same bytes from either sink.
fn forward_event(publish: wamp_codec::fbs::view::PublishRef<'_>) {
    let details = wamp_codec::fbs::forward::EventDetails {
        subscription: 1,
        publication: 2,
        publisher: Some(3),
        publisher_authid: Some("authid"),
        publisher_authrole: Some("authrole"),
        topic: Some(publish.topic()),
        ..Default::default()
    };
    let mut fbb = flatbuffers::FlatBufferBuilder::new();
    publish.build_event(&details, &mut fbb);
    // the crate's Writer lays out flatbuffers' exact bytes
    let mut writer = wamp_codec::fbs::Writer::new();
    publish.build_event(&details, &mut writer);
    assert_eq!(writer.finished_data(), fbb.finished_data());
    let event = match MessageRef::cast(fbb.finished_data()) {
        Ok(MessageRef::Event(event)) => event,
        other => panic!("build_event wrote {other:?}"),
    };
    assert_eq!(event.args_bytes(), publish.args_bytes());
    assert_eq!(event.kwargs_bytes(), publish.kwargs_bytes());
    assert_eq!(event.topic(), Some(publish.topic()));
}

/// Reads every accessor of a view: scalars formatted, iterators run to the end, `args()` and
/// `kwargs()` decoded.
pub fn touch(view: MessageRef<'_>) {
    macro_rules! touch {
        ($r:expr; $($scalar:ident),* ; $($iter:ident),* ; $($payload:ident)?) => {{
            let r = $r;
            $(let _ = black_box(format!("{:?}", r.$scalar()));)*
            $(if let Some(it) = r.$iter() {
                for item in it {
                    let _ = black_box(format!("{item:?}"));
                }
            })*
            $(
                let _ = black_box(r.args());
                let _ = black_box(r.kwargs());
                let _ = stringify!($payload);
            )?
            let _ = black_box(format!("{r:?}"));
        }};
    }
    let _ = black_box(view.message_type());
    match view {
        MessageRef::Hello(r) => touch!(r;
            session, realm, authmethods_raw, authid, authrole, resumable, resume_session,
            resume_token, authextra_cbor, has_roles;
            authmethods, authmethods_names;),
        MessageRef::Welcome(r) => touch!(r;
            session, realm, authid, authrole, authmethod_raw, authprovider, resumed, resumable,
            resume_token, authextra_cbor, authmethod, authmethod_name, custom_cbor;
            ;),
        MessageRef::Abort(r) => touch!(r; reason, message; ;),
        MessageRef::Challenge(r) => touch!(r; method_raw, extra_cbor, method, method_name; ;),
        MessageRef::Authenticate(r) => touch!(r; signature, extra_cbor; ;),
        MessageRef::Goodbye(r) => touch!(r; reason, message, resumable; ;),
        MessageRef::Error(r) => touch!(r;
            request_type_code, request_type, request, error, args_bytes, kwargs_bytes, payload,
            ppt_scheme, ppt_serializer, ppt_cipher, ppt_keyid, callee, callee_authid,
            callee_authrole;
            forward_for; payload),
        MessageRef::Publish(r) => touch!(r;
            request, topic, args_bytes, kwargs_bytes, payload, ppt_scheme, ppt_serializer,
            ppt_cipher, ppt_keyid, acknowledge, exclude_me, retain, transaction_hash,
            ppt_scheme_value, ppt_serializer_value;
            exclude, exclude_authid, exclude_authrole, eligible, eligible_authid,
            eligible_authrole, forward_for; payload),
        MessageRef::Published(r) => touch!(r; request, publication; ;),
        MessageRef::Subscribe(r) => {
            touch!(r; request, topic, match_raw, get_retained, r#match; forward_for;)
        }
        MessageRef::Subscribed(r) => touch!(r; request, subscription; ;),
        MessageRef::Unsubscribe(r) => touch!(r; request, subscription; forward_for;),
        MessageRef::Unsubscribed(r) => touch!(r; request, subscription, reason; ;),
        MessageRef::Event(r) => touch!(r;
            subscription, publication, args_bytes, kwargs_bytes, payload, ppt_scheme,
            ppt_serializer, ppt_cipher, ppt_keyid, publisher, publisher_authid,
            publisher_authrole, topic, retained, transaction_hash, acknowledge;
            forward_for; payload),
        MessageRef::EventReceived(r) => touch!(r; publication; forward_for;),
        MessageRef::Call(r) => touch!(r;
            request, procedure, args_bytes, kwargs_bytes, payload, ppt_scheme, ppt_serializer,
            ppt_cipher, ppt_keyid, timeout, receive_progress, transaction_hash, caller,
            caller_authid, caller_authrole;
            forward_for; payload),
        MessageRef::Cancel(r) => touch!(r; request, mode_raw, mode; forward_for;),
        MessageRef::Result(r) => touch!(r;
            request, args_bytes, kwargs_bytes, payload, ppt_scheme, ppt_serializer, ppt_cipher,
            ppt_keyid, progress, callee, callee_authid, callee_authrole;
            forward_for; payload),
        MessageRef::Register(r) => touch!(r;
            request, procedure, match_raw, invoke_raw, concurrency, force_reregister, r#match,
            invoke;
            forward_for;),
        MessageRef::Registered(r) => touch!(r; request, registration; ;),
        MessageRef::Unregister(r) => touch!(r; request, registration; forward_for;),
        MessageRef::Unregistered(r) => touch!(r; request, registration, reason; ;),
        MessageRef::Invocation(r) => touch!(r;
            request, registration, args_bytes, kwargs_bytes, payload, ppt_scheme,
            ppt_serializer, ppt_cipher, ppt_keyid, procedure, timeout, receive_progress,
            transaction_hash, caller, caller_authid, caller_authrole;
            forward_for; payload),
        MessageRef::Interrupt(r) => touch!(r; request, mode_raw, mode, reason; forward_for;),
        MessageRef::Yield(r) => touch!(r;
            request, args_bytes, kwargs_bytes, payload, ppt_scheme, ppt_serializer, ppt_cipher,
            ppt_keyid, progress, callee, callee_authid, callee_authrole;
            forward_for; payload),
    }
}

/// The first byte picks one of the seven serializers; the rest is a transport payload, split
/// into frames and decoded.
pub fn batched(data: &[u8]) {
    let Some((&pick, payload)) = data.split_first() else {
        return;
    };
    let serializer = Serializer::ALL[usize::from(pick) % Serializer::ALL.len()];
    let mut frames = 0usize;
    for frame in serializer.frames(payload) {
        frames += 1;
        // A frame is a sub-slice: never more frames than bytes (plus the one empty payload).
        assert!(frames <= payload.len() + 1, "frames iterator does not end");
        if let Ok(frame) = frame {
            let _ = black_box(serializer.format().decode(frame));
        }
    }
    if let Ok(msgs) = serializer.decode(payload) {
        // A payload that decodes re-encodes into one that decodes to the same messages.
        if serializer.format() == Format::Flatbuffers {
            return; // FlatBuffers decoding skips `parse`; its round trip is the roundtrip target's
        }
        if let Ok(bytes) = serializer.encode_batch(&msgs) {
            let back = serializer.decode(&bytes).expect("own batch decodes");
            let marshal = |m: &[Message]| m.iter().map(Message::marshal).collect::<Vec<_>>();
            assert_eq!(marshal(&back), marshal(&msgs));
        }
    }
}

/// The first byte picks the format to decode the rest with (JSON, MessagePack or CBOR, the
/// formats whose decoding validates fully); a message decoded goes through all four formats,
/// each of which must give the same message back, apart from what a format cannot carry.
pub fn roundtrip(data: &[u8]) {
    let Some((&pick, input)) = data.split_first() else {
        return;
    };
    let source = [Format::Json, Format::Msgpack, Format::Cbor][usize::from(pick) % 3];
    let Ok(msg) = source.decode(input) else {
        return;
    };
    let marshal = msg.marshal();
    for format in [
        Format::Json,
        Format::Msgpack,
        Format::Cbor,
        Format::Flatbuffers,
    ] {
        let bytes = match format.encode(&msg) {
            Ok(bytes) => bytes,
            // JSON has no NaN or infinities (DEVIATIONS.md, "NaN and Infinity in JSON").
            Err(EncodeError::Unrepresentable { format: "json", .. })
                if any_value(
                    &marshal,
                    &|v| matches!(v, Value::Float(f) if !f.is_finite()),
                ) =>
            {
                continue
            }
            // Fields FlatBuffers' schema has no slot for, and values its field types cannot
            // hold (a negative session ID in a `[uint64]`), are refused by name (DEVIATIONS.md).
            Err(
                EncodeError::Unsupported {
                    format: "flatbuffers",
                    ..
                }
                | EncodeError::Unrepresentable {
                    format: "flatbuffers",
                    ..
                },
            ) if format == Format::Flatbuffers => continue,
            Err(e) => panic!("{msg}: {format:?} cannot encode it: {e}"),
        };
        // A text string starting with U+0000 is autobahn's marker for bytes in JSON, so JSON
        // cannot carry such a string (it reads back as bytes, or fails as bad base64).
        if format == Format::Json
            && any_value(
                &marshal,
                &|v| matches!(v, Value::Str(s) if s.starts_with('\0')),
            )
        {
            continue;
        }
        let back = format
            .decode(&bytes)
            .unwrap_or_else(|e| panic!("{msg}: {format:?} does not decode its own bytes: {e}"));
        // Every format, FlatBuffers included, gives back exactly what it was given.
        assert_eq!(
            back.marshal(),
            marshal,
            "{format:?} round trip of {msg} changed it"
        );
    }
}

/// Whether any value in `values`, at any depth, satisfies `pred`.
pub fn any_value(values: &[Value], pred: &dyn Fn(&Value) -> bool) -> bool {
    values.iter().any(|v| {
        pred(v)
            || match v {
                Value::List(items) => any_value(items, pred),
                Value::Map(map) => map
                    .values()
                    .any(|v| any_value(core::slice::from_ref(v), pred)),
                _ => false,
            }
    })
}

/// The zero-copy views and forwarding against the owned path, on arbitrary bytes of the format
/// the first byte picks: the view accepts exactly what the owned decode accepts (with the same
/// error), reads the same message, and a PUBLISH, CALL, YIELD or ERROR forwarded into every
/// format reads as the owned step (`to_event`, ...) encoded; a fan-out template stamps the
/// bytes forwarding writes.
pub fn views(data: &[u8]) {
    use wamp_codec::router::forward::{EventTemplate, Forwarder};
    use wamp_codec::router::{ErrorDetails, EventDetails, InvocationDetails, ResultDetails};
    use wamp_codec::view::MessageView;
    use wamp_codec::Publish;

    const FORMATS: [Format; 4] = [Format::Json, Format::Msgpack, Format::Cbor, Format::Flatbuffers];
    let Some((&selector, data)) = data.split_first() else { return };
    let from = FORMATS[usize::from(selector) % 4];
    let owned = from.decode(data);
    let view = MessageView::decode(from, data);
    let (owned, view) = match (owned, view) {
        (Ok(m), Ok(v)) => (m, v),
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "the view and the owned decode refuse differently");
            return;
        }
        // FlatBuffers: the owned decode also decodes the CBOR payload, which a view reads
        // only when asked
        (Err(_), Ok(_)) if from == Format::Flatbuffers => return,
        (a, b) => panic!("owned {a:?}, view {:?}", b.map(|v| v.message_type())),
    };
    assert_eq!(view.to_message().expect("the view reads back"), owned);

    let mut forwarder = Forwarder::new();
    let event = EventDetails {
        subscription: 7,
        publication: 8,
        publisher: Some(9),
        topic: Some("com.t"),
        ..EventDetails::default()
    };
    let invocation = InvocationDetails {
        request: 1,
        registration: 2,
        caller_authid: Some("a"),
        ..InvocationDetails::default()
    };
    let result = ResultDetails {
        request: 3,
        callee: Some(4),
        ..ResultDetails::default()
    };
    let error = ErrorDetails {
        request: 5,
        ..ErrorDetails::default()
    };
    for to in FORMATS {
        let mut out = Vec::new();
        let (expected, forwarded): (Message, _) = match (&owned, &view) {
            (Message::Publish(p), _) => {
                let publish = Publish::view(from, data).expect("a PUBLISH view");
                let forwarded = forwarder.event(&publish, &event, to, &mut out);
                match p.to_event(&event) {
                    Ok(expected) => (expected.into(), forwarded),
                    // a string or bytes `args` has no EVENT: both refuse it
                    Err(e) => {
                        assert!(forwarded.is_err(), "{e}: forwarded");
                        continue;
                    }
                }
            }
            (Message::Call(c), v) => (
                c.to_invocation(&invocation).into(),
                forwarder.invocation(v, &invocation, to, &mut out),
            ),
            (Message::Yield(y), v) => (y.to_result(&result).into(), forwarder.result(v, &result, to, &mut out)),
            (Message::Error(e), v) => (e.to_caller(&error).into(), forwarder.error(v, &error, to, &mut out)),
            _ => return,
        };
        match (to.encode(&expected), forwarded) {
            (Ok(encoded), Ok(())) => {
                // the same message, or the same refusal (a string starting with U+0000 cannot
                // cross JSON, which reads it as bytes, whichever path wrote it)
                let back = to.decode(&out).map_err(|e| e.to_string());
                let owned_back = to.decode(&encoded).map_err(|e| e.to_string());
                assert_eq!(back, owned_back, "{from:?} -> {to:?}");
            }
            (Err(_), Err(_)) => {}
            // the one refusal of its own: an escaped JSON enc_key bound for FlatBuffers
            (Ok(_), Err(e)) if e.to_string().contains("escaped JSON enc_key") => {}
            (a, b) => panic!("{from:?} -> {to:?}: owned {a:?}, forwarded {b:?}"),
        }
        if let (Message::Publish(_), Ok(publish)) = (&owned, Publish::view(from, data)) {
            let mut template = EventTemplate::new();
            if template.fill(&mut forwarder, &publish, &event, to).is_ok() && to != Format::Flatbuffers {
                let mut stamped = Vec::new();
                template.stamp(1 << 40, &mut stamped);
                let mut direct = Vec::new();
                forwarder
                    .event(&publish, &EventDetails { subscription: 1 << 40, ..event }, to, &mut direct)
                    .expect("forwarded once, forwarded again");
                assert_eq!(stamped, direct);
            }
        }
    }
}
