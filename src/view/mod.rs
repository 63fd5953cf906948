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
//! Every message type has its view ([`typed`]: `PublishView`, `CallView`, ... with `X::view`),
//! and [`MessageView::typed`] gives the typed view of any message.
//!
//! [`Publish::view`]: crate::Publish::view

pub mod check;
pub mod item;
mod owned_bytes;
pub(crate) mod read;
pub mod typed;
pub use owned_bytes::MessageBytes;

pub use read::PrincipalView;
pub use typed::*;

use std::borrow::Cow;

use crate::error::DecodeError;
#[cfg(feature = "flatbuffers")]
use crate::fbs::view::MessageRef;
use crate::messages::{Message, MessageType};
#[cfg(feature = "cbor")]
use crate::serializer::cbor::{
    self,
    view::{CborItem, CborList, CborMap},
};
#[cfg(feature = "json")]
use crate::serializer::json::{
    self,
    view::{JsonItem, JsonList, JsonMap},
};
#[cfg(feature = "msgpack")]
use crate::serializer::msgpack::{
    self,
    view::{MsgpackItem, MsgpackList, MsgpackMap},
};
use crate::serializer::{Format, Limits};
use crate::value::Value;
use item::{Elems, Emit, Item, Kind};

/// One value of a JSON, MessagePack or CBOR message, read in place (see [`Item`]).
#[derive(Debug, Clone, Copy)]
pub enum ItemRef<'a> {
    /// A JSON value.
    #[cfg(feature = "json")]
    #[cfg_attr(docsrs, doc(cfg(feature = "json")))]
    Json(JsonItem<'a>),
    /// A MessagePack value.
    #[cfg(feature = "msgpack")]
    #[cfg_attr(docsrs, doc(cfg(feature = "msgpack")))]
    Msgpack(MsgpackItem<'a>),
    /// A CBOR value.
    #[cfg(feature = "cbor")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cbor")))]
    Cbor(CborItem<'a>),
}

/// The same expression on whichever item `$item` holds.
macro_rules! each {
    ($item:expr, $i:ident => $e:expr) => {
        match $item {
            #[cfg(feature = "json")]
            ItemRef::Json($i) => $e,
            #[cfg(feature = "msgpack")]
            ItemRef::Msgpack($i) => $e,
            #[cfg(feature = "cbor")]
            ItemRef::Cbor($i) => $e,
        }
    };
}

/// The items of a list (see [`Item::list`]).
#[derive(Debug, Clone)]
pub enum ItemList<'a> {
    /// Of a JSON list.
    #[cfg(feature = "json")]
    #[cfg_attr(docsrs, doc(cfg(feature = "json")))]
    Json(JsonList<'a>),
    /// Of a MessagePack list.
    #[cfg(feature = "msgpack")]
    #[cfg_attr(docsrs, doc(cfg(feature = "msgpack")))]
    Msgpack(MsgpackList<'a>),
    /// Of a CBOR list.
    #[cfg(feature = "cbor")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cbor")))]
    Cbor(CborList<'a>),
}

impl<'a> Iterator for ItemList<'a> {
    type Item = ItemRef<'a>;
    fn next(&mut self) -> Option<ItemRef<'a>> {
        match self {
            #[cfg(feature = "json")]
            ItemList::Json(l) => l.next().map(ItemRef::Json),
            #[cfg(feature = "msgpack")]
            ItemList::Msgpack(l) => l.next().map(ItemRef::Msgpack),
            #[cfg(feature = "cbor")]
            ItemList::Cbor(l) => l.next().map(ItemRef::Cbor),
        }
    }
}

/// The entries of a map (see [`Item::map`]).
#[derive(Debug, Clone)]
pub enum ItemMap<'a> {
    /// Of a JSON map.
    #[cfg(feature = "json")]
    #[cfg_attr(docsrs, doc(cfg(feature = "json")))]
    Json(JsonMap<'a>),
    /// Of a MessagePack map.
    #[cfg(feature = "msgpack")]
    #[cfg_attr(docsrs, doc(cfg(feature = "msgpack")))]
    Msgpack(MsgpackMap<'a>),
    /// Of a CBOR map.
    #[cfg(feature = "cbor")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cbor")))]
    Cbor(CborMap<'a>),
}

impl<'a> Iterator for ItemMap<'a> {
    type Item = (Cow<'a, str>, ItemRef<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            #[cfg(feature = "json")]
            ItemMap::Json(m) => m.next().map(|(k, v)| (k, ItemRef::Json(v))),
            #[cfg(feature = "msgpack")]
            ItemMap::Msgpack(m) => m.next().map(|(k, v)| (k, ItemRef::Msgpack(v))),
            #[cfg(feature = "cbor")]
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
            #[cfg(feature = "json")]
            ItemRef::Json(i) => i.list().map(ItemList::Json),
            #[cfg(feature = "msgpack")]
            ItemRef::Msgpack(i) => i.list().map(ItemList::Msgpack),
            #[cfg(feature = "cbor")]
            ItemRef::Cbor(i) => i.list().map(ItemList::Cbor),
        }
    }
    fn map(&self) -> Option<ItemMap<'a>> {
        match self {
            #[cfg(feature = "json")]
            ItemRef::Json(i) => i.map().map(ItemMap::Json),
            #[cfg(feature = "msgpack")]
            ItemRef::Msgpack(i) => i.map().map(ItemMap::Msgpack),
            #[cfg(feature = "cbor")]
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
            #[cfg(feature = "json")]
            ItemRef::Json(i) => i.get(key).map(ItemRef::Json),
            #[cfg(feature = "msgpack")]
            ItemRef::Msgpack(i) => i.get(key).map(ItemRef::Msgpack),
            #[cfg(feature = "cbor")]
            ItemRef::Cbor(i) => i.get(key).map(ItemRef::Cbor),
        }
    }
}

impl<'a> ItemRef<'a> {
    /// The format the value is encoded in.
    pub fn format(&self) -> Format {
        match self {
            #[cfg(feature = "json")]
            ItemRef::Json(_) => Format::Json,
            #[cfg(feature = "msgpack")]
            ItemRef::Msgpack(_) => Format::Msgpack,
            #[cfg(feature = "cbor")]
            ItemRef::Cbor(_) => Format::Cbor,
        }
    }

    /// The value's bytes in the input, exactly as they were.
    pub fn bytes(&self) -> &'a [u8] {
        each!(self, i => i.bytes())
    }

    /// Whether the value is an empty list or map (what autobahn's `if args:` tests), told from
    /// its first bytes: the length in a MessagePack or CBOR head, the byte after JSON's
    /// bracket. Nothing of a non-empty container is read.
    pub fn is_empty_container(&self) -> bool {
        match self {
            #[cfg(feature = "json")]
            ItemRef::Json(json) => json.is_empty_container(),
            // fixarray/fixmap of 0; array16/32, map16/32 of 0
            #[cfg(feature = "msgpack")]
            ItemRef::Msgpack(msgpack) => matches!(
                msgpack.bytes(),
                [0x90 | 0x80, ..] | [0xdc | 0xde, 0, 0, ..] | [0xdd | 0xdf, 0, 0, 0, 0, ..]
            ),
            #[cfg(feature = "cbor")]
            ItemRef::Cbor(_) => match self.kind() {
                Kind::List | Kind::Map => self.item_count() == Some(0),
                _ => false,
            },
        }
    }

    /// Whether the value is a byte string of no bytes (what autobahn's `if payload:` tests),
    /// without decoding JSON's base64; MessagePack and definite-length CBOR bytes are read in
    /// place.
    pub fn is_empty_bytes(&self) -> bool {
        match self {
            #[cfg(feature = "json")]
            ItemRef::Json(json) => json.is_empty_bytes(),
            #[cfg(feature = "msgpack")]
            ItemRef::Msgpack(_) => self.as_bytes().is_some_and(|b| b.is_empty()),
            #[cfg(feature = "cbor")]
            ItemRef::Cbor(_) => self.as_bytes().is_some_and(|b| b.is_empty()),
        }
    }

    /// Writes the value into `out` as one value of `writer`'s format: its bytes copied when
    /// that is its own format, else transcoded value by value.
    pub fn write_to(&self, writer: &mut impl Emit, writer_format: Format) {
        if writer_format == self.format() {
            writer.raw(self.bytes());
        } else {
            self.transcode(writer);
        }
    }

    /// Writes the value into `writer` value by value, no [`Value`] tree built, by its own
    /// format's walk of its bytes (which writes what [`item::transcode`] writes, faster).
    pub fn transcode(&self, writer: &mut impl Emit) {
        match self {
            #[cfg(feature = "json")]
            ItemRef::Json(json) => json::view::transcode(json, writer),
            #[cfg(feature = "msgpack")]
            ItemRef::Msgpack(msgpack) => msgpack::transcode(msgpack.bytes(), writer),
            #[cfg(feature = "cbor")]
            ItemRef::Cbor(cbor) => cbor::transcode(cbor.bytes(), writer),
        }
    }
}

/// Scans a whole message of a self-describing format into `elems` (filled where they are:
/// each move of them is a copy of a few hundred bytes).
#[inline(always)]
fn scan_into<'a>(
    format: Format,
    buf: &'a [u8],
    limits: &Limits,
    elems: &mut Elems<ItemRef<'a>>,
) -> Result<(), DecodeError> {
    match format {
        #[cfg(feature = "json")]
        Format::Json => json::view::scan_message_into(buf, limits, ItemRef::Json, elems),
        #[cfg(feature = "msgpack")]
        Format::Msgpack => msgpack::view::scan_message_into(buf, limits, ItemRef::Msgpack, elems),
        #[cfg(feature = "cbor")]
        Format::Cbor => cbor::view::scan_message_into(buf, limits, ItemRef::Cbor, elems),
        #[cfg(feature = "flatbuffers")]
        Format::Flatbuffers => Err(DecodeError::syntax(
            "flatbuffers",
            "not a self-describing format",
        )),
    }
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
    #[cfg(feature = "flatbuffers")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flatbuffers")))]
    Flatbuffers(MessageRef<'a>),
}

/// The elements of a checked JSON, MessagePack or CBOR message.
#[derive(Debug, Clone, Copy)]
pub struct ElementsView<'a> {
    format: Format,
    message_type: MessageType,
    elems: Elems<ItemRef<'a>>,
}

impl<'a> ElementsView<'a> {
    /// Scans and checks `buf` as a message of `format` (not FlatBuffers).
    #[inline]
    pub(crate) fn decode(
        format: Format,
        buf: &'a [u8],
        limits: &Limits,
    ) -> Result<Self, DecodeError> {
        // Built where it is returned and filled there: one local, returned on every path, so
        // that the compiler makes it the caller's (a copy of a view just filled would read
        // the scan's narrow stores with wide loads, which the processor cannot forward from
        // its store buffer: it waits for them to reach the cache).
        let mut view = Ok(ElementsView::unfilled(format));
        if let Ok(e) = &mut view {
            if let Err(error) = e.fill(buf, limits) {
                view = Err(error);
            }
        }
        view
    }

    /// A view of `format` with no elements, for [`ElementsView::fill`], which fills it where
    /// it lies (see [`ElementsView::decode`]). Its type is a placeholder until the fill sets
    /// it.
    #[inline(always)]
    pub(crate) fn unfilled(format: Format) -> Self {
        ElementsView {
            format,
            message_type: MessageType::Hello,
            elems: Elems::new(),
        }
    }

    /// Scans and checks `buf` into this view (which is not to be read if it fails).
    #[inline(always)]
    pub(crate) fn fill(&mut self, buf: &'a [u8], limits: &Limits) -> Result<(), DecodeError> {
        scan_into(self.format, buf, limits, &mut self.elems)?;
        self.message_type = check::check(&self.elems)?;
        Ok(())
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

    /// The format of the message.
    pub(crate) fn format(&self) -> Format {
        self.format
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
            #[cfg(feature = "flatbuffers")]
            Format::Flatbuffers => MessageRef::cast(buf).map(MessageView::Flatbuffers),
            #[allow(unreachable_patterns)] // (with FlatBuffers alone)
            _ => {
                // built where it is returned (one local, returned on every path), as
                // `ElementsView::decode` is
                let mut view = Ok(MessageView::Elements(ElementsView::unfilled(format)));
                if let Ok(MessageView::Elements(e)) = &mut view {
                    if let Err(error) = e.fill(buf, limits) {
                        view = Err(error);
                    }
                }
                view
            }
        }
    }

    /// The message's type.
    pub fn message_type(&self) -> MessageType {
        match self {
            MessageView::Elements(e) => e.message_type,
            #[cfg(feature = "flatbuffers")]
            MessageView::Flatbuffers(m) => m.message_type(),
        }
    }

    /// The format the message is in.
    pub fn format(&self) -> Format {
        match self {
            MessageView::Elements(e) => e.format(),
            #[cfg(feature = "flatbuffers")]
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
            #[cfg(feature = "flatbuffers")]
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
    #[cfg(feature = "flatbuffers")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flatbuffers")))]
    FlatbuffersCbor(&'a [u8]),
}

impl<'a> Payload<'a> {
    /// The payload's bytes as the input holds them.
    pub fn bytes(&self) -> &'a [u8] {
        match self {
            Payload::Item(i) => i.bytes(),
            #[cfg(feature = "flatbuffers")]
            Payload::FlatbuffersCbor(b) => b,
        }
    }

    /// The format of [`Payload::bytes`]: the message's own, or CBOR inside FlatBuffers.
    pub fn format(&self) -> Format {
        match self {
            Payload::Item(i) => i.format(),
            #[cfg(feature = "flatbuffers")]
            Payload::FlatbuffersCbor(_) => Format::Cbor,
        }
    }

    /// The payload decoded (allocates).
    pub fn to_value(&self) -> Result<Value, DecodeError> {
        match self {
            Payload::Item(i) => Ok(i.to_value()),
            #[cfg(feature = "flatbuffers")]
            Payload::FlatbuffersCbor(b) => cbor::value_from_slice(b, &Limits::DEFAULT),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_containers_are_told_from_their_heads() {
        let json = br#"[16, 1, { }, "com.t", [ 
 ], {"a": [1]}]"#;
        let e = json::view::scan_message(json, &Limits::DEFAULT)
            .unwrap()
            .map(ItemRef::Json);
        let empty = |i| e.get(i).unwrap().is_empty_container();
        assert_eq!(
            (empty(2), empty(3), empty(4), empty(5)),
            (true, false, true, false)
        );
        // the one length JSON tells without a walk
        let hint = |i| e.get(i).unwrap().len_hint();
        assert_eq!(
            (hint(2), hint(3), hint(4), hint(5)),
            (Some(0), None, Some(0), None)
        );
        // MessagePack: a 16-bit-length empty array, a fixarray of one
        let m = [0x94, 0x10, 0x01, 0xdc, 0x00, 0x00, 0x91, 0x01];
        let e = msgpack::view::scan_message(&m, &Limits::DEFAULT)
            .unwrap()
            .map(ItemRef::Msgpack);
        assert!(e.get(2).unwrap().is_empty_container());
        assert!(!e.get(3).unwrap().is_empty_container());
        // CBOR: an indefinite empty array and a definite one of one
        let c = [0x84, 0x10, 0x01, 0x9f, 0xff, 0x81, 0x01];
        let e = cbor::view::scan_message(&c, &Limits::DEFAULT)
            .unwrap()
            .map(ItemRef::Cbor);
        assert!(e.get(2).unwrap().is_empty_container());
        assert!(!e.get(3).unwrap().is_empty_container());
    }

    /// JSON's base64 spelled as Python's lenient decoder reads it (characters outside the
    /// alphabet dropped, escapes too): the answer agrees with the decoded bytes.
    #[test]
    fn empty_json_bytes_are_told_in_every_spelling() {
        for payload in [
            r#""\u0000""#,
            r#""\u0000@_""#,
            r#""\u0000 !""#,
            r#""\u0000\n""#,
            r#""\u0000\u0040""#,
            r#""\u0000AB""#,
            r#""\u0000@A_B""#,
            r#""\u0000\u0041\u0042""#,
            r#""\u0000AQID""#,
        ] {
            let text = format!(r#"[48, 1, {{}}, "com.t", {payload}]"#);
            let e = json::view::scan_message(text.as_bytes(), &Limits::DEFAULT)
                .unwrap_or_else(|e| panic!("{payload}: {e}"))
                .map(ItemRef::Json);
            let item = e.get(4).unwrap();
            let decoded = item.as_bytes().unwrap();
            assert_eq!(item.is_empty_bytes(), decoded.is_empty(), "{payload}");
        }
    }

    /// An empty byte string is told without decoding, and only a byte string is one: the
    /// answer agrees with the decoded bytes in every format.
    #[test]
    fn empty_bytes_are_told_without_decoding() {
        let values = [
            Value::Bytes(vec![]),
            Value::Bytes(vec![0]),
            Value::Bytes(b"abcd".to_vec()),
            Value::from(""),
            Value::List(vec![]),
        ];
        for value in values {
            // [16, 1, {}, "com.t", [value]]: the value is the first of the `args`
            let msg = Value::List(vec![
                Value::Int(16),
                Value::Int(1),
                Value::Map(crate::Dict::new()),
                Value::from("com.t"),
                Value::List(vec![value.clone()]),
            ]);
            let (j, m, c) = (
                json::value_to_vec(&msg).unwrap(),
                msgpack::value_to_vec(&msg).unwrap(),
                cbor::value_to_vec(&msg).unwrap(),
            );
            let l = &Limits::DEFAULT;
            let args = [
                json::view::scan_message(&j, l)
                    .unwrap()
                    .map(ItemRef::Json)
                    .get(4),
                msgpack::view::scan_message(&m, l)
                    .unwrap()
                    .map(ItemRef::Msgpack)
                    .get(4),
                cbor::view::scan_message(&c, l)
                    .unwrap()
                    .map(ItemRef::Cbor)
                    .get(4),
            ];
            let want = matches!(&value, Value::Bytes(b) if b.is_empty());
            for args in args {
                let args = args.unwrap();
                let first = args.list().unwrap().next().unwrap();
                assert_eq!(
                    first.is_empty_bytes(),
                    want,
                    "{value:?} in {:?}",
                    args.format()
                );
            }
        }
    }
}
