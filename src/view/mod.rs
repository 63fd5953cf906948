//! Zero-copy views of messages in every format, with one API whatever the serializer.
//!
//! [`MessageView::decode`] checks a whole message (its syntax, the decoder's [`Limits`], and
//! every WAMP rule the owned parse applies, by [`check::check`]) and keeps where its elements
//! are; [`Publish::view`] does the same for one type. Nothing is decoded until asked: a string
//! is borrowed from the input (a JSON string with escapes is unescaped into a `Cow`), IDs are
//! read as integers, and `args`/`kwargs` stay the input's bytes ([`Payload`]) until decoded on
//! demand or written into another message.
//!
//! ```
//! use wamp_codec::serializer::Format;
//! use wamp_codec::Publish;
//! use wamp_codec::view::item::Item; // reading values in place
//!
//! let wire = br#"[16, 1, {"acknowledge": true, "x_region": "eu"}, "com.myapp.topic1", ["Hello"]]"#;
//! let publish = Publish::view(Format::Json, wire).unwrap();
//! assert_eq!(publish.topic(), "com.myapp.topic1");
//! assert_eq!(publish.acknowledge(), Some(true));
//! // keys the owned type does not model are still there
//! let region = publish.option("x_region").unwrap();
//! assert_eq!(region.to_value(), "eu".into());
//! assert_eq!(publish.args().unwrap().bytes(), br#"["Hello"]"#);
//! ```
//!
//! [`Publish::view`]: crate::Publish::view

pub mod check;
pub mod item;
pub(crate) mod read;

use std::borrow::Cow;

use crate::error::DecodeError;
use crate::fbs::view::{MessageRef, PublishRef};
use crate::message::pubsub::Publish;
use crate::messages::{Message, MessageType};
use crate::serializer::cbor::view::{CborItem, CborList, CborMap};
use crate::serializer::json::view::{JsonItem, JsonList, JsonMap};
use crate::serializer::msgpack::view::{MsgpackItem, MsgpackList, MsgpackMap};
use crate::serializer::{cbor, json, msgpack, Format, Limits};
use crate::value::Value;
use item::{Elems, Emit, Item, Kind};

/// One value of a JSON, MessagePack or CBOR message, read in place (see [`Item`]).
#[derive(Debug, Clone, Copy)]
pub enum ItemRef<'a> {
    /// A JSON value.
    Json(JsonItem<'a>),
    /// A MessagePack value.
    Msgpack(MsgpackItem<'a>),
    /// A CBOR value.
    Cbor(CborItem<'a>),
}

/// The same expression on whichever item `$item` holds.
macro_rules! each {
    ($item:expr, $i:ident => $e:expr) => {
        match $item {
            ItemRef::Json($i) => $e,
            ItemRef::Msgpack($i) => $e,
            ItemRef::Cbor($i) => $e,
        }
    };
}

/// The items of a list (see [`Item::list`]).
#[derive(Debug, Clone)]
pub enum ItemList<'a> {
    /// Of a JSON list.
    Json(JsonList<'a>),
    /// Of a MessagePack list.
    Msgpack(MsgpackList<'a>),
    /// Of a CBOR list.
    Cbor(CborList<'a>),
}

impl<'a> Iterator for ItemList<'a> {
    type Item = ItemRef<'a>;
    fn next(&mut self) -> Option<ItemRef<'a>> {
        match self {
            ItemList::Json(l) => l.next().map(ItemRef::Json),
            ItemList::Msgpack(l) => l.next().map(ItemRef::Msgpack),
            ItemList::Cbor(l) => l.next().map(ItemRef::Cbor),
        }
    }
}

/// The entries of a map (see [`Item::map`]).
#[derive(Debug, Clone)]
pub enum ItemMap<'a> {
    /// Of a JSON map.
    Json(JsonMap<'a>),
    /// Of a MessagePack map.
    Msgpack(MsgpackMap<'a>),
    /// Of a CBOR map.
    Cbor(CborMap<'a>),
}

impl<'a> Iterator for ItemMap<'a> {
    type Item = (Cow<'a, str>, ItemRef<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            ItemMap::Json(m) => m.next().map(|(k, v)| (k, ItemRef::Json(v))),
            ItemMap::Msgpack(m) => m.next().map(|(k, v)| (k, ItemRef::Msgpack(v))),
            ItemMap::Cbor(m) => m.next().map(|(k, v)| (k, ItemRef::Cbor(v))),
        }
    }
}

impl<'a> Item<'a> for ItemRef<'a> {
    type List = ItemList<'a>;
    type Map = ItemMap<'a>;

    fn kind(&self) -> Kind {
        each!(self, i => i.kind())
    }
    fn as_bool(&self) -> Option<bool> {
        each!(self, i => i.as_bool())
    }
    fn as_int(&self) -> Option<i128> {
        each!(self, i => i.as_int())
    }
    fn as_f64(&self) -> Option<f64> {
        each!(self, i => i.as_f64())
    }
    fn as_str(&self) -> Option<Cow<'a, str>> {
        each!(self, i => i.as_str())
    }
    fn as_bytes(&self) -> Option<Cow<'a, [u8]>> {
        each!(self, i => i.as_bytes())
    }
    fn list(&self) -> Option<ItemList<'a>> {
        match self {
            ItemRef::Json(i) => i.list().map(ItemList::Json),
            ItemRef::Msgpack(i) => i.list().map(ItemList::Msgpack),
            ItemRef::Cbor(i) => i.list().map(ItemList::Cbor),
        }
    }
    fn map(&self) -> Option<ItemMap<'a>> {
        match self {
            ItemRef::Json(i) => i.map().map(ItemMap::Json),
            ItemRef::Msgpack(i) => i.map().map(ItemMap::Msgpack),
            ItemRef::Cbor(i) => i.map().map(ItemMap::Cbor),
        }
    }
    fn to_value(&self) -> Value {
        each!(self, i => i.to_value())
    }
    fn item_count(&self) -> Option<usize> {
        each!(self, i => i.item_count())
    }
    fn len_hint(&self) -> Option<usize> {
        each!(self, i => i.len_hint())
    }
    fn get(&self, key: &str) -> Option<ItemRef<'a>> {
        match self {
            ItemRef::Json(i) => i.get(key).map(ItemRef::Json),
            ItemRef::Msgpack(i) => i.get(key).map(ItemRef::Msgpack),
            ItemRef::Cbor(i) => i.get(key).map(ItemRef::Cbor),
        }
    }
}

