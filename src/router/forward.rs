//! A PUBLISH view delivered as EVENTs, in any format from any format, without an owned decode:
//! the payload is copied as its bytes when the formats are the same and transcoded value by
//! value when they differ; the EVENT's other fields are written from the view and the
//! broker's [`EventDetails`].
//!
//! [`EventTemplate`] is the fan-out: one EVENT built per publication and target format, then
//! stamped with each subscriber's subscription ID for about the cost of copying its bytes.

use std::borrow::Cow;

use crate::error::{DecodeError, EncodeError};
#[cfg(feature = "flatbuffers")]
use crate::fbs::{
    builder::{ppt_scheme, ppt_serializer},
    forward::{self as fbs_forward, Callee, Carried, EventBody, Hop, InvocationFields},
    view::{MessageRef, PrincipalIter},
    Writer,
};
use crate::messages::MessageType;
use crate::router::{ErrorDetails, EventDetails, InvocationDetails, ResultDetails};
#[cfg(feature = "flatbuffers")]
use crate::serializer::cbor::view::scan_value;
#[cfg(feature = "cbor")]
use crate::serializer::cbor::view::CborWriter;
#[cfg(feature = "json")]
use crate::serializer::json::view::JsonWriter;
#[cfg(feature = "msgpack")]
use crate::serializer::msgpack::view::MsgpackWriter;
use crate::serializer::Format;
#[cfg(feature = "flatbuffers")]
use crate::serializer::Limits;
use crate::view::item::{Emit, Item, Kind};
use crate::view::{read, ElementsView, ItemList, ItemRef, MessageView, PublishView};

/// Why a message could not be forwarded: its CBOR payload (from FlatBuffers) is not valid, or
/// the target format cannot carry a field (a custom `x_*` transparency identifier in
/// FlatBuffers, a NaN in JSON, ...), as the owned encoders refuse it.
#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    /// The incoming message's payload could not be read.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The outgoing message could not be written.
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// Reusable room for forwarding: the FlatBuffers builder and the CBOR of a payload bound
/// for FlatBuffers, kept between messages so that forwarding allocates nothing once grown.
#[derive(Debug, Default)]
pub struct Forwarder {
    #[cfg(feature = "flatbuffers")]
    fbs: Writer,
    #[cfg(feature = "flatbuffers")]
    args: Vec<u8>,
    #[cfg(feature = "flatbuffers")]
    kwargs: Vec<u8>,
}

/// A FlatBuffers-only error for the step `message`.
#[cfg(feature = "flatbuffers")]
fn unsupported(message: &'static str, field: &'static str, reason: &'static str) -> ForwardError {
    ForwardError::Encode(EncodeError::Unsupported {
        format: "flatbuffers",
        message,
        field,
        reason,
    })
}

/// What an outgoing message's details hold for one key.
enum Val<'a> {
    Int(i128),
    Bool(bool),
    Str(Cow<'a, str>),
    Principals(Principals<'a>),
}

/// The outgoing message: its code, the IDs after it, its details in the order of the owned
/// type's marshal, the URI after the details (ERROR), and the payload it carries.
struct Plan<'p, 'd, 'a> {
    code: u64,
    ids: [u64; 2],
    id_count: usize,
    /// Borrowed from the caller's stack: an array of this size moved into the plan cost more
    /// than writing the message.
    details: &'d [(&'static str, Option<Val<'p>>)],
    uri: Option<Cow<'p, str>>,
    carrier: &'d Carrier<'a>,
}

/// One hop of `forward_for`, whatever format it was read from.
struct HopRef<'a> {
    session: i128,
    authid: Cow<'a, str>,
    authrole: Cow<'a, str>,
}

/// A `forward_for` chain read in place.
#[derive(Clone)]
enum Principals<'a> {
    Items(ItemList<'a>),
    #[cfg(feature = "flatbuffers")]
    Flatbuffers(PrincipalIter<'a>),
}

impl<'a> Iterator for Principals<'a> {
    type Item = HopRef<'a>;
    fn next(&mut self) -> Option<HopRef<'a>> {
        match self {
            Principals::Items(l) => l.find_map(|i| read::principal(&i)).map(|p| HopRef {
                session: p.session.into(),
                authid: p.authid,
                authrole: p.authrole,
            }),
            #[cfg(feature = "flatbuffers")]
            Principals::Flatbuffers(l) => l.next().map(|p| HopRef {
                session: p.session().into(),
                authid: Cow::Borrowed(p.authid().unwrap_or_default()),
                authrole: Cow::Borrowed(p.authrole().unwrap_or_default()),
            }),
        }
    }
}

