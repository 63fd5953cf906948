//! The benchmark messages, shared by `wamp-codec bench` and the criterion benches.

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
pub fn all() -> Vec<Case> {
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
