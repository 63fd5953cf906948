//! The routing state of one realm, with no I/O: who is subscribed to what, who provides which
//! procedure, and which invocations await an answer. Everything here is plain data and a few
//! maps, so it is unit-tested below without sockets or a runtime.
//!
//! A procedure is looked up as the URI it is. A subscription matches topics by its policy
//! ([`Policy`], SUBSCRIBE's `match`): exact subscriptions are looked up by the topic, prefix
//! and wildcard ones are tried one by one (the broker is built for many subscribers on a few
//! patterns, not for many patterns).

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use wamp_codec::Subscribe;

/// A session ID (random, `1..=2^53`).
pub type SessionId = u64;

/// The largest WAMP ID, 2^53: IDs must be exactly representable as IEEE doubles.
pub const MAX_ID: u64 = 1 << 53;

/// A random ID in `1..=2^53`, for the global and router scopes (sessions, publications,
/// subscriptions, registrations).
pub fn random_id() -> u64 {
    rand::Rng::gen_range(&mut rand::thread_rng(), 1..=MAX_ID)
}

/// How a subscription's topic matches the topics of publications: SUBSCRIBE's `match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Policy {
    /// The topic itself.
    Exact,
    /// Every topic starting with the pattern, as a string: `com.a` matches `com.a.b` and
    /// `com.ab`.
    Prefix,
    /// Every topic with as many components as the pattern, each equal to the pattern's or
    /// matched by an empty one: `com..create` matches `com.shop.create`.
    Wildcard,
}

impl Policy {
    /// Every policy and the name SUBSCRIBE's `match` gives it.
    const NAMED: [(Policy, &'static str); 3] = [
        (Policy::Exact, Subscribe::MATCH_EXACT),
        (Policy::Prefix, Subscribe::MATCH_PREFIX),
        (Policy::Wildcard, Subscribe::MATCH_WILDCARD),
    ];

    /// The policy SUBSCRIBE's `match` names, if it is one.
    pub fn from_name(name: &str) -> Option<Policy> {
        Policy::NAMED
            .iter()
            .find(|&&(_, n)| n == name)
            .map(|&(policy, _)| policy)
    }

    /// The slot of the policy in per-policy arrays.
    const fn slot(self) -> usize {
        self as usize
    }

    /// Whether a subscription to `pattern` under this policy receives publications to `topic`.
    pub fn matches(self, pattern: &str, topic: &str) -> bool {
        match self {
            Policy::Exact => pattern == topic,
            Policy::Prefix => topic.starts_with(pattern),
            Policy::Wildcard => {
                let (mut wanted, mut given) = (pattern.split('.'), topic.split('.'));
                loop {
                    match (wanted.next(), given.next()) {
                        (None, None) => return true,
                        (Some(w), Some(g)) if w.is_empty() || w == g => {}
                        _ => return false,
                    }
                }
            }
        }
    }
}

/// A subscription matching a publication's topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched<'a> {
    /// The subscription ID.
    pub id: u64,
    /// How it matched (the EVENT of a pattern-based subscription names the topic).
    pub policy: Policy,
    /// The sessions subscribed, in subscription order.
    pub subscribers: &'a [SessionId],
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
    /// Per policy ([`Policy::slot`]), by topic or pattern.
    subscriptions: [HashMap<String, Subscription>; 3],
    topic_of_subscription: HashMap<u64, (Policy, String)>,
    registrations: HashMap<String, Registration>,
    procedure_of_registration: HashMap<u64, String>,
    /// Keyed by the callee and the INVOCATION's request ID (which is the callee session's
    /// scope).
    pending: HashMap<(SessionId, u64), PendingCall>,
}