/// The transparent payload, as it is in the incoming message.
#[derive(Clone, Copy)]
enum Transparent<'a> {
    Item(ItemRef<'a>),
    #[cfg(feature = "flatbuffers")]
    Bytes(&'a [u8]),
}

/// An incoming PUBLISH, CALL, YIELD or ERROR whose payload is forwarded: its payload elements
/// (after autobahn's emptiness rules) and access to the keys a step carries.
struct Carrier<'a> {
    source: Source<'a>,
    transparent: Option<Transparent<'a>>,
    /// A transparent payload is there, even an empty one.
    transparent_given: bool,
    args: Option<ItemRef<'a>>,
    kwargs: Option<ItemRef<'a>>,
}

enum Source<'a> {
    /// A JSON, MessagePack or CBOR message: the only elements read besides the payload, kept
    /// rather than the whole view (a copy of every element, a few hundred bytes).
    Elements {
        /// The options or details dict, unless it is empty.
        extra: Option<ItemRef<'a>>,
        /// An ERROR's error URI.
        error_uri: Option<ItemRef<'a>>,
    },
    #[cfg(feature = "flatbuffers")]
    Flatbuffers(MessageRef<'a>),
}

/// A message view as [`Carrier::of`] reads it, its elements borrowed rather than copied.
#[derive(Clone, Copy)]
enum Viewed<'v, 'a> {
    Elements(&'v ElementsView<'a>),
    #[cfg(feature = "flatbuffers")]
    Flatbuffers(MessageRef<'a>),
}

impl<'v, 'a> From<&'v MessageView<'a>> for Viewed<'v, 'a> {
    fn from(view: &'v MessageView<'a>) -> Self {
        match view {
            MessageView::Elements(e) => Viewed::Elements(e),
            #[cfg(feature = "flatbuffers")]
            MessageView::Flatbuffers(m) => Viewed::Flatbuffers(*m),
        }
    }
}

impl<'v, 'a> From<&'v PublishView<'a>> for Viewed<'v, 'a> {
    fn from(view: &'v PublishView<'a>) -> Self {
        match view {
            PublishView::Elements(e) => Viewed::Elements(e),
            #[cfg(feature = "flatbuffers")]
            PublishView::Flatbuffers(p) => Viewed::Flatbuffers(MessageRef::Publish(*p)),
        }
    }
}

impl Viewed<'_, '_> {
    fn message_type(self) -> MessageType {
        match self {
            Viewed::Elements(e) => e.message_type(),
            #[cfg(feature = "flatbuffers")]
            Viewed::Flatbuffers(m) => m.message_type(),
        }
    }

