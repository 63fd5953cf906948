//! The crate's own FlatBuffers round trip (owned, build, cast, owned) loses nothing, also where
//! autobahn's bytes do: an option or detail given with the value autobahn elides (`false`, 0,
//! `""`, `[]`, `{}`, the default enum member), an empty `args` beside `kwargs`, an auth method
//! outside the `AuthMethod` enum, WELCOME's custom attributes and `forward_for` where the upstream
//! schema has no field. Messages are compared as marshalled, i.e. as every other wire carries them.
//! (`tests/conformance.rs` checks the same for every accepted corpus message; DEVIATIONS.md,
//! "FlatBuffers", says why the bytes then differ from autobahn's.)

use wamp_codec::fbs::generated::proto as fb;
use wamp_codec::serializer::{json, Format};
use wamp_codec::{EncodeError, Message, Value};

/// A message, as JSON text, with `@` where one option or detail goes.
type Template = &'static str;

/// Hand-made messages: each template with each of its options given the value that autobahn
/// elides (its absent counterpart is the template without the option, which marshals
/// differently), plus the values the schema has no place for upstream.
const EDGES: &[(Template, &[&str])] = &[
    (
        r#"[1,"realm1",{"roles":{"subscriber":{}}@}]"#,
        &[
            r#""authmethods":[]"#,
            r#""authmethods":["cookie","ticket"]"#,
            r#""authid":"""#,
            r#""authrole":"""#,
            r#""authextra":{}"#,
            r#""resumable":false"#,
            r#""resume-session":0"#,
            r#""resume-token":"""#,
        ],
    ),
    (
        r#"[2,7,{"roles":{"broker":{}},"authrole":"user"@}]"#,
        &[
            r#""authmethod":"anonymous""#,
            r#""authmethod":"cookie""#,
            r#""authmethod":"""#,
            r#""x_custom":{"a":[1,false]}"#,
        ],
    ),
    (
        r#"[8,48,1,{@},"com.error"]"#,
        &[
            r#""callee":0"#,
            r#""callee_authid":"""#,
            r#""callee_authrole":"""#,
            r#""forward_for":[]"#,
        ],
    ),
    (
        r#"[16,1,{@},"com.topic"]"#,
        &[
            r#""acknowledge":false"#,
            r#""exclude_me":true"#,
            r#""exclude":[]"#,
            r#""exclude_authid":[]"#,
            r#""exclude_authrole":[]"#,
            r#""eligible":[]"#,
            r#""eligible_authid":[]"#,
            r#""eligible_authrole":[]"#,
            r#""retain":false"#,
            r#""transaction_hash":"""#,
            r#""forward_for":[]"#,
        ],
    ),
    (
        r#"[32,1,{@},"com.topic"]"#,
        &[
            r#""get_retained":false"#,
            r#""forward_for":[]"#,
            r#""forward_for":[{"session":1,"authid":"a","authrole":"r"}]"#,
        ],
    ),
    (
        r#"[34,1,2,{@}]"#,
        &[r#""forward_for":[{"session":1,"authid":"a","authrole":"r"}]"#],
    ),
    (
        r#"[36,1,2,{@}]"#,
        &[
            r#""publisher":0"#,
            r#""publisher_authid":"""#,
            r#""publisher_authrole":"""#,
            r#""topic":"""#,
            r#""retained":false"#,
            r#""transaction_hash":"""#,
            r#""x_acknowledged_delivery":false"#,
            r#""forward_for":[]"#,
        ],
    ),
    (
        r#"[48,1,{@},"com.procedure"]"#,
        &[
            r#""timeout":0"#,
            r#""receive_progress":false"#,
            r#""transaction_hash":"""#,
            r#""caller":0"#,
            r#""caller_authid":"""#,
            r#""caller_authrole":"""#,
            r#""forward_for":[]"#,
        ],
    ),
    (
        r#"[49,1,{@}]"#,
        &[r#""mode":"skip""#, r#""forward_for":[]"#],
    ),
    (
        r#"[50,1,{@}]"#,
        &[
            r#""progress":false"#,
            r#""callee":0"#,
            r#""callee_authid":"""#,
            r#""callee_authrole":"""#,
            r#""forward_for":[]"#,
        ],
    ),
    (
        r#"[64,1,{@},"com.procedure"]"#,
        &[
            r#""force_reregister":false"#,
            r#""forward_for":[]"#,
            r#""forward_for":[{"session":1,"authid":"a","authrole":"r"}]"#,
        ],
    ),
    (
        r#"[66,1,2,{@}]"#,
        &[r#""forward_for":[{"session":1,"authid":"a","authrole":"r"}]"#],
    ),
    (
        r#"[68,1,2,{@}]"#,
        &[
            r#""timeout":0"#,
            r#""receive_progress":false"#,
            r#""caller":0"#,
            r#""caller_authid":"""#,
            r#""caller_authrole":"""#,
            r#""procedure":"""#,
            r#""transaction_hash":"""#,
            r#""forward_for":[]"#,
        ],
    ),
    (
        r#"[69,1,{@}]"#,
        &[r#""mode":"kill""#, r#""forward_for":[]"#],
    ),
    (
        r#"[70,1,{@}]"#,
        &[
            r#""progress":false"#,
            r#""callee":0"#,
            r#""callee_authid":"""#,
            r#""callee_authrole":"""#,
            r#""forward_for":[]"#,
        ],
    ),
    // an empty `enc_key` beside a transparent payload (b"\x01\x02\x03")
    (
        r#"[16,1,{"enc_algo":"cryptobox"@},"com.topic","\u0000AQID"]"#,
        &[r#","enc_key":"""#],
    ),
    (
        r#"[36,1,2,{"enc_algo":"cryptobox"@},"\u0000AQID"]"#,
        &[r#","enc_key":"""#],
    ),
    (
        r#"[50,1,{"enc_algo":"cryptobox"@},"\u0000AQID"]"#,
        &[r#","enc_key":"""#],
    ),
];

/// Messages that are their own edge: an empty `args` beside `kwargs` (`[]`, not `null`), and
/// CHALLENGE methods without an `AuthMethod` value.
const WHOLE_EDGES: &[&str] = &[
    r#"[8,48,1,{},"com.error",[],{"a":1}]"#,
    r#"[16,1,{},"com.topic",[],{"a":1}]"#,
    r#"[36,1,2,{},[],{"a":1}]"#,
    r#"[48,1,{},"com.procedure",[],{"a":1}]"#,
    r#"[50,1,{},[],{"a":1}]"#,
    r#"[68,1,2,{},[],{"a":1}]"#,
    r#"[70,1,{},[],{"a":1}]"#,
    r#"[4,"cookie",{}]"#,
    r#"[4,"",{"nonce":"abc"}]"#,
];

/// `template` with `option` in place of `@` (after a comma when the dict is not empty).
fn with_option(template: Template, option: &str) -> String {
    let option = option.trim_start_matches(',');
    if template.contains("{@") {
        template.replacen('@', option, 1)
    } else {
        template.replacen('@', &format!(",{option}"), 1)
    }
}

/// The message parsed from `text`, through FlatBuffers and back.
fn round_trip(text: &str) -> (Message, Result<Message, String>) {
    let msg = json::from_slice(text.as_bytes())
        .unwrap_or_else(|e| panic!("{text}: the test message does not parse: {e}"));
    let back = Format::Flatbuffers
        .encode(&msg)
        .map_err(|e| e.to_string())
        .and_then(|b| Format::Flatbuffers.decode(&b).map_err(|e| e.to_string()));
    (msg, back)
}

fn marshalled(msg: &Message) -> Value {
    Value::List(msg.marshal())
}

#[test]
fn values_autobahn_elides_survive_the_round_trip() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (template, options) in EDGES {
        let (absent, _) = round_trip(&template.replacen('@', "", 1));
        for option in *options {
            let text = with_option(template, option);
            let (msg, back) = round_trip(&text);
            // the edge is real: given and not given are different messages
            assert_ne!(marshalled(&msg), marshalled(&absent), "{text}");
            checked += 1;
            match back {
                Ok(back) if back.marshal() == msg.marshal() => {}
                Ok(back) => failures.push(format!("{text}\n  came back as {}", marshalled(&back))),
                Err(e) => failures.push(format!("{text}\n  {e}")),
            }
        }
    }
    for text in WHOLE_EDGES {
        let (msg, back) = round_trip(text);
        checked += 1;
        match back {
            Ok(back) if back.marshal() == msg.marshal() => {}
            Ok(back) => failures.push(format!("{text}\n  came back as {}", marshalled(&back))),
            Err(e) => failures.push(format!("{text}\n  {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 80, "only {checked} edges checked");
}

/// Values to try for every option of every template: each may or may not be valid there.
const SWEEP_VALUES: &[&str] = &[
    "true",
    "false",
    "0",
    "1",
    r#""""#,
    r#""x""#,
    r#""skip""#,
    r#""kill""#,
    r#""killnowait""#,
    r#""exact""#,
    r#""prefix""#,
    r#""single""#,
    r#""anonymous""#,
    r#""cookie""#,
    r#""cryptobox""#,
    r#""cbor""#,
    r#""flexbuffers""#,
    r#""x_custom""#,
    r#""wamp.x""#,
    "[]",
    r#"[""]"#,
    "[0]",
    r#"["cookie","ticket"]"#,
    "{}",
    r#"{"a":"b"}"#,
    r#"{"a":1,"b":null}"#,
    "null",
];

/// Options and details that are no edge (`marshal` drops their falsy values, or they have no
/// default), swept with the [`EDGES`] ones.
const OTHER_KEYS: &[(Template, &[&str])] = &[
    (
        r#"[2,7,{"roles":{"broker":{}}@}]"#,
        &[
            r#""realm""#,
            r#""authid""#,
            r#""authrole""#,
            r#""authprovider""#,
            r#""authextra""#,
            r#""resumed""#,
            r#""resumable""#,
            r#""resume_token""#,
        ],
    ),
    (r#"[3,{@},"wamp.error.reason"]"#, &[r#""message""#]),
    (r#"[4,"ticket",{@}]"#, &[r#""nonce""#]),
    (r#"[5,"signature",{@}]"#, &[r#""nonce""#]),
    (
        r#"[6,{@},"wamp.close.normal"]"#,
        &[r#""message""#, r#""resumable""#],
    ),
    (r#"[32,1,{@},"com.topic"]"#, &[r#""match""#]),
    (r#"[35,0,{@}]"#, &[r#""subscription""#, r#""reason""#]),
    (
        r#"[64,1,{@},"com.procedure"]"#,
        &[r#""match""#, r#""invoke""#, r#""concurrency""#],
    ),
    (r#"[67,0,{@}]"#, &[r#""registration""#, r#""reason""#]),
    (r#"[69,1,{@}]"#, &[r#""reason""#]),
];

/// Every option of the [`EDGES`] and [`OTHER_KEYS`] templates with every [`SWEEP_VALUES`] value:
/// whatever JSON accepts comes back from FlatBuffers, or is refused (a custom `x_*`
/// payload-transparency identifier, which the schema has no place for), never changed.
#[test]
fn every_accepted_option_value_survives_or_is_refused() {
    let edge_keys = EDGES.iter().map(|(template, options)| {
        let keys = options.iter();
        let keys = keys.map(|o| o.trim_start_matches(',').split(':').next().unwrap_or(""));
        (*template, keys.collect::<Vec<_>>())
    });
    let other_keys = OTHER_KEYS.iter().map(|(t, keys)| (*t, keys.to_vec()));
    let mut failures = Vec::new();
    let mut accepted = 0;
    for (template, keys) in edge_keys.chain(other_keys) {
        for key in keys {
            for value in SWEEP_VALUES {
                let text = with_option(template, &format!("{key}:{value}"));
                let Ok(msg) = json::from_slice(text.as_bytes()) else {
                    continue;
                };
                accepted += 1;
                let back = Format::Flatbuffers
                    .encode(&msg)
                    .map(|b| Format::Flatbuffers.decode(&b));
                match back {
                    Ok(Ok(back)) if back.marshal() == msg.marshal() => {}
                    Err(EncodeError::Unsupported {
                        field: "enc_algo" | "enc_serializer",
                        ..
                    }) if value.starts_with(r#""x_"#) => {}
                    other => failures.push(format!("{text}\n  {other:?}")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(accepted > 700, "only {accepted} accepted variants");
}

/// What a reader of the upstream schema (autobahn's, which looks fields up by vtable slot) gets
/// from the crate's bytes: the same values as from autobahn's, the appended fields unseen.
#[test]
fn upstream_readers_read_the_same_values() {
    let root = |text: &str| {
        let msg = json::from_slice(text.as_bytes()).unwrap();
        Format::Flatbuffers.encode(&msg).unwrap()
    };
    let bytes = root(r#"[49,1,{"mode":"skip"}]"#);
    let cancel = flatbuffers::root::<fb::Message>(&bytes)
        .unwrap()
        .msg_as_cancel()
        .unwrap();
    assert_eq!(cancel.mode(), fb::CancelMode::SKIP);

    let bytes = root(r#"[69,1,{"mode":"kill"}]"#);
    let interrupt = flatbuffers::root::<fb::Message>(&bytes)
        .unwrap()
        .msg_as_interrupt()
        .unwrap();
    assert_eq!(interrupt.mode(), fb::CancelMode::KILL);

    let bytes = root(r#"[16,1,{"acknowledge":false,"exclude_me":true},"com.topic"]"#);
    let publish = flatbuffers::root::<fb::Message>(&bytes)
        .unwrap()
        .msg_as_publish()
        .unwrap();
    assert!(!publish.acknowledge() && publish.exclude_me());

    // autobahn writes 0 for a method it has no value for, and so does the crate
    let bytes = root(r#"[4,"cookie",{}]"#);
    let challenge = flatbuffers::root::<fb::Message>(&bytes)
        .unwrap()
        .msg_as_challenge()
        .unwrap();
    assert_eq!(challenge.method().0, 0);

    // an empty `args` beside `kwargs` is the CBOR empty list
    let bytes = root(r#"[50,1,{},[],{"a":1}]"#);
    let result = flatbuffers::root::<fb::Message>(&bytes)
        .unwrap()
        .msg_as_call_result()
        .unwrap();
    assert_eq!(result.args().map(|a| a.bytes()), Some(&[0x80][..]));
}
