//! The routing state of one realm, with no I/O: who is subscribed to what, who provides which
//! procedure, and which invocations await an answer. Everything here is plain data and a few
//! maps, so it is unit-tested below without sockets or a runtime.
//!
//! Matching is exact: a topic or procedure is looked up as the URI it is.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// A session ID (random, `1..=2^53`).
pub type SessionId = u64;

/// The largest WAMP ID, 2^53: IDs must be exactly representable as IEEE doubles.
pub const MAX_ID: u64 = 1 << 53;

/// A random ID in `1..=2^53`, for the global and router scopes (sessions, publications,
/// subscriptions, registrations).
pub fn random_id() -> u64 {
    rand::Rng::gen_range(&mut rand::thread_rng(), 1..=MAX_ID)
}

/// One subscription: a topic and the sessions subscribed to it, in subscription order.
#[derive(Debug)]
struct Subscription {
    id: u64,
    subscribers: Vec<SessionId>,
}

/// One registration: a procedure and the one session providing it.
#[derive(Debug)]
struct Registration {
    id: u64,
    callee: SessionId,
}

/// A CALL forwarded as an INVOCATION that has not been answered yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingCall {
    /// The caller's session.
    pub caller: SessionId,
    /// The caller's request ID of the CALL.
    pub call_request: u64,
}

/// Why a SUBSCRIBE, UNSUBSCRIBE, REGISTER or UNREGISTER was refused; each is the error URI the
/// router answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// REGISTER of a procedure someone provides already.
    ProcedureAlreadyExists,
    /// UNSUBSCRIBE of a subscription the session does not hold.
    NoSuchSubscription,
    /// UNREGISTER of a registration the session does not hold.
    NoSuchRegistration,
}

impl Refusal {
    /// The error URI of the refusal.
    pub fn uri(self) -> &'static str {
        match self {
            Refusal::ProcedureAlreadyExists => "wamp.error.procedure_already_exists",
            Refusal::NoSuchSubscription => "wamp.error.no_such_subscription",
            Refusal::NoSuchRegistration => "wamp.error.no_such_registration",
        }
    }
}

/// What is left to answer when a session leaves: the calls it was to answer as a callee (their
/// callers get an error).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Departure {
    /// The pending calls the departed session was the callee of.
    pub orphaned_calls: Vec<PendingCall>,
}

/// The routing state of one realm.
#[derive(Debug, Default)]
pub struct Realm {
    subscriptions: HashMap<String, Subscription>,
    topic_of_subscription: HashMap<u64, String>,
    registrations: HashMap<String, Registration>,
    procedure_of_registration: HashMap<u64, String>,
    /// Keyed by the callee and the INVOCATION's request ID (which is the callee session's
    /// scope).
    pending: HashMap<(SessionId, u64), PendingCall>,
}

