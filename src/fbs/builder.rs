//! Building FlatBuffers messages: each of the 25 messages written into a caller's reusable
//! [`Sink`] (the crate's [`Writer`] or flatbuffers' `FlatBufferBuilder`, which give the same
//! bytes), in autobahn-python's exact call order so that the bytes are autobahn's wherever
//! autobahn follows the schema.
//!
//! ```
//! use flatbuffers::FlatBufferBuilder;
//! use wamp_codec::fbs::{builder, Writer};
//! use wamp_codec::{Message, Publish};
//!
//! let msg = Message::Publish(Publish::new(1234, "com.example.topic"));
//! let mut writer = Writer::with_capacity(1024);
//! builder::build(&msg, &mut writer).unwrap(); // resets it first: reuse it for every message
//! let mut fbb = FlatBufferBuilder::with_capacity(1024);
//! builder::build(&msg, &mut fbb).unwrap();
//! assert_eq!(writer.finished_data(), fbb.finished_data());
//! ```
//!
//! # How a message is written
//!
//! As autobahn writes it ([build order], [defaults and absent values]), with the differences
//! below.
//!
//! [build order]: https://github.com/wamp-codec/wamp-codec/blob/main/docs/wire-format.md#flatbuffers-build-order
//! [defaults and absent values]: https://github.com/wamp-codec/wamp-codec/blob/main/docs/wire-format.md#flatbuffers-defaults
//!
//! * The out-of-line objects (byte vectors, strings, vectors, `Principal` tables) are created
//!   first, in autobahn's order, then the table is started and its fields added in autobahn's
//!   order. Then the `Message` wrapper: `msg_type` (a `u8`: the WAMP code, 37 for
//!   EVENT_RECEIVED) and `msg`, and `finish_minimal`.
//! * An option the message does not give is absent, as in autobahn. One it gives is written
//!   even when it is the value autobahn elides (`false`, 0, `""`, `[]`, the default enum
//!   member), because the reader must tell "given as the default" from "not given" for the round
//!   trip to lose nothing (`given`, `given_string`); only where `marshal` itself drops a falsy
//!   value (WELCOME's and GOODBYE's details, ...) is it left out, as autobahn does.
//! * `args` and `kwargs` are CBOR (cbor2's bytes), each written when non-empty, and an empty
//!   `args` also beside a non-empty `kwargs`. `payload` is copied verbatim;
//!   `enc_algo`/`enc_serializer` become `ppt_scheme`/`ppt_serializer`, `enc_key` becomes
//!   `ppt_keyid`.
//! * Where autobahn drops or garbles a value the schema can hold, the schema is followed;
//!   where the schema cannot hold it, trailing fields appended to the schema hold it
//!   (`schema/README.md`, change 4), or the message is refused with
//!   [`EncodeError::Unsupported`]. Nothing is dropped silently. Every such difference is listed in
//!   `DEVIATIONS.md` ("FlatBuffers").
//!
//! [`build`] allocates nothing once the sink and its CBOR scratch buffer (the `Writer`'s own,
//! or a per-thread one for a `FlatBufferBuilder`) have grown to the message's size, except for `forward_for` and the `[string]` vectors of PUBLISH, whose
//! element offsets are collected in a temporary `Vec`.

use flatbuffers::{ForwardsUOffset, TableFinishedWIPOffset, VOffsetT, Vector, WIPOffset};

use super::writer::{Fields, Scalar, Sink, Writer};
use crate::error::EncodeError;
use crate::fbs::generated::proto as fb;
use crate::fbs::generated::wamp as fbw;
use crate::message::pubsub::*;
use crate::message::rpc::*;
use crate::message::session::*;
use crate::message::{Id, Principal, WampMessage};
use crate::messages::{Message, MessageType};
use crate::value::{Dict, Value};

const FORMAT: &str = "flatbuffers";

type Table = WIPOffset<TableFinishedWIPOffset>;
type Bytes<'f> = WIPOffset<Vector<'f, u8>>;
type Str<'f> = WIPOffset<&'f str>;
type Principals<'f> = WIPOffset<Vector<'f, ForwardsUOffset<fb::Principal<'f>>>>;

/// Builds `msg` into `fbb` (a [`Writer`] or a `FlatBufferBuilder`; the bytes are the same),
/// which is reset first; the bytes are then `fbb.finished_data()`.
///
/// Errors: [`EncodeError::Unsupported`] for a value the schema has no place for (see
/// `DEVIATIONS.md`), [`EncodeError::Unrepresentable`] for a number outside its field's type (a
/// negative `publisher`, a `timeout` above `u32::MAX`, ...). On error `fbb` holds no finished
/// message.
///
/// [`Writer`]: super::Writer
pub fn build<'f>(msg: &Message, fbb: &mut impl Sink<'f>) -> Result<(), EncodeError> {
    fbb.reset();
    build_into(msg, fbb)
}

/// Serializes `msg` to FlatBuffers bytes in a fresh [`Writer`].
pub fn to_vec(msg: &Message) -> Result<Vec<u8>, EncodeError> {
    let mut writer = Writer::with_capacity(1024);
    build(msg, &mut writer)?;
    Ok(writer.finished_data().to_vec())
}

macro_rules! dispatch {
    ($(($variant:ident, $ty:ident, $code:literal, $tag:literal, $name:literal, $family:ident)),* $(,)?) => {
        fn build_into<'f>(msg: &Message, fbb: &mut impl Sink<'f>) -> Result<(), EncodeError> {
            let table = match msg {
                $(Message::$variant(m) => m.fbs_table(fbb)?,)*
            };
            finish(fbb, msg.message_type(), table);
            Ok(())
        }

        $(
            impl $ty {
                #[doc = concat!("Builds this `", $name, "` into `fbb` (reset first), as [`build`] does; the bytes are then `fbb.finished_data()`.")]
                pub fn build_flatbuffers<'f>(
                    &self,
                    fbb: &mut impl Sink<'f>,
                ) -> Result<(), EncodeError> {
                    fbb.reset();
                    let table = self.fbs_table(fbb)?;
                    finish(fbb, MessageType::$variant, table);
                    Ok(())
                }
            }
        )*
    };
}
crate::for_each_message!(dispatch);

/// The `Message` wrapper (autobahn: `MessageStart`, `AddMsgType`, `AddMsg`, `End`, `Finish`).
pub(super) fn finish<'f>(fbb: &mut impl Sink<'f>, ty: MessageType, table: Table) {
    fbb.finish_message(ty.flatbuffers_tag(), table);
}

// ---- helpers: out-of-line objects ----

/// A string, created only when non-empty (autobahn's `if x:`): for the mandatory strings (an
/// empty one is no value) and the optional ones whose empty value `marshal` drops too.
fn string<'f>(fbb: &mut impl Sink<'f>, s: Option<&str>) -> Option<Str<'f>> {
    s.filter(|s| !s.is_empty()).map(|s| fbb.create_string(s))
}

/// An optional string, created whenever it is given, even empty: `""` given and no value are
/// different messages (`marshal` keeps the key), so the reader must see the field present.
/// Autobahn creates only non-empty strings.
fn given_string<'f>(fbb: &mut impl Sink<'f>, s: Option<&str>) -> Option<Str<'f>> {
    s.map(|s| fbb.create_string(s))
}

/// A byte vector, created only when non-empty. Inlined, as the optional writers below are, so
/// that an absent value costs a test.
#[inline(always)]
fn bytes<'f>(fbb: &mut impl Sink<'f>, b: Option<&[u8]>) -> Option<Bytes<'f>> {
    b.filter(|b| !b.is_empty()).map(|b| byte_vector(fbb, b))
}

#[inline(never)]
fn byte_vector<'f>(fbb: &mut impl Sink<'f>, b: &[u8]) -> Bytes<'f> {
    fbb.create_bytes(b)
}

