//! Discovery sweep (scratch).
use wamp_codec::serializer::{json, Format};

const P: &str = r#""\u0000AQID""#; // b"\x01\x02\x03"
const P0: &str = r#""\u0000""#; // b""

/// (template with `{}` where the options/details keys go, keys to vary)
fn templates() -> Vec<(String, Vec<&'static str>)> {
    let pay = ["enc_algo", "enc_key", "enc_serializer"];
    let mut v: Vec<(String, Vec<&'static str>)> = vec![
        (
            r#"[1,"realm1",{"roles":{"subscriber":{}}@}]"#.into(),
            vec![
                "authmethods",
                "authid",
                "authrole",
                "authextra",
                "resumable",
                "resume-session",
                "resume-token",
            ],
        ),
        (
            r#"[1,null,{"roles":{"subscriber":{"features":{"payload_transparency":false}}}@}]"#
                .into(),
            vec!["authid"],
        ),
        (
            r#"[2,123,{"roles":{"broker":{}}@}]"#.into(),
            vec![
                "realm",
                "authid",
                "authrole",
                "authmethod",
                "authprovider",
                "authextra",
                "resumed",
                "resumable",
                "resume_token",
                "x_foo",
            ],
        ),
        (
            r#"[2,0,{"roles":{"dealer":{}},"authrole":"r"@}]"#.into(),
            vec!["authmethod"],
        ),
        (r#"[3,{@},"wamp.error.x"]"#.into(), vec!["message"]),
        (r#"[4,"ticket",{@}]"#.into(), vec!["a"]),
        (r#"[4,"anonymous",{@}]"#.into(), vec!["a"]),
        (r#"[4,"cookie",{@}]"#.into(), vec!["a"]),
        (r#"[4,"",{@}]"#.into(), vec!["a"]),
        (r#"[5,"",{@}]"#.into(), vec!["a"]),
        (r#"[5,"sig",{@}]"#.into(), vec!["a"]),
        (
            r#"[6,{@},"wamp.close.normal"]"#.into(),
            vec!["message", "resumable"],
        ),
        (
            r#"[8,48,1,{@},"com.err"]"#.into(),
            vec!["callee", "callee_authid", "callee_authrole", "forward_for"],
        ),
        (r#"[8,48,1,{@},"com.err",[]]"#.into(), vec![]),
        (r#"[8,48,1,{@},"com.err",[],{}]"#.into(), vec![]),
        (r#"[8,48,1,{@},"com.err",[],{"a":1}]"#.into(), vec![]),
        (r#"[8,48,1,{@},"com.err",null,{"a":1}]"#.into(), vec![]),
        (
            format!(r#"[8,48,1,{{"enc_algo":"cryptobox"@}},"com.err",{P}]"#),
            pay.to_vec(),
        ),
        (
            format!(r#"[8,48,1,{{"enc_algo":"cryptobox"@}},"com.err",{P0}]"#),
            pay.to_vec(),
        ),
        (
            r#"[16,1,{@},"com.t"]"#.into(),
            vec![
                "acknowledge",
                "exclude_me",
                "exclude",
                "exclude_authid",
                "exclude_authrole",
                "eligible",
                "eligible_authid",
                "eligible_authrole",
                "retain",
                "transaction_hash",
                "forward_for",
            ],
        ),
        (r#"[16,1,{@},"com.t",[]]"#.into(), vec![]),
        (r#"[16,1,{@},"com.t",[],{}]"#.into(), vec![]),
        (r#"[16,1,{@},"com.t",[],{"a":1}]"#.into(), vec![]),
        (r#"[16,1,{@},"com.t",[1],{}]"#.into(), vec![]),
        (
            format!(r#"[16,1,{{"enc_algo":"cryptobox"@}},"com.t",{P}]"#),
            pay.to_vec(),
        ),
        (
            format!(r#"[16,1,{{"enc_algo":"cryptobox"@}},"com.t",{P0}]"#),
            pay.to_vec(),
        ),
        (r#"[17,0,0]"#.into(), vec![]),
        (
            r#"[32,1,{@},"com.t"]"#.into(),
            vec!["match", "get_retained", "forward_for"],
        ),
        (r#"[32,1,{@},""]"#.into(), vec![]),
        (r#"[33,0,0]"#.into(), vec![]),
        (r#"[34,0,0]"#.into(), vec![]),
        (r#"[34,1,2,{@}]"#.into(), vec!["forward_for"]),
        (r#"[35,1]"#.into(), vec![]),
        (r#"[35,1,{@}]"#.into(), vec!["reason"]),
        (r#"[35,0,{@}]"#.into(), vec!["subscription", "reason"]),
        (
            r#"[36,1,2,{@}]"#.into(),
            vec![
                "publisher",
                "publisher_authid",
                "publisher_authrole",
                "topic",
                "retained",
                "transaction_hash",
                "x_acknowledged_delivery",
                "forward_for",
            ],
        ),
        (r#"[36,1,2,{@},[]]"#.into(), vec![]),
        (r#"[36,1,2,{@},[],{"a":1}]"#.into(), vec![]),
        (r#"[36,1,2,{@},null,{"a":1}]"#.into(), vec![]),
        (
            format!(r#"[36,1,2,{{"enc_algo":"cryptobox"@}},{P}]"#),
            pay.to_vec(),
        ),
        (r#"[337,0]"#.into(), vec![]),
        (
            r#"[48,1,{@},"com.p"]"#.into(),
            vec![
                "timeout",
                "receive_progress",
                "transaction_hash",
                "caller",
                "caller_authid",
                "caller_authrole",
                "forward_for",
            ],
        ),
        (r#"[48,1,{@},"com.p",[],{"a":1}]"#.into(), vec![]),
        (r#"[48,1,{@},"com.p",null,{"a":1}]"#.into(), vec![]),
        (
            format!(r#"[48,1,{{"enc_algo":"cryptobox"@}},"com.p",{P}]"#),
            pay.to_vec(),
        ),
        (r#"[49,1,{@}]"#.into(), vec!["mode", "forward_for"]),
        (r#"[49,1,{"mode":"skip"@}]"#.into(), vec![]),
        (r#"[49,1,{"mode":"kill"@}]"#.into(), vec![]),
        (r#"[49,1,{"mode":"killnowait"@}]"#.into(), vec![]),
        (
            r#"[50,1,{@}]"#.into(),
            vec![
                "progress",
                "callee",
                "callee_authid",
                "callee_authrole",
                "forward_for",
            ],
        ),
        (r#"[50,1,{@},[]]"#.into(), vec![]),
        (r#"[50,1,{@},[],{"a":1}]"#.into(), vec![]),
        (r#"[50,1,{@},null,{"a":1}]"#.into(), vec![]),
        (
            format!(r#"[50,1,{{"enc_algo":"cryptobox"@}},{P}]"#),
            pay.to_vec(),
        ),
        (
            r#"[64,1,{@},"com.p"]"#.into(),
            vec![
                "match",
                "invoke",
                "concurrency",
                "force_reregister",
                "forward_for",
            ],
        ),
        (r#"[64,1,{"match":"prefix"@},""]"#.into(), vec![]),
        (r#"[65,0,0]"#.into(), vec![]),
        (r#"[66,0,0]"#.into(), vec![]),
        (r#"[66,1,2,{@}]"#.into(), vec!["forward_for"]),
        (r#"[67,1]"#.into(), vec![]),
        (r#"[67,1,{@}]"#.into(), vec!["reason"]),
        (r#"[67,0,{@}]"#.into(), vec!["registration", "reason"]),
        (
            r#"[68,1,2,{@}]"#.into(),
            vec![
                "timeout",
                "receive_progress",
                "caller",
                "caller_authid",
                "caller_authrole",
                "procedure",
                "transaction_hash",
                "forward_for",
            ],
        ),
        (r#"[68,1,2,{@},[],{"a":1}]"#.into(), vec![]),
        (
            format!(r#"[68,1,2,{{"enc_algo":"cryptobox"@}},{P}]"#),
            pay.to_vec(),
        ),
        (
            r#"[69,1,{@}]"#.into(),
            vec!["mode", "reason", "forward_for"],
        ),
        (r#"[69,1,{"mode":"kill"@}]"#.into(), vec![]),
        (r#"[69,1,{"mode":"skip"@}]"#.into(), vec![]),
        (r#"[69,1,{"mode":"killnowait"@}]"#.into(), vec![]),
        (
            r#"[70,1,{@}]"#.into(),
            vec![
                "progress",
                "callee",
                "callee_authid",
                "callee_authrole",
                "forward_for",
            ],
        ),
        (r#"[70,1,{@},[],{"a":1}]"#.into(), vec![]),
        (
            format!(r#"[70,1,{{"enc_algo":"cryptobox"@}},{P}]"#),
            pay.to_vec(),
        ),
    ];
    v.shrink_to_fit();
    v
}

const VALUES: &[&str] = &[
    "\"null\"",
    "\"cbor\"",
    "\"json\"",
    "\"cryptobox\"",
    "\"opaque\"",
    "\"flexbuffers\"",
    "\"x_custom\"",
    "\"cookie\"",
    "[\"cookie\",\"ticket\"]",
    "[\"ticket\"]",
    "\"prefix\"",
    "\"killnowait\"",
    "true",
    "false",
    "0",
    "1",
    "\"\"",
    "\"x\"",
    "\"skip\"",
    "\"kill\"",
    "\"exact\"",
    "\"single\"",
    "\"anonymous\"",
    "\"wamp.x\"",
    "[]",
    "[\"\"]",
    "[0]",
    "{}",
    "{\"a\":\"b\"}",
    "null",
];

#[test]
fn sweep() {
    let mut accepted = 0;
    let mut losses = Vec::new();
    for (template, keys) in templates() {
        let mut texts = vec![];
        let base_sep = if template.contains("{@") { "" } else { "," };
        texts.push(template.replace('@', ""));
        for key in keys {
            for v in VALUES {
                let sep = if template.contains("{@") { "" } else { "," };
                let _ = base_sep;
                texts.push(template.replace('@', &format!("{sep}\"{key}\":{v}")));
            }
        }
        for text in texts {
            let Ok(msg) = json::from_slice(text.as_bytes()) else {
                continue;
            };
            accepted += 1;
            let back = Format::Flatbuffers
                .encode(&msg)
                .map_err(|e| e.to_string())
                .and_then(|b| Format::Flatbuffers.decode(&b).map_err(|e| e.to_string()));
            match back {
                Ok(b) if b.marshal() == msg.marshal() => {}
                Ok(b) => losses.push(format!(
                    "{text}\n    -> {}",
                    wamp_codec::Value::List(b.marshal())
                )),
                Err(e) => losses.push(format!("{text}\n    -> ERR {e}")),
            }
        }
    }
    println!("accepted {accepted}, losses {}", losses.len());
    for l in &losses {
        println!("{l}");
    }
    assert!(losses.is_empty());
}
