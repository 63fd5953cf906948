//! Differential conformance against autobahn-python 26.10.2 (the corpus in
//! `tests/data/conformance`) and the official wamp-proto test vectors, on the JSON path.

mod common;

use common::{corpus, flatbuffers_refusals, listed_deviations, testsuite_files, to_value, Tally};
use wamp_codec::serializer::json;
use wamp_codec::{Message, Value};

/// The quoted field name in an autobahn error: the first quoted word at the start of the
/// message or after `for `/`in ` (`'topic' in PUBLISH: ...`, `invalid type <class 'dict'> for
/// 'retain' option in PUBLISH`), not a quoted value (`invalid value 'xbr' for 'mode' ...`,
/// `b'com'`, `{'k': 1}`) nor a Python type name. Autobahn's REGISTER misses a closing quote
/// (`for 'force_reregister option in REGISTER`), hence only the first word.
fn quoted_field(why: &str) -> Option<&str> {
    let parts: Vec<&str> = why.split('\'').collect();
    parts.chunks(2).find_map(|pair| match pair {
        [before, quoted]
            if before.is_empty() || before.ends_with("for ") || before.ends_with("in ") =>
        {
            quoted.split(' ').next()
        }
        _ => None,
    })
}

/// The message name autobahn's error mentions (`... in PUBLISH`, `... for HELLO`).
fn message_name(why: &str) -> Option<&str> {
    why.split([' ', ':'])
        .skip_while(|w| *w != "in" && *w != "for")
        .nth(1)
        .filter(|w| wamp_codec::MessageType::ALL.iter().any(|t| t.name() == *w))
}

#[test]
fn json_corpus_agrees_with_autobahn() {
    let deviations = listed_deviations();
    let mut tally = Tally::default();
    let mut deviating = std::collections::BTreeSet::new();
    for case in corpus() {
        let decoded = json::from_slice(case.json());
        let mut problems = Vec::new();
        match (&decoded, case.accept()) {
            (Ok(msg), true) => {
                let ours = Value::List(msg.marshal());
                let theirs = case.value("marshal").expect("accepted case has marshal");
                if ours != theirs {
                    problems.push(format!(
                        "marshal differs:\n  ours   {ours}\n  theirs {theirs}"
                    ));
                }
                // and what we marshal must parse back to the same message
                match json::to_vec(msg)
                    .map_err(|e| e.to_string())
                    .and_then(|b| json::from_slice(&b).map_err(|e| e.to_string()))
                {
                    Ok(again) if again.marshal() == msg.marshal() => {} // autobahn drops empty args
                    other => problems.push(format!("re-marshal does not round-trip: {other:?}")),
                }
            }
            (Err(e), false) => {
                let why = case.str("why").unwrap_or("");
                let ours = e.to_string();
                if let Some(field) = quoted_field(why) {
                    if !ours.contains(&format!("'{field}'")) {
                        problems.push(format!(
                            "error does not name '{field}': ours {ours:?}, autobahn {why:?}"
                        ));
                    }
                }
                if let Some(name) = message_name(why) {
                    if !ours.contains(name) {
                        problems.push(format!(
                            "error does not name {name}: ours {ours:?}, autobahn {why:?}"
                        ));
                    }
                }
            }
            (Ok(msg), false) => problems.push(format!(
                "accepted {msg}, autobahn rejects: {}",
                case.str("why").unwrap_or("")
            )),
            (Err(e), true) => problems.push(format!("rejected ({e}), autobahn accepts")),
        }
        if problems.is_empty() {
            tally.check(true, String::new);
        } else if deviations.contains(&case.id) {
            deviating.insert(case.id.clone());
            tally.check(true, String::new);
        } else {
            tally.check(false, || {
                format!(
                    "{} {}: {}",
                    case.id,
                    String::from_utf8_lossy(case.json()),
                    problems.join("; ")
                )
            });
        }
    }
    // A listed deviation that no longer deviates is stale: the list must stay true.
    let corpus_ids: std::collections::BTreeSet<_> = corpus().into_iter().map(|c| c.id).collect();
    for id in deviations.iter().filter(|id| corpus_ids.contains(*id)) {
        tally.check(deviating.contains(id), || {
            format!("{id} is listed in DEVIATIONS.md but agrees with autobahn")
        });
    }
    println!("deliberate deviations exercised: {}", deviating.len());
    tally.finish("json corpus");
}