impl<'a> ItemRef<'a> {
    /// The format the value is encoded in.
    pub fn format(&self) -> Format {
        match self {
            ItemRef::Json(_) => Format::Json,
            ItemRef::Msgpack(_) => Format::Msgpack,
            ItemRef::Cbor(_) => Format::Cbor,
        }
    }

    /// The value's bytes in the input, exactly as they were.
    pub fn bytes(&self) -> &'a [u8] {
        each!(self, i => i.bytes())
    }

    /// Whether the value is an empty list or map (what autobahn's `if args:` tests).
    pub fn is_empty_container(&self) -> bool {
        match self.kind() {
            Kind::List => self.list().is_none_or(|mut l| l.next().is_none()),
            Kind::Map => self.map().is_none_or(|mut m| m.next().is_none()),
            _ => false,
        }
    }

    /// Writes the value into `out` as one value of `writer`'s format: its bytes copied when
    /// that is its own format, else transcoded value by value.
    pub fn write_to(&self, writer: &mut impl Emit, writer_format: Format) {
        if writer_format == self.format() {
            writer.raw(self.bytes());
        } else {
            item::transcode(self, writer);
        }
    }
}

/// Scans a whole message of a self-describing format.
fn scan<'a>(
    format: Format,
    buf: &'a [u8],
    limits: &Limits,
) -> Result<Elems<ItemRef<'a>>, DecodeError> {
    Ok(match format {
        Format::Json => json::view::scan_message(buf, limits)?.map(ItemRef::Json),
        Format::Msgpack => msgpack::view::scan_message_with(buf, limits, ItemRef::Msgpack)?,
        Format::Cbor => cbor::view::scan_message_with(buf, limits, ItemRef::Cbor)?,
        Format::Flatbuffers => {
            return Err(DecodeError::syntax(
                "flatbuffers",
                "not a self-describing format",
            ))
        }
    })
}

/// Any of the 25 messages, checked, its elements read in place.
// A view is returned and kept by value: boxing its elements would cost every decode an
// allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy)]
pub enum MessageView<'a> {
    /// A JSON, MessagePack or CBOR message: its elements.
    Elements(ElementsView<'a>),
    /// A FlatBuffers message.
    Flatbuffers(MessageRef<'a>),
}

/// The elements of a checked JSON, MessagePack or CBOR message.
#[derive(Debug, Clone, Copy)]
pub struct ElementsView<'a> {
    message_type: MessageType,
    elems: Elems<ItemRef<'a>>,
}

