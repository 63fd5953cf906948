//! The broker's hot path: a verified PUBLISH turned into the EVENT for each subscriber, written
//! into a reused builder with the application payload copied as bytes, never decoded.
//!
//! ```
//! use wamp_codec::fbs::{forward::EventDetails, Writer};
//! use wamp_codec::{Event, Message, Publish, Value, serializer::Format};
//!
//! let publish = Publish {
//!     args: Some(vec![Value::from("Hello, world!")]),
//!     ..Publish::new(1, "com.myapp.topic")
//! };
//! let wire = Format::Flatbuffers.encode(&publish.into()).unwrap();
//!
//! // per publication: verify once
//! let view = Publish::cast(&wire).unwrap();
//! // per subscriber: build into the same builder, no allocation once it has grown
//! let mut writer = Writer::with_capacity(1024);
//! for subscription in [11, 12] {
//!     let details = EventDetails { subscription, publication: 99, ..EventDetails::default() };
//!     view.build_event(&details, &mut writer);
//!     let event = Event::cast(writer.finished_data()).unwrap();
//!     assert_eq!(event.subscription(), subscription);
//!     assert_eq!(event.args_bytes(), view.args_bytes());
//! }
//! ```

use flatbuffers::WIPOffset;

use super::builder::{finish, given, push};
use super::generated::proto as fb;
use super::view::{PrincipalRef, PublishRef};
use super::writer::{Fields, Sink};
use crate::message::Id;
use crate::messages::MessageType;

pub use crate::router::EventDetails;

/// `forward_for` chains longer than this are built with a heap buffer for their offsets.
const INLINE_PRINCIPALS: usize = 16;

/// One hop of a `forward_for` chain, as the EVENT's `Principal` table takes it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hop<'b> {
    pub session: Id,
    pub authid: &'b str,
    pub authrole: &'b str,
}

/// What a FlatBuffers EVENT takes from its PUBLISH beside the payload ([`Carried`]),
/// whatever format the PUBLISH came in.
pub(crate) struct EventBody<'b, F> {
    pub transaction_hash: Option<&'b str>,
    pub ppt_cipher: u8,
    pub forward_for: Option<F>,
}

/// Builds into `fbb` (reset first) the EVENT of `body` under `details`, in `Event`'s builder
/// order: the bytes the owned EVENT with the same fields builds.
pub(crate) fn build_event_from<'f, 'b, F>(
    c: &Carried<'b>,
    body: EventBody<'b, F>,
    details: &EventDetails<'_>,
    fbb: &mut impl Sink<'f>,
) where
    F: ExactSizeIterator<Item = Hop<'b>>,
{
    fbb.reset();
    // out-of-line objects first, in `Event`'s builder order
    let (args, kwargs, payload) = payload_objects(fbb, c);
    let publisher_authid = details.publisher_authid.map(|s| fbb.create_string(s));
    let publisher_authrole = details.publisher_authrole.map(|s| fbb.create_string(s));
    let topic = details.topic.map(|s| fbb.create_string(s));
    let transaction_hash = body.transaction_hash.map(|s| fbb.create_string(s));
    let keyid = keyid(fbb, c);
    let forward_for = body.forward_for.map(|chain| copy_principals(fbb, chain));

    let table = fbb.table(|t| {
        t.push_slot::<u64>(fb::Event::VT_SUBSCRIPTION, details.subscription, 0);
        t.push_slot::<u64>(fb::Event::VT_PUBLICATION, details.publication, 0);
        push(t, fb::Event::VT_ARGS, args);
        push(t, fb::Event::VT_KWARGS, kwargs);
        push(t, fb::Event::VT_PAYLOAD, payload);
        given(t, fb::Event::VT_PUBLISHER, details.publisher);
        push(t, fb::Event::VT_PUBLISHER_AUTHID, publisher_authid);
        push(t, fb::Event::VT_PUBLISHER_AUTHROLE, publisher_authrole);
        push(t, fb::Event::VT_TOPIC, topic);
        given(t, fb::Event::VT_RETAINED, details.retained);
        push(t, fb::Event::VT_TRANSACTION_HASH, transaction_hash);
        given(
            t,
            fb::Event::VT_ACKNOWLEDGE,
            details.x_acknowledged_delivery,
        );
        t.push_slot::<u8>(fb::Event::VT_PPT_SCHEME, c.ppt_scheme, 0);
        push(t, fb::Event::VT_PPT_KEYID, keyid);
        t.push_slot::<u8>(fb::Event::VT_PPT_SERIALIZER, c.ppt_serializer, 0);
        // autobahn's EVENT writer has no `ppt_cipher`; carried over so that nothing is lost
        t.push_slot::<u8>(fb::Event::VT_PPT_CIPHER, body.ppt_cipher, 0);
        push(t, fb::Event::VT_FORWARD_FOR, forward_for);
    });
    finish(fbb, MessageType::Event, table);
}

