//! What is measured: the benchmark messages and the operations on each, shared by
//! `wamp-codec bench`, the criterion benches (`benches/codec.rs`) and the callgrind harness
//! (`examples/profile.rs`), so that all three measure the same thing.

use std::hint::black_box;

use flatbuffers::FlatBufferBuilder;
use wamp_codec::fbs::forward::EventDetails;
use wamp_codec::fbs::generated::proto;
use wamp_codec::fbs::{builder, Writer};
use wamp_codec::router::forward::{EventTemplate, Forwarder};
use wamp_codec::serializer::json::view as json_view;
use wamp_codec::serializer::{json, Format, Limits};
use wamp_codec::view::item::Item;
use wamp_codec::{dict, Dict, Event, Message, Publish, Value};

/// A named benchmark message.
pub struct Case {
    /// The row name: `publish-typical`, ...
    pub name: &'static str,
    /// The message.
    pub message: Message,
}

fn typical_kwargs() -> Dict {
    dict! { "color" => "orange", "sizes" => vec![Value::Int(23), Value::Int(42), Value::Int(7)] }
}

fn publish(args: Vec<Value>) -> Publish {
    Publish {
        args: Some(args),
        kwargs: Some(typical_kwargs()),
        ..Publish::new(239714735, "com.myapp.mytopic1")
    }
}

/// `publish-typical`, `publish-blob64k`, `publish-ints1000` and `event-typical`.
pub fn cases() -> Vec<Case> {
    let typical_args = vec![Value::from("Hello, world!"), Value::Int(42)];
    let event = Event {
        args: Some(typical_args.clone()),
        kwargs: Some(typical_kwargs()),
        ..Event::new(5512315355, 4429313566)
    };
    vec![
        Case {
            name: "publish-typical",
            message: publish(typical_args).into(),
        },
        Case {
            name: "publish-blob64k",
            message: publish(vec![Value::Bytes(vec![0xa5; 65536])]).into(),
        },
        Case {
            name: "publish-ints1000",
            message: publish((0..1000).map(|i| Value::Int(i % 100)).collect()).into(),
        },
        Case {
            name: "event-typical",
            message: event.into(),
        },
    ]
}

/// One measured operation of a case: `path` / `op` as the bench tables name them, the size of
/// its wire bytes, and the operation itself (it owns its input and its reused buffers).
pub struct Op<'m> {
    /// `json`, `msgpack`, `cbor`, `flatbuffers` or the `serde_json-value` baseline.
    pub path: &'static str,
    /// `decode-owned`, `encode`, `cast+verify+topic`, ...
    pub op: &'static str,
    /// The size of the message on this path's wire.
    pub bytes: usize,
    /// Runs the operation the given number of times.
    ///
    /// One call for a whole batch, as criterion's `iter` runs its routine, rather than one per
    /// operation: the operation is inlined into the batch's loop, and the indirect call through
    /// the box is not timed as part of it.
    pub run: Box<dyn FnMut(u64) + 'm>,
}

impl<'m> Op<'m> {
    fn new(
        path: &'static str,
        op: &'static str,
        bytes: usize,
        mut once: impl FnMut() + 'm,
    ) -> Op<'m> {
        Op {
            path,
            op,
            bytes,
            run: Box::new(move |times| {
                for _ in 0..times {
                    once();
                }
            }),
        }
    }
}