/// The wamp-proto vectors write a transparent payload in `wmsg` as a hex string; the message
/// carries the bytes.
fn wmsg_value(sample: &serde_json::Value) -> Vec<Value> {
    let mut items = match to_value(&sample["wmsg"]) {
        Value::List(items) => items,
        other => panic!("wmsg is not a list: {other}"),
    };
    // PUBLISH and EVENT: the fifth element of a five-element message
    if items.len() == 5 && matches!(items[0].as_u64(), Some(16 | 36)) {
        let payload_at = 4;
        if let Some(bytes) = items[payload_at].as_str().and_then(common::from_hex) {
            items[payload_at] = Value::Bytes(bytes);
        }
    }
    items
}

#[test]
fn wamp_proto_json_vectors_and_option_validation() {
    let mut tally = Tally::default();
    for (file, doc) in testsuite_files() {
        let code = doc["wamp_message_code"].as_u64();
        for (i, sample) in doc["samples"]
            .as_array()
            .expect("samples")
            .iter()
            .enumerate()
        {
            let name = format!(
                "{file}#{i} {}",
                sample["description"].as_str().unwrap_or("")
            );
            if let Some(variants) = sample
                .pointer("/serializers/json")
                .and_then(|v| v.as_array())
            {
                for variant in variants {
                    let text = variant["bytes"].as_str().expect("json variant has text");
                    match json::from_slice(text.as_bytes()) {
                        Ok(msg) => {
                            let again = json::to_vec(&msg)
                                .ok()
                                .and_then(|b| json::from_slice(&b).ok());
                            tally.check(
                                code.is_none_or(|c| c == msg.message_type().code())
                                    && again.map(|m| m.marshal()) == Some(msg.marshal()),
                                || format!("{name}: decoded {msg} does not round-trip"),
                            );
                        }
                        Err(e) => tally.check(false, || format!("{name}: {e}")),
                    }
                }
            }
            if sample.get("wmsg").is_some() {
                let result = Message::parse(&wmsg_value(sample));
                match (
                    sample
                        .pointer("/expected_error/contains")
                        .and_then(|c| c.as_str()),
                    result,
                ) {
                    (None, Ok(_)) => tally.check(true, String::new),
                    (None, Err(e)) => {
                        tally.check(false, || format!("{name}: rejected valid message: {e}"))
                    }
                    (Some(word), Err(e)) => tally.check(e.to_string().contains(word), || {
                        format!("{name}: error {e:?} lacks {word:?}")
                    }),
                    (Some(word), Ok(m)) => tally.check(false, || {
                        format!("{name}: accepted {m}, expected an error about {word}")
                    }),
                }
            }
        }
    }
    let checked = tally.passed + tally.failures.len();
    assert!(checked > 100, "too few vectors checked: {checked}");
    tally.finish("wamp-proto json vectors");
}

/// Issue 4: autobahn's msgpack and CBOR bytes of every accepted case decode to autobahn's
/// `marshal`, and what the crate writes in each format decodes back to the same message.
#[test]
fn msgpack_and_cbor_corpus_agree_with_autobahn() {
    use wamp_codec::serializer::Format;
    let mut tally = Tally::default();
    for case in corpus().into_iter().filter(|c| c.accept()) {
        let theirs = case.value("marshal").expect("accepted case has marshal");
        for format in [Format::Msgpack, Format::Cbor] {
            let bytes = case
                .hex(format.name())
                .expect("accepted case has msgpack and cbor");
            match format.decode(&bytes) {
                Ok(msg) => {
                    let ours = Value::List(msg.marshal());
                    tally.check(ours == theirs, || {
                        format!("{} {}: marshal {ours} != {theirs}", case.id, format.name())
                    });
                    let again = format
                        .encode(&msg)
                        .ok()
                        .and_then(|b| format.decode(&b).ok());
                    tally.check(again.map(|m| m.marshal()) == Some(msg.marshal()), || {
                        format!("{} {}: own round trip lost {msg}", case.id, format.name())
                    });
                }
                Err(e) => tally.check(false, || format!("{} {}: {e}", case.id, format.name())),
            }
        }
    }
    tally.finish("msgpack/cbor corpus");
}

