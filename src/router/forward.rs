//! A PUBLISH view delivered as EVENTs, in any format from any format, without an owned decode:
//! the payload is copied as its bytes when the formats are the same and transcoded value by
//! value when they differ; the EVENT's other fields are written from the view and the
//! broker's [`EventDetails`].
//!
//! [`EventTemplate`] is the fan-out: one EVENT built per publication and target format, then
//! stamped with each subscriber's subscription ID for about the cost of copying its bytes.

use std::borrow::Cow;

use crate::error::EncodeError;
use crate::fbs::Writer;
use crate::router::EventDetails;
use crate::serializer::cbor::view::CborWriter;
use crate::serializer::json::view::JsonWriter;
use crate::serializer::msgpack::view::MsgpackWriter;
use crate::serializer::Format;
use crate::view::item::{Emit, Item, Kind};
use crate::view::{read, ItemRef, Payload, PublishView};

/// Reusable room for forwarding: the FlatBuffers builder, kept between messages so that
/// forwarding allocates nothing once it has grown.
#[derive(Debug, Default)]
pub struct Forwarder {
    fbs: Writer,
}

/// Why a PUBLISH could not be forwarded.
pub type ForwardError = EncodeError;

fn unsupported(reason: &'static str) -> ForwardError {
    EncodeError::Unsupported {
        format: "flatbuffers",
        message: "EVENT",
        field: "args",
        reason,
    }
}

impl Forwarder {
    /// A forwarder with no room reserved yet.
    pub fn new() -> Forwarder {
        Forwarder::default()
    }

    /// Appends to `out` the EVENT delivering `publish` under `details`, in format `to`: the
    /// bytes [`Publish::to_event`](crate::Publish::to_event) and [`Format::encode`] give for
    /// the same message (with the payload copied as the input holds it when the formats are
    /// the same).
    pub fn event(
        &mut self,
        publish: &PublishView<'_>,
        details: &EventDetails<'_>,
        to: Format,
        out: &mut Vec<u8>,
    ) -> Result<(), ForwardError> {
        match (publish, to) {
            (PublishView::Flatbuffers(p), Format::Flatbuffers) => {
                p.build_event(details, &mut self.fbs);
                out.extend_from_slice(self.fbs.finished_data());
                Ok(())
            }
            (PublishView::Flatbuffers(_), _) => Err(unsupported(
                "forwarding a FlatBuffers PUBLISH into another format is not built yet",
            )),
            (PublishView::Elements(_), Format::Flatbuffers) => Err(unsupported(
                "forwarding into FlatBuffers from another format is not built yet",
            )),
            (PublishView::Elements(_), _) => {
                write_event(publish, details, to, out, details.subscription).map(|_| ())
            }
        }
    }
}

/// Writes the EVENT with `writer`, whatever its format; returns where the subscription ID's
/// bytes start.
fn event_with<'a>(
    publish: &PublishView<'a>,
    details: &EventDetails<'_>,
    to: Format,
    subscription: u64,
    w: &mut impl Emit,
) -> usize {
    let parts = EventParts::of(publish);
    w.begin_list(4 + parts.elements());
    w.int(36);
    // (JSON writes the comma before the ID at this position)
    let at = w.position();
    w.int(subscription.into());
    w.int(details.publication.into());
    parts.details(details, to, w);
    parts.payload(to, w);
    w.end_list();
    at
}

/// Appends the EVENT in `to` (not FlatBuffers) to `out`; returns where its subscription ID
/// starts.
fn write_event(
    publish: &PublishView<'_>,
    details: &EventDetails<'_>,
    to: Format,
    out: &mut Vec<u8>,
    subscription: u64,
) -> Result<usize, ForwardError> {
    match to {
        Format::Json => {
            let mut w = JsonWriter::new(out);
            let at = event_with(publish, details, to, subscription, &mut w);
            w.finish().map(|()| at)
        }
        Format::Msgpack => {
            let mut w = MsgpackWriter::new(out);
            let at = event_with(publish, details, to, subscription, &mut w);
            w.finish().map(|()| at)
        }
        Format::Cbor => {
            let mut w = CborWriter::new(out);
            let at = event_with(publish, details, to, subscription, &mut w);
            w.finish().map(|()| at)
        }
        Format::Flatbuffers => Err(unsupported("not a self-describing format")),
    }
}