/// `args` as CBOR bytes, when non-empty, and also when empty beside a non-empty `kwargs`: there
/// `[]` and no `args` (`null`) are different messages, while without `kwargs` both are nothing
/// (autobahn writes `args` only when non-empty).
fn args<'f>(
    fbb: &mut impl Sink<'f>,
    args: Option<&[Value]>,
    kwargs: Option<&Dict>,
) -> Option<Bytes<'f>> {
    let beside_kwargs = kwargs.is_some_and(|k| !k.is_empty());
    let args = args.filter(|a| !a.is_empty() || beside_kwargs)?;
    Some(fbb.create_cbor_list(args))
}

/// `kwargs` as CBOR bytes, when non-empty (an empty `kwargs` is no `kwargs` on every wire).
fn kwargs<'f>(fbb: &mut impl Sink<'f>, kwargs: Option<&Dict>) -> Option<Bytes<'f>> {
    kwargs.filter(|k| !k.is_empty()).map(|k| cbor_dict(fbb, k))
}

/// A dict as CBOR bytes, even an empty one.
fn cbor_dict<'f>(fbb: &mut impl Sink<'f>, dict: &Dict) -> Bytes<'f> {
    fbb.create_cbor_map(dict)
}

/// A `[string]` vector (PUBLISH's exclude/eligible lists, HELLO's `authmethods_names`),
/// whenever given, even empty (`[]` given and no list are different messages; autobahn writes
/// only non-empty lists): the strings in list order, then the vector.
///
/// Inlined, as the other optional writers below are, so that an absent value costs a test; the
/// work is out of line.
#[inline(always)]
fn strings<'f>(
    fbb: &mut impl Sink<'f>,
    list: Option<&[String]>,
) -> Option<WIPOffset<Vector<'f, ForwardsUOffset<&'f str>>>> {
    list.map(|list| string_vector(fbb, list))
}

#[inline(never)]
fn string_vector<'f>(
    fbb: &mut impl Sink<'f>,
    list: &[String],
) -> WIPOffset<Vector<'f, ForwardsUOffset<&'f str>>> {
    let offsets: Vec<Str<'f>> = list.iter().map(|s| fbb.create_string(s)).collect();
    fbb.create_offsets(&offsets)
}

/// A `[uint64]` vector of session IDs, whenever given, even empty (as [`strings`]).
#[inline(always)]
fn sessions<'f>(
    fbb: &mut impl Sink<'f>,
    list: Option<&[Id]>,
) -> Option<WIPOffset<Vector<'f, u64>>> {
    list.map(|list| session_vector(fbb, list))
}

#[inline(never)]
fn session_vector<'f>(fbb: &mut impl Sink<'f>, list: &[Id]) -> WIPOffset<Vector<'f, u64>> {
    fbb.create_u64s(list.iter().copied())
}

/// Which of autobahn's two `forward_for` writers: Cancel and Interrupt always create and add the
/// `authrole` string, even when empty; the others only when non-empty.
#[derive(Clone, Copy, PartialEq)]
enum AuthroleAlways {
    No,
    Yes,
}

/// `forward_for` as a `[Principal]` vector (docs/wire-format.md#flatbuffers-build-order),
/// whenever given, even empty (as [`strings`]; autobahn writes only a non-empty one).
#[inline(always)]
fn forward_for<'f>(
    fbb: &mut impl Sink<'f>,
    ff: Option<&[Principal]>,
    authrole_always: AuthroleAlways,
) -> Option<Principals<'f>> {
    ff.map(|ff| principal_vector(fbb, ff, authrole_always))
}

#[inline(never)]
fn principal_vector<'f>(
    fbb: &mut impl Sink<'f>,
    ff: &[Principal],
    authrole_always: AuthroleAlways,
) -> Principals<'f> {
    let mut offsets = Vec::with_capacity(ff.len());
    for p in ff {
        let session = p.session;
        let authid = string(fbb, Some(&p.authid));
        let authrole = if authrole_always == AuthroleAlways::Yes {
            Some(fbb.create_string(&p.authrole))
        } else {
            string(fbb, Some(&p.authrole))
        };
        let end = fbb.table(|t| {
            t.push_slot::<u64>(fb::Principal::VT_SESSION, session, 0);
            push(t, fb::Principal::VT_AUTHID, authid);
            push(t, fb::Principal::VT_AUTHROLE, authrole);
        });
        offsets.push(WIPOffset::<fb::Principal<'f>>::new(end.value()));
    }
    fbb.create_offsets(&offsets)
}

/// An offset field, when present.
#[inline(always)]
pub(super) fn push<T>(t: &mut impl Fields, slot: VOffsetT, o: Option<WIPOffset<T>>) {
    if let Some(o) = o {
        t.push_offset(slot, o);
    }
}

/// A scalar the message gives, written even when it is the schema default (`false`, 0, the
/// default enum value): a present field holding the default is legal FlatBuffers and old readers
/// read the same value, while the crate's reader can tell "given as the default" from "not
/// given" (autobahn elides defaults, so its bytes cannot).
#[inline(always)]
pub(super) fn given<T: Scalar>(t: &mut impl Fields, slot: VOffsetT, v: Option<T>) {
    if let Some(v) = v {
        t.push_slot_always(slot, v);
    }
}

// ---- helpers: scalars ----

fn unrepresentable(message: &'static str, field: &'static str, v: i64, ty: &str) -> EncodeError {
    EncodeError::Unrepresentable {
        format: FORMAT,
        what: format!("'{field}' {v} in {message} (the schema field is {ty})"),
    }
}

/// An optional signed value of a `uint32` field.
fn opt_u32(
    v: Option<i64>,
    message: &'static str,
    field: &'static str,
) -> Result<Option<u32>, EncodeError> {
    v.map(|v| u32::try_from(v).map_err(|_| unrepresentable(message, field, v, "uint32")))
        .transpose()
}

/// The payload-transparency enums and key, written as autobahn does
/// (docs/wire-format.md#payload-transparency); the
/// custom `x_*` identifiers have no enum value and are refused.
struct Ppt<'f> {
    scheme: u8,
    serializer: u8,
    keyid: Option<Str<'f>>,
}

#[inline(always)]
pub(crate) fn ppt_scheme(enc_algo: Option<&str>, message: &'static str) -> Result<u8, EncodeError> {
    Ok(match enc_algo {
        None | Some("") => 0,
        Some("cryptobox") => 1,
        Some("mqtt") => 2,
        Some("xbr") => 3,
        Some("opaque") => 4,
        Some(_) => {
            return Err(EncodeError::Unsupported {
                format: FORMAT,
                message,
                field: "enc_algo",
                reason: "only cryptobox, mqtt, xbr and opaque have a PPTScheme value",
            })
        }
    })
}

#[inline(always)]
pub(crate) fn ppt_serializer(
    enc_serializer: Option<&str>,
    message: &'static str,
) -> Result<u8, EncodeError> {
    Ok(match enc_serializer {
        None | Some("") => 0,
        Some("json") => 1,
        Some("msgpack") => 2,
        Some("cbor") => 3,
        Some("ubjson") => 4,
        Some("opaque") => 5,
        Some("flatbuffers") => 6,
        Some("flexbuffers") => 7,
        Some(_) => {
            return Err(EncodeError::Unsupported {
                format: FORMAT,
                message,
                field: "enc_serializer",
                reason: "custom serializers have no PPTSerializer value",
            })
        }
    })
}

/// The enum values (checked before anything is written), and `enc_key`'s string, created at the
/// point of autobahn's `CreateString(enc_key)`. Inlined for the common case of no payload
/// encryption, where there is nothing to write.
#[inline(always)]
fn ppt<'f>(
    fbb: &mut impl Sink<'f>,
    enc_algo: &Option<String>,
    enc_key: &Option<String>,
    enc_serializer: &Option<String>,
    message: &'static str,
) -> Result<Ppt<'f>, EncodeError> {
    if enc_algo.is_none() && enc_key.is_none() && enc_serializer.is_none() {
        return Ok(Ppt {
            scheme: 0,
            serializer: 0,
            keyid: None,
        });
    }
    ppt_given(fbb, enc_algo, enc_key, enc_serializer, message)
}