impl Realm {
    /// Subscribes `session` to `topic`; returns the subscription ID, the same for every
    /// subscriber of the topic (and for a session subscribing twice).
    pub fn subscribe(&mut self, session: SessionId, topic: &str) -> u64 {
        let subscription = match self.subscriptions.entry(topic.to_owned()) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let id = unused_id(&self.topic_of_subscription);
                self.topic_of_subscription.insert(id, topic.to_owned());
                e.insert(Subscription {
                    id,
                    subscribers: Vec::new(),
                })
            }
        };
        if !subscription.subscribers.contains(&session) {
            subscription.subscribers.push(session);
        }
        subscription.id
    }

    /// Removes `session` from the subscription `id`; the subscription goes when its last
    /// subscriber does.
    pub fn unsubscribe(&mut self, session: SessionId, id: u64) -> Result<(), Refusal> {
        let topic = self
            .topic_of_subscription
            .get(&id)
            .ok_or(Refusal::NoSuchSubscription)?;
        let subscription = self
            .subscriptions
            .get_mut(topic)
            .ok_or(Refusal::NoSuchSubscription)?;
        let at = subscription
            .subscribers
            .iter()
            .position(|&s| s == session)
            .ok_or(Refusal::NoSuchSubscription)?;
        subscription.subscribers.remove(at);
        if subscription.subscribers.is_empty() {
            let topic = topic.clone();
            self.subscriptions.remove(&topic);
            self.topic_of_subscription.remove(&id);
        }
        Ok(())
    }

    /// The subscription ID of `topic` and its subscribers, if anyone is subscribed.
    pub fn subscribers(&self, topic: &str) -> Option<(u64, &[SessionId])> {
        self.subscriptions
            .get(topic)
            .map(|s| (s.id, s.subscribers.as_slice()))
    }

    /// Registers `procedure` for `session`; returns the registration ID.
    pub fn register(&mut self, session: SessionId, procedure: &str) -> Result<u64, Refusal> {
        match self.registrations.entry(procedure.to_owned()) {
            Entry::Occupied(_) => Err(Refusal::ProcedureAlreadyExists),
            Entry::Vacant(e) => {
                let id = unused_id(&self.procedure_of_registration);
                self.procedure_of_registration
                    .insert(id, procedure.to_owned());
                e.insert(Registration {
                    id,
                    callee: session,
                });
                Ok(id)
            }
        }
    }

    /// Removes the registration `id` of `session`.
    pub fn unregister(&mut self, session: SessionId, id: u64) -> Result<(), Refusal> {
        let procedure = self
            .procedure_of_registration
            .get(&id)
            .ok_or(Refusal::NoSuchRegistration)?;
        match self.registrations.get(procedure) {
            Some(r) if r.callee == session => {}
            _ => return Err(Refusal::NoSuchRegistration),
        }
        self.registrations.remove(procedure);
        self.procedure_of_registration.remove(&id);
        Ok(())
    }

    /// The registration ID of `procedure` and its callee, if anyone provides it.
    pub fn callee(&self, procedure: &str) -> Option<(u64, SessionId)> {
        self.registrations.get(procedure).map(|r| (r.id, r.callee))
    }

    /// Records that `call` was sent to `callee` as its INVOCATION `invocation_request`.
    pub fn start_call(&mut self, callee: SessionId, invocation_request: u64, call: PendingCall) {
        self.pending.insert((callee, invocation_request), call);
    }

    /// The call `callee`'s INVOCATION `invocation_request` carried, which the answer closes
    /// unless it is progressive; `None` when there is no such call (its caller left).
    pub fn answer_call(
        &mut self,
        callee: SessionId,
        invocation_request: u64,
        progressive: bool,
    ) -> Option<PendingCall> {
        let key = (callee, invocation_request);
        if progressive {
            self.pending.get(&key).copied()
        } else {
            self.pending.remove(&key)
        }
    }

    /// Removes every trace of `session`: its subscriptions, its registrations, the calls it
    /// made (their answers will be dropped) and the calls it was to answer (returned, so that
    /// their callers get an error).
    pub fn leave(&mut self, session: SessionId) -> Departure {
        let held: Vec<u64> = self
            .subscriptions
            .values()
            .filter(|s| s.subscribers.contains(&session))
            .map(|s| s.id)
            .collect();
        for id in held {
            // the subscription was just found holding the session
            let _ = self.unsubscribe(session, id);
        }
        let provided: Vec<u64> = self
            .registrations
            .values()
            .filter(|r| r.callee == session)
            .map(|r| r.id)
            .collect();
        for id in provided {
            let _ = self.unregister(session, id);
        }
        let mut orphaned_calls = Vec::new();
        self.pending.retain(|&(callee, _), call| {
            if callee == session {
                orphaned_calls.push(*call);
            }
            callee != session && call.caller != session
        });
        orphaned_calls.retain(|call| call.caller != session);
        Departure { orphaned_calls }
    }

    /// Whether the realm holds no subscription, registration or pending call.
    #[cfg(test)]
    fn is_idle(&self) -> bool {
        self.subscriptions.is_empty() && self.registrations.is_empty() && self.pending.is_empty()
    }
}

