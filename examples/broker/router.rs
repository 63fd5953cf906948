//! The WAMP side of the broker: one [`Session`] per connection turns each incoming message into
//! messages queued for itself and for other sessions of its realm. No I/O happens here; the
//! connection glue feeds frames in and drains the [`Outbox`]es.
//!
//! The hot path (PUBLISH, CALL, YIELD and a callee's ERROR) never decodes a message into owned
//! values: the message is checked and read in place ([`MessageView::decode`]), routed on its
//! borrowed topic or procedure, and forwarded with the crate's [`Forwarder`]. The subscribers
//! of a topic (or pattern) share one subscription, so a publication's EVENT is built once per
//! matching subscription and subscriber format and the same buffer queued for every subscriber
//! on it (a router with
//! one subscription per subscriber would stamp each from an
//! [`EventTemplate`](wamp_codec::router::forward::EventTemplate)). The rare session messages
//! (HELLO, SUBSCRIBE, REGISTER, ...) are decoded into the owned types.
//!
//! Each realm's state is behind its own lock, taken for the handling of one message; nothing
//! is awaited while it is held, as queueing never waits (see [`crate::outbox`]).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use wamp_codec::message::session::{Features, Role, Roles};
use wamp_codec::router::forward::Forwarder;
use wamp_codec::router::{ErrorDetails, EventDetails, InvocationDetails, ResultDetails};
use wamp_codec::serializer::Format;
use wamp_codec::view::{
    CallView, ErrorReplyView, Ids, MessageView, PublishView, Strs, TypedView, YieldView,
};
use wamp_codec::{
    Abort, ErrorReply, Goodbye, Hello, Message, MessageType, Published, Registered, Subscribed,
    Unregistered, Unsubscribed, Welcome,
};

use crate::outbox::Outbox;
use crate::realm::{random_id, PendingCall, Policy, Realm, SessionId};

/// The features the router implements, per role: exactly what WELCOME announces.
const ROUTER_FEATURES: [(Role, &[&str]); 2] = [
    (
        Role::Broker,
        &[
            "subscriber_blackwhite_listing",
            "publisher_exclusion",
            "pattern_based_subscription",
            "payload_transparency",
        ],
    ),
    (
        Role::Dealer,
        &["progressive_call_results", "payload_transparency"],
    ),
];

/// The authrole every (anonymous) session gets.
const AUTHROLE: &str = "anonymous";

/// Error and close reasons the router sends.
mod uri {
    pub const PROTOCOL_VIOLATION: &str = "wamp.error.protocol_violation";
    pub const NO_SUCH_REALM: &str = "wamp.error.no_such_realm";
    pub const NO_AUTH_METHOD: &str = "wamp.error.no_auth_method";
    pub const NO_SUCH_PROCEDURE: &str = "wamp.error.no_such_procedure";
    pub const INVALID_ARGUMENT: &str = "wamp.error.invalid_argument";
    pub const CANCELED: &str = "wamp.error.canceled";
    pub const GOODBYE_AND_OUT: &str = "wamp.close.goodbye_and_out";
}

/// Every realm, created by the first session that joins it and removed with the last.
#[derive(Debug, Default)]
pub struct Router {
    realms: Mutex<HashMap<String, Arc<Mutex<Hub>>>>,
    /// Every session ID in use, so that a new one is unique router-wide.
    sessions: Mutex<HashSet<SessionId>>,
}

/// A realm's routing state and the queues of its sessions.
#[derive(Debug, Default)]
struct Hub {
    realm: Realm,
    peers: HashMap<SessionId, Peer>,
}

/// What the router knows of a joined session.
#[derive(Debug)]
struct Peer {
    format: Format,
    outbox: Outbox,
    authid: String,
    /// The last request ID the router used in this session's scope (INVOCATIONs).
    last_request: u64,
}