#[inline(never)]
fn ppt_given<'f>(
    fbb: &mut impl Sink<'f>,
    enc_algo: &Option<String>,
    enc_key: &Option<String>,
    enc_serializer: &Option<String>,
    message: &'static str,
) -> Result<Ppt<'f>, EncodeError> {
    Ok(Ppt {
        scheme: ppt_scheme(enc_algo.as_deref(), message)?,
        serializer: ppt_serializer(enc_serializer.as_deref(), message)?,
        keyid: given_string(fbb, enc_key.as_deref()),
    })
}

/// An auth method's `AuthMethod` value (`anonymous` is its `NULL = 0`, as autobahn's CHALLENGE
/// writer has it); `None` for another name, which is then written by name in the appended
/// `*_name(s)` field (`schema/README.md`, change 4).
fn auth_method(method: &str) -> Option<u8> {
    match method {
        "anonymous" => Some(0),
        "ticket" => Some(1),
        "wampcra" => Some(2),
        "wamp-scram" => Some(3),
        "cryptosign" => Some(4),
        _ => None,
    }
}

// ---- helpers: extras and roles ----

/// An `authextra`/`extra` dict as written: the schema's one-pair `Map` when it fits, else CBOR
/// in the appended `*_cbor` field (`schema/README.md`, change 4).
enum ExtraOffset<'f> {
    Map(Table),
    Cbor(Bytes<'f>),
}

/// Whether `key` is a `Map` key as `types.fbs` defines it: `[A-Za-z_][A-Za-z0-9_]*`.
fn is_map_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `dict` as written, when given: the one-pair `Map` when it fits, else CBOR, an empty dict
/// included (HELLO's `authextra: {}` is not its absence); the caller passes `None` for an empty
/// extra that `marshal` drops anyway.
fn extra<'f>(fbb: &mut impl Sink<'f>, dict: Option<&Dict>) -> Option<ExtraOffset<'f>> {
    let dict = dict?;
    if dict.len() == 1 {
        let (k, v) = dict.get_index(0).expect("one entry");
        if let (true, Value::Str(v)) = (is_map_key(k), v) {
            let key = fbb.create_string(k);
            let value = fbb.create_string(v);
            return Some(ExtraOffset::Map(fbb.table(|t| {
                t.push_offset(fbw::Map::VT_KEY, key);
                t.push_offset(fbw::Map::VT_VALUE, value);
            })));
        }
    }
    Some(ExtraOffset::Cbor(cbor_dict(fbb, dict)))
}

#[inline(always)]
fn push_extra(
    t: &mut impl Fields,
    map_slot: VOffsetT,
    cbor_slot: VOffsetT,
    e: Option<ExtraOffset<'_>>,
) {
    match e {
        Some(ExtraOffset::Map(map)) => t.push_offset(map_slot, map),
        Some(ExtraOffset::Cbor(b)) => t.push_offset(cbor_slot, b),
        None => {}
    }
}

/// The slot of `feature` in `role`'s features table. `x_acknowledged_event_delivery` (autobahn's
/// name) is the schema's `acknowledge_event_received`, as EVENT's `x_acknowledged_delivery` is
/// `Event.acknowledge` in autobahn's own writer.
fn feature_slot(role: Role, feature: &str) -> Option<VOffsetT> {
    use fb::{
        BrokerFeatures as B, CalleeFeatures as Ce, CallerFeatures as Cr, DealerFeatures as D,
        PublisherFeatures as P, SubscriberFeatures as S,
    };
    Some(match (role, feature) {
        (Role::Publisher, "publisher_identification") => P::VT_PUBLISHER_IDENTIFICATION,
        (Role::Publisher, "publisher_exclusion") => P::VT_PUBLISHER_EXCLUSION,
        (Role::Publisher, "subscriber_blackwhite_listing") => P::VT_SUBSCRIBER_BLACKWHITE_LISTING,
        (Role::Publisher, "x_acknowledged_event_delivery") => P::VT_ACKNOWLEDGE_EVENT_RECEIVED,
        (Role::Publisher, "payload_transparency") => P::VT_PAYLOAD_TRANSPARENCY,
        (Role::Publisher, "payload_encryption_cryptobox") => P::VT_PAYLOAD_ENCRYPTION_CRYPTOBOX,

        (Role::Subscriber, "publisher_identification") => S::VT_PUBLISHER_IDENTIFICATION,
        (Role::Subscriber, "pattern_based_subscription") => S::VT_PATTERN_BASED_SUBSCRIPTION,
        (Role::Subscriber, "publication_trustlevels") => S::VT_PUBLICATION_TRUSTLEVELS,
        (Role::Subscriber, "subscription_revocation") => S::VT_SUBSCRIPTION_REVOCATION,
        (Role::Subscriber, "event_history") => S::VT_EVENT_HISTORY,
        (Role::Subscriber, "payload_transparency") => S::VT_PAYLOAD_TRANSPARENCY,
        (Role::Subscriber, "payload_encryption_cryptobox") => S::VT_PAYLOAD_ENCRYPTION_CRYPTOBOX,

        (Role::Caller, "caller_identification") => Cr::VT_CALLER_IDENTIFICATION,
        (Role::Caller, "call_timeout") => Cr::VT_CALL_TIMEOUT,
        (Role::Caller, "call_canceling") => Cr::VT_CALL_CANCELING,
        (Role::Caller, "progressive_call_results") => Cr::VT_PROGRESSIVE_CALL_RESULTS,
        (Role::Caller, "payload_transparency") => Cr::VT_PAYLOAD_TRANSPARENCY,
        (Role::Caller, "payload_encryption_cryptobox") => Cr::VT_PAYLOAD_ENCRYPTION_CRYPTOBOX,

        (Role::Callee, "caller_identification") => Ce::VT_CALLER_IDENTIFICATION,
        (Role::Callee, "call_trustlevels") => Ce::VT_CALL_TRUSTLEVELS,
        (Role::Callee, "call_timeout") => Ce::VT_CALL_TIMEOUT,
        (Role::Callee, "call_canceling") => Ce::VT_CALL_CANCELING,
        (Role::Callee, "progressive_call_results") => Ce::VT_PROGRESSIVE_CALL_RESULTS,
        (Role::Callee, "registration_revocation") => Ce::VT_REGISTRATION_REVOCATION,
        (Role::Callee, "pattern_based_registration") => Ce::VT_PATTERN_BASED_REGISTRATION,
        (Role::Callee, "shared_registration") => Ce::VT_SHARED_REGISTRATION,
        (Role::Callee, "payload_transparency") => Ce::VT_PAYLOAD_TRANSPARENCY,
        (Role::Callee, "payload_encryption_cryptobox") => Ce::VT_PAYLOAD_ENCRYPTION_CRYPTOBOX,

        (Role::Broker, "publisher_identification") => B::VT_PUBLISHER_IDENTIFICATION,
        (Role::Broker, "publisher_exclusion") => B::VT_PUBLISHER_EXCLUSION,
        (Role::Broker, "subscriber_blackwhite_listing") => B::VT_SUBSCRIBER_BLACKWHITE_LISTING,
        (Role::Broker, "pattern_based_subscription") => B::VT_PATTERN_BASED_SUBSCRIPTION,
        (Role::Broker, "publication_trustlevels") => B::VT_PUBLICATION_TRUSTLEVELS,
        (Role::Broker, "subscription_revocation") => B::VT_SUBSCRIPTION_REVOCATION,
        (Role::Broker, "session_meta_api") => B::VT_SESSION_META_API,
        (Role::Broker, "subscription_meta_api") => B::VT_SUBSCRIPTION_META_API,
        (Role::Broker, "event_retention") => B::VT_EVENT_RETENTION,
        (Role::Broker, "event_history") => B::VT_EVENT_HISTORY,
        (Role::Broker, "x_acknowledged_event_delivery") => B::VT_ACKNOWLEDGE_EVENT_RECEIVED,
        (Role::Broker, "payload_transparency") => B::VT_PAYLOAD_TRANSPARENCY,
        (Role::Broker, "payload_encryption_cryptobox") => B::VT_PAYLOAD_ENCRYPTION_CRYPTOBOX,

        (Role::Dealer, "caller_identification") => D::VT_CALLER_IDENTIFICATION,
        (Role::Dealer, "call_trustlevels") => D::VT_CALL_TRUSTLEVELS,
        (Role::Dealer, "call_timeout") => D::VT_CALL_TIMEOUT,
        (Role::Dealer, "call_canceling") => D::VT_CALL_CANCELING,
        (Role::Dealer, "progressive_call_results") => D::VT_PROGRESSIVE_CALL_RESULTS,
        (Role::Dealer, "registration_revocation") => D::VT_REGISTRATION_REVOCATION,
        (Role::Dealer, "pattern_based_registration") => D::VT_PATTERN_BASED_REGISTRATION,
        (Role::Dealer, "shared_registration") => D::VT_SHARED_REGISTRATION,
        (Role::Dealer, "session_meta_api") => D::VT_SESSION_META_API,
        (Role::Dealer, "registration_meta_api") => D::VT_REGISTRATION_META_API,
        (Role::Dealer, "testament_meta_api") => D::VT_TESTAMENT_META_API,
        (Role::Dealer, "payload_transparency") => D::VT_PAYLOAD_TRANSPARENCY,
        (Role::Dealer, "payload_encryption_cryptobox") => D::VT_PAYLOAD_ENCRYPTION_CRYPTOBOX,
        _ => return None,
    })
}