/// What an EVENT takes from its PUBLISH, found once.
struct EventParts<'a> {
    view: PublishView<'a>,
    /// The transparent payload, when non-empty.
    transparent: Option<ItemRef<'a>>,
    args: Option<ItemRef<'a>>,
    kwargs: Option<ItemRef<'a>>,
}

impl<'a> EventParts<'a> {
    fn of(view: &PublishView<'a>) -> EventParts<'a> {
        let item = |p: Option<Payload<'a>>| match p {
            Some(Payload::Item(i)) => Some(i),
            _ => None,
        };
        let PublishView::Elements(e) = view else {
            return EventParts {
                view: *view,
                transparent: None,
                args: None,
                kwargs: None,
            };
        };
        let transparent = e
            .element(4)
            .filter(|i| e.len() == 5 && i.kind() == Kind::Bytes);
        // autobahn's `if payload:`, `if kwargs:`, `if args:`
        let non_empty = |i: &ItemRef<'_>| match i.kind() {
            Kind::Bytes => i.as_bytes().is_some_and(|b| !b.is_empty()),
            _ => !i.is_empty_container(),
        };
        // `args` is kept even empty: beside a non-empty `kwargs` it is written as it is
        let kwargs = item(view.kwargs()).filter(|i| !i.is_null() && non_empty(i));
        let args = item(view.args()).filter(|i| !i.is_null());
        EventParts {
            view: *view,
            transparent: transparent.filter(non_empty),
            args: args.filter(|i| kwargs.is_some() || non_empty(i)),
            kwargs,
        }
    }

    /// The payload elements the EVENT ends with: 0, 1 or 2.
    fn elements(&self) -> usize {
        if self.transparent.is_some() {
            1
        } else if self.kwargs.is_some() {
            2
        } else {
            usize::from(self.args.is_some())
        }
    }

    /// The EVENT's details, in the order of the owned `Event`'s marshal.
    fn details(&self, d: &EventDetails<'_>, to: Format, w: &mut impl Emit) {
        let transaction_hash = self.view.transaction_hash();
        let forward_for = self.view.option("forward_for");
        let enc: [(&str, Option<Cow<'_, str>>); 3] = if self.transparent.is_some() {
            [
                ("enc_algo", self.view.enc_algo()),
                ("enc_key", self.view.enc_key()),
                ("enc_serializer", self.view.enc_serializer()),
            ]
        } else {
            [
                ("enc_algo", None),
                ("enc_key", None),
                ("enc_serializer", None),
            ]
        };
        let count = [
            d.publisher.is_some(),
            d.publisher_authid.is_some(),
            d.publisher_authrole.is_some(),
            d.topic.is_some(),
            d.retained.is_some(),
            transaction_hash.is_some(),
            d.acknowledge.is_some(),
            forward_for.is_some(),
        ]
        .into_iter()
        .filter(|&b| b)
        .count()
            + enc.iter().filter(|(_, v)| v.is_some()).count();
        w.begin_map(count);
        if let Some(p) = d.publisher {
            w.key("publisher");
            w.int(p.into());
        }
        let strs = [
            ("publisher_authid", d.publisher_authid),
            ("publisher_authrole", d.publisher_authrole),
            ("topic", d.topic),
        ];
        for (key, value) in strs {
            if let Some(s) = value {
                w.key(key);
                w.str(s);
            }
        }
        if let Some(b) = d.retained {
            w.key("retained");
            w.bool(b);
        }
        if let Some(s) = &transaction_hash {
            w.key("transaction_hash");
            w.str(s);
        }
        if let Some(b) = d.acknowledge {
            w.key("x_acknowledged_delivery");
            w.bool(b);
        }
        if let Some(ff) = forward_for {
            // as the owned message writes each principal: its three keys, in this order
            w.key("forward_for");
            let principals = read::principals(&ff).into_iter().flatten();
            w.begin_list(principals.clone().count());
            for p in principals {
                w.begin_map(3);
                w.key("session");
                w.int(p.session.into());
                w.key("authid");
                w.str(&p.authid);
                w.key("authrole");
                w.str(&p.authrole);
                w.end_map();
            }
            w.end_list();
        }
        for (key, value) in &enc {
            if let Some(s) = value {
                w.key(key);
                w.str(s);
            }
        }
        w.end_map();
        let _ = to;
    }

    /// The payload elements, each copied or transcoded into `to`.
    fn payload(&self, to: Format, w: &mut impl Emit) {
        if let Some(p) = self.transparent {
            p.write_to(w, to);
        } else if let Some(kwargs) = self.kwargs {
            match self.args {
                Some(args) => args.write_to(w, to),
                None => w.null(),
            }
            kwargs.write_to(w, to);
        } else if let Some(args) = self.args {
            args.write_to(w, to);
        }
    }
}