impl Peer {
    /// Queues the ERROR for this peer's CALL `request`, with `message` as its only argument.
    fn send_call_error(&self, request: u64, error: &str, message: String) {
        let reply = ErrorReply {
            args: Some(vec![message.into()]),
            ..ErrorReply::new(MessageType::Call, request, error)
        };
        queue_own(&self.outbox, self.format, reply.into());
    }

    /// The next request ID in this session's scope: 1, 2, ... (wrapping within 2^53).
    fn next_request(&mut self) -> u64 {
        self.last_request = self.last_request % crate::realm::MAX_ID + 1;
        self.last_request
    }
}

/// Locks `mutex`, also after a panic elsewhere (the state stays consistent between messages).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Router {
    /// A router with no realm yet.
    pub fn new() -> Arc<Router> {
        Arc::new(Router::default())
    }

    /// The realm `name`, created if it does not exist.
    fn hub(&self, name: &str) -> Arc<Mutex<Hub>> {
        lock(&self.realms)
            .entry(name.to_owned())
            .or_default()
            .clone()
    }

    /// A session ID not in use.
    fn new_session_id(&self) -> SessionId {
        let mut sessions = lock(&self.sessions);
        loop {
            let id = random_id();
            if sessions.insert(id) {
                return id;
            }
        }
    }

    /// Removes the realm `name` if nobody is in it any more.
    fn forget_if_empty(&self, name: &str) {
        let mut realms = lock(&self.realms);
        if let Some(hub) = realms.get(name) {
            if lock(hub).peers.is_empty() {
                realms.remove(name);
            }
        }
    }
}

/// What the connection does after a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep reading.
    Continue,
    /// Stop reading; close the connection once what is queued is written.
    Close,
}

/// A joined session's place in its realm.
#[derive(Debug)]
struct Joined {
    id: SessionId,
    realm: String,
    hub: Arc<Mutex<Hub>>,
}

/// Buffers reused from message to message.
#[derive(Debug, Default)]
struct Scratch {
    forwarder: Forwarder,
    out: Vec<u8>,
}

/// The slot of `format` in per-format arrays.
fn slot(format: Format) -> usize {
    match format {
        Format::Json => 0,
        Format::Msgpack => 1,
        Format::Cbor => 2,
        Format::Flatbuffers => 3,
    }
}

/// A message the peer should not have sent: answered with ABORT
/// `wamp.error.protocol_violation` and the end of the connection.
#[derive(Debug)]
struct Violation(String);

impl<E: std::fmt::Display> From<E> for Violation {
    fn from(e: E) -> Violation {
        Violation(e.to_string())
    }
}

/// One connection's WAMP session: from before HELLO until the connection ends (leaving the
/// realm when dropped).
#[derive(Debug)]
pub struct Session {
    router: Arc<Router>,
    format: Format,
    outbox: Outbox,
    joined: Option<Joined>,
    scratch: Scratch,
}

impl Session {
    /// A session speaking `format` whose messages go to `outbox`.
    pub fn new(router: Arc<Router>, format: Format, outbox: Outbox) -> Session {
        Session {
            router,
            format,
            outbox,
            joined: None,
            scratch: Scratch::default(),
        }
    }

    /// Whether the session has joined a realm (its HELLO was welcomed).
    pub fn is_joined(&self) -> bool {
        self.joined.is_some()
    }

    /// Handles one incoming message.
    pub fn handle(&mut self, frame: &[u8]) -> Flow {
        let result = match MessageView::decode(self.format, frame) {
            Ok(view) => self.dispatch(&view),
            Err(e) => Err(Violation::from(e)),
        };
        match result {
            Ok(flow) => flow,
            Err(Violation(reason)) => self.reject(reason),
        }
    }

    /// Ends the session for a protocol violation: ABORT `wamp.error.protocol_violation`
    /// saying `reason`, then [`Flow::Close`].
    pub fn reject(&mut self, reason: String) -> Flow {
        self.send_own(Abort {
            message: Some(reason),
            ..Abort::new(uri::PROTOCOL_VIOLATION)
        });
        Flow::Close
    }