    fn format(self) -> Format {
        match self {
            Viewed::Elements(e) => e.format(),
            #[cfg(feature = "flatbuffers")]
            Viewed::Flatbuffers(_) => Format::Flatbuffers,
        }
    }
}

/// The same expression on whichever of the four payload-carrying FlatBuffers views `$m` is.
#[cfg(feature = "flatbuffers")]
macro_rules! carrying {
    ($m:expr, $r:ident => $e:expr) => {
        match $m {
            MessageRef::Publish($r) => Some($e),
            MessageRef::Call($r) => Some($e),
            MessageRef::Yield($r) => Some($e),
            MessageRef::Error($r) => Some($e),
            _ => None,
        }
    };
}

impl<'a> Carrier<'a> {
    /// The carrier of `view`, which must be a `want`.
    fn of(view: Viewed<'_, 'a>, want: MessageType) -> Result<Carrier<'a>, ForwardError> {
        if view.message_type() != want {
            return Err(DecodeError::syntax(
                view.format().name(),
                format!(
                    "expected {}, found {}",
                    want.name(),
                    view.message_type().name()
                ),
            )
            .into());
        }
        let (source, transparent, args, kwargs) = match view {
            Viewed::Elements(e) => {
                // where the options/details and the payload are
                let (extra, at) = match want {
                    MessageType::Call | MessageType::Publish => (2, 4),
                    MessageType::Yield => (2, 3),
                    _ => (3, 5),
                };
                let transparent = e
                    .element(at)
                    .filter(|i| e.len() == at + 1 && i.kind() == Kind::Bytes);
                let (args, kwargs) = match transparent {
                    Some(_) => (None, None),
                    None => (e.element(at), e.element(at + 1)),
                };
                let not_null = |i: Option<ItemRef<'a>>| i.filter(|i| !i.is_null());
                (
                    Source::Elements {
                        // an empty dict (the usual options) as none: every key read from it
                        // is then answered without a walk of it
                        extra: e.element(extra).filter(|x| !x.is_empty_container()),
                        error_uri: e.element(4).filter(|_| want == MessageType::Error),
                    },
                    transparent.map(Transparent::Item),
                    not_null(args),
                    not_null(kwargs),
                )
            }
            #[cfg(feature = "flatbuffers")]
            Viewed::Flatbuffers(m) => {
                let name = want.name();
                let cbor = |b: Option<&'a [u8]>, field, kind: Kind| -> Result<_, ForwardError> {
                    let Some(b) = b else { return Ok(None) };
                    let item = scan_value(b, &Limits::DEFAULT)?;
                    if item.kind() != kind {
                        return Err(DecodeError::syntax(
                            "flatbuffers",
                            format!(
                                "'{field}' in {name}: CBOR {} is not a {}",
                                item.kind().type_name(),
                                if kind == Kind::List { "list" } else { "map" }
                            ),
                        )
                        .into());
                    }
                    Ok(Some(ItemRef::Cbor(item)))
                };
                let (args, kwargs, payload) =
                    carrying!(m, r => (r.args_bytes(), r.kwargs_bytes(), r.payload()))
                        .unwrap_or_default();
                (
                    Source::Flatbuffers(m),
                    payload.map(Transparent::Bytes),
                    cbor(args, "args", Kind::List)?,
                    cbor(kwargs, "kwargs", Kind::Map)?,
                )
            }
        };
        // autobahn's marshal: the payload if non-empty; else `args` (even empty) and `kwargs`
        // if `kwargs` is non-empty; else `args` if non-empty
        let transparent_given = transparent.is_some();
        let transparent = transparent.filter(|t| match t {
            Transparent::Item(i) => i.kind() == Kind::Bytes && !i.is_empty_bytes(),
            #[cfg(feature = "flatbuffers")]
            Transparent::Bytes(b) => !b.is_empty(),
        });
        // (a FlatBuffers message may hold a payload and `args`/`kwargs` at once: the owned
        // message keeps all three, FlatBuffers writes all three, the others the payload only)
        // a PUBLISH's string or bytes `args` (`StrOrBytesArgs`) has no EVENT to go in
        if want == MessageType::Publish
            && args.is_some_and(|a| matches!(a.kind(), Kind::Str | Kind::Bytes))
        {
            return Err(DecodeError::from(super::undeliverable_args()).into());
        }
        let kwargs = kwargs.filter(|k| !k.is_empty_container());
        let args = args.filter(|a| kwargs.is_some() || !a.is_empty_container());
        Ok(Carrier {
            source,
            transparent,
            transparent_given,
            args,
            kwargs,
        })
    }

    /// A payload-transparency key as the owned message holds it: read from the options or
    /// details only beside a transparent payload (as the owned parse reads them), from a
    /// FlatBuffers message's `ppt_*` fields always.
    fn enc_value(&self, key: &str) -> Option<Cow<'a, str>> {
        match &self.source {
            Source::Elements { .. } if !self.transparent_given => None,
            _ => self.str(key),
        }
    }

    /// The value of options/details key `key` (JSON, MessagePack, CBOR), `null` read as absent.
    fn extra(&self, key: &str) -> Option<ItemRef<'a>> {
        match &self.source {
            Source::Elements { extra, .. } => read::non_null(extra.as_ref()?.get(key)),
            #[cfg(feature = "flatbuffers")]
            Source::Flatbuffers(_) => None,
        }
    }

    fn str(&self, key: &str) -> Option<Cow<'a, str>> {
        match &self.source {
            Source::Elements { .. } => self.extra(key)?.as_str(),
            #[cfg(feature = "flatbuffers")]
            Source::Flatbuffers(m) => match (m, key) {
                (MessageRef::Publish(r), "transaction_hash") => r.transaction_hash(),
                (MessageRef::Call(r), "transaction_hash") => r.transaction_hash(),
                (m, "enc_key") => carrying!(m, r => r.ppt_keyid()).flatten(),
                (m, "enc_algo") => carrying!(m, r => r.ppt_scheme()).flatten(),
                (m, "enc_serializer") => carrying!(m, r => r.ppt_serializer()).flatten(),
                (MessageRef::Error(r), "error") => Some(r.error()),
                _ => None,
            }
            .map(Cow::Borrowed),
        }
    }

    fn flag(&self, key: &str) -> Option<bool> {
        match &self.source {
            Source::Elements { .. } => self.extra(key)?.as_bool(),
            #[cfg(feature = "flatbuffers")]
            Source::Flatbuffers(m) => match (m, key) {
                (MessageRef::Call(r), "receive_progress") => r.receive_progress(),
                (MessageRef::Yield(r), "progress") => r.progress(),
                _ => None,
            },
        }
    }

    fn int(&self, key: &str) -> Option<i128> {
        match &self.source {
            Source::Elements { .. } => self.extra(key)?.as_int(),
            #[cfg(feature = "flatbuffers")]
            Source::Flatbuffers(MessageRef::Call(r)) if key == "timeout" => {
                r.given_timeout().map(i128::from)
            }
            #[cfg(feature = "flatbuffers")]
            Source::Flatbuffers(_) => None,
        }
    }

    fn forward_for(&self) -> Option<Principals<'a>> {
        match &self.source {
            Source::Elements { .. } => self.extra("forward_for")?.list().map(Principals::Items),
            #[cfg(feature = "flatbuffers")]
            Source::Flatbuffers(m) => carrying!(m, r => r.forward_for())
                .flatten()
                .map(Principals::Flatbuffers),
        }
    }

    /// The error URI of an ERROR.
    fn error_uri(&self) -> Cow<'a, str> {
        match &self.source {
            Source::Elements { error_uri, .. } => {
                error_uri.and_then(|i| i.as_str()).unwrap_or_default()
            }
            #[cfg(feature = "flatbuffers")]
            Source::Flatbuffers(_) => self.str("error").unwrap_or_default(),
        }
    }

    /// The `enc_*` details, present only beside a transparent payload.
    fn enc(&self) -> [(&'static str, Option<Val<'a>>); 3] {
        // written only beside a non-empty payload, as the owned marshal writes them
        let get = |key| {
            self.transparent
                .and_then(|_| self.enc_value(key))
                .map(Val::Str)
        };
        [
            ("enc_algo", get("enc_algo")),
            ("enc_key", get("enc_key")),
            ("enc_serializer", get("enc_serializer")),
        ]
    }

    /// The number of payload elements: 0, 1 or 2.
    fn elements(&self) -> usize {
        if self.transparent.is_some() {
            1
        } else if self.kwargs.is_some() {
            2
        } else {
            usize::from(self.args.is_some())
        }
    }

    /// The payload elements, each copied or transcoded into `to`.
    fn write_payload(&self, to: Format, w: &mut impl Emit) {
        fn value<E: Emit>(i: &ItemRef<'_>, to: Format, w: &mut E) {
            if i.format() == to {
                Emit::raw(w, i.bytes())
            } else {
                i.transcode(w)
            }
        }
        if let Some(t) = self.transparent {
            match t {
                Transparent::Item(i) if i.format() == to => w.raw(i.bytes()),
                Transparent::Item(i) => w.bytes(&i.as_bytes().unwrap_or_default()),
                #[cfg(feature = "flatbuffers")]
                Transparent::Bytes(b) => w.bytes(b),
            }
        } else if let Some(kwargs) = &self.kwargs {
            match &self.args {
                Some(args) => value(args, to, w),
                None => w.null(),
            }
            value(kwargs, to, w);
        } else if let Some(args) = &self.args {
            value(args, to, w);
        }
    }
}