/// The wamp-proto vectors' msgpack and CBOR bytes decode to the same message as their JSON.
#[test]
fn wamp_proto_msgpack_and_cbor_vectors() {
    use wamp_codec::serializer::Format;
    let mut tally = Tally::default();
    for (file, doc) in testsuite_files() {
        for (i, sample) in doc["samples"]
            .as_array()
            .expect("samples")
            .iter()
            .enumerate()
        {
            let Some(json_text) = sample
                .pointer("/serializers/json/0/bytes")
                .and_then(|v| v.as_str())
            else {
                continue;
            };
            let expected = json::from_slice(json_text.as_bytes()).expect("json vector decodes");
            for format in [Format::Msgpack, Format::Cbor] {
                for variant in sample
                    .pointer(&format!("/serializers/{}", format.name()))
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                {
                    let bytes = common::from_hex(variant["bytes_hex"].as_str().expect("bytes_hex"))
                        .expect("hex");
                    let decoded = format.decode(&bytes);
                    tally.check(decoded.as_ref().ok() == Some(&expected), || {
                        format!("{file}#{i} {}: {decoded:?}", format.name())
                    });
                }
            }
        }
    }
    assert!(tally.passed + tally.failures.len() >= 60, "too few vectors");
    tally.finish("wamp-proto msgpack/cbor vectors");
}

/// Mixed batches of every accepted corpus message round-trip through each batched serializer.
#[test]
fn mixed_batches_round_trip() {
    use wamp_codec::serializer::Serializer;
    let msgs: Vec<Message> = corpus()
        .into_iter()
        .filter(|c| c.accept())
        .map(|c| json::from_slice(c.json()).unwrap())
        .collect();
    for serializer in [
        Serializer::JSON_BATCHED,
        Serializer::MSGPACK_BATCHED,
        Serializer::CBOR_BATCHED,
    ] {
        let bytes = serializer.encode_batch(&msgs).unwrap();
        let back = serializer.decode(&bytes).unwrap();
        let marshal = |m: &[Message]| m.iter().map(Message::marshal).collect::<Vec<_>>();
        assert_eq!(marshal(&back), marshal(&msgs), "{}", serializer.id());
        // a batch cut short is an error, not a panic or a silent partial result
        assert!(
            serializer.decode(&bytes[..bytes.len() - 3]).is_err(),
            "{}",
            serializer.id()
        );
    }
}

/// FlatBuffers: the crate's own round trip (owned, build, cast, owned) loses nothing for every
/// accepted corpus message, and autobahn's buffers decode through the registry.
#[test]
fn flatbuffers_own_round_trip_is_lossless() {
    use wamp_codec::serializer::Format;
    let mut tally = Tally::default();
    let refusals = flatbuffers_refusals();
    let mut refused = std::collections::BTreeSet::new();
    for case in corpus().into_iter().filter(|c| c.accept()) {
        let msg = json::from_slice(case.json()).expect("accepted case decodes");
        let encoded = Format::Flatbuffers.encode(&msg);
        // A value the schema has no place for (DEVIATIONS.md, "FlatBuffers refuses"): the
        // encoder refuses it naming the field, and so does our reader where autobahn wrote
        // something in that field's place; a listed case that encodes is stale.
        if let Some(field) = refusals.get(&case.id) {
            let names_field =
                |e: &dyn std::fmt::Display| e.to_string().contains(&format!("'{field}'"));
            tally.check(encoded.as_ref().is_err_and(|e| names_field(e)), || {
                format!(
                    "{}: listed as refused naming '{field}', encoded {encoded:?}",
                    case.id
                )
            });
            if let Some(theirs) = case.hex("flatbuffers") {
                let decoded = Format::Flatbuffers.decode(&theirs);
                tally.check(
                    decoded.as_ref().map_or_else(|e| names_field(e), |_| true),
                    || format!("{}: autobahn's buffer: {decoded:?}", case.id),
                );
            }
            refused.insert(case.id.clone());
            continue;
        }
        let back = encoded
            .map_err(|e| e.to_string())
            .and_then(|b| Format::Flatbuffers.decode(&b).map_err(|e| e.to_string()));
        match back {
            // compared as marshalled, i.e. what every wire carries (an empty `args` without
            // `kwargs` is no `args` on any wire)
            Ok(back) => tally.check(back.marshal() == msg.marshal(), || {
                format!("{}: {msg}\n  came back as {back}", case.id)
            }),
            Err(e) => tally.check(false, || format!("{}: {e}", case.id)),
        }
        if let Some(theirs) = case.hex("flatbuffers") {
            let decoded = Format::Flatbuffers.decode(&theirs);
            tally.check(decoded.is_ok(), || {
                format!("{}: autobahn's buffer: {decoded:?}", case.id)
            });
        }
    }
    for id in refusals.keys().filter(|id| !refused.contains(*id)) {
        tally.check(false, || {
            format!("{id} is listed as refused by FlatBuffers but is no accepted corpus case")
        });
    }
    tally.finish("flatbuffers own round trip");
}