impl<'a> ElementsView<'a> {
    /// Scans and checks `buf` as a message of `format` (not FlatBuffers).
    #[inline]
    fn decode(format: Format, buf: &'a [u8], limits: &Limits) -> Result<Self, DecodeError> {
        let elems = scan(format, buf, limits)?;
        let message_type = check::check(&elems)?;
        Ok(ElementsView {
            message_type,
            elems,
        })
    }

    /// The message's type.
    pub fn message_type(&self) -> MessageType {
        self.message_type
    }

    /// Element `i` of the message array (the code is element 0).
    pub fn element(&self, i: usize) -> Option<ItemRef<'a>> {
        self.elems.get(i)
    }

    /// The number of elements, the code included.
    pub fn len(&self) -> usize {
        self.elems.len()
    }

    /// Always false: a checked message has at least its code.
    pub fn is_empty(&self) -> bool {
        self.elems.is_empty()
    }

    fn format(&self) -> Format {
        self.elems.get(0).map_or(Format::Json, |i| i.format())
    }
}

impl<'a> MessageView<'a> {
    /// Checks `buf` as one message of `format` within the default [`Limits`]: it succeeds
    /// exactly when [`Format::decode`] does, with the same error when not.
    pub fn decode(format: Format, buf: &'a [u8]) -> Result<MessageView<'a>, DecodeError> {
        MessageView::decode_with_limits(format, buf, &Limits::DEFAULT)
    }

    /// [`MessageView::decode`] within `limits`.
    pub fn decode_with_limits(
        format: Format,
        buf: &'a [u8],
        limits: &Limits,
    ) -> Result<MessageView<'a>, DecodeError> {
        match format {
            Format::Flatbuffers => MessageRef::cast(buf).map(MessageView::Flatbuffers),
            _ => ElementsView::decode(format, buf, limits).map(MessageView::Elements),
        }
    }

    /// The message's type.
    pub fn message_type(&self) -> MessageType {
        match self {
            MessageView::Elements(e) => e.message_type,
            MessageView::Flatbuffers(m) => m.message_type(),
        }
    }

    /// The format the message is in.
    pub fn format(&self) -> Format {
        match self {
            MessageView::Elements(e) => e.format(),
            MessageView::Flatbuffers(_) => Format::Flatbuffers,
        }
    }

    /// The owned message (decodes everything, as [`Format::decode`] would).
    pub fn to_message(&self) -> Result<Message, DecodeError> {
        match self {
            MessageView::Elements(e) => {
                let mut raw: Vec<Value> = (0..e.len())
                    .filter_map(|i| e.element(i))
                    .map(|i| i.to_value())
                    .collect();
                Ok(Message::parse_taking(&mut raw)?)
            }
            MessageView::Flatbuffers(m) => Message::try_from(*m),
        }
    }
}

/// `args` or `kwargs` of a viewed message: the exact bytes of that element in the input
/// (for FlatBuffers, the CBOR the schema keeps them in), decoded only on demand.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// A checked element of a JSON, MessagePack or CBOR message.
    Item(ItemRef<'a>),
    /// The CBOR bytes of a FlatBuffers message's `args`/`kwargs` (not checked until read).
    FlatbuffersCbor(&'a [u8]),
}

impl<'a> Payload<'a> {
    /// The payload's bytes as the input holds them.
    pub fn bytes(&self) -> &'a [u8] {
        match self {
            Payload::Item(i) => i.bytes(),
            Payload::FlatbuffersCbor(b) => b,
        }
    }

    /// The format of [`Payload::bytes`]: the message's own, or CBOR inside FlatBuffers.
    pub fn format(&self) -> Format {
        match self {
            Payload::Item(i) => i.format(),
            Payload::FlatbuffersCbor(_) => Format::Cbor,
        }
    }

    /// The payload decoded (allocates).
    pub fn to_value(&self) -> Result<Value, DecodeError> {
        match self {
            Payload::Item(i) => Ok(i.to_value()),
            Payload::FlatbuffersCbor(b) => cbor::decode_value(b, &Limits::DEFAULT),
        }
    }
}