fn int(v: Option<u64>) -> Option<Val<'static>> {
    v.map(|v| Val::Int(v.into()))
}

fn text<'a>(v: Option<&'a str>) -> Option<Val<'a>> {
    v.map(|s| Val::Str(Cow::Borrowed(s)))
}

impl<'p, 'd, 'a: 'p> Plan<'p, 'd, 'a> {
    fn new(
        code: MessageType,
        ids: &[u64],
        carrier: &'d Carrier<'a>,
        details: &'d [(&'static str, Option<Val<'p>>)],
    ) -> Plan<'p, 'd, 'a> {
        let mut plan = Plan {
            code: code.code(),
            ids: [0; 2],
            id_count: ids.len(),
            details,
            uri: None,
            carrier,
        };
        plan.ids[..ids.len()].copy_from_slice(ids);
        plan
    }

    /// Writes the message; returns where its first ID starts (for JSON, its comma).
    fn write(&self, to: Format, w: &mut impl Emit) -> usize {
        let uri = usize::from(self.uri.is_some());
        w.begin_list(2 + self.id_count + uri + self.carrier.elements());
        w.int(self.code.into());
        let at = w.position();
        for id in &self.ids[..self.id_count] {
            w.int((*id).into());
        }
        let present = self.details.iter().filter(|(_, v)| v.is_some());
        w.begin_map(present.clone().count());
        for (key, value) in present {
            w.key(key);
            match value {
                Some(Val::Int(i)) => w.int(*i),
                Some(Val::Bool(b)) => w.bool(*b),
                Some(Val::Str(s)) => w.str(s),
                Some(Val::Principals(chain)) => {
                    // as the owned message writes each principal: its three keys, in order
                    w.begin_list(chain.clone().count());
                    for p in chain.clone() {
                        w.begin_map(3);
                        w.key("session");
                        w.int(p.session);
                        w.key("authid");
                        w.str(&p.authid);
                        w.key("authrole");
                        w.str(&p.authrole);
                        w.end_map();
                    }
                    w.end_list();
                }
                None => {}
            }
        }
        w.end_map();
        if let Some(uri) = &self.uri {
            w.str(uri);
        }
        self.carrier.write_payload(to, w);
        w.end_list();
        at
    }

    /// Appends the message in `to` (JSON, MessagePack or CBOR) to `out`; returns where its
    /// first ID starts.
    fn append(&self, to: Format, out: &mut Vec<u8>) -> Result<usize, ForwardError> {
        let (at, written) = match to {
            #[cfg(feature = "json")]
            Format::Json => {
                let mut w = JsonWriter::new(out);
                (self.write(to, &mut w), w.finish())
            }
            #[cfg(feature = "msgpack")]
            Format::Msgpack => {
                let mut w = MsgpackWriter::new(out);
                (self.write(to, &mut w), w.finish())
            }
            #[cfg(feature = "cbor")]
            Format::Cbor => {
                let mut w = CborWriter::new(out);
                (self.write(to, &mut w), w.finish())
            }
            #[cfg(feature = "flatbuffers")]
            Format::Flatbuffers => {
                return Err(unsupported("message", "all", "not self-describing"))
            }
        };
        written?;
        Ok(at)
    }
}