/// A random ID not yet a key of `taken`.
fn unused_id<V>(taken: &HashMap<u64, V>) -> u64 {
    loop {
        let id = random_id();
        if !taken.contains_key(&id) {
            return id;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscribers_of_a_topic_share_one_subscription() {
        let mut realm = Realm::default();
        let a = realm.subscribe(1, "com.t");
        assert_eq!(realm.subscribe(2, "com.t"), a);
        assert_eq!(realm.subscribe(1, "com.t"), a, "subscribing twice");
        assert_ne!(realm.subscribe(1, "com.other"), a);
        assert_eq!(realm.subscribers("com.t"), Some((a, &[1, 2][..])));
        assert!((1..=MAX_ID).contains(&a));
        assert_eq!(realm.subscribers("com.t.sub"), None, "exact match only");
    }

    #[test]
    fn unsubscribe_removes_one_subscriber_and_then_the_subscription() {
        let mut realm = Realm::default();
        let id = realm.subscribe(1, "com.t");
        realm.subscribe(2, "com.t");
        assert_eq!(realm.unsubscribe(3, id), Err(Refusal::NoSuchSubscription));
        assert_eq!(realm.unsubscribe(1, id), Ok(()));
        assert_eq!(realm.unsubscribe(1, id), Err(Refusal::NoSuchSubscription));
        assert_eq!(realm.subscribers("com.t"), Some((id, &[2][..])));
        assert_eq!(realm.unsubscribe(2, id), Ok(()));
        assert_eq!(realm.subscribers("com.t"), None);
        assert_eq!(realm.unsubscribe(2, id), Err(Refusal::NoSuchSubscription));
        assert!(realm.is_idle());
    }

    #[test]
    fn a_procedure_has_one_callee() {
        let mut realm = Realm::default();
        let id = realm.register(1, "com.p").unwrap();
        assert_eq!(
            realm.register(2, "com.p"),
            Err(Refusal::ProcedureAlreadyExists)
        );
        assert_eq!(
            Refusal::ProcedureAlreadyExists.uri(),
            "wamp.error.procedure_already_exists"
        );
        assert_eq!(realm.callee("com.p"), Some((id, 1)));
        assert_eq!(realm.unregister(2, id), Err(Refusal::NoSuchRegistration));
        assert_eq!(realm.unregister(1, id), Ok(()));
        assert_eq!(realm.callee("com.p"), None);
        assert!(realm.register(2, "com.p").is_ok(), "free again");
    }

    #[test]
    fn calls_are_answered_once_unless_progressive() {
        let mut realm = Realm::default();
        let call = PendingCall {
            caller: 1,
            call_request: 7,
        };
        realm.start_call(2, 1, call);
        assert_eq!(realm.answer_call(2, 1, true), Some(call));
        assert_eq!(realm.answer_call(3, 1, false), None, "another callee");
        assert_eq!(realm.answer_call(2, 1, false), Some(call));
        assert_eq!(realm.answer_call(2, 1, false), None);
    }

    #[test]
    fn leaving_clears_the_session_and_returns_its_orphaned_calls() {
        let mut realm = Realm::default();
        realm.subscribe(2, "com.t");
        realm.register(2, "com.p").unwrap();
        let orphan = PendingCall {
            caller: 1,
            call_request: 5,
        };
        realm.start_call(2, 1, orphan);
        // a call session 2 made itself, to callee 3: its answer is dropped
        realm.start_call(
            3,
            1,
            PendingCall {
                caller: 2,
                call_request: 9,
            },
        );
        let departure = realm.leave(2);
        assert_eq!(departure.orphaned_calls, vec![orphan]);
        assert_eq!(realm.subscribers("com.t"), None);
        assert_eq!(realm.callee("com.p"), None);
        assert_eq!(realm.answer_call(3, 1, false), None);
        assert!(realm.is_idle());
    }
}