/// A checked PUBLISH in any format, read in place: what a broker reads of every publication.
///
/// The accessors have the same names and types whatever the format. Options are readable by
/// key ([`PublishView::option`]), the keys the owned [`Publish`] does not model too; a
/// FlatBuffers PUBLISH has only the schema's fields, which its typed accessors read.
// A view is returned and kept by value: boxing its elements would cost every decode an
// allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy)]
pub enum PublishView<'a> {
    /// JSON, MessagePack or CBOR: `[16, request, options, topic, args?, kwargs?]` or with a
    /// transparent payload.
    Elements(ElementsView<'a>),
    /// FlatBuffers.
    Flatbuffers(PublishRef<'a>),
}

impl Publish {
    /// Checks `buf` as one PUBLISH of `format` (every rule of [`Publish`]'s parse) and
    /// returns its view; an error if it is not valid or holds another message.
    pub fn view(format: Format, buf: &[u8]) -> Result<PublishView<'_>, DecodeError> {
        match MessageView::decode(format, buf)? {
            MessageView::Elements(e) if e.message_type == MessageType::Publish => {
                Ok(PublishView::Elements(e))
            }
            MessageView::Flatbuffers(MessageRef::Publish(p)) => Ok(PublishView::Flatbuffers(p)),
            other => Err(DecodeError::syntax(
                format.name(),
                format!(
                    "expected PUBLISH, the buffer holds {}",
                    other.message_type().name()
                ),
            )),
        }
    }
}

/// `Option<Cow<str>>` from a FlatBuffers string accessor.
fn borrowed(s: Option<&str>) -> Option<Cow<'_, str>> {
    s.map(Cow::Borrowed)
}