/// The slot of `role` in `ClientRoles` / `RouterRoles`.
fn role_slot(role: Role) -> VOffsetT {
    match role {
        Role::Publisher => fb::ClientRoles::VT_PUBLISHER,
        Role::Subscriber => fb::ClientRoles::VT_SUBSCRIBER,
        Role::Caller => fb::ClientRoles::VT_CALLER,
        Role::Callee => fb::ClientRoles::VT_CALLEE,
        Role::Broker => fb::RouterRoles::VT_BROKER,
        Role::Dealer => fb::RouterRoles::VT_DEALER,
    }
}

/// The most features a role has, so the most fields a features table gets.
const MAX_FEATURES: usize = {
    let roles: [&[Role]; 2] = [&Role::CLIENT, &Role::ROUTER];
    let mut max = 0;
    let mut i = 0;
    while i < roles.len() {
        let mut j = 0;
        while j < roles[i].len() {
            let n = roles[i][j].features().len();
            if n > max {
                max = n;
            }
            j += 1;
        }
        i += 1;
    }
    max
};

/// A `ClientRoles`/`RouterRoles` table, when `roles` is non-empty: one features table per
/// announced role (in the fixed order of `order`), each feature the message sets written even
/// when `false` (so "announced false" and "not announced" stay apart), then the roles table.
fn roles<'f>(
    fbb: &mut impl Sink<'f>,
    roles: &Roles,
    order: &[Role],
    message: &'static str,
) -> Result<Option<Table>, EncodeError> {
    if roles.is_empty() {
        return Ok(None);
    }
    let mut tables: [Option<Table>; 4] = [None; 4];
    for (i, &role) in order.iter().enumerate() {
        let Some(features) = roles.get(&role) else {
            continue;
        };
        // the slots first, so that nothing fails inside the table
        if let Some(unknown) = features.keys().find(|f| !role.knows(f)) {
            return Err(EncodeError::Unrepresentable {
                format: FORMAT,
                what: format!(
                    "role feature '{unknown}' of {} in {message} (the schema's features table \
                     has no field for it)",
                    role.name()
                ),
            });
        }
        let mut set = [(0, false); MAX_FEATURES];
        let mut n = 0;
        for &name in role.features() {
            if let Some(&on) = features.get(name) {
                let slot = feature_slot(role, name).ok_or(EncodeError::Unsupported {
                    format: FORMAT,
                    message,
                    field: "roles",
                    reason: "a role feature has no field in the schema's features table",
                })?;
                set[n] = (slot, on);
                n += 1;
            }
        }
        tables[i] = Some(fbb.table(|t| {
            for &(slot, on) in &set[..n] {
                t.push_slot_always::<bool>(slot, on);
            }
        }));
    }
    Ok(Some(fbb.table(|t| {
        for (i, &role) in order.iter().enumerate() {
            push(t, role_slot(role), tables[i]);
        }
    })))
}

// ---- the 25 tables ----

/// Each message's table, built in autobahn's order; the `Message` wrapper is added by the
/// caller.
trait FbsTable {
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError>;
}

/// A table of two IDs (the request and the subscription, registration or publication), added in
/// that order as autobahn adds them; zeros elided.
fn two_ids<'f>(
    fbb: &mut impl Sink<'f>,
    (first_slot, first): (flatbuffers::VOffsetT, u64),
    (second_slot, second): (flatbuffers::VOffsetT, u64),
) -> Table {
    fbb.table(|t| {
        t.push_slot::<u64>(first_slot, first, 0);
        t.push_slot::<u64>(second_slot, second, 0);
    })
}

/// [`two_ids`] and a `forward_for` in the appended field `ff_slot` (UNSUBSCRIBE, UNREGISTER;
/// autobahn drops it), written only when non-empty, as `marshal` drops an empty one.
fn two_ids_forwarded<'f>(
    fbb: &mut impl Sink<'f>,
    (first_slot, first): (flatbuffers::VOffsetT, u64),
    (second_slot, second): (flatbuffers::VOffsetT, u64),
    (ff_slot, ff): (flatbuffers::VOffsetT, Option<&[Principal]>),
) -> Table {
    let ff = forward_for(fbb, ff.filter(|f| !f.is_empty()), AuthroleAlways::No);
    fbb.table(|t| {
        t.push_slot::<u64>(first_slot, first, 0);
        t.push_slot::<u64>(second_slot, second, 0);
        push(t, ff_slot, ff);
    })
}

/// Shorthand for the generated table type's voffset constants.
macro_rules! vt {
    ($table:ident :: $field:ident) => {
        fb::$table::$field
    };
}

impl FbsTable for Hello {
    /// autobahn message.py 1273 (`Hello.build`); roles, authmethods (or the appended
    /// `authmethods_names`) and authextra are this crate's (autobahn writes none of them).
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        const N: &str = Hello::NAME;
        let realm = string(fbb, self.realm.as_deref());
        let authid = given_string(fbb, self.authid.as_deref());
        let authrole = given_string(fbb, self.authrole.as_deref());
        let resume_token = given_string(fbb, self.resume_token.as_deref());
        let resume_session = self.resume_session;
        let roles = roles(fbb, &self.roles, &Role::CLIENT, N)?;
        // `[AuthMethod]` when every name has a value (an empty list too), else all by name
        let methods = self.authmethods.as_deref();
        let (authmethods, authmethods_names) = match methods {
            Some(m) if m.iter().all(|m| auth_method(m).is_some()) => {
                let values =
                    fbb.create_encoded(|out| out.extend(m.iter().filter_map(|m| auth_method(m))));
                (Some(values), None)
            }
            names => (None, strings(fbb, names)),
        };
        let authextra = extra(fbb, self.authextra.as_ref());
        Ok(fbb.table(|t| {
            push(t, vt!(Hello::VT_REALM), realm);
            push(t, vt!(Hello::VT_AUTHID), authid);
            push(t, vt!(Hello::VT_AUTHROLE), authrole);
            given(t, vt!(Hello::VT_RESUMABLE), self.resumable);
            given(t, vt!(Hello::VT_RESUME_SESSION), resume_session);
            push(t, vt!(Hello::VT_RESUME_TOKEN), resume_token);
            push(t, vt!(Hello::VT_ROLES), roles);
            push(t, vt!(Hello::VT_AUTHMETHODS), authmethods);
            push_extra(
                t,
                vt!(Hello::VT_AUTHEXTRA),
                vt!(Hello::VT_AUTHEXTRA_CBOR),
                authextra,
            );
            push(t, vt!(Hello::VT_AUTHMETHODS_NAMES), authmethods_names);
        }))
    }
}