    fn dispatch(&mut self, view: &MessageView<'_>) -> Result<Flow, Violation> {
        let Some(joined) = &self.joined else {
            return match view.to_message()? {
                Message::Hello(hello) => Ok(self.hello(hello)),
                other => Err(Violation(format!(
                    "{} before HELLO",
                    other.message_type().name()
                ))),
            };
        };
        let (me, hub) = (joined.id, joined.hub.clone());
        let mut hub = lock(&hub);
        match view.typed()? {
            TypedView::Publish(publish) => self.publish(&mut hub, me, &publish)?,
            TypedView::Call(call) => self.call(&mut hub, me, &call)?,
            TypedView::Yield(yielded) => self.yielded(&mut hub, me, &yielded)?,
            TypedView::Error(error) => self.callee_error(&mut hub, me, &error)?,
            TypedView::Goodbye(_) => {
                self.send_own(Goodbye::new(uri::GOODBYE_AND_OUT));
                return Ok(Flow::Close);
            }
            // the rare session messages: decoded into the owned types
            _ => match view.to_message()? {
                Message::Subscribe(s) => {
                    // the decoder takes only the policies there are
                    let policy = Policy::from_name(&s.r#match).ok_or_else(|| {
                        Violation(format!(
                            "'match' option in SUBSCRIBE: unknown policy {:?}",
                            s.r#match
                        ))
                    })?;
                    let subscription = hub.realm.subscribe(me, &s.topic, policy);
                    self.send_own(Subscribed::new(s.request, subscription));
                }
                Message::Unsubscribe(u) => match hub.realm.unsubscribe(me, u.subscription) {
                    Ok(()) => self.send_own(Unsubscribed::new(u.request)),
                    Err(refusal) => {
                        self.send_error(MessageType::Unsubscribe, u.request, refusal.uri())
                    }
                },
                Message::Register(r) => match hub.realm.register(me, &r.procedure) {
                    Ok(registration) => self.send_own(Registered::new(r.request, registration)),
                    Err(refusal) => {
                        self.send_error(MessageType::Register, r.request, refusal.uri())
                    }
                },
                Message::Unregister(u) => match hub.realm.unregister(me, u.registration) {
                    Ok(()) => self.send_own(Unregistered::new(u.request)),
                    Err(refusal) => {
                        self.send_error(MessageType::Unregister, u.request, refusal.uri())
                    }
                },
                other => {
                    return Err(Violation(format!(
                        "{} is not a message a client sends to this router",
                        other.message_type().name()
                    )))
                }
            },
        }
        Ok(Flow::Continue)
    }

    /// HELLO: joins the realm (any realm, anonymous authentication) and answers WELCOME.
    fn hello(&mut self, hello: Hello) -> Flow {
        let Some(realm) = hello.realm else {
            self.send_own(Abort::new(uri::NO_SUCH_REALM));
            return Flow::Close;
        };
        if let Some(methods) = &hello.authmethods {
            if !methods.iter().any(|m| m == "anonymous") {
                self.send_own(Abort {
                    message: Some("this router only authenticates anonymously".into()),
                    ..Abort::new(uri::NO_AUTH_METHOD)
                });
                return Flow::Close;
            }
        }
        let id = self.router.new_session_id();
        let authid = format!("anonymous-{id}");
        let hub = self.router.hub(&realm);
        lock(&hub).peers.insert(
            id,
            Peer {
                format: self.format,
                outbox: self.outbox.clone(),
                authid: authid.clone(),
                last_request: 0,
            },
        );
        self.send_own(Welcome {
            realm: Some(realm.clone()),
            authid: Some(authid),
            authrole: Some(AUTHROLE.into()),
            authmethod: Some("anonymous".into()),
            authprovider: Some("static".into()),
            ..Welcome::new(id, router_roles())
        });
        self.joined = Some(Joined { id, realm, hub });
        Flow::Continue
    }

    /// PUBLISH: one EVENT per eligible subscriber, built once per format; PUBLISHED if asked.
    ///
    /// A publication some subscriber's format cannot carry (a custom transparency key in
    /// FlatBuffers, a NaN in JSON, ...) still reaches the subscribers on the other formats;
    /// the failure is logged, and a publisher that asked for an acknowledgement gets ERROR
    /// `wamp.error.invalid_argument` saying why instead of PUBLISHED.
    ///
    /// The acknowledgement is queued before the EVENTs: the publisher waits for it (with a
    /// bounded window of publications in flight), the subscribers wait for nothing, so its
    /// writer is woken first and the publisher's next PUBLISHes are not held up by the
    /// subscribers' writes.
    fn publish(
        &mut self,
        hub: &mut Hub,
        me: SessionId,
        publish: &PublishView<'_>,
    ) -> Result<(), Violation> {
        let publication = random_id();
        let topic = publish.topic();
        let audience = Audience::of(publish, me);
        let mut undeliverable = Vec::new();
        let mut deliveries = Vec::new();
        for matched in hub.realm.matching(&topic) {
            // The subscribers of a subscription get the same EVENT on a format: built once
            // per format a recipient speaks, shared by all (`None` inside: the format cannot
            // carry it).
            let details = EventDetails {
                subscription: matched.id,
                publication,
                topic: (matched.policy != Policy::Exact).then_some(&*topic),
                ..EventDetails::default()
            };
            let mut events: [Option<Option<Bytes>>; 4] = Default::default();
            deliveries.reserve(matched.subscribers.len());
            for &subscriber in matched.subscribers {
                let Some(peer) = hub.peers.get(&subscriber) else {
                    continue;
                };
                if !audience.includes(subscriber, &peer.authid) {
                    continue;
                }
                let event = events[slot(peer.format)].get_or_insert_with(|| {
                    let mut event = Vec::new();
                    match self
                        .scratch
                        .forwarder
                        .event(publish, &details, peer.format, &mut event)
                    {
                        Ok(()) => Some(Bytes::from(event)),
                        Err(e) => {
                            let reason = format!(
                                "EVENT of {topic} cannot be sent as {}: {e}",
                                peer.format.name()
                            );
                            eprintln!("broker: publication {publication}: {reason}");
                            undeliverable.push(reason);
                            None
                        }
                    }
                });
                if let Some(event) = event {
                    deliveries.push((&peer.outbox, event.clone()));
                }
            }
        }
        if publish.acknowledge() == Some(true) {
            if undeliverable.is_empty() {
                self.send_own(Published::new(publish.request(), publication));
            } else {
                self.send_error_with(
                    MessageType::Publish,
                    publish.request(),
                    uri::INVALID_ARGUMENT,
                    undeliverable.join("; "),
                );
            }
        }
        for (outbox, event) in deliveries {
            outbox.push_event(event);
        }
        Ok(())
    }

    /// CALL: an INVOCATION to the procedure's callee, or ERROR `no_such_procedure`.
    fn call(&mut self, hub: &mut Hub, me: SessionId, call: &CallView<'_>) -> Result<(), Violation> {
        let request = call.request();
        let Some((registration, callee)) = hub.realm.callee(&call.procedure()) else {
            self.send_error(MessageType::Call, request, uri::NO_SUCH_PROCEDURE);
            return Ok(());
        };
        let Some(peer) = hub.peers.get_mut(&callee) else {
            self.send_error(MessageType::Call, request, uri::NO_SUCH_PROCEDURE);
            return Ok(());
        };
        let invocation = peer.next_request();
        let details = InvocationDetails {
            request: invocation,
            registration,
            ..InvocationDetails::default()
        };
        let out = &mut self.scratch.out;
        out.clear();
        if let Err(e) =
            self.scratch
                .forwarder
                .invocation(&call.as_message(), &details, peer.format, out)
        {
            // the callee's format cannot carry this call (a custom transparency key in
            // FlatBuffers, a NaN in JSON, ...)
            self.send_error_with(
                MessageType::Call,
                request,
                uri::INVALID_ARGUMENT,
                e.to_string(),
            );
            return Ok(());
        }
        peer.outbox.push(Bytes::copy_from_slice(out));
        let call = PendingCall {
            caller: me,
            call_request: request,
        };
        hub.realm.start_call(callee, invocation, call);
        Ok(())
    }

    /// YIELD: the caller's RESULT (a progressive one keeps the call open).
    fn yielded(
        &mut self,
        hub: &mut Hub,
        me: SessionId,
        yielded: &YieldView<'_>,
    ) -> Result<(), Violation> {
        let progressive = yielded.progress() == Some(true);
        // a YIELD for a call whose caller left is dropped
        let Some(call) = hub.realm.answer_call(me, yielded.request(), progressive) else {
            return Ok(());
        };
        let Some(caller) = hub.peers.get(&call.caller) else {
            return Ok(());
        };
        let details = ResultDetails {
            request: call.call_request,
            ..ResultDetails::default()
        };
        let out = &mut self.scratch.out;
        out.clear();
        match self
            .scratch
            .forwarder
            .result(&yielded.as_message(), &details, caller.format, out)
        {
            Ok(()) => caller.outbox.push(Bytes::copy_from_slice(out)),
            Err(e) => caller.send_call_error(
                call.call_request,
                uri::INVALID_ARGUMENT,
                format!(
                    "the callee's result cannot be sent as {}: {e}",
                    caller.format.name()
                ),
            ),
        }
        Ok(())
    }

    /// A callee's ERROR for an INVOCATION: the caller's ERROR for its CALL.
    fn callee_error(
        &mut self,
        hub: &mut Hub,
        me: SessionId,
        error: &ErrorReplyView<'_>,
    ) -> Result<(), Violation> {
        if error.request_type() != MessageType::Invocation {
            return Err(Violation(format!(
                "ERROR for a {}: a client sends ERROR only for an INVOCATION",
                error.request_type().name()
            )));
        }
        let Some(call) = hub.realm.answer_call(me, error.request(), false) else {
            return Ok(());
        };
        let Some(caller) = hub.peers.get(&call.caller) else {
            return Ok(());
        };
        let details = ErrorDetails {
            request: call.call_request,
            ..ErrorDetails::default()
        };
        let out = &mut self.scratch.out;
        out.clear();
        match self
            .scratch
            .forwarder
            .error(&error.as_message(), &details, caller.format, out)
        {
            Ok(()) => caller.outbox.push(Bytes::copy_from_slice(out)),
            Err(e) => caller.send_call_error(
                call.call_request,
                &error.error(),
                format!(
                    "the callee's error cannot be sent as {}: {e}",
                    caller.format.name()
                ),
            ),
        }
        Ok(())
    }

    /// Queues a router-made message for this session.
    fn send_own(&self, message: impl Into<Message>) {
        queue_own(&self.outbox, self.format, message.into());
    }

    /// Queues an ERROR for this session's request.
    fn send_error(&self, request_type: MessageType, request: u64, error: &str) {
        self.send_own(ErrorReply::new(request_type, request, error));
    }

    /// Queues an ERROR with a message (as the only argument) for this session's request.
    fn send_error_with(
        &self,
        request_type: MessageType,
        request: u64,
        error: &str,
        message: String,
    ) {
        self.send_own(ErrorReply {
            args: Some(vec![message.into()]),
            ..ErrorReply::new(request_type, request, error)
        });
    }
}