/// One EVENT per publication and target format, stamped with each subscriber's subscription
/// ID: the bytes before the ID, the ID, the bytes after it.
///
/// Subscribers whose EVENTs differ in more than the subscription (a disclosed publisher for
/// some) take one template each way.
#[derive(Debug, Clone, Default)]
pub struct EventTemplate {
    format: Option<Format>,
    bytes: Vec<u8>,
    /// Where the subscription ID starts, and where what follows it starts.
    id_at: usize,
    rest_at: usize,
}

impl EventTemplate {
    /// An empty template, to [`fill`](EventTemplate::fill) and reuse.
    pub fn new() -> EventTemplate {
        EventTemplate::default()
    }

    /// Builds the EVENT delivering `publish` under `details` (its `subscription` ignored) in
    /// format `to`, reusing this template's room.
    pub fn fill(
        &mut self,
        forwarder: &mut Forwarder,
        publish: &PublishView<'_>,
        details: &EventDetails<'_>,
        to: Format,
    ) -> Result<(), ForwardError> {
        self.bytes.clear();
        self.format = Some(to);
        if to == Format::Flatbuffers {
            // A non-zero placeholder, so that the field is written (FlatBuffers leaves out a
            // field at its default); the stamp overwrites its eight bytes.
            let placeholder = EventDetails {
                subscription: crate::validate::MAX_ID,
                ..*details
            };
            forwarder.event(publish, &placeholder, to, &mut self.bytes)?;
            let event = crate::Event::cast(&self.bytes)
                .map_err(|_| unsupported("the template EVENT did not verify"))?;
            self.id_at = event
                .subscription_offset()
                .ok_or_else(|| unsupported("the template EVENT has no subscription"))?;
            self.rest_at = self.id_at + 8;
            return Ok(());
        }
        // the template's ID is 0, one byte in every format, replaced by each stamp
        let at = write_event(publish, details, to, &mut self.bytes, 0)?;
        self.id_at = at + usize::from(to == Format::Json);
        self.rest_at = self.id_at + 1;
        Ok(())
    }

    /// Appends the EVENT for `subscription` to `out`. A FlatBuffers EVENT stamped with 0
    /// keeps the field (with the value 0), where a builder would leave it out: the same
    /// message.
    pub fn stamp(&self, subscription: u64, out: &mut Vec<u8>) {
        let Some(format) = self.format else { return };
        out.extend_from_slice(&self.bytes[..self.id_at]);
        match format {
            Format::Flatbuffers => out.extend_from_slice(&subscription.to_le_bytes()),
            Format::Json => {
                out.extend_from_slice(itoa::Buffer::new().format(subscription).as_bytes())
            }
            Format::Msgpack => MsgpackWriter::new(out).int(subscription.into()),
            Format::Cbor => CborWriter::new(out).int(subscription.into()),
        }
        out.extend_from_slice(&self.bytes[self.rest_at..]);
    }
}