/// The pieces of a FlatBuffers message carried over: the payload's CBOR (copied when it is
/// CBOR already, else transcoded into the forwarder's buffers), the transparency enums.
#[cfg(feature = "flatbuffers")]
fn carried<'a: 'c, 'c>(
    carrier: &Carrier<'a>,
    args_room: &'c mut Vec<u8>,
    kwargs_room: &'c mut Vec<u8>,
    message: &'static str,
) -> Result<Carried<'c>, ForwardError> {
    fn cbor<'a: 'c, 'c>(
        item: Option<ItemRef<'a>>,
        room: &'c mut Vec<u8>,
    ) -> Result<Option<&'c [u8]>, ForwardError> {
        let Some(item) = item else { return Ok(None) };
        if item.format() == Format::Cbor {
            return Ok(Some(item.bytes()));
        }
        room.clear();
        let mut w = CborWriter::new(room);
        item.transcode(&mut w);
        w.finish()?;
        Ok(Some(&room[..]))
    }
    // FlatBuffers writes whatever the owned message holds, with a payload or not
    let enc = |key| carrier.enc_value(key);
    let keyid = match &carrier.source {
        #[cfg(feature = "flatbuffers")]
        Source::Flatbuffers(m) => carrying!(m, r => r.ppt_keyid()).flatten(),
        // only a borrowed key can be kept; an escaped JSON key is rare enough to refuse
        Source::Elements { .. } => match enc("enc_key") {
            Some(Cow::Borrowed(k)) => Some(k),
            Some(Cow::Owned(_)) => {
                return Err(unsupported(message, "enc_key", "an escaped JSON enc_key"))
            }
            None => None,
        },
    };
    let ppt_scheme = ppt_scheme(enc("enc_algo").as_deref(), message)?;
    let ppt_serializer = ppt_serializer(enc("enc_serializer").as_deref(), message)?;
    let (args, kwargs, payload) = match carrier.transparent {
        None => (
            cbor(carrier.args, args_room)?,
            cbor(carrier.kwargs, kwargs_room)?,
            None,
        ),
        // from FlatBuffers, beside `args`/`kwargs` (which are CBOR already), if any
        #[cfg(feature = "flatbuffers")]
        Some(Transparent::Bytes(b)) => (
            carrier.args.map(|i| i.bytes()),
            carrier.kwargs.map(|i| i.bytes()),
            Some(b),
        ),
        Some(Transparent::Item(i)) => match i.as_bytes() {
            Some(Cow::Borrowed(b)) => (None, None, Some(b)),
            // JSON's base64, decoded into the room `args` does not use then
            Some(Cow::Owned(b)) => {
                *args_room = b;
                (None, None, Some(&args_room[..]))
            }
            None => (None, None, None),
        },
    };
    Ok(Carried {
        args,
        kwargs,
        payload,
        ppt_scheme,
        ppt_keyid: keyid,
        ppt_serializer,
    })
}

