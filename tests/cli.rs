//! `wamp-codec convert --lines` answers every input line, in order, whatever the line holds:
//! one output line per input line (the converted message, or `error: <reason>`), exit status 0.

use std::io::Write;
use std::process::{Command, Stdio};

use wamp_codec::serializer::{msgpack, Format};

/// Runs `convert --from from --to to --lines` on `input`; returns (stdout lines, exit code).
fn convert_lines(from: &str, to: &str, input: &[u8]) -> (Vec<String>, Option<i32>) {
    run_lines(&["convert", "--from", from, "--to", to, "--lines"], input)
}

/// Runs `wamp-codec args` on `input`; returns (stdout lines, exit code).
fn run_lines(args: &[&str], input: &[u8]) -> (Vec<String>, Option<i32>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wamp-codec"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wamp-codec");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Written from another thread, so a large input cannot deadlock against a full stdout.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "stderr: {stderr}");
    (
        stdout.lines().map(str::to_owned).collect(),
        out.status.code(),
    )
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

const PUBLISH: &str = r#"[16,1,{},"com.myapp.topic",["hi"]]"#;

/// The message a JSON line holds, through the library.
fn message(json: &str) -> wamp_codec::Message {
    Format::Json.decode(json.as_bytes()).unwrap()
}

#[test]
fn json_lines_hostile_and_valid_each_get_one_answer_in_order() {
    let deep = "[".repeat(100_000);
    let mut input = Vec::new();
    let lines: Vec<(&[u8], bool)> = vec![
        (PUBLISH.as_bytes(), true),
        (b"", false),                           // empty line
        (b"not json", false),                   // garbage
        (deep.as_bytes(), false),               // giant nesting
        (b"[16,1,{},\"com.\xff\xfe\"]", false), // non-UTF-8 bytes
        (b"\xc3\x28", false),                   // an invalid UTF-8 sequence alone
        (br#"[16,1,{},"com.t",[NaN]]"#, false), // not JSON
        (br#"[16,1,{},"com.t",["\ud800"]]"#, false),
        (br#"[999]"#, false),
        (b"\x00\x18\x1b", false), // control bytes
        (PUBLISH.as_bytes(), true),
    ];
    for (line, _) in &lines {
        input.extend_from_slice(line);
        input.push(b'\n');
    }
    // The same message again with CRLF, and a last line without a newline.
    input.extend_from_slice(PUBLISH.as_bytes());
    input.extend_from_slice(b"\r\n");
    input.extend_from_slice(b"[6,{},\"wamp.close.normal\"]");

    let (out, code) = convert_lines("json", "msgpack", &input);
    assert_eq!(code, Some(0));
    assert_eq!(out.len(), lines.len() + 2, "{out:#?}");
    for (i, ((_, ok), answer)) in lines.iter().zip(&out).enumerate() {
        if *ok {
            // Converted: the hex decodes (MessagePack) to the message of the input line.
            let back = msgpack::from_slice(&from_hex(answer)).unwrap();
            assert_eq!(back, message(PUBLISH), "line {i}");
        } else {
            assert!(answer.starts_with("error: "), "line {i}: {answer}");
            assert!(answer.len() > "error: ".len() + 5, "line {i}: {answer}");
        }
    }
    let crlf = msgpack::from_slice(&from_hex(&out[lines.len()])).unwrap();
    assert_eq!(crlf, message(PUBLISH));
    let last = msgpack::from_slice(&from_hex(&out[lines.len() + 1])).unwrap();
    assert_eq!(last, message(r#"[6,{},"wamp.close.normal"]"#));
    // The errors say what was wrong.
    assert!(out[3].contains("depth"), "{}", out[3]);
    assert!(out[7].contains("surrogate"), "{}", out[7]);
    assert!(out[8].contains("999"), "{}", out[8]);
}

#[test]
fn hex_lines_hostile_and_valid_each_get_one_answer_in_order() {
    let good = to_hex(&Format::Msgpack.encode(&message(PUBLISH)).unwrap());
    let lines: Vec<(Vec<u8>, bool)> = vec![
        (good.clone().into_bytes(), true),
        (b"".to_vec(), false),    // empty line: no message
        (b"zz".to_vec(), false),  // not hex
        (b"abc".to_vec(), false), // odd length
        (b"\xff\xfe".to_vec(), false),
        ([good.as_bytes(), b"\xc3"].concat(), false), // a stray non-ASCII byte
        (b"dd ffffffff".to_vec(), false),             // inner space: not hex
        (b"ddffffffff01".to_vec(), false),            // claims 2^32-1 elements
        ("91".repeat(100_000).into_bytes(), false),   // giant nesting
        (good.to_uppercase().into_bytes(), true),     // upper case is hex too
        (format!("  {good}\t").into_bytes(), true),   // surrounding blanks are trimmed
    ];
    let mut input = Vec::new();
    for (line, _) in &lines {
        input.extend_from_slice(line);
        input.extend_from_slice(b"\r\n");
    }
    let (out, code) = convert_lines("msgpack", "json", &input);
    assert_eq!(code, Some(0));
    assert_eq!(out.len(), lines.len(), "{out:#?}");
    for (i, ((_, ok), answer)) in lines.iter().zip(&out).enumerate() {
        if *ok {
            assert_eq!(message(answer), message(PUBLISH), "line {i}");
        } else {
            assert!(answer.starts_with("error: "), "line {i}: {answer}");
        }
    }
    assert!(out[3].contains("odd"), "{}", out[3]);
    assert!(out[8].contains("depth"), "{}", out[8]);
}

#[test]
fn a_line_beyond_the_size_limit_is_one_error_line() {
    // 17 MiB of JSON on one line, past the 16 MiB default, between two good lines.
    let huge = format!(r#"[16,1,{{}},"com.t",["{}"]]"#, "a".repeat(17 << 20));
    let input = format!("{PUBLISH}\n{huge}\n{PUBLISH}\n");
    let (out, code) = convert_lines("json", "cbor", input.as_bytes());
    assert_eq!(code, Some(0));
    assert_eq!(out.len(), 3);
    assert!(
        out[1].starts_with("error: ") && out[1].contains("size limit"),
        "{}",
        out[1]
    );
    assert!(
        !out[0].starts_with("error") && !out[2].starts_with("error"),
        "{out:?}"
    );
}

#[test]
fn regression_cli_sign_is_not_a_hex_digit() {
    // `u8::from_str_radix("+1", 16)` is Ok(1), so "+1" passed as the byte 01: a line that is
    // not hex was converted as if it were.
    let good = to_hex(&Format::Cbor.encode(&message(PUBLISH)).unwrap());
    assert!(good.contains("01"));
    let signed = good.replacen("01", "+1", 1);
    let (out, code) = convert_lines("cbor", "json", format!("{good}\n{signed}\n").as_bytes());
    assert_eq!(code, Some(0));
    assert_eq!(message(&out[0]), message(PUBLISH));
    assert!(
        out[1].starts_with("error: ") && out[1].contains("hex"),
        "{}",
        out[1]
    );
}

#[test]
fn every_format_pair_answers_every_line() {
    let msg = message(PUBLISH);
    for from in ["json", "msgpack", "cbor", "flatbuffers"] {
        let format = Format::from_name(from).unwrap();
        let good = match format {
            Format::Json => PUBLISH.to_owned(),
            _ => to_hex(&format.encode(&msg).unwrap()),
        };
        let input = format!("{good}\n\n00\n{good}\r\n");
        for to in ["json", "msgpack", "cbor", "flatbuffers", "xml"] {
            let (out, code) = convert_lines(from, to, input.as_bytes());
            assert_eq!(code, Some(0), "{from} -> {to}");
            assert_eq!(out.len(), 4, "{from} -> {to}: {out:#?}");
            let converted = |line: &str| match Format::from_name(to).unwrap() {
                Format::Json => Format::Json.decode(line.as_bytes()).unwrap(),
                f => f.decode(&from_hex(line)).unwrap(),
            };
            if to == "xml" {
                assert!(out.iter().all(|l| l.contains("unknown format")), "{out:#?}");
                continue;
            }
            for i in [0, 3] {
                assert_eq!(converted(&out[i]), msg, "{from} -> {to} line {i}");
            }
            for i in [1, 2] {
                assert!(out[i].starts_with("error: "), "{from} -> {to}: {}", out[i]);
            }
        }
    }
}

#[test]
fn forward_answers_each_publish_with_its_event_in_every_format_pair() {
    use wamp_codec::router::EventDetails;
    let formats = ["json", "msgpack", "cbor", "flatbuffers"];
    let publishes = [
        PUBLISH,
        r#"[16,2,{"acknowledge":true,"x_custom":1},"com.t",[],{"k":[1,"\u00e9"]}]"#,
        r#"[16,3,{},"com.t","\u0000AQID"]"#,
    ];
    let refused = [r#"[16,1,{},"bad uri#"]"#, "[16,", "not json", r#"[17,1,2]"#];
    let details = EventDetails {
        subscription: 5512315355,
        publication: 4429313566,
        ..EventDetails::default()
    };
    for from in formats {
        let f = Format::from_name(from).unwrap();
        let line = |json: &str| match f {
            Format::Json => json.to_owned(),
            _ => to_hex(&f.encode(&message(json)).unwrap()),
        };
        let mut input: Vec<String> = publishes.iter().map(|p| line(p)).collect();
        input.extend(refused.iter().map(|r| match f {
            Format::Json => r.to_string(),
            _ => "zz".to_owned(),
        }));
        for to in formats {
            let t = Format::from_name(to).unwrap();
            let args = [
                "forward",
                "--from",
                from,
                "--to",
                to,
                "--subscription",
                "5512315355",
                "--publication",
                "4429313566",
                "--lines",
            ];
            let (out, code) = run_lines(&args, (input.join("\n") + "\n").as_bytes());
            assert_eq!(code, Some(0));
            assert_eq!(out.len(), input.len(), "{from} -> {to}: {out:#?}");
            for (publish, answer) in publishes.iter().zip(&out) {
                let wamp_codec::Message::Publish(p) = f
                    .decode(&match f {
                        Format::Json => publish.as_bytes().to_vec(),
                        _ => from_hex(&line(publish)),
                    })
                    .unwrap()
                else {
                    panic!()
                };
                let expected = t.encode(&p.to_event(&details).unwrap().into()).unwrap();
                let got = match t {
                    Format::Json => answer.as_bytes().to_vec(),
                    _ => from_hex(answer),
                };
                assert_eq!(
                    t.decode(&got).unwrap(),
                    t.decode(&expected).unwrap(),
                    "{from} -> {to}"
                );
            }
            for answer in &out[publishes.len()..] {
                assert!(answer.starts_with("error: "), "{from} -> {to}: {answer}");
            }
        }
    }
}