impl FbsTable for Welcome {
    /// autobahn message.py 1856; roles, authmethod (or the appended `authmethod_name`),
    /// authextra and the appended `custom_cbor` are this crate's.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        const N: &str = Welcome::NAME;
        // `AuthMethod` when the name has a value, else by name in the appended field
        let given_method = self.authmethod.as_deref();
        let authmethod = given_method.and_then(auth_method);
        let authmethod_name = match authmethod {
            Some(_) => None,
            None => given_string(fbb, given_method),
        };
        let custom = (!self.custom.is_empty()).then(|| cbor_dict(fbb, &self.custom));
        let realm = string(fbb, self.realm.as_deref());
        let authid = string(fbb, self.authid.as_deref());
        let authrole = string(fbb, self.authrole.as_deref());
        let authprovider = string(fbb, self.authprovider.as_deref());
        let resume_token = string(fbb, self.resume_token.as_deref());
        let roles = roles(fbb, &self.roles, &Role::ROUTER, N)?;
        // `marshal` drops an empty `authextra` here (unlike HELLO's)
        let authextra = extra(fbb, self.authextra.as_ref().filter(|e| !e.is_empty()));
        Ok(fbb.table(|t| {
            t.push_slot::<u64>(vt!(Welcome::VT_SESSION), self.session, 0);
            push(t, vt!(Welcome::VT_REALM), realm);
            push(t, vt!(Welcome::VT_AUTHID), authid);
            push(t, vt!(Welcome::VT_AUTHROLE), authrole);
            push(t, vt!(Welcome::VT_AUTHPROVIDER), authprovider);
            t.push_slot(
                vt!(Welcome::VT_RESUMED),
                self.resumed.unwrap_or(false),
                false,
            );
            t.push_slot(
                vt!(Welcome::VT_RESUMABLE),
                self.resumable.unwrap_or(false),
                false,
            );
            push(t, vt!(Welcome::VT_RESUME_TOKEN), resume_token);
            push(t, vt!(Welcome::VT_ROLES), roles);
            // `anonymous` (0, the default) is written too, to tell it from "not given"
            given::<u8>(t, vt!(Welcome::VT_AUTHMETHOD), authmethod);
            push_extra(
                t,
                vt!(Welcome::VT_AUTHEXTRA),
                vt!(Welcome::VT_AUTHEXTRA_CBOR),
                authextra,
            );
            push(t, vt!(Welcome::VT_AUTHMETHOD_NAME), authmethod_name);
            push(t, vt!(Welcome::VT_CUSTOM_CBOR), custom);
        }))
    }
}

impl FbsTable for Abort {
    /// autobahn message.py 2188.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        let reason = string(fbb, Some(&self.reason));
        let message = string(fbb, self.message.as_deref());
        Ok(fbb.table(|t| {
            push(t, vt!(Abort::VT_REASON), reason);
            push(t, vt!(Abort::VT_MESSAGE), message);
        }))
    }
}

impl FbsTable for Challenge {
    /// autobahn message.py 2376; `extra` and the appended `method_name` are this crate's.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        // a method without an `AuthMethod` value goes by name, and `method` is left absent (0,
        // `anonymous`, which is what autobahn writes for it)
        let method = auth_method(&self.method);
        let extra = extra(fbb, Some(&self.extra).filter(|e| !e.is_empty()));
        let method_name = match method {
            Some(_) => None,
            None => Some(fbb.create_string(&self.method)),
        };
        Ok(fbb.table(|t| {
            t.push_slot::<u8>(vt!(Challenge::VT_METHOD), method.unwrap_or(0), 0);
            push_extra(
                t,
                vt!(Challenge::VT_EXTRA),
                vt!(Challenge::VT_EXTRA_CBOR),
                extra,
            );
            push(t, vt!(Challenge::VT_METHOD_NAME), method_name);
        }))
    }
}

impl FbsTable for Authenticate {
    /// autobahn message.py 2559; `extra` is this crate's.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        let signature = string(fbb, Some(&self.signature));
        let extra = extra(fbb, Some(&self.extra).filter(|e| !e.is_empty()));
        Ok(fbb.table(|t| {
            push(t, vt!(Authenticate::VT_SIGNATURE), signature);
            push_extra(
                t,
                vt!(Authenticate::VT_EXTRA),
                vt!(Authenticate::VT_EXTRA_CBOR),
                extra,
            );
        }))
    }
}

impl FbsTable for Goodbye {
    /// autobahn message.py 2760.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        let reason = string(fbb, Some(&self.reason));
        let message = string(fbb, self.message.as_deref());
        Ok(fbb.table(|t| {
            push(t, vt!(Goodbye::VT_REASON), reason);
            push(t, vt!(Goodbye::VT_MESSAGE), message);
            t.push_slot(
                vt!(Goodbye::VT_RESUMABLE),
                self.resumable.unwrap_or(false),
                false,
            );
        }))
    }
}

impl FbsTable for ErrorReply {
    /// autobahn message.py 3091; `callee*` go in the appended fields (autobahn creates the two
    /// strings at this point but never references them), `forward_for` per the schema
    /// (autobahn crashes).
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        const N: &str = ErrorReply::NAME;
        let callee = self.callee;
        let request_type = u16::try_from(self.request_type.code()).expect("request codes fit u16");
        let args = args(fbb, self.args.as_deref(), self.kwargs.as_ref());
        let kwargs = kwargs(fbb, self.kwargs.as_ref());
        let payload = bytes(fbb, self.payload.as_deref());
        let error = string(fbb, Some(&self.error));
        let ppt = ppt(fbb, &self.enc_algo, &self.enc_key, &self.enc_serializer, N)?;
        let callee_authid = given_string(fbb, self.callee_authid.as_deref());
        let callee_authrole = given_string(fbb, self.callee_authrole.as_deref());
        let ff = forward_for(fbb, self.forward_for.as_deref(), AuthroleAlways::No);
        Ok(fbb.table(|t| {
            t.push_slot::<u16>(vt!(Error::VT_REQUEST_TYPE), request_type, 0);
            t.push_slot::<u64>(vt!(Error::VT_REQUEST), self.request, 0);
            push(t, vt!(Error::VT_ERROR), error);
            push(t, vt!(Error::VT_ARGS), args);
            push(t, vt!(Error::VT_KWARGS), kwargs);
            push(t, vt!(Error::VT_PAYLOAD), payload);
            t.push_slot::<u8>(vt!(Error::VT_PPT_SCHEME), ppt.scheme, 0);
            t.push_slot::<u8>(vt!(Error::VT_PPT_SERIALIZER), ppt.serializer, 0);
            push(t, vt!(Error::VT_PPT_KEYID), ppt.keyid);
            push(t, vt!(Error::VT_FORWARD_FOR), ff);
            given(t, vt!(Error::VT_CALLEE), callee);
            push(t, vt!(Error::VT_CALLEE_AUTHID), callee_authid);
            push(t, vt!(Error::VT_CALLEE_AUTHROLE), callee_authrole);
        }))
    }
}

impl FbsTable for Publish {
    /// autobahn message.py 3882. `exclude_authrole` is written whenever it is non-empty
    /// (autobahn guards it by `exclude_authid` and crashes otherwise).
    ///
    /// A string or bytes `args` ([`StrOrBytesArgs`](crate::StrOrBytesArgs)) is refused: autobahn
    /// writes its CBOR in `args`, but the schema's `args` is the CBOR of a list, and every
    /// reader, the crate's included, takes it for one.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        self.check_one_args()?;
        if self.args_str_or_bytes.is_some() {
            return Err(EncodeError::Unsupported {
                format: FORMAT,
                message: Publish::NAME,
                field: "args",
                reason: "the schema's args is a list; a string or bytes has no place",
            });
        }
        let args = args(fbb, self.args.as_deref(), self.kwargs.as_ref());
        let kwargs = kwargs(fbb, self.kwargs.as_ref());
        let payload = bytes(fbb, self.payload.as_deref());
        let topic = string(fbb, Some(&self.topic));
        let offsets = PublishOffsets {
            topic,
            args,
            kwargs,
            payload,
        };
        // The pushes are inlined twice: without the less common fields, the common case, the
        // copy tests none of them.
        Ok(match PublishRouting::create(self, fbb)? {
            None => fbb.table(|t| offsets.push(t, self, None)),
            Some(routing) => fbb.table(|t| offsets.push(t, self, Some(&routing))),
        })
    }
}