/// A `forward_for` hop of a FlatBuffers message, as the EVENT copies it.
fn hop<'b>(p: PrincipalRef<'b>) -> Hop<'b> {
    Hop {
        session: p.session(),
        authid: p.authid().unwrap_or(""),
        authrole: p.authrole().unwrap_or(""),
    }
}

impl PublishRef<'_> {
    /// Builds into `fbb` (reset first) the EVENT that delivers this publication: `args`,
    /// `kwargs` and `payload` are copied as the bytes they are, and so are the payload
    /// transparency fields (`ppt_*`), `transaction_hash` and `forward_for`; `details` gives the
    /// rest. The bytes are `fbb.finished_data()`.
    ///
    /// Nothing is decoded and, once `fbb` has grown to the message's size, nothing is
    /// allocated (for a `forward_for` of at most 16 principals). The bytes are those
    /// [`Event::build_flatbuffers`](crate::Event::build_flatbuffers) writes for the owned EVENT
    /// with the same fields: the same creation order and field order.
    pub fn build_event<'f>(&self, details: &EventDetails<'_>, fbb: &mut impl Sink<'f>) {
        let carried = Carried {
            args: self.args_bytes(),
            kwargs: self.kwargs_bytes(),
            payload: self.payload(),
            ppt_scheme: self.ppt_scheme_value(),
            ppt_keyid: self.ppt_keyid(),
            ppt_serializer: self.ppt_serializer_value(),
        };
        let body = EventBody {
            transaction_hash: self.transaction_hash(),
            ppt_cipher: self.ppt_cipher(),
            forward_for: self.forward_for().map(|chain| chain.map(hop)),
        };
        build_event_from(&carried, body, details, fbb);
    }
}

type Principals<'f> = flatbuffers::Vector<'f, flatbuffers::ForwardsUOffset<fb::Principal<'f>>>;

/// The `forward_for` chain rebuilt as `Principal` tables (written as `Event`'s builder writes
/// them: empty strings left out), with the offsets kept on the stack for chains up to
/// [`INLINE_PRINCIPALS`] long.
fn copy_principals<'f, 'b>(
    fbb: &mut impl Sink<'f>,
    chain: impl ExactSizeIterator<Item = Hop<'b>>,
) -> WIPOffset<Principals<'f>> {
    let mut inline = [WIPOffset::new(0); INLINE_PRINCIPALS];
    let mut heap = Vec::new();
    let n = chain.len();
    for (i, p) in chain.enumerate() {
        let authid = Some(p.authid)
            .filter(|s| !s.is_empty())
            .map(|s| fbb.create_string(s));
        let authrole = Some(p.authrole)
            .filter(|s| !s.is_empty())
            .map(|s| fbb.create_string(s));
        let table = fbb.table(|t| {
            t.push_slot::<u64>(fb::Principal::VT_SESSION, p.session, 0);
            push(t, fb::Principal::VT_AUTHID, authid);
            push(t, fb::Principal::VT_AUTHROLE, authrole);
        });
        let offset = WIPOffset::<fb::Principal<'f>>::new(table.value());
        if n <= INLINE_PRINCIPALS {
            inline[i] = offset;
        } else {
            heap.push(offset);
        }
    }
    if n <= INLINE_PRINCIPALS {
        fbb.create_offsets(&inline[..n])
    } else {
        fbb.create_offsets(&heap)
    }
}