impl Realm {
    /// Subscribes `session` to `topic` under `policy`; returns the subscription ID, the same
    /// for every subscriber of the topic and policy (and for a session subscribing twice).
    pub fn subscribe(&mut self, session: SessionId, topic: &str, policy: Policy) -> u64 {
        let subscription = match self.subscriptions[policy.slot()].entry(topic.to_owned()) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let id = unused_id(&self.topic_of_subscription);
                self.topic_of_subscription
                    .insert(id, (policy, topic.to_owned()));
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
        let (policy, topic) = self
            .topic_of_subscription
            .get(&id)
            .ok_or(Refusal::NoSuchSubscription)?;
        let subscriptions = &mut self.subscriptions[policy.slot()];
        let subscription = subscriptions
            .get_mut(topic)
            .ok_or(Refusal::NoSuchSubscription)?;
        let at = subscription
            .subscribers
            .iter()
            .position(|&s| s == session)
            .ok_or(Refusal::NoSuchSubscription)?;
        subscription.subscribers.remove(at);
        if subscription.subscribers.is_empty() {
            subscriptions.remove(topic);
            self.topic_of_subscription.remove(&id);
        }
        Ok(())
    }

    /// The subscriptions a publication to `topic` goes to: the exact one, then those by
    /// prefix, then those by wildcard.
    pub fn matching<'a>(&'a self, topic: &'a str) -> impl Iterator<Item = Matched<'a>> + 'a {
        let [exact, prefix, wildcard] = &self.subscriptions;
        let found = |policy: Policy| {
            move |(pattern, s): (&String, &'a Subscription)| {
                policy.matches(pattern, topic).then_some(Matched {
                    id: s.id,
                    policy,
                    subscribers: &s.subscribers,
                })
            }
        };
        let exact = exact.get_key_value(topic).and_then(found(Policy::Exact));
        exact
            .into_iter()
            .chain(prefix.iter().filter_map(found(Policy::Prefix)))
            .chain(wildcard.iter().filter_map(found(Policy::Wildcard)))
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
            .iter()
            .flat_map(HashMap::values)
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
        self.subscriptions.iter().all(HashMap::is_empty)
            && self.registrations.is_empty()
            && self.pending.is_empty()
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
    use std::collections::HashSet;

    use super::*;

    /// The subscriptions a publication to `topic` goes to: (ID, policy, subscribers).
    fn matching(realm: &Realm, topic: &str) -> Vec<(u64, Policy, Vec<SessionId>)> {
        realm
            .matching(topic)
            .map(|m| (m.id, m.policy, m.subscribers.to_vec()))
            .collect()
    }

    #[test]
    fn the_match_names_of_subscribe() {
        assert_eq!(Policy::from_name("exact"), Some(Policy::Exact));
        assert_eq!(Policy::from_name("prefix"), Some(Policy::Prefix));
        assert_eq!(Policy::from_name("wildcard"), Some(Policy::Wildcard));
        assert_eq!(Policy::from_name("regex"), None);
        assert_eq!(Policy::from_name(""), None);
    }

    #[test]
    fn prefix_and_wildcard_policies() {
        // the examples of the WAMP specification's pattern-based subscriptions
        let prefix = |topic| Policy::Prefix.matches("com.myapp.topic.emergency", topic);
        assert!(prefix("com.myapp.topic.emergency.11"));
        assert!(prefix("com.myapp.topic.emergency-low"));
        assert!(prefix("com.myapp.topic.emergency"));
        assert!(!prefix("com.myapp.topic.emerge"));
        assert!(Policy::Prefix.matches("", "com.any"), "the empty prefix");
        let wildcard = |topic| Policy::Wildcard.matches("com.myapp..userevent", topic);
        assert!(wildcard("com.myapp.foo.userevent"));
        assert!(wildcard("com.myapp.bar.userevent"));
        assert!(wildcard("com.myapp.a12.userevent"));
        assert!(
            !wildcard("com.myapp.foo.bar.userevent"),
            "one component per empty one"
        );
        assert!(!wildcard("com.myapp.userevent"));
        assert!(!wildcard("com.myapp.foo.userevent.x"));
        assert!(!wildcard("org.myapp.foo.userevent"));
        assert!(Policy::Wildcard.matches("..", "a.b.c"));
        assert!(!Policy::Exact.matches("com.t", "com.t.sub"));
    }