/// Every operation measured on `message`: decode to the owned message and encode (into a
/// reused buffer or builder) on each path, the `serde_json::Value` baseline, and for a PUBLISH
/// the router's FlatBuffers paths beside flatc's generated verifier.
pub fn ops(message: &Message) -> Vec<Op<'_>> {
    let mut ops = Vec::new();
    for format in [Format::Json, Format::Msgpack, Format::Cbor] {
        let bytes = format.encode(message).expect("benchmark messages encode");
        let n = bytes.len();
        ops.push(Op::new(format.name(), "decode-owned", n, move || {
            black_box(format.decode(black_box(&bytes)).unwrap());
        }));
        let mut out = Vec::with_capacity(2 * n);
        ops.push(Op::new(format.name(), "encode", n, move || {
            out.clear();
            format.encode_into(black_box(message), &mut out).unwrap();
            black_box(&out);
        }));
    }
    let fbs = Format::Flatbuffers
        .encode(message)
        .expect("benchmark messages encode");
    let n = fbs.len();
    // each operation owns a copy of the bytes
    let bytes = fbs.clone();
    ops.push(Op::new("flatbuffers", "decode-owned", n, move || {
        black_box(Format::Flatbuffers.decode(black_box(&bytes)).unwrap());
    }));
    let mut writer = Writer::with_capacity(2 * n);
    ops.push(Op::new("flatbuffers", "encode", n, move || {
        builder::build(black_box(message), &mut writer).unwrap();
        black_box(writer.finished_data());
    }));
    // the same bytes through flatbuffers' own builder, for comparison
    let mut fbb = FlatBufferBuilder::with_capacity(2 * n);
    ops.push(Op::new(
        "flatbuffers",
        "encode-flatbufferbuilder",
        n,
        move || {
            builder::build(black_box(message), &mut fbb).unwrap();
            black_box(fbb.finished_data());
        },
    ));
    if matches!(message, Message::Publish(_)) {
        let bytes = fbs.clone();
        ops.push(Op::new("flatbuffers", "cast+verify+topic", n, move || {
            black_box(Publish::cast(black_box(&bytes)).unwrap().topic());
        }));
        let bytes = fbs.clone();
        ops.push(Op::new(
            "flatbuffers",
            "cast+verify+topic+args-bytes",
            n,
            move || {
                let view = Publish::cast(black_box(&bytes)).unwrap();
                black_box((view.topic(), view.args_bytes()));
            },
        ));
        let details = EventDetails {
            subscription: 5512315355,
            publication: 4429313566,
            ..EventDetails::default()
        };
        let bytes = fbs.clone();
        let mut writer = Writer::with_capacity(2 * n);
        ops.push(Op::new("flatbuffers", "forward-event", n, move || {
            let view = Publish::cast(black_box(&bytes)).unwrap();
            view.build_event(black_box(&details), &mut writer);
            black_box(writer.finished_data());
        }));
        let bytes = fbs.clone();
        let mut fbb = FlatBufferBuilder::with_capacity(2 * n);
        ops.push(Op::new(
            "flatbuffers",
            "forward-event-flatbufferbuilder",
            n,
            move || {
                let view = Publish::cast(black_box(&bytes)).unwrap();
                view.build_event(black_box(&details), &mut fbb);
                black_box(fbb.finished_data());
            },
        ));
        let bytes = fbs;
        ops.push(Op::new(
            "flatbuffers",
            "generated-verifier+topic",
            n,
            move || {
                let root = proto::root_as_message(black_box(&bytes)).unwrap();
                black_box(root.msg_as_publish().map(|p| p.topic()));
            },
        ));
    }
    if matches!(message, Message::Publish(_)) {
        router_ops(message, &mut ops);
    }
    let json = json::to_vec(message).expect("benchmark messages are JSON-encodable");
    if matches!(message, Message::Publish(_)) {
        // the router's JSON path: the whole message checked in place, the topic read and the
        // payload's bytes found, nothing decoded
        let bytes = json.clone();
        ops.push(Op::new(
            "json",
            "scan+topic+args-bytes",
            json.len(),
            move || {
                let elems = json_view::scan_message(black_box(&bytes), &Limits::DEFAULT).unwrap();
                let topic = elems.get(3).and_then(|t| t.as_str());
                black_box((topic, elems.get(4).map(|a| a.bytes())));
            },
        ));
    }
    let parsed: serde_json::Value =
        serde_json::from_slice(&json).expect("benchmark messages are JSON");
    let mut out = Vec::with_capacity(2 * json.len());
    ops.push(Op::new(
        "serde_json-value",
        "encode",
        json.len(),
        move || {
            out.clear();
            serde_json::to_writer(&mut out, black_box(&parsed)).unwrap();
            black_box(&out);
        },
    ));
    ops.push(Op::new(
        "serde_json-value",
        "decode",
        json.len(),
        move || {
            black_box(serde_json::from_slice::<serde_json::Value>(black_box(&json)).unwrap());
        },
    ));
    ops
}

/// Subscribers per publication in the `fanout-1000` rows.
const FANOUT: u64 = 1000;

/// A router's steps on a PUBLISH in every format, through the views: read the topic, forward
/// the EVENT into the same or another format, and fan one publication out to [`FANOUT`]
/// subscribers (one operation per subscriber: a stamp, plus a thousandth of viewing the
/// PUBLISH and building the template).
fn router_ops<'m>(message: &'m Message, ops: &mut Vec<Op<'m>>) {
    let details = EventDetails {
        subscription: 5512315355,
        publication: 4429313566,
        ..EventDetails::default()
    };
    let all = [
        Format::Json,
        Format::Msgpack,
        Format::Cbor,
        Format::Flatbuffers,
    ];
    for from in all {
        let bytes = from.encode(message).expect("benchmark messages encode");
        let n = bytes.len();
        if from != Format::Flatbuffers {
            let input = bytes.clone();
            ops.push(Op::new(from.name(), "view+topic", n, move || {
                let view = Publish::view(from, black_box(&input)).unwrap();
                black_box(view.topic());
            }));
            for to in all {
                let input = bytes.clone();
                let mut forwarder = Forwarder::new();
                let mut out = Vec::with_capacity(4 * n);
                let op: &'static str = match to {
                    _ if to == from => "forward-event",
                    Format::Json => "forward-event-to-json",
                    Format::Msgpack => "forward-event-to-msgpack",
                    Format::Cbor => "forward-event-to-cbor",
                    Format::Flatbuffers => "forward-event-to-flatbuffers",
                };
                ops.push(Op::new(from.name(), op, n, move || {
                    out.clear();
                    let view = Publish::view(from, black_box(&input)).unwrap();
                    forwarder
                        .event(&view, black_box(&details), to, &mut out)
                        .unwrap();
                    black_box(&out);
                }));
            }
        }
        let input = bytes;
        let mut forwarder = Forwarder::new();
        let mut template = EventTemplate::new();
        let mut out = Vec::with_capacity(4 * n);
        let mut subscriber = 0;
        ops.push(Op::new(from.name(), "fanout-1000", n, move || {
            if subscriber % FANOUT == 0 {
                let view = Publish::view(from, black_box(&input)).unwrap();
                template
                    .fill(&mut forwarder, &view, &details, from)
                    .unwrap();
            }
            subscriber += 1;
            out.clear();
            template.stamp(black_box(subscriber), &mut out);
            black_box(&out);
        }));
    }
}