/// What an outgoing FlatBuffers INVOCATION, RESULT or ERROR takes from the incoming message
/// it forwards: the payload (`args`/`kwargs` as CBOR) and its transparency fields.
pub(crate) struct Carried<'b> {
    pub args: Option<&'b [u8]>,
    pub kwargs: Option<&'b [u8]>,
    pub payload: Option<&'b [u8]>,
    pub ppt_scheme: u8,
    pub ppt_keyid: Option<&'b str>,
    pub ppt_serializer: u8,
}

/// A byte vector's offset in the builder.
type BytesOffset<'f> = WIPOffset<flatbuffers::Vector<'f, u8>>;

/// The payload's vectors, created first as every message's builder creates them: `args` and
/// `kwargs` as given, the transparent payload when non-empty.
fn payload_objects<'f>(
    fbb: &mut impl Sink<'f>,
    c: &Carried<'_>,
) -> (
    Option<BytesOffset<'f>>,
    Option<BytesOffset<'f>>,
    Option<BytesOffset<'f>>,
) {
    let args = c.args.map(|b| fbb.create_bytes(b));
    let kwargs = c.kwargs.map(|b| fbb.create_bytes(b));
    let payload = c
        .payload
        .filter(|p| !p.is_empty())
        .map(|b| fbb.create_bytes(b));
    (args, kwargs, payload)
}

/// The parts of an INVOCATION beside what it carries.
pub(crate) struct InvocationFields<'b> {
    pub request: Id,
    pub registration: Id,
    pub timeout: Option<u32>,
    pub receive_progress: Option<bool>,
    pub caller: Option<Id>,
    pub caller_authid: Option<&'b str>,
    pub caller_authrole: Option<&'b str>,
    pub procedure: Option<&'b str>,
    pub transaction_hash: Option<&'b str>,
}

/// Builds an INVOCATION into `fbb` (reset first) in the owned `Invocation`'s builder order.
pub(crate) fn build_invocation<'f, 'b>(
    c: &Carried<'b>,
    i: &InvocationFields<'b>,
    forward_for: Option<impl ExactSizeIterator<Item = Hop<'b>>>,
    fbb: &mut impl Sink<'f>,
) {
    fbb.reset();
    let (args, kwargs, payload) = payload_objects(fbb, c);
    let procedure = i.procedure.map(|s| fbb.create_string(s));
    let transaction_hash = i.transaction_hash.map(|s| fbb.create_string(s));
    let caller_authid = i.caller_authid.map(|s| fbb.create_string(s));
    let caller_authrole = i.caller_authrole.map(|s| fbb.create_string(s));
    let keyid = keyid(fbb, c);
    let ff = forward_for.map(|chain| copy_principals(fbb, chain));
    let table = fbb.table(|t| {
        t.push_slot::<u64>(fb::Invocation::VT_REQUEST, i.request, 0);
        t.push_slot::<u64>(fb::Invocation::VT_REGISTRATION, i.registration, 0);
        push(t, fb::Invocation::VT_ARGS, args);
        push(t, fb::Invocation::VT_KWARGS, kwargs);
        push(t, fb::Invocation::VT_PAYLOAD, payload);
        given(t, fb::Invocation::VT_TIMEOUT, i.timeout);
        given(t, fb::Invocation::VT_RECEIVE_PROGRESS, i.receive_progress);
        given(t, fb::Invocation::VT_CALLER, i.caller);
        push(t, fb::Invocation::VT_CALLER_AUTHID, caller_authid);
        push(t, fb::Invocation::VT_CALLER_AUTHROLE, caller_authrole);
        push(t, fb::Invocation::VT_PROCEDURE, procedure);
        t.push_slot::<u8>(fb::Invocation::VT_PPT_SCHEME, c.ppt_scheme, 0);
        t.push_slot::<u8>(fb::Invocation::VT_PPT_SERIALIZER, c.ppt_serializer, 0);
        push(t, fb::Invocation::VT_PPT_KEYID, keyid);
        push(t, fb::Invocation::VT_TRANSACTION_HASH, transaction_hash);
        push(t, fb::Invocation::VT_FORWARD_FOR, ff);
    });
    finish(fbb, MessageType::Invocation, table);
}

/// The callee disclosure of a RESULT or ERROR.
pub(crate) struct Callee<'b> {
    pub callee: Option<Id>,
    pub callee_authid: Option<&'b str>,
    pub callee_authrole: Option<&'b str>,
}