/// A `forward_for` chain bound for FlatBuffers: session, authid, authrole per hop (owned, as
/// a JSON string may have been unescaped; only built when a message has the chain).
#[cfg(feature = "flatbuffers")]
type OwnedHops = Vec<(u64, String, String)>;

/// The `forward_for` chain as FlatBuffers principals (sessions must be unsigned, as the owned
/// builder requires).
#[cfg(feature = "flatbuffers")]
fn hops(
    chain: Option<Principals<'_>>,
    message: &'static str,
) -> Result<Option<OwnedHops>, ForwardError> {
    chain
        .map(|chain| {
            chain
                .map(|p| {
                    let session = u64::try_from(p.session).map_err(|_| {
                        ForwardError::Encode(EncodeError::Unsupported {
                            format: "flatbuffers",
                            message,
                            field: "forward_for",
                            reason: "a negative session ID has no uint64",
                        })
                    })?;
                    Ok((session, p.authid.into_owned(), p.authrole.into_owned()))
                })
                .collect()
        })
        .transpose()
}

#[cfg(feature = "flatbuffers")]
fn hop_iter(
    hops: &Option<Vec<(u64, String, String)>>,
) -> Option<impl ExactSizeIterator<Item = Hop<'_>>> {
    hops.as_ref().map(|h| {
        h.iter().map(|(session, authid, authrole)| Hop {
            session: *session,
            authid,
            authrole,
        })
    })
}

impl Forwarder {
    /// Writes the FlatBuffers `message` that `build` makes of what `carrier` carries (its
    /// payload as CBOR, its `forward_for` chain) and appends it to `out`; returns where it
    /// starts there.
    #[cfg(feature = "flatbuffers")]
    fn flatbuffers(
        &mut self,
        carrier: &Carrier<'_>,
        message: &'static str,
        out: &mut Vec<u8>,
        build: impl FnOnce(&Carried<'_>, &Option<OwnedHops>, &mut Writer),
    ) -> Result<usize, ForwardError> {
        let hops = hops(carrier.forward_for(), message)?;
        let c = carried(carrier, &mut self.args, &mut self.kwargs, message)?;
        build(&c, &hops, &mut self.fbs);
        let at = out.len();
        out.extend_from_slice(self.fbs.finished_data());
        Ok(at)
    }

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
        #[cfg(feature = "flatbuffers")]
        if let (PublishView::Flatbuffers(p), Format::Flatbuffers) = (publish, to) {
            p.build_event(details, &mut self.fbs);
            out.extend_from_slice(self.fbs.finished_data());
            return Ok(());
        }
        let carrier = Carrier::of(publish.into(), MessageType::Publish)?;
        self.event_of(&carrier, details, to, out).map(|_| ())
    }