impl<'a> PublishView<'a> {
    fn options(&self) -> Option<ItemRef<'a>> {
        match self {
            PublishView::Elements(e) => e.element(2),
            PublishView::Flatbuffers(_) => None,
        }
    }

    /// The value of options key `key` (its last occurrence), as the input holds it; `None`
    /// when absent, and always for FlatBuffers (whose options are the typed accessors).
    pub fn option(&self, key: &str) -> Option<ItemRef<'a>> {
        self.options()?.get(key)
    }

    /// The options dict, as the input holds it (`None` for FlatBuffers).
    pub fn options_item(&self) -> Option<ItemRef<'a>> {
        self.options()
    }

    /// The format of the message.
    pub fn format(&self) -> Format {
        match self {
            PublishView::Elements(e) => e.format(),
            PublishView::Flatbuffers(_) => Format::Flatbuffers,
        }
    }

    /// The request ID.
    pub fn request(&self) -> u64 {
        match self {
            PublishView::Elements(e) => e.element(1).and_then(|i| read::id(&i)).unwrap_or(0),
            PublishView::Flatbuffers(p) => p.request(),
        }
    }

    /// The topic, borrowed from the input (unescaped into an owned string only for a JSON
    /// topic written with escapes).
    pub fn topic(&self) -> Cow<'a, str> {
        match self {
            PublishView::Elements(e) => e.element(3).and_then(|i| i.as_str()).unwrap_or_default(),
            PublishView::Flatbuffers(p) => Cow::Borrowed(p.topic()),
        }
    }

    /// A boolean option.
    fn flag(&self, key: &str) -> Option<bool> {
        self.option(key).and_then(|i| i.as_bool())
    }

    /// `acknowledge`: whether the publisher asks for PUBLISHED.
    pub fn acknowledge(&self) -> Option<bool> {
        match self {
            PublishView::Elements(_) => self.flag("acknowledge"),
            PublishView::Flatbuffers(p) => p.acknowledge(),
        }
    }

    /// `exclude_me`: whether the publisher is excluded (default true).
    pub fn exclude_me(&self) -> Option<bool> {
        match self {
            PublishView::Elements(_) => self.flag("exclude_me"),
            PublishView::Flatbuffers(p) => p.exclude_me(),
        }
    }

    /// `retain`: whether the broker is to retain the event.
    pub fn retain(&self) -> Option<bool> {
        match self {
            PublishView::Elements(_) => self.flag("retain"),
            PublishView::Flatbuffers(p) => p.retain(),
        }
    }

    /// `transaction_hash`.
    pub fn transaction_hash(&self) -> Option<Cow<'a, str>> {
        match self {
            PublishView::Elements(_) => self.option("transaction_hash").and_then(|i| i.as_str()),
            PublishView::Flatbuffers(p) => borrowed(p.transaction_hash()),
        }
    }

    /// The sessions excluded (`exclude`).
    pub fn exclude(&self) -> Option<impl Iterator<Item = u64> + 'a> {
        self.ids("exclude", |p| p.exclude())
    }

    /// The only sessions eligible (`eligible`).
    pub fn eligible(&self) -> Option<impl Iterator<Item = u64> + 'a> {
        self.ids("eligible", |p| p.eligible())
    }

    fn ids(
        &self,
        key: &str,
        fbs: impl Fn(&PublishRef<'a>) -> Option<crate::fbs::view::U64Iter<'a>>,
    ) -> Option<Ids<'a>> {
        match self {
            PublishView::Elements(_) => self.option(key)?.list().map(Ids::Items),
            PublishView::Flatbuffers(p) => fbs(p).map(Ids::Flatbuffers),
        }
    }

    /// The element after the topic, when it is the transparent payload (bytes).
    fn transparent(&self) -> Option<ItemRef<'a>> {
        let PublishView::Elements(e) = self else {
            return None;
        };
        e.element(4)
            .filter(|i| e.len() == 5 && i.kind() == Kind::Bytes)
    }

    /// `args`, as the input holds it.
    pub fn args(&self) -> Option<Payload<'a>> {
        match self {
            PublishView::Elements(e) if self.transparent().is_none() => {
                e.element(4).filter(|i| !i.is_null()).map(Payload::Item)
            }
            PublishView::Elements(_) => None,
            PublishView::Flatbuffers(p) => p.args_bytes().map(Payload::FlatbuffersCbor),
        }
    }

    /// `kwargs`, as the input holds it.
    pub fn kwargs(&self) -> Option<Payload<'a>> {
        match self {
            PublishView::Elements(e) => e.element(5).map(Payload::Item),
            PublishView::Flatbuffers(p) => p.kwargs_bytes().map(Payload::FlatbuffersCbor),
        }
    }

    /// The transparent payload's bytes (borrowed; a JSON payload is base64, decoded into an
    /// owned buffer).
    pub fn payload(&self) -> Option<Cow<'a, [u8]>> {
        match self {
            PublishView::Elements(_) => self.transparent().and_then(|i| i.as_bytes()),
            PublishView::Flatbuffers(p) => p.payload().map(Cow::Borrowed),
        }
    }

    /// A payload-transparency key, present only with a transparent payload (as the owned
    /// parse reads it: `null` is absent).
    fn enc(&self, key: &str) -> Option<Cow<'a, str>> {
        self.transparent()?;
        read::non_null(self.option(key)).and_then(|i| i.as_str())
    }

    /// `enc_algo`.
    pub fn enc_algo(&self) -> Option<Cow<'a, str>> {
        match self {
            PublishView::Elements(_) => self.enc("enc_algo"),
            PublishView::Flatbuffers(p) => p.ppt_scheme().map(Cow::Borrowed),
        }
    }

    /// `enc_key`.
    pub fn enc_key(&self) -> Option<Cow<'a, str>> {
        match self {
            PublishView::Elements(_) => self.enc("enc_key"),
            PublishView::Flatbuffers(p) => borrowed(p.ppt_keyid()),
        }
    }

    /// `enc_serializer`.
    pub fn enc_serializer(&self) -> Option<Cow<'a, str>> {
        match self {
            PublishView::Elements(_) => self.enc("enc_serializer"),
            PublishView::Flatbuffers(p) => p.ppt_serializer().map(Cow::Borrowed),
        }
    }

    /// The owned PUBLISH (decodes everything).
    pub fn to_owned_message(&self) -> Result<Publish, DecodeError> {
        let message = match self {
            PublishView::Elements(e) => MessageView::Elements(*e).to_message()?,
            PublishView::Flatbuffers(p) => Message::Publish(Publish::try_from(*p)?),
        };
        match message {
            Message::Publish(p) => Ok(p),
            other => Err(DecodeError::syntax(
                "view",
                format!("expected PUBLISH, found {}", other.message_type().name()),
            )),
        }
    }
}

/// The IDs of an ID list option, read in place.
#[derive(Debug, Clone)]
pub enum Ids<'a> {
    /// From a JSON, MessagePack or CBOR list.
    Items(ItemList<'a>),
    /// From a FlatBuffers `[uint64]`.
    Flatbuffers(crate::fbs::view::U64Iter<'a>),
}

impl Iterator for Ids<'_> {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        match self {
            Ids::Items(l) => l.next().and_then(|i| i.as_int()).map(|i| i as u64),
            Ids::Flatbuffers(l) => l.next(),
        }
    }
}