/// Builds a RESULT into `fbb` (reset first) in the owned `CallResult`'s builder order.
pub(crate) fn build_result<'f, 'b>(
    c: &Carried<'b>,
    request: Id,
    progress: Option<bool>,
    callee: &Callee<'b>,
    forward_for: Option<impl ExactSizeIterator<Item = Hop<'b>>>,
    fbb: &mut impl Sink<'f>,
) {
    fbb.reset();
    let (args, kwargs, payload) = payload_objects(fbb, c);
    let keyid = keyid(fbb, c);
    let callee_authid = callee.callee_authid.map(|s| fbb.create_string(s));
    let callee_authrole = callee.callee_authrole.map(|s| fbb.create_string(s));
    let ff = forward_for.map(|chain| copy_principals(fbb, chain));
    let table = fbb.table(|t| {
        t.push_slot::<u64>(fb::CallResult::VT_REQUEST, request, 0);
        push(t, fb::CallResult::VT_ARGS, args);
        push(t, fb::CallResult::VT_KWARGS, kwargs);
        push(t, fb::CallResult::VT_PAYLOAD, payload);
        t.push_slot::<u8>(fb::CallResult::VT_PPT_SCHEME, c.ppt_scheme, 0);
        t.push_slot::<u8>(fb::CallResult::VT_PPT_SERIALIZER, c.ppt_serializer, 0);
        push(t, fb::CallResult::VT_PPT_KEYID, keyid);
        given(t, fb::CallResult::VT_PROGRESS, progress);
        given(t, fb::CallResult::VT_CALLEE, callee.callee);
        push(t, fb::CallResult::VT_CALLEE_AUTHID, callee_authid);
        push(t, fb::CallResult::VT_CALLEE_AUTHROLE, callee_authrole);
        push(t, fb::CallResult::VT_FORWARD_FOR, ff);
    });
    finish(fbb, MessageType::Result, table);
}

/// Builds the caller's ERROR (to a CALL) into `fbb` (reset first) in the owned `ErrorReply`'s
/// builder order.
pub(crate) fn build_error<'f, 'b>(
    c: &Carried<'b>,
    request: Id,
    error: &str,
    callee: &Callee<'b>,
    forward_for: Option<impl ExactSizeIterator<Item = Hop<'b>>>,
    fbb: &mut impl Sink<'f>,
) {
    fbb.reset();
    let (args, kwargs, payload) = payload_objects(fbb, c);
    let error = Some(error)
        .filter(|e| !e.is_empty())
        .map(|s| fbb.create_string(s));
    let keyid = keyid(fbb, c);
    let callee_authid = callee.callee_authid.map(|s| fbb.create_string(s));
    let callee_authrole = callee.callee_authrole.map(|s| fbb.create_string(s));
    let ff = forward_for.map(|chain| copy_principals(fbb, chain));
    let request_type = MessageType::Call.code() as u16;
    let table = fbb.table(|t| {
        t.push_slot::<u16>(fb::Error::VT_REQUEST_TYPE, request_type, 0);
        t.push_slot::<u64>(fb::Error::VT_REQUEST, request, 0);
        push(t, fb::Error::VT_ERROR, error);
        push(t, fb::Error::VT_ARGS, args);
        push(t, fb::Error::VT_KWARGS, kwargs);
        push(t, fb::Error::VT_PAYLOAD, payload);
        t.push_slot::<u8>(fb::Error::VT_PPT_SCHEME, c.ppt_scheme, 0);
        t.push_slot::<u8>(fb::Error::VT_PPT_SERIALIZER, c.ppt_serializer, 0);
        push(t, fb::Error::VT_PPT_KEYID, keyid);
        push(t, fb::Error::VT_FORWARD_FOR, ff);
        given(t, fb::Error::VT_CALLEE, callee.callee);
        push(t, fb::Error::VT_CALLEE_AUTHID, callee_authid);
        push(t, fb::Error::VT_CALLEE_AUTHROLE, callee_authrole);
    });
    finish(fbb, MessageType::Error, table);
}

/// `enc_key`'s string, created where the owned builders' `ppt` creates it.
fn keyid<'f>(fbb: &mut impl Sink<'f>, c: &Carried<'_>) -> Option<WIPOffset<&'f str>> {
    c.ppt_keyid.map(|s| fbb.create_string(s))
}