    #[test]
    fn a_publication_goes_to_every_matching_subscription() {
        let mut realm = Realm::default();
        let exact = realm.subscribe(1, "com.shop.order.create", Policy::Exact);
        let prefix = realm.subscribe(2, "com.shop", Policy::Prefix);
        let wildcard = realm.subscribe(1, "com..create", Policy::Wildcard);
        realm.subscribe(3, "com.shop", Policy::Prefix);
        // the same URI under another policy is another subscription
        let exact_shop = realm.subscribe(2, "com.shop", Policy::Exact);
        assert_eq!(
            HashSet::from([exact, prefix, wildcard, exact_shop]).len(),
            4,
            "an ID per topic and policy"
        );
        assert_eq!(
            matching(&realm, "com.shop.order.create"),
            [
                (exact, Policy::Exact, vec![1]),
                (prefix, Policy::Prefix, vec![2, 3])
            ]
        );
        assert_eq!(
            matching(&realm, "com.shop.create"),
            [
                (prefix, Policy::Prefix, vec![2, 3]),
                (wildcard, Policy::Wildcard, vec![1])
            ]
        );
        assert_eq!(
            matching(&realm, "com.shop"),
            [
                (exact_shop, Policy::Exact, vec![2]),
                (prefix, Policy::Prefix, vec![2, 3])
            ]
        );
        assert_eq!(matching(&realm, "org.shop.x.create"), []);
        // leaving takes the session out of every policy's subscriptions
        realm.leave(1);
        assert_eq!(
            matching(&realm, "com.shop.x.create"),
            [(prefix, Policy::Prefix, vec![2, 3])]
        );
        assert_eq!(realm.unsubscribe(2, prefix), Ok(()));
        assert_eq!(realm.unsubscribe(3, prefix), Ok(()));
        assert_eq!(realm.unsubscribe(2, exact_shop), Ok(()));
        assert!(realm.is_idle());
    }

    #[test]
    fn subscribers_of_a_topic_share_one_subscription() {
        let mut realm = Realm::default();
        let a = realm.subscribe(1, "com.t", Policy::Exact);
        assert_eq!(realm.subscribe(2, "com.t", Policy::Exact), a);
        assert_eq!(
            realm.subscribe(1, "com.t", Policy::Exact),
            a,
            "subscribing twice"
        );
        assert_ne!(realm.subscribe(1, "com.other", Policy::Exact), a);
        assert_eq!(matching(&realm, "com.t"), [(a, Policy::Exact, vec![1, 2])]);
        assert!((1..=MAX_ID).contains(&a));
        assert_eq!(matching(&realm, "com.t.sub"), [], "exact match only");
    }

    #[test]
    fn unsubscribe_removes_one_subscriber_and_then_the_subscription() {
        let mut realm = Realm::default();
        let id = realm.subscribe(1, "com.t", Policy::Exact);
        realm.subscribe(2, "com.t", Policy::Exact);
        assert_eq!(realm.unsubscribe(3, id), Err(Refusal::NoSuchSubscription));
        assert_eq!(realm.unsubscribe(1, id), Ok(()));
        assert_eq!(realm.unsubscribe(1, id), Err(Refusal::NoSuchSubscription));
        assert_eq!(matching(&realm, "com.t"), [(id, Policy::Exact, vec![2])]);
        assert_eq!(realm.unsubscribe(2, id), Ok(()));
        assert_eq!(matching(&realm, "com.t"), []);
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
        realm.subscribe(2, "com.t", Policy::Exact);
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
        assert_eq!(matching(&realm, "com.t"), []);
        assert_eq!(realm.callee("com.p"), None);
        assert_eq!(realm.answer_call(3, 1, false), None);
        assert!(realm.is_idle());
    }
}