impl Drop for Session {
    /// Leaves the realm: the session's subscriptions and registrations go, and the callers
    /// of the calls it was answering get ERROR `wamp.error.canceled`.
    fn drop(&mut self) {
        let Some(joined) = self.joined.take() else {
            return;
        };
        {
            let mut hub = lock(&joined.hub);
            hub.peers.remove(&joined.id);
            for call in hub.realm.leave(joined.id).orphaned_calls {
                if let Some(caller) = hub.peers.get(&call.caller) {
                    caller.send_call_error(
                        call.call_request,
                        uri::CANCELED,
                        "the callee left".into(),
                    );
                }
            }
        }
        lock(&self.router.sessions).remove(&joined.id);
        self.router.forget_if_empty(&joined.realm);
    }
}

/// Who receives a publication: the publisher's exclusion (`exclude_me`, true by default) and
/// the black and white lists, read from the PUBLISH's options once per publication rather
/// than once per subscriber (each read is a lookup in the options).
struct Audience<'a> {
    publisher: SessionId,
    exclude_me: bool,
    /// The lists by role name, which every session of this router shares: whether they let
    /// the router's one authrole through.
    role_allowed: bool,
    exclude: Option<Ids<'a>>,
    exclude_authid: Option<Strs<'a>>,
    eligible: Option<Ids<'a>>,
    eligible_authid: Option<Strs<'a>>,
}