    /// The EVENT of `carrier`; returns where its subscription ID starts.
    fn event_of(
        &mut self,
        carrier: &Carrier<'_>,
        d: &EventDetails<'_>,
        to: Format,
        out: &mut Vec<u8>,
    ) -> Result<usize, ForwardError> {
        #[cfg(feature = "flatbuffers")]
        const N: &str = "EVENT";
        #[cfg(feature = "flatbuffers")]
        if to == Format::Flatbuffers {
            let transaction_hash = carrier.str("transaction_hash");
            return self.flatbuffers(carrier, N, out, |c, hops, fbb| {
                let body = EventBody {
                    transaction_hash: transaction_hash.as_deref(),
                    ppt_cipher: 0,
                    forward_for: hop_iter(hops),
                };
                fbs_forward::build_event_from(c, body, d, fbb)
            });
        }
        let [enc_algo, enc_key, enc_serializer] = carrier.enc();
        let details = [
            ("publisher", int(d.publisher)),
            ("publisher_authid", text(d.publisher_authid)),
            ("publisher_authrole", text(d.publisher_authrole)),
            ("topic", text(d.topic)),
            ("retained", d.retained.map(Val::Bool)),
            (
                "transaction_hash",
                carrier.str("transaction_hash").map(Val::Str),
            ),
            (
                "x_acknowledged_delivery",
                d.x_acknowledged_delivery.map(Val::Bool),
            ),
            ("forward_for", carrier.forward_for().map(Val::Principals)),
            enc_algo,
            enc_key,
            enc_serializer,
        ];
        let plan = Plan::new(
            MessageType::Event,
            &[d.subscription, d.publication],
            carrier,
            &details,
        );
        plan.append(to, out)
    }

    /// Appends to `out` the INVOCATION that carries `call` (a CALL) to a callee under
    /// `details`, in format `to`: the bytes of
    /// [`Call::to_invocation`](crate::Call::to_invocation) encoded.
    pub fn invocation(
        &mut self,
        call: &MessageView<'_>,
        d: &InvocationDetails<'_>,
        to: Format,
        out: &mut Vec<u8>,
    ) -> Result<(), ForwardError> {
        #[cfg(feature = "flatbuffers")]
        const N: &str = "INVOCATION";
        let carrier = Carrier::of(call.into(), MessageType::Call)?;
        let timeout = carrier.int("timeout");
        let receive_progress = carrier.flag("receive_progress");
        let transaction_hash = carrier.str("transaction_hash");
        #[cfg(feature = "flatbuffers")]
        if to == Format::Flatbuffers {
            let timeout = timeout
                .map(|t| u32::try_from(t).map_err(|_| unsupported(N, "timeout", "beyond uint32")))
                .transpose()?;
            let fields = InvocationFields {
                request: d.request,
                registration: d.registration,
                timeout,
                receive_progress,
                caller: d.caller,
                caller_authid: d.caller_authid,
                caller_authrole: d.caller_authrole,
                procedure: d.procedure,
                transaction_hash: transaction_hash.as_deref(),
            };
            return self
                .flatbuffers(&carrier, N, out, |c, hops, fbb| {
                    fbs_forward::build_invocation(c, &fields, hop_iter(hops), fbb)
                })
                .map(|_| ());
        }
        let [enc_algo, enc_key, enc_serializer] = carrier.enc();
        let details = [
            ("timeout", timeout.map(Val::Int)),
            ("receive_progress", receive_progress.map(Val::Bool)),
            ("caller", int(d.caller)),
            ("caller_authid", text(d.caller_authid)),
            ("caller_authrole", text(d.caller_authrole)),
            ("procedure", text(d.procedure)),
            ("transaction_hash", transaction_hash.map(Val::Str)),
            ("forward_for", carrier.forward_for().map(Val::Principals)),
            enc_algo,
            enc_key,
            enc_serializer,
        ];
        let plan = Plan::new(
            MessageType::Invocation,
            &[d.request, d.registration],
            &carrier,
            &details,
        );
        plan.append(to, out).map(|_| ())
    }

    /// Appends to `out` the RESULT that answers the caller with `yielded` (a YIELD) under
    /// `details`, in format `to`: the bytes of [`Yield::to_result`](crate::Yield::to_result)
    /// encoded.
    pub fn result(
        &mut self,
        yielded: &MessageView<'_>,
        d: &ResultDetails<'_>,
        to: Format,
        out: &mut Vec<u8>,
    ) -> Result<(), ForwardError> {
        #[cfg(feature = "flatbuffers")]
        const N: &str = "RESULT";
        let carrier = Carrier::of(yielded.into(), MessageType::Yield)?;
        let progress = carrier.flag("progress");
        #[cfg(feature = "flatbuffers")]
        if to == Format::Flatbuffers {
            let callee = Callee {
                callee: d.callee,
                callee_authid: d.callee_authid,
                callee_authrole: d.callee_authrole,
            };
            return self
                .flatbuffers(&carrier, N, out, |c, hops, fbb| {
                    fbs_forward::build_result(c, d.request, progress, &callee, hop_iter(hops), fbb)
                })
                .map(|_| ());
        }
        let [enc_algo, enc_key, enc_serializer] = carrier.enc();
        let details = [
            ("progress", progress.map(Val::Bool)),
            ("callee", int(d.callee)),
            ("callee_authid", text(d.callee_authid)),
            ("callee_authrole", text(d.callee_authrole)),
            ("forward_for", carrier.forward_for().map(Val::Principals)),
            enc_algo,
            enc_key,
            enc_serializer,
        ];
        let plan = Plan::new(MessageType::Result, &[d.request], &carrier, &details);
        plan.append(to, out).map(|_| ())
    }