/// The offsets every PUBLISH table may point to.
struct PublishOffsets<'f> {
    topic: Option<Str<'f>>,
    args: Option<Bytes<'f>>,
    kwargs: Option<Bytes<'f>>,
    payload: Option<Bytes<'f>>,
}

impl PublishOffsets<'_> {
    /// The PUBLISH table's fields, in autobahn's order (it decides the bytes).
    #[inline(always)]
    fn push(&self, t: &mut impl Fields, p: &Publish, routing: Option<&PublishRouting<'_>>) {
        t.push_slot::<u64>(vt!(Publish::VT_REQUEST), p.request, 0);
        push(t, vt!(Publish::VT_TOPIC), self.topic);
        push(t, vt!(Publish::VT_ARGS), self.args);
        push(t, vt!(Publish::VT_KWARGS), self.kwargs);
        push(t, vt!(Publish::VT_PAYLOAD), self.payload);
        if let Some(r) = routing {
            t.push_slot::<u8>(vt!(Publish::VT_PPT_SCHEME), r.ppt.scheme, 0);
            t.push_slot::<u8>(vt!(Publish::VT_PPT_SERIALIZER), r.ppt.serializer, 0);
            push(t, vt!(Publish::VT_PPT_KEYID), r.ppt.keyid);
        }
        given(t, vt!(Publish::VT_ACKNOWLEDGE), p.acknowledge);
        given(t, vt!(Publish::VT_EXCLUDE_ME), p.exclude_me);
        if let Some(r) = routing {
            push(t, vt!(Publish::VT_EXCLUDE), r.exclude);
            push(t, vt!(Publish::VT_EXCLUDE_AUTHID), r.exclude_authid);
            push(t, vt!(Publish::VT_EXCLUDE_AUTHROLE), r.exclude_authrole);
            push(t, vt!(Publish::VT_ELIGIBLE), r.eligible);
            push(t, vt!(Publish::VT_ELIGIBLE_AUTHID), r.eligible_authid);
            push(t, vt!(Publish::VT_ELIGIBLE_AUTHROLE), r.eligible_authrole);
        }
        given(t, vt!(Publish::VT_RETAIN), p.retain);
        if let Some(r) = routing {
            push(t, vt!(Publish::VT_TRANSACTION_HASH), r.transaction_hash);
            push(t, vt!(Publish::VT_FORWARD_FOR), r.forward_for);
        }
    }
}

/// A PUBLISH's less common fields, created before its table: the payload encryption, the
/// exclude and eligible lists, the transaction hash and `forward_for`.
struct PublishRouting<'f> {
    ppt: Ppt<'f>,
    exclude: Option<WIPOffset<Vector<'f, u64>>>,
    exclude_authid: Option<WIPOffset<Vector<'f, ForwardsUOffset<&'f str>>>>,
    exclude_authrole: Option<WIPOffset<Vector<'f, ForwardsUOffset<&'f str>>>>,
    eligible: Option<WIPOffset<Vector<'f, u64>>>,
    eligible_authid: Option<WIPOffset<Vector<'f, ForwardsUOffset<&'f str>>>>,
    eligible_authrole: Option<WIPOffset<Vector<'f, ForwardsUOffset<&'f str>>>>,
    transaction_hash: Option<Str<'f>>,
    forward_for: Option<Principals<'f>>,
}

impl<'f> PublishRouting<'f> {
    /// `None` when `p` has none of these fields, the common case: one inline test.
    #[inline(always)]
    fn create(p: &Publish, fbb: &mut impl Sink<'f>) -> Result<Option<Self>, EncodeError> {
        // Every field named, none skipped with `..`: a field added to `Publish` does not
        // compile until it is placed, here or with the fields written in every case.
        let Publish {
            request: _,
            topic: _,
            args: _,
            kwargs: _,
            payload: _,
            args_str_or_bytes: _,
            acknowledge: _,
            exclude_me: _,
            retain: _,
            correlation: _,
            exclude,
            exclude_authid,
            exclude_authrole,
            eligible,
            eligible_authid,
            eligible_authrole,
            transaction_hash,
            enc_algo,
            enc_key,
            enc_serializer,
            forward_for,
        } = p;
        let absent = enc_algo.is_none()
            && enc_key.is_none()
            && enc_serializer.is_none()
            && exclude.is_none()
            && exclude_authid.is_none()
            && exclude_authrole.is_none()
            && eligible.is_none()
            && eligible_authid.is_none()
            && eligible_authrole.is_none()
            && transaction_hash.is_none()
            && forward_for.is_none();
        if absent {
            return Ok(None);
        }
        Self::create_given(p, fbb).map(Some)
    }

    /// The order of creation is autobahn's (it decides the bytes).
    #[inline(never)]
    fn create_given(p: &Publish, fbb: &mut impl Sink<'f>) -> Result<Self, EncodeError> {
        const N: &str = Publish::NAME;
        let transaction_hash = given_string(fbb, p.transaction_hash.as_deref());
        let ppt = ppt(fbb, &p.enc_algo, &p.enc_key, &p.enc_serializer, N)?;
        let exclude = sessions(fbb, p.exclude.as_deref());
        let exclude_authid = strings(fbb, p.exclude_authid.as_deref());
        let exclude_authrole = strings(fbb, p.exclude_authrole.as_deref());
        let eligible = sessions(fbb, p.eligible.as_deref());
        let eligible_authid = strings(fbb, p.eligible_authid.as_deref());
        let eligible_authrole = strings(fbb, p.eligible_authrole.as_deref());
        let forward_for = forward_for(fbb, p.forward_for.as_deref(), AuthroleAlways::No);
        Ok(PublishRouting {
            ppt,
            exclude,
            exclude_authid,
            exclude_authrole,
            eligible,
            eligible_authid,
            eligible_authrole,
            transaction_hash,
            forward_for,
        })
    }
}

impl FbsTable for Published {
    /// autobahn message.py 4495.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        Ok(two_ids(
            fbb,
            (vt!(Published::VT_REQUEST), self.request),
            (vt!(Published::VT_PUBLICATION), self.publication),
        ))
    }
}

/// `Match`: exact/prefix/wildcard = 0/1/2.
fn match_value(m: &str, message: &'static str) -> Result<u8, EncodeError> {
    Ok(match m {
        "exact" | "" => 0,
        "prefix" => 1,
        "wildcard" => 2,
        _ => {
            return Err(EncodeError::Unsupported {
                format: FORMAT,
                message,
                field: "match",
                reason: "only exact, prefix and wildcard have a Match value",
            })
        }
    })
}

impl FbsTable for Subscribe {
    /// autobahn message.py 4794; `forward_for` in the appended field (autobahn drops it).
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        const N: &str = Subscribe::NAME;
        let m = match_value(&self.r#match, N)?;
        let topic = string(fbb, Some(&self.topic));
        let ff = forward_for(fbb, self.forward_for.as_deref(), AuthroleAlways::No);
        Ok(fbb.table(|t| {
            t.push_slot::<u64>(vt!(Subscribe::VT_REQUEST), self.request, 0);
            push(t, vt!(Subscribe::VT_TOPIC), topic);
            t.push_slot::<u8>(vt!(Subscribe::VT_MATCH_), m, 0);
            given(t, vt!(Subscribe::VT_GET_RETAINED), self.get_retained);
            push(t, vt!(Subscribe::VT_FORWARD_FOR), ff);
        }))
    }
}

impl FbsTable for Subscribed {
    /// autobahn message.py 4920.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        Ok(two_ids(
            fbb,
            (vt!(Subscribed::VT_REQUEST), self.request),
            (vt!(Subscribed::VT_SUBSCRIPTION), self.subscription),
        ))
    }
}