impl<'a> Audience<'a> {
    /// The audience of `publish`, published by `publisher`.
    fn of(publish: &PublishView<'a>, publisher: SessionId) -> Audience<'a> {
        let role_allowed = !publish
            .exclude_authrole()
            .is_some_and(|mut roles| roles.any(|r| r == AUTHROLE))
            && publish
                .eligible_authrole()
                .is_none_or(|mut roles| roles.any(|r| r == AUTHROLE));
        Audience {
            publisher,
            exclude_me: publish.exclude_me() != Some(false),
            role_allowed,
            exclude: publish.exclude(),
            exclude_authid: publish.exclude_authid(),
            eligible: publish.eligible(),
            eligible_authid: publish.eligible_authid(),
        }
    }

    /// Whether `subscriber`, whose authid is `authid`, receives the publication.
    fn includes(&self, subscriber: SessionId, authid: &str) -> bool {
        if !self.role_allowed || (subscriber == self.publisher && self.exclude_me) {
            return false;
        }
        let listed_id =
            |ids: &Option<Ids<'_>>| ids.clone().map(|mut ids| ids.any(|id| id == subscriber));
        let listed_authid =
            |strs: &Option<Strs<'_>>| strs.clone().map(|mut strs| strs.any(|a| a == authid));
        listed_id(&self.exclude) != Some(true)
            && listed_authid(&self.exclude_authid) != Some(true)
            && listed_id(&self.eligible) != Some(false)
            && listed_authid(&self.eligible_authid) != Some(false)
    }
}

/// Encodes a message the router makes and queues it on `outbox` for a peer speaking
/// `format`. The router's own messages (WELCOME, ERROR with a string, ...) fit every format;
/// should one not, the peer could wait for it for ever, so it is disconnected, with the reason
/// logged.
fn queue_own(outbox: &Outbox, format: Format, message: Message) {
    match format.encode(&message) {
        Ok(bytes) => outbox.push(bytes),
        Err(e) => {
            eprintln!(
                "broker: cannot encode the router's {} as {}: {e}; disconnecting the peer",
                message.message_type().name(),
                format.name()
            );
            outbox.evict();
        }
    }
}

/// The roles WELCOME announces, with [`ROUTER_FEATURES`].
fn router_roles() -> Roles {
    ROUTER_FEATURES
        .iter()
        .map(|&(role, features)| {
            (
                role,
                features
                    .iter()
                    .map(|&f| (f.into(), true))
                    .collect::<Features>(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use wamp_codec::{Event, Publish, Subscribe, Value};

    use super::*;
    use crate::outbox::{self, Queue};

    /// A session of `router` on `format` that has joined `realm1`, and its queue (WELCOME
    /// taken off it).
    fn joined(router: &Arc<Router>, format: Format) -> (Session, Queue) {
        let (outbox, mut queue, _eviction) = outbox::queue();
        let mut session = Session::new(router.clone(), format, outbox);
        let roles = [Role::Publisher, Role::Subscriber].map(|role| (role, Features::default()));
        let hello = Hello::new(Some("realm1".into()), Roles::from_iter(roles));
        assert_eq!(
            session.handle(&format.encode(&hello.into()).unwrap()),
            Flow::Continue
        );
        let welcome = format.decode(&queue.try_recv().unwrap()).unwrap();
        assert!(matches!(welcome, Message::Welcome(_)), "{welcome:?}");
        (session, queue)
    }

    /// Hands `message` to `session` and returns what it queued for itself.
    fn exchange(session: &mut Session, queue: &mut Queue, message: Message) -> Message {
        let format = session.format;
        assert_eq!(
            session.handle(&format.encode(&message).unwrap()),
            Flow::Continue
        );
        format.decode(&queue.try_recv().unwrap()).unwrap()
    }

    fn publish_nan(acknowledge: bool) -> Message {
        Publish {
            args: Some(vec![Value::Float(f64::NAN)]),
            acknowledge: Some(acknowledge),
            ..Publish::new(5, "com.example.topic")
        }
        .into()
    }

    #[test]
    fn a_publication_a_subscriber_format_cannot_carry_is_an_error_for_the_publisher() {
        let router = Router::new();
        let (mut json, mut json_queue) = joined(&router, Format::Json);
        let (mut cbor, mut cbor_queue) = joined(&router, Format::Cbor);
        let (mut publisher, mut publisher_queue) = joined(&router, Format::Msgpack);
        for (session, queue) in [(&mut json, &mut json_queue), (&mut cbor, &mut cbor_queue)] {
            let reply = exchange(
                session,
                queue,
                Subscribe::new(1, "com.example.topic").into(),
            );
            assert!(matches!(reply, Message::Subscribed(_)), "{reply:?}");
        }

        // JSON has no NaN: the JSON subscriber gets nothing, the CBOR one its EVENT, and the
        // publisher, who asked for an acknowledgement, an ERROR naming the format
        let reply = exchange(&mut publisher, &mut publisher_queue, publish_nan(true));
        let Message::Error(error) = reply else {
            panic!("expected ERROR, got {reply:?}")
        };
        assert_eq!(error.request_type, MessageType::Publish);
        assert_eq!(error.request, 5);
        assert_eq!(error.error, uri::INVALID_ARGUMENT);
        let Some([Value::Str(reason)]) = error.args.as_deref() else {
            panic!("{:?}", error.args)
        };
        assert!(reason.contains("as json"), "{reason}");
        assert!(
            json_queue.try_recv().is_err(),
            "an EVENT JSON cannot carry was sent"
        );
        let event = Format::Cbor
            .decode(&cbor_queue.try_recv().unwrap())
            .unwrap();
        let Message::Event(event) = event else {
            panic!("{event:?}")
        };
        assert!(matches!(event.args.as_deref(), Some([Value::Float(f)]) if f.is_nan()));

        // unacknowledged: the publisher hears nothing (the broker logs it)
        assert_eq!(
            publisher.handle(&Format::Msgpack.encode(&publish_nan(false)).unwrap()),
            Flow::Continue
        );
        assert!(publisher_queue.try_recv().is_err());
        assert!(cbor_queue.try_recv().is_ok());
    }

    #[test]
    fn a_publication_every_format_carries_is_acknowledged() {
        let router = Router::new();
        let (mut json, mut json_queue) = joined(&router, Format::Json);
        let (mut publisher, mut publisher_queue) = joined(&router, Format::Msgpack);
        exchange(
            &mut json,
            &mut json_queue,
            Subscribe::new(1, "com.example.topic").into(),
        );
        let publish = Publish {
            args: Some(vec![Value::Float(1.5)]),
            acknowledge: Some(true),
            ..Publish::new(6, "com.example.topic")
        };
        let reply = exchange(&mut publisher, &mut publisher_queue, publish.into());
        assert!(
            matches!(reply, Message::Published(ref p) if p.request == 6),
            "{reply:?}"
        );
        assert!(json_queue.try_recv().is_ok());
    }

    /// Subscribes `session` with `subscribe` and returns the subscription ID.
    fn subscription(session: &mut Session, queue: &mut Queue, subscribe: Subscribe) -> u64 {
        match exchange(session, queue, subscribe.into()) {
            Message::Subscribed(s) => s.subscription,
            other => panic!("expected SUBSCRIBED, got {other:?}"),
        }
    }

    /// The EVENT at the head of `queue`, for a session speaking `format`.
    fn event(queue: &mut Queue, format: Format) -> Event {
        match format.decode(&queue.try_recv().expect("no EVENT")).unwrap() {
            Message::Event(event) => event,
            other => panic!("expected EVENT, got {other:?}"),
        }
    }

    #[test]
    fn a_pattern_subscriber_is_told_the_topic() {
        let router = Router::new();
        let (mut exact, mut exact_queue) = joined(&router, Format::Json);
        let (mut pattern, mut pattern_queue) = joined(&router, Format::Cbor);
        let (mut publisher, mut publisher_queue) = joined(&router, Format::Msgpack);
        let by_topic = subscription(
            &mut exact,
            &mut exact_queue,
            Subscribe::new(1, "com.shop.order"),
        );
        let by_wildcard = subscription(
            &mut pattern,
            &mut pattern_queue,
            Subscribe {
                r#match: Subscribe::MATCH_WILDCARD.into(),
                ..Subscribe::new(1, "com..order")
            },
        );
        let by_prefix = subscription(
            &mut pattern,
            &mut pattern_queue,
            Subscribe {
                r#match: Subscribe::MATCH_PREFIX.into(),
                ..Subscribe::new(2, "com.sh")
            },
        );
        assert!(by_topic != by_wildcard && by_wildcard != by_prefix);

        let publish = Publish {
            args: Some(vec![Value::from("tea")]),
            acknowledge: Some(true),
            ..Publish::new(3, "com.shop.order")
        };
        let reply = exchange(&mut publisher, &mut publisher_queue, publish.into());
        let Message::Published(published) = reply else {
            panic!("expected PUBLISHED, got {reply:?}")
        };

        let exact_event = event(&mut exact_queue, Format::Json);
        assert_eq!(
            (exact_event.subscription, exact_event.topic),
            (by_topic, None),
            "an exact subscriber knows the topic"
        );
        // one EVENT per matching subscription, each naming the topic
        let mut pattern_events: Vec<_> = (0..2)
            .map(|_| event(&mut pattern_queue, Format::Cbor))
            .map(|e| (e.subscription, e.topic, e.publication, e.args))
            .collect();
        pattern_events.sort_by_key(|e| e.0);
        let mut expected: Vec<_> = [by_wildcard, by_prefix]
            .map(|id| {
                let args = Some(vec![Value::from("tea")]);
                (
                    id,
                    Some("com.shop.order".to_owned()),
                    published.publication,
                    args,
                )
            })
            .into();
        expected.sort_by_key(|e| e.0);
        assert_eq!(pattern_events, expected);
        assert!(pattern_queue.try_recv().is_err());

        // a topic outside every pattern reaches nobody
        let publish = Publish::new(4, "org.shop.order");
        assert_eq!(
            publisher.handle(&Format::Msgpack.encode(&publish.into()).unwrap()),
            Flow::Continue
        );
        assert!(exact_queue.try_recv().is_err() && pattern_queue.try_recv().is_err());
    }

    #[test]
    fn welcome_announces_pattern_based_subscription() {
        let roles = router_roles();
        let broker = roles.get(&Role::Broker).expect("the broker role");
        assert_eq!(broker.get("pattern_based_subscription"), Some(&true));
    }
}