    /// Appends to `out` the caller's ERROR for the callee's `error` (an ERROR to an
    /// INVOCATION) under `details`, in format `to`: the bytes of
    /// [`ErrorReply::to_caller`](crate::ErrorReply::to_caller) encoded.
    pub fn error(
        &mut self,
        error: &MessageView<'_>,
        d: &ErrorDetails<'_>,
        to: Format,
        out: &mut Vec<u8>,
    ) -> Result<(), ForwardError> {
        #[cfg(feature = "flatbuffers")]
        const N: &str = "ERROR";
        let carrier = Carrier::of(error.into(), MessageType::Error)?;
        let uri = carrier.error_uri();
        #[cfg(feature = "flatbuffers")]
        if to == Format::Flatbuffers {
            let callee = Callee {
                callee: d.callee,
                callee_authid: d.callee_authid,
                callee_authrole: d.callee_authrole,
            };
            return self
                .flatbuffers(&carrier, N, out, |c, hops, fbb| {
                    fbs_forward::build_error(c, d.request, &uri, &callee, hop_iter(hops), fbb)
                })
                .map(|_| ());
        }
        let [enc_algo, enc_key, enc_serializer] = carrier.enc();
        let details = [
            ("callee", int(d.callee)),
            ("callee_authid", text(d.callee_authid)),
            ("callee_authrole", text(d.callee_authrole)),
            ("forward_for", carrier.forward_for().map(Val::Principals)),
            enc_algo,
            enc_key,
            enc_serializer,
        ];
        let mut plan = Plan::new(
            MessageType::Error,
            &[MessageType::Call.code(), d.request],
            &carrier,
            &details,
        );
        plan.uri = Some(uri);
        plan.append(to, out).map(|_| ())
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
        #[cfg(feature = "flatbuffers")]
        if to == Format::Flatbuffers {
            // A non-zero placeholder, so that the field is written (FlatBuffers leaves out a
            // field at its default); the stamp overwrites its eight bytes.
            let placeholder = EventDetails {
                subscription: crate::validate::MAX_ID,
                ..*details
            };
            forwarder.event(publish, &placeholder, to, &mut self.bytes)?;
            let event = crate::Event::cast(&self.bytes).map_err(|_| {
                unsupported("EVENT", "subscription", "the template EVENT did not verify")
            })?;
            self.id_at = event.subscription_offset().ok_or_else(|| {
                unsupported(
                    "EVENT",
                    "subscription",
                    "the template EVENT has no subscription",
                )
            })?;
            self.rest_at = self.id_at + 8;
            return Ok(());
        }
        // the template's ID is 0, one byte in every format, replaced by each stamp
        let carrier = Carrier::of(publish.into(), MessageType::Publish)?;
        let details = EventDetails {
            subscription: 0,
            ..*details
        };
        let at = forwarder.event_of(&carrier, &details, to, &mut self.bytes)?;
        // (JSON's `at` is the comma before the ID)
        self.id_at = at
            + match to {
                #[cfg(feature = "json")]
                Format::Json => 1,
                #[allow(unreachable_patterns)] // (with JSON alone)
                _ => 0,
            };
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
            #[cfg(feature = "flatbuffers")]
            Format::Flatbuffers => out.extend_from_slice(&subscription.to_le_bytes()),
            #[cfg(feature = "json")]
            Format::Json => JsonWriter::new(out).int(subscription.into()),
            #[cfg(feature = "msgpack")]
            Format::Msgpack => MsgpackWriter::new(out).int(subscription.into()),
            #[cfg(feature = "cbor")]
            Format::Cbor => CborWriter::new(out).int(subscription.into()),
        }
        out.extend_from_slice(&self.bytes[self.rest_at..]);
    }
}