impl FbsTable for Unsubscribe {
    /// autobahn message.py 5117; `forward_for` in the appended field (autobahn drops it), only
    /// when non-empty (`marshal` drops an empty one here).
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        Ok(two_ids_forwarded(
            fbb,
            (vt!(Unsubscribe::VT_REQUEST), self.request),
            (vt!(Unsubscribe::VT_SUBSCRIPTION), self.subscription),
            (
                vt!(Unsubscribe::VT_FORWARD_FOR),
                self.forward_for.as_deref(),
            ),
        ))
    }
}

impl FbsTable for Unsubscribed {
    /// autobahn message.py 5309.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        let subscription = self.subscription;
        let reason = string(fbb, self.reason.as_deref());
        Ok(fbb.table(|t| {
            t.push_slot::<u64>(vt!(Unsubscribed::VT_REQUEST), self.request, 0);
            given(t, vt!(Unsubscribed::VT_SUBSCRIPTION), subscription);
            push(t, vt!(Unsubscribed::VT_REASON), reason);
        }))
    }
}

impl FbsTable for Event {
    /// autobahn message.py 5680 (note the ppt order: scheme, keyid, serializer).
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        const N: &str = Event::NAME;
        let publisher = self.publisher;
        let args = args(fbb, self.args.as_deref(), self.kwargs.as_ref());
        let kwargs = kwargs(fbb, self.kwargs.as_ref());
        let payload = bytes(fbb, self.payload.as_deref());
        let publisher_authid = given_string(fbb, self.publisher_authid.as_deref());
        let publisher_authrole = given_string(fbb, self.publisher_authrole.as_deref());
        let topic = given_string(fbb, self.topic.as_deref());
        let transaction_hash = given_string(fbb, self.transaction_hash.as_deref());
        let ppt = ppt(fbb, &self.enc_algo, &self.enc_key, &self.enc_serializer, N)?;
        let ff = forward_for(fbb, self.forward_for.as_deref(), AuthroleAlways::No);
        Ok(fbb.table(|t| {
            t.push_slot::<u64>(vt!(Event::VT_SUBSCRIPTION), self.subscription, 0);
            t.push_slot::<u64>(vt!(Event::VT_PUBLICATION), self.publication, 0);
            push(t, vt!(Event::VT_ARGS), args);
            push(t, vt!(Event::VT_KWARGS), kwargs);
            push(t, vt!(Event::VT_PAYLOAD), payload);
            given(t, vt!(Event::VT_PUBLISHER), publisher);
            push(t, vt!(Event::VT_PUBLISHER_AUTHID), publisher_authid);
            push(t, vt!(Event::VT_PUBLISHER_AUTHROLE), publisher_authrole);
            push(t, vt!(Event::VT_TOPIC), topic);
            given(t, vt!(Event::VT_RETAINED), self.retained);
            push(t, vt!(Event::VT_TRANSACTION_HASH), transaction_hash);
            given(t, vt!(Event::VT_ACKNOWLEDGE), self.x_acknowledged_delivery);
            t.push_slot::<u8>(vt!(Event::VT_PPT_SCHEME), ppt.scheme, 0);
            push(t, vt!(Event::VT_PPT_KEYID), ppt.keyid);
            t.push_slot::<u8>(vt!(Event::VT_PPT_SERIALIZER), ppt.serializer, 0);
            push(t, vt!(Event::VT_FORWARD_FOR), ff);
        }))
    }
}

impl FbsTable for EventReceived {
    /// autobahn message.py 6153.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        Ok(fbb.table(|t| {
            t.push_slot::<u64>(vt!(EventReceived::VT_PUBLICATION), self.publication, 0);
        }))
    }
}

impl FbsTable for Call {
    /// autobahn message.py 6496; `forward_for` per the schema (autobahn crashes).
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        const N: &str = Call::NAME;
        let timeout = opt_u32(self.timeout, N, "timeout")?;
        let caller = self.caller;
        let args = args(fbb, self.args.as_deref(), self.kwargs.as_ref());
        let kwargs = kwargs(fbb, self.kwargs.as_ref());
        let payload = bytes(fbb, self.payload.as_deref());
        let procedure = string(fbb, Some(&self.procedure));
        let transaction_hash = given_string(fbb, self.transaction_hash.as_deref());
        let caller_authid = given_string(fbb, self.caller_authid.as_deref());
        let caller_authrole = given_string(fbb, self.caller_authrole.as_deref());
        let ppt = ppt(fbb, &self.enc_algo, &self.enc_key, &self.enc_serializer, N)?;
        let ff = forward_for(fbb, self.forward_for.as_deref(), AuthroleAlways::No);
        Ok(fbb.table(|t| {
            t.push_slot::<u64>(vt!(Call::VT_REQUEST), self.request, 0);
            push(t, vt!(Call::VT_PROCEDURE), procedure);
            push(t, vt!(Call::VT_ARGS), args);
            push(t, vt!(Call::VT_KWARGS), kwargs);
            push(t, vt!(Call::VT_PAYLOAD), payload);
            t.push_slot::<u8>(vt!(Call::VT_PPT_SCHEME), ppt.scheme, 0);
            t.push_slot::<u8>(vt!(Call::VT_PPT_SERIALIZER), ppt.serializer, 0);
            push(t, vt!(Call::VT_PPT_KEYID), ppt.keyid);
            given(t, vt!(Call::VT_TIMEOUT), timeout);
            given(t, vt!(Call::VT_RECEIVE_PROGRESS), self.receive_progress);
            push(t, vt!(Call::VT_TRANSACTION_HASH), transaction_hash);
            given(t, vt!(Call::VT_CALLER), caller);
            push(t, vt!(Call::VT_CALLER_AUTHID), caller_authid);
            push(t, vt!(Call::VT_CALLER_AUTHROLE), caller_authrole);
            push(t, vt!(Call::VT_FORWARD_FOR), ff);
        }))
    }
}

impl FbsTable for Cancel {
    /// autobahn message.py 7041; `killnowait` is the schema's KILLNOWAIT (2), which autobahn
    /// writes as SKIP (0).
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        const N: &str = Cancel::NAME;
        let mode = cancel_mode(self.mode.as_deref(), N)?;
        let ff = forward_for(fbb, self.forward_for.as_deref(), AuthroleAlways::Yes);
        Ok(fbb.table(|t| {
            t.push_slot::<u64>(vt!(Cancel::VT_REQUEST), self.request, 0);
            // SKIP, the default, is written too when given (autobahn elides it)
            given(t, vt!(Cancel::VT_MODE), mode);
            push(t, vt!(Cancel::VT_FORWARD_FOR), ff);
        }))
    }
}

/// `CancelMode`: skip/kill/killnowait = 0/1/2.
fn cancel_mode(mode: Option<&str>, message: &'static str) -> Result<Option<u8>, EncodeError> {
    Ok(match mode {
        None | Some("") => None,
        Some("skip") => Some(0),
        Some("kill") => Some(1),
        Some("killnowait") => Some(2),
        Some(_) => {
            return Err(EncodeError::Unsupported {
                format: FORMAT,
                message,
                field: "mode",
                reason: "only skip, kill and killnowait have a CancelMode value",
            })
        }
    })
}

/// RESULT and YIELD: the same fields, in a slightly different add order.
macro_rules! result_like {
    ($ty:ident, $table:ident, $line:literal, progress_first: $progress_first:literal) => {
        impl FbsTable for $ty {
            #[doc = concat!("autobahn message.py ", $line, "; `forward_for` per the schema (autobahn crashes).")]
            fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
                const N: &str = $ty::NAME;
                let callee = self.callee;
                let args = args(fbb, self.args.as_deref(), self.kwargs.as_ref());
                let kwargs = kwargs(fbb, self.kwargs.as_ref());
                let payload = bytes(fbb, self.payload.as_deref());
                let ppt = ppt(fbb, &self.enc_algo, &self.enc_key, &self.enc_serializer, N)?;
                let callee_authid = given_string(fbb, self.callee_authid.as_deref());
                let callee_authrole = given_string(fbb, self.callee_authrole.as_deref());
                let ff = forward_for(fbb, self.forward_for.as_deref(), AuthroleAlways::No);
                Ok(fbb.table(|t| {
                    t.push_slot::<u64>(vt!($table::VT_REQUEST), self.request, 0);
                    push(t, vt!($table::VT_ARGS), args);
                    push(t, vt!($table::VT_KWARGS), kwargs);
                    push(t, vt!($table::VT_PAYLOAD), payload);
                    if $progress_first {
                        given(t, vt!($table::VT_PROGRESS), self.progress);
                    }
                    t.push_slot::<u8>(vt!($table::VT_PPT_SCHEME), ppt.scheme, 0);
                    t.push_slot::<u8>(vt!($table::VT_PPT_SERIALIZER), ppt.serializer, 0);
                    push(t, vt!($table::VT_PPT_KEYID), ppt.keyid);
                    if !$progress_first {
                        given(t, vt!($table::VT_PROGRESS), self.progress);
                    }
                    given(t, vt!($table::VT_CALLEE), callee);
                    push(t, vt!($table::VT_CALLEE_AUTHID), callee_authid);
                    push(t, vt!($table::VT_CALLEE_AUTHROLE), callee_authrole);
                    push(t, vt!($table::VT_FORWARD_FOR), ff);
                }))
            }
        }
    };
}
result_like!(CallResult, CallResult, "7320", progress_first: false);
result_like!(Yield, Yield, "9761", progress_first: true);

/// `InvocationPolicy`: single/first/last/roundrobin/random = 0..4.
fn invoke_value(invoke: &str) -> Result<u8, EncodeError> {
    Ok(match invoke {
        "single" | "" => 0,
        "first" => 1,
        "last" => 2,
        "roundrobin" => 3,
        "random" => 4,
        _ => {
            return Err(EncodeError::Unsupported {
                format: FORMAT,
                message: Register::NAME,
                field: "invoke",
                reason:
                    "only single, first, last, roundrobin and random have an InvocationPolicy value",
            })
        }
    })
}

impl FbsTable for Register {
    /// autobahn message.py 8002; `forward_for` in the appended field (autobahn drops it).
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        const N: &str = Register::NAME;
        let m = match_value(&self.r#match, N)?;
        let invoke = invoke_value(&self.invoke)?;
        let concurrency = match self.concurrency {
            Some(c) if c > 0 => {
                u16::try_from(c).map_err(|_| unrepresentable(N, "concurrency", c, "uint16"))?
            }
            _ => 0,
        };
        let procedure = string(fbb, Some(&self.procedure));
        let ff = forward_for(fbb, self.forward_for.as_deref(), AuthroleAlways::No);
        Ok(fbb.table(|t| {
            t.push_slot::<u64>(vt!(Register::VT_REQUEST), self.request, 0);
            push(t, vt!(Register::VT_PROCEDURE), procedure);
            t.push_slot::<u8>(vt!(Register::VT_MATCH_), m, 0);
            t.push_slot::<u8>(vt!(Register::VT_INVOKE), invoke, 0);
            t.push_slot::<u16>(vt!(Register::VT_CONCURRENCY), concurrency, 0);
            given(t, vt!(Register::VT_FORCE_REREGISTER), self.force_reregister);
            push(t, vt!(Register::VT_FORWARD_FOR), ff);
        }))
    }
}

impl FbsTable for Registered {
    /// autobahn message.py 8171.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        Ok(two_ids(
            fbb,
            (vt!(Registered::VT_REQUEST), self.request),
            (vt!(Registered::VT_REGISTRATION), self.registration),
        ))
    }
}

impl FbsTable for Unregister {
    /// autobahn message.py 8342; `forward_for` as in UNSUBSCRIBE.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        Ok(two_ids_forwarded(
            fbb,
            (vt!(Unregister::VT_REQUEST), self.request),
            (vt!(Unregister::VT_REGISTRATION), self.registration),
            (vt!(Unregister::VT_FORWARD_FOR), self.forward_for.as_deref()),
        ))
    }
}

impl FbsTable for Unregistered {
    /// autobahn message.py 8533.
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        let registration = self.registration;
        let reason = string(fbb, self.reason.as_deref());
        Ok(fbb.table(|t| {
            t.push_slot::<u64>(vt!(Unregistered::VT_REQUEST), self.request, 0);
            given(t, vt!(Unregistered::VT_REGISTRATION), registration);
            push(t, vt!(Unregistered::VT_REASON), reason);
        }))
    }
}

impl FbsTable for Invocation {
    /// autobahn message.py 8863; `forward_for` per the schema (autobahn crashes).
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        const N: &str = Invocation::NAME;
        let timeout = opt_u32(self.timeout, N, "timeout")?;
        let caller = self.caller;
        let args = args(fbb, self.args.as_deref(), self.kwargs.as_ref());
        let kwargs = kwargs(fbb, self.kwargs.as_ref());
        let payload = bytes(fbb, self.payload.as_deref());
        let procedure = given_string(fbb, self.procedure.as_deref());
        let transaction_hash = given_string(fbb, self.transaction_hash.as_deref());
        let caller_authid = given_string(fbb, self.caller_authid.as_deref());
        let caller_authrole = given_string(fbb, self.caller_authrole.as_deref());
        let ppt = ppt(fbb, &self.enc_algo, &self.enc_key, &self.enc_serializer, N)?;
        let ff = forward_for(fbb, self.forward_for.as_deref(), AuthroleAlways::No);
        Ok(fbb.table(|t| {
            t.push_slot::<u64>(vt!(Invocation::VT_REQUEST), self.request, 0);
            t.push_slot::<u64>(vt!(Invocation::VT_REGISTRATION), self.registration, 0);
            push(t, vt!(Invocation::VT_ARGS), args);
            push(t, vt!(Invocation::VT_KWARGS), kwargs);
            push(t, vt!(Invocation::VT_PAYLOAD), payload);
            given(t, vt!(Invocation::VT_TIMEOUT), timeout);
            given(
                t,
                vt!(Invocation::VT_RECEIVE_PROGRESS),
                self.receive_progress,
            );
            given(t, vt!(Invocation::VT_CALLER), caller);
            push(t, vt!(Invocation::VT_CALLER_AUTHID), caller_authid);
            push(t, vt!(Invocation::VT_CALLER_AUTHROLE), caller_authrole);
            push(t, vt!(Invocation::VT_PROCEDURE), procedure);
            t.push_slot::<u8>(vt!(Invocation::VT_PPT_SCHEME), ppt.scheme, 0);
            t.push_slot::<u8>(vt!(Invocation::VT_PPT_SERIALIZER), ppt.serializer, 0);
            push(t, vt!(Invocation::VT_PPT_KEYID), ppt.keyid);
            push(t, vt!(Invocation::VT_TRANSACTION_HASH), transaction_hash);
            push(t, vt!(Invocation::VT_FORWARD_FOR), ff);
        }))
    }
}

impl FbsTable for Interrupt {
    /// autobahn message.py 9474; `killnowait` is the schema's KILLNOWAIT (2), which autobahn
    /// writes as KILL (1, the default, so nothing).
    fn fbs_table<'f>(&self, fbb: &mut impl Sink<'f>) -> Result<Table, EncodeError> {
        const N: &str = Interrupt::NAME;
        let mode = cancel_mode(self.mode.as_deref(), N)?;
        let reason = string(fbb, self.reason.as_deref());
        let ff = forward_for(fbb, self.forward_for.as_deref(), AuthroleAlways::Yes);
        Ok(fbb.table(|t| {
            t.push_slot::<u64>(vt!(Interrupt::VT_REQUEST), self.request, 0);
            // KILL, the default, is written too when given (autobahn elides it)
            given(t, vt!(Interrupt::VT_MODE), mode);
            push(t, vt!(Interrupt::VT_REASON), reason);
            push(t, vt!(Interrupt::VT_FORWARD_FOR), ff);
        }))
    }
}
