//! Session messages: HELLO, WELCOME, ABORT, CHALLENGE, AUTHENTICATE, GOODBYE, and ERROR (the
//! reply shared by both patterns; the type is [`ErrorReply`] so that it does not shadow the
//! crate's error types).

use std::borrow::Cow;

use indexmap::IndexMap;

use crate::error::{FieldRole, ValidationError};
use crate::message::pubsub::has_payload;
use crate::message::Head;
use crate::message::{
    correlation_accessors, extra, forward_for_value, joined, validate_with_payload, AppPayload,
    Correlation, Extra, Id, KeyLocation, PayloadRef, PayloadStyle, Principal, WampMessage, Wmsg,
};
use crate::messages::MessageType;
use crate::validate::{is_custom_attribute, UriRule};
use crate::value::{Dict, Value};

// ---- roles ----

/// A WAMP role: the client roles a HELLO announces, or the router roles a WELCOME announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Client: receives events.
    Subscriber,
    /// Client: publishes events.
    Publisher,
    /// Client: calls procedures.
    Caller,
    /// Client: provides procedures.
    Callee,
    /// Router: routes events.
    Broker,
    /// Router: routes calls.
    Dealer,
}

/// A role's feature flags, keyed by feature name (`progressive_call_results`, `x_my_feature`).
///
/// Any name may be set, and every one set is written: the features autobahn knows for the role
/// ([`Role::features`]) first, in autobahn's order, then the others in insertion order. Parsing
/// keeps the same: the known features (which must be booleans) and every other one whose value
/// is a boolean (autobahn drops those; a non-boolean one, which this type cannot hold, is
/// ignored as autobahn ignores it). FlatBuffers, whose schema has a fixed table of features per
/// role, refuses a message with an unknown one, naming it.
pub type Features = IndexMap<Cow<'static, str>, bool>;

/// The roles a peer announces, in order, each with its features: a map from [`Role`] to
/// [`Features`] (it dereferences to an [`IndexMap`]), with the announcements of the usual peers
/// as presets.
///
/// ```
/// use wamp_codec::{Role, Roles};
///
/// let roles = Roles::autobahn_client();
/// assert_eq!(roles.get(&Role::Caller).unwrap().get("progressive_call_results"), Some(&true));
/// let mine = Roles::new().with(Role::Subscriber, ["pattern_based_subscription", "x_my_feature"]);
/// assert_eq!(mine[&Role::Subscriber].get("x_my_feature"), Some(&true));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Roles(IndexMap<Role, Features>);

/// One preset: each role with the features it sets to `true`.
type RolesTable = [(Role, &'static [&'static str])];

/// What autobahn-python 26.10.2's `ApplicationSession` announces in HELLO (its
/// `role.DEFAULT_CLIENT_ROLES`).
const AUTOBAHN_CLIENT: &RolesTable = &[
    (
        Role::Subscriber,
        &[
            "publisher_identification",
            "pattern_based_subscription",
            "subscription_revocation",
            "payload_transparency",
            "payload_encryption_cryptobox",
        ],
    ),
    // every publisher feature autobahn knows
    (Role::Publisher, Role::Publisher.features()),
    (
        Role::Caller,
        &[
            "caller_identification",
            "call_canceling",
            "progressive_call_results",
            "payload_transparency",
            "payload_encryption_cryptobox",
        ],
    ),
    (
        Role::Callee,
        &[
            "caller_identification",
            "pattern_based_registration",
            "shared_registration",
            "call_canceling",
            "progressive_call_results",
            "registration_revocation",
            "payload_transparency",
            "payload_encryption_cryptobox",
        ],
    ),
];

/// What Crossbar.io's router announces in WELCOME (the broker's and the dealer's role
/// features its router and proxy workers set).
const CROSSBAR_ROUTER: &RolesTable = &[
    (
        Role::Broker,
        &[
            "publisher_identification",
            "pattern_based_subscription",
            "session_meta_api",
            "subscription_meta_api",
            "subscriber_blackwhite_listing",
            "publisher_exclusion",
            "subscription_revocation",
            "payload_transparency",
            "payload_encryption_cryptobox",
            "event_retention",
        ],
    ),
    (
        Role::Dealer,
        &[
            "caller_identification",
            "pattern_based_registration",
            "session_meta_api",
            "registration_meta_api",
            "shared_registration",
            "call_canceling",
            "progressive_call_results",
            "registration_revocation",
            "payload_transparency",
            "testament_meta_api",
            "payload_encryption_cryptobox",
        ],
    ),
];

impl Roles {
    /// No roles (a HELLO or WELCOME needs at least one).
    pub fn new() -> Roles {
        Roles::default()
    }

    /// The roles autobahn-python's `ApplicationSession` announces in HELLO (autobahn 26.10.2's
    /// `DEFAULT_CLIENT_ROLES`): all four client roles, with the features autobahn implements.
    pub fn autobahn_client() -> Roles {
        Roles::from_table(AUTOBAHN_CLIENT)
    }

    /// The roles Crossbar.io announces in WELCOME: broker and dealer, with the features it
    /// implements (session and subscription/registration meta APIs, pattern-based
    /// subscriptions and registrations, revocation, event retention, ...).
    pub fn crossbar_router() -> Roles {
        Roles::from_table(CROSSBAR_ROUTER)
    }

    /// These roles and `role` with `features` set to `true` (added to those it has, if it is
    /// there already). A feature is any name: `"call_canceling"`, `"x_my_feature"`, a `String`.
    pub fn with<F: Into<Cow<'static, str>>>(
        mut self,
        role: Role,
        features: impl IntoIterator<Item = F>,
    ) -> Roles {
        let on = features.into_iter().map(|f| (f.into(), true));
        self.entry(role).or_default().extend(on);
        self
    }

    fn from_table(table: &RolesTable) -> Roles {
        table.iter().fold(Roles::new(), |roles, &(role, features)| {
            roles.with(role, features.iter().copied())
        })
    }
}

impl core::ops::Deref for Roles {
    type Target = IndexMap<Role, Features>;
    fn deref(&self) -> &IndexMap<Role, Features> {
        &self.0
    }
}

impl core::ops::DerefMut for Roles {
    fn deref_mut(&mut self) -> &mut IndexMap<Role, Features> {
        &mut self.0
    }
}

impl From<IndexMap<Role, Features>> for Roles {
    fn from(roles: IndexMap<Role, Features>) -> Roles {
        Roles(roles)
    }
}

impl<const N: usize> From<[(Role, Features); N]> for Roles {
    fn from(roles: [(Role, Features); N]) -> Roles {
        Roles(IndexMap::from(roles))
    }
}

impl FromIterator<(Role, Features)> for Roles {
    fn from_iter<I: IntoIterator<Item = (Role, Features)>>(iter: I) -> Roles {
        Roles(iter.into_iter().collect())
    }
}

impl IntoIterator for Roles {
    type Item = (Role, Features);
    type IntoIter = indexmap::map::IntoIter<Role, Features>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Roles {
    type Item = (&'a Role, &'a Features);
    type IntoIter = indexmap::map::Iter<'a, Role, Features>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Role {
    /// The roles a client may announce in HELLO.
    pub const CLIENT: [Role; 4] = [
        Role::Subscriber,
        Role::Publisher,
        Role::Caller,
        Role::Callee,
    ];
    /// The roles a router may announce in WELCOME.
    pub const ROUTER: [Role; 2] = [Role::Broker, Role::Dealer];

    /// The role's name on the wire (`"subscriber"`).
    pub const fn name(self) -> &'static str {
        match self {
            Role::Subscriber => "subscriber",
            Role::Publisher => "publisher",
            Role::Caller => "caller",
            Role::Callee => "callee",
            Role::Broker => "broker",
            Role::Dealer => "dealer",
        }
    }

    /// The role named `name`, if any.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::CLIENT
            .into_iter()
            .chain(Role::ROUTER)
            .find(|r| r.name() == name)
    }

    /// Whether `feature` is one of the role's [`Role::features`].
    pub fn knows(self, feature: &str) -> bool {
        self.features().contains(&feature)
    }

    /// The features autobahn knows for the role, in its declaration order (autobahn's
    /// `Role*Features` classes).
    pub const fn features(self) -> &'static [&'static str] {
        match self {
            Role::Subscriber => &[
                "publisher_identification",
                "publication_trustlevels",
                "pattern_based_subscription",
                "subscription_revocation",
                "event_history",
                "payload_transparency",
                "payload_encryption_cryptobox",
            ],
            Role::Publisher => &[
                "publisher_identification",
                "subscriber_blackwhite_listing",
                "publisher_exclusion",
                "payload_transparency",
                "x_acknowledged_event_delivery",
                "payload_encryption_cryptobox",
            ],
            Role::Caller => &[
                "caller_identification",
                "call_timeout",
                "call_canceling",
                "progressive_call_results",
                "payload_transparency",
                "payload_encryption_cryptobox",
            ],
            Role::Callee => &[
                "caller_identification",
                "call_trustlevels",
                "pattern_based_registration",
                "shared_registration",
                "call_timeout",
                "call_canceling",
                "progressive_call_results",
                "registration_revocation",
                "payload_transparency",
                "payload_encryption_cryptobox",
            ],
            Role::Broker => &[
                "publisher_identification",
                "publication_trustlevels",
                "pattern_based_subscription",
                "session_meta_api",
                "subscription_meta_api",
                "subscriber_blackwhite_listing",
                "publisher_exclusion",
                "subscription_revocation",
                "event_history",
                "payload_transparency",
                "x_acknowledged_event_delivery",
                "payload_encryption_cryptobox",
                "event_retention",
            ],
            Role::Dealer => &[
                "caller_identification",
                "call_trustlevels",
                "pattern_based_registration",
                "session_meta_api",
                "registration_meta_api",
                "shared_registration",
                "call_timeout",
                "call_canceling",
                "progressive_call_results",
                "registration_revocation",
                "payload_transparency",
                "testament_meta_api",
                "payload_encryption_cryptobox",
            ],
        }
    }
}

/// The mandatory `roles` detail of HELLO and WELCOME, checked as autobahn checks it: a non-empty
/// dict of `allowed` role names to dicts, whose optional `features` is a dict; known features
/// must be bool (or null, which is dropped). Unknown features are kept when bool (autobahn
/// drops them all; see [`Features`]), ignored otherwise.
fn parse_roles(details: &Extra, allowed: &[Role]) -> Result<Roles, ValidationError> {
    const KEY: &str = "roles";
    let raw = details
        .get(KEY)
        .ok_or_else(|| details.error(KEY, "missing mandatory roles attribute"))?;
    let raw = raw.as_map().ok_or_else(|| {
        details.error(
            KEY,
            format!("invalid type {} for WAMP extra", raw.type_name()),
        )
    })?;
    if raw.is_empty() {
        return Err(details.error(KEY, "empty 'roles'"));
    }
    let mut roles = Roles::new();
    for (name, value) in raw {
        let role = Role::from_name(name)
            .filter(|r| allowed.contains(r))
            .ok_or_else(|| details.error(KEY, format!("invalid role '{name}'")))?;
        let invalid = |what: &str, v: &Value| {
            let kind = v.type_name();
            details.error(KEY, format!("invalid type {kind} for {what}role '{name}'"))
        };
        let body = value.as_map().ok_or_else(|| invalid("", value))?;
        let mut features = Features::new();
        if let Some(raw_features) = body.get("features") {
            let raw_features = raw_features
                .as_map()
                .ok_or_else(|| invalid("'features' in ", raw_features))?;
            for &feature in role.features() {
                match raw_features.get(feature) {
                    None | Some(Value::Null) => {}
                    Some(Value::Bool(b)) => {
                        features.insert(Cow::Borrowed(feature), *b);
                    }
                    Some(v) => return Err(invalid(&format!("feature '{feature}' of "), v)),
                }
            }
            for (name, value) in raw_features {
                if let (Value::Bool(b), false) = (value, role.knows(name)) {
                    features.insert(Cow::Owned(name.to_owned()), *b);
                }
            }
        }
        roles.insert(role, features);
    }
    Ok(roles)
}

/// Marshals `roles` as autobahn does: `{role: {}}`, or `{role: {"features": {...}}}` when any
/// feature is set: the known ones in autobahn's order, then the others as inserted.
fn roles_value(roles: &Roles) -> Value {
    let role = |(role, features): (&Role, &Features)| {
        let known = role
            .features()
            .iter()
            .filter_map(|&f| Some((f.to_owned(), Value::Bool(*features.get(f)?))));
        let unknown = features
            .iter()
            .filter(|(f, _)| !role.knows(f))
            .map(|(f, &on)| (f.clone().into_owned(), Value::Bool(on)));
        let set: Dict = known.chain(unknown).collect();
        let mut body = Dict::new();
        if !set.is_empty() {
            body.insert("features", Value::Map(set));
        }
        (role.name().to_owned(), Value::Map(body))
    };
    Value::Map(roles.iter().map(role).collect())
}

/// The value if Python would call it true (`if self.x:`), for marshalling.
fn truthy<T: Clone + Into<Value>>(v: &Option<T>) -> Option<Value> {
    v.clone().map(Into::into).filter(Value::is_truthy)
}

/// A detail read with `read`, where `null` counts as absent (autobahn's `details.get(key)`).
fn or_null<T>(
    details: &mut Extra,
    key: &'static str,
    read: impl FnOnce(&mut Extra, &'static str) -> Result<Option<T>, ValidationError>,
) -> Result<Option<T>, ValidationError> {
    match details.get(key) {
        Some(Value::Null) => Ok(None),
        _ => read(details, key),
    }
}

// ---- HELLO ----

/// A client asks to join a realm.
///
/// `[HELLO, Realm|uri, Details|dict]`
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[1, "realm1", {"roles": {"subscriber": {}, "publisher": {}}}]"#;
/// let Message::Hello(hello) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(hello.realm.as_deref(), Some("realm1"));
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hello {
    /// The realm to join; `None` lets the router choose.
    pub realm: Option<String>,
    /// The client roles and their features (at least one).
    pub roles: Roles,
    /// The authentication methods the client offers.
    pub authmethods: Option<Vec<String>>,
    /// The authentication ID the client asks for.
    pub authid: Option<String>,
    /// The authentication role the client asks for.
    pub authrole: Option<String>,
    /// Authentication-method specific data (`pubkey`, `channel_binding`, ...).
    pub authextra: Option<Dict>,
    /// Whether the client wants a session it can resume later.
    pub resumable: Option<bool>,
    /// The session the client wants to resume (`resume-session` on the wire).
    pub resume_session: Option<Id>,
    /// The token authorising the resumption (`resume-token` on the wire).
    pub resume_token: Option<String>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Hello {
    /// A HELLO for `realm` announcing `roles`, with no authentication details.
    pub fn new(realm: Option<String>, roles: Roles) -> Hello {
        Hello {
            realm,
            roles,
            ..Hello::default()
        }
    }

    /// A `resume-session` (other than 0) needs a `resume-token`.
    pub(crate) fn check_resume(
        resume_session: Option<Id>,
        has_token: bool,
        details: KeyLocation,
    ) -> Result<(), ValidationError> {
        if !has_token && resume_session.is_some_and(|s| s != 0) {
            return Err(details.error(
                "resume-token",
                "must be provided if resume-session is provided",
            ));
        }
        Ok(())
    }

    fn details(&self) -> Dict {
        let mut details = Dict::new();
        details.insert("roles", roles_value(&self.roles));
        details.extend(extra! {
            "authmethods" => self.authmethods.clone(),
            "authid" => self.authid.clone(),
            "authrole" => self.authrole.clone(),
            "authextra" => self.authextra.clone(),
            "resumable" => self.resumable,
            "resume-session" => self.resume_session,
            "resume-token" => self.resume_token.clone(),
        });
        details
    }
}

impl WampMessage for Hello {
    const MESSAGE_TYPE: u64 = 1;
    const NAME: &'static str = "HELLO";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[3])?;
        let realm = w.uri(1, "realm", UriRule::LOOSE.or_none())?;
        let mut details = w.extra(2, "details", FieldRole::Detail)?;
        let roles = parse_roles(&details, &Role::CLIENT)?;
        let mut msg = Hello {
            realm,
            roles,
            authmethods: details.str_list("authmethods")?,
            authid: details.string("authid")?,
            authrole: details.string("authrole")?,
            authextra: details.map("authextra")?,
            resumable: details.bool("resumable")?,
            resume_session: details.id("resume-session")?,
            ..Hello::default()
        };
        msg.resume_token = details.string("resume-token")?;
        Hello::check_resume(
            msg.resume_session,
            msg.resume_token.is_some(),
            details.location(),
        )?;
        Ok(msg)
    }

    fn marshal(&self) -> Vec<Value> {
        vec![
            Value::Int(Self::MESSAGE_TYPE as i64),
            Value::from(self.realm.clone()),
            Value::Map(self.details()),
        ]
    }

    correlation_accessors!();
}

// ---- WELCOME ----

/// A router accepts a client's HELLO: the session is open.
///
/// `[WELCOME, Session|id, Details|dict]`
///
/// Autobahn does not type-check `realm`, `authid`, `authrole`, `authmethod`, `authprovider` and
/// `authextra` in `parse` but asserts their types in the constructor; here a wrong type is a
/// protocol error, and `null` counts as absent, as in autobahn.
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[2, 9129137332, {"roles": {"broker": {}}}]"#;
/// let Message::Welcome(welcome) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(welcome.session, 9129137332);
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Welcome {
    /// The session ID the router assigned.
    pub session: Id,
    /// The router roles and their features (at least one).
    pub roles: Roles,
    /// The realm the session joined.
    pub realm: Option<String>,
    /// The authentication ID assigned.
    pub authid: Option<String>,
    /// The authentication role assigned.
    pub authrole: Option<String>,
    /// The authentication method used.
    ///
    /// As autobahn does, `marshal` writes it exactly when `authrole` is non-empty (as `null`
    /// if unset), whether or not it is set itself.
    pub authmethod: Option<String>,
    /// The authentication provider used.
    pub authprovider: Option<String>,
    /// Authentication-method specific data for the client.
    pub authextra: Option<Dict>,
    /// Whether the session is a resumed one.
    pub resumed: Option<bool>,
    /// Whether the session can be resumed later.
    pub resumable: Option<bool>,
    /// The token to resume the session with.
    pub resume_token: Option<String>,
    /// Implementation-specific `x_*` attributes, written first in the details.
    pub custom: Dict,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Welcome {
    /// A WELCOME into session `session` announcing `roles`, with no other details.
    pub fn new(session: Id, roles: Roles) -> Welcome {
        Welcome {
            session,
            roles,
            ..Welcome::default()
        }
    }

    /// `resumable: true` needs a `resume_token`.
    pub(crate) fn check_resume(
        resumable: Option<bool>,
        has_token: bool,
        details: KeyLocation,
    ) -> Result<(), ValidationError> {
        if !has_token && resumable == Some(true) {
            return Err(details.error("resume_token", "required when resumable is given"));
        }
        Ok(())
    }

    fn details(&self) -> Dict {
        let mut details = self.custom.clone();
        details.extend(extra! {
            "realm" => truthy(&self.realm),
            "authid" => truthy(&self.authid),
            "authrole" => truthy(&self.authrole),
        });
        // Autobahn's marshal tests `authrole`, not `authmethod`, for this key.
        if details.contains_key("authrole") {
            details.insert("authmethod", Value::from(self.authmethod.clone()));
        }
        details.extend(extra! {
            "authprovider" => truthy(&self.authprovider),
            "authextra" => truthy(&self.authextra),
            "resumed" => truthy(&self.resumed),
            "resumable" => truthy(&self.resumable),
            "resume_token" => truthy(&self.resume_token),
        });
        details.insert("roles", roles_value(&self.roles));
        details
    }
}

impl WampMessage for Welcome {
    const MESSAGE_TYPE: u64 = 2;
    const NAME: &'static str = "WELCOME";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[3])?;
        let session = w.id(1, "session")?;
        let mut details = w.extra(2, "details", FieldRole::Detail)?;
        let resumed = details.bool("resumed")?;
        let resumable = details.bool("resumable")?;
        let resume_token = details.string("resume_token")?;
        Welcome::check_resume(resumable, resume_token.is_some(), details.location())?;
        let roles = parse_roles(&details, &Role::ROUTER)?;
        let mut msg = Welcome {
            session,
            roles,
            realm: or_null(&mut details, "realm", Extra::string)?,
            authid: or_null(&mut details, "authid", Extra::string)?,
            authrole: or_null(&mut details, "authrole", Extra::string)?,
            authmethod: or_null(&mut details, "authmethod", Extra::string)?,
            authprovider: or_null(&mut details, "authprovider", Extra::string)?,
            authextra: or_null(&mut details, "authextra", Extra::map)?,
            resumed,
            resumable,
            resume_token,
            custom: Dict::new(),
            correlation: Correlation::default(),
        };
        // Last, as the keys read above are taken out of `details` (none of them is `x_*`).
        msg.custom = details
            .into_dict()
            .into_iter()
            .filter(|(k, _)| is_custom_attribute(k))
            .collect();
        Ok(msg)
    }

    fn marshal(&self) -> Vec<Value> {
        vec![
            Value::Int(Self::MESSAGE_TYPE as i64),
            Value::from(self.session),
            Value::Map(self.details()),
        ]
    }

    correlation_accessors!();
}

// ---- ABORT and GOODBYE ----

/// The shared shape of ABORT and GOODBYE: `[CODE, Details|dict, Reason|uri]` with an optional
/// `message` detail. Returns the details, the reason and the message.
fn parse_closing(
    wmsg: &mut [Value],
    name: &'static str,
) -> Result<(Extra, String, Option<String>), ValidationError> {
    let mut w = Wmsg::new(wmsg, name, &[3])?;
    let mut details = w.extra(1, "details", FieldRole::Detail)?;
    let reason = w.uri(2, "reason", UriRule::LOOSE)?.unwrap_or_default();
    let message = details.string("message")?;
    Ok((details, reason, message))
}

/// A peer aborts the opening of a session (instead of WELCOME, or in reply to HELLO).
///
/// `[ABORT, Details|dict, Reason|uri]`
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[3, {"message": "no such realm"}, "wamp.error.no_such_realm"]"#;
/// let Message::Abort(abort) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(abort.reason, "wamp.error.no_such_realm");
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Abort {
    /// Why: a WAMP or application error URI (`wamp.error.no_such_realm`).
    pub reason: String,
    /// A human-readable explanation, for logs.
    pub message: Option<String>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Abort {
    /// An ABORT for `reason`, without a message.
    pub fn new(reason: impl Into<String>) -> Abort {
        Abort {
            reason: reason.into(),
            ..Abort::default()
        }
    }
}

impl WampMessage for Abort {
    const MESSAGE_TYPE: u64 = 3;
    const NAME: &'static str = "ABORT";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let (_, reason, message) = parse_closing(wmsg, Self::NAME)?;
        Ok(Abort {
            reason,
            message,
            correlation: Correlation::default(),
        })
    }

    fn marshal(&self) -> Vec<Value> {
        vec![
            Value::Int(Self::MESSAGE_TYPE as i64),
            Value::Map(extra! { "message" => truthy(&self.message) }),
            Value::from(self.reason.as_str()),
        ]
    }

    correlation_accessors!();
}

/// A peer closes an open session; the other replies with a GOODBYE of its own.
///
/// `[GOODBYE, Details|dict, Reason|uri]`
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[6, {}, "wamp.close.close_realm"]"#;
/// let Message::Goodbye(goodbye) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(goodbye.reason, "wamp.close.close_realm");
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Goodbye {
    /// Why: a WAMP or application URI (default [`Goodbye::DEFAULT_REASON`]).
    pub reason: String,
    /// A human-readable explanation, for logs.
    pub message: Option<String>,
    /// From the router: whether the session can be resumed; from the client: whether it should
    /// be.
    pub resumable: Option<bool>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Goodbye {
    /// The closing reason of a normal close.
    pub const DEFAULT_REASON: &'static str = "wamp.close.normal";

    /// A GOODBYE for `reason`, without a message.
    pub fn new(reason: impl Into<String>) -> Goodbye {
        Goodbye {
            reason: reason.into(),
            ..Goodbye::default()
        }
    }
}

impl Default for Goodbye {
    /// A normal close ([`Goodbye::DEFAULT_REASON`]), as autobahn's constructor defaults.
    fn default() -> Goodbye {
        Goodbye {
            reason: Goodbye::DEFAULT_REASON.to_owned(),
            message: None,
            resumable: None,
            correlation: Correlation::default(),
        }
    }
}

impl WampMessage for Goodbye {
    const MESSAGE_TYPE: u64 = 6;
    const NAME: &'static str = "GOODBYE";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let (mut details, reason, message) = parse_closing(wmsg, Self::NAME)?;
        Ok(Goodbye {
            reason,
            message,
            resumable: details.bool("resumable")?,
            correlation: Correlation::default(),
        })
    }

    fn marshal(&self) -> Vec<Value> {
        let details = extra! {
            "message" => truthy(&self.message),
            "resumable" => truthy(&self.resumable),
        };
        vec![
            Value::Int(Self::MESSAGE_TYPE as i64),
            Value::Map(details),
            Value::from(self.reason.as_str()),
        ]
    }

    correlation_accessors!();
}

// ---- CHALLENGE and AUTHENTICATE ----

/// The shared shape of CHALLENGE and AUTHENTICATE: `[CODE, field|string, Extra|dict]`.
fn parse_auth(
    wmsg: &mut [Value],
    name: &'static str,
    field: &'static str,
) -> Result<(String, Dict), ValidationError> {
    let mut w = Wmsg::new(wmsg, name, &[3])?;
    let value = w.string(1, field)?;
    let extra = w.extra(2, "extra", FieldRole::Element)?;
    Ok((value, extra.into_dict()))
}

/// The router challenges the client to authenticate.
///
/// `[CHALLENGE, AuthMethod|string, Extra|dict]`
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[4, "ticket", {}]"#;
/// let Message::Challenge(challenge) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(challenge.method, "ticket");
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Challenge {
    /// The authentication method (`wampcra`, `cryptosign`, `ticket`, ...).
    pub method: String,
    /// Method-specific challenge data.
    pub extra: Dict,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Challenge {
    /// A challenge for `method` with `extra`.
    pub fn new(method: impl Into<String>, extra: Dict) -> Challenge {
        Challenge {
            method: method.into(),
            extra,
            correlation: Correlation::default(),
        }
    }
}

impl WampMessage for Challenge {
    const MESSAGE_TYPE: u64 = 4;
    const NAME: &'static str = "CHALLENGE";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let (method, extra) = parse_auth(wmsg, Self::NAME, "method")?;
        Ok(Challenge::new(method, extra))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![
            Value::Int(Self::MESSAGE_TYPE as i64),
            Value::from(self.method.as_str()),
            Value::Map(self.extra.clone()),
        ]
    }

    correlation_accessors!();
}

/// The client answers a CHALLENGE.
///
/// `[AUTHENTICATE, Signature|string, Extra|dict]`
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[5, "secret-ticket", {}]"#;
/// let Message::Authenticate(auth) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(auth.signature, "secret-ticket");
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Authenticate {
    /// The signature (or ticket) answering the challenge.
    pub signature: String,
    /// Method-specific data.
    pub extra: Dict,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Authenticate {
    /// An answer `signature` with `extra`.
    pub fn new(signature: impl Into<String>, extra: Dict) -> Authenticate {
        Authenticate {
            signature: signature.into(),
            extra,
            correlation: Correlation::default(),
        }
    }
}

impl WampMessage for Authenticate {
    const MESSAGE_TYPE: u64 = 5;
    const NAME: &'static str = "AUTHENTICATE";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let (signature, extra) = parse_auth(wmsg, Self::NAME, "signature")?;
        Ok(Authenticate::new(signature, extra))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![
            Value::Int(Self::MESSAGE_TYPE as i64),
            Value::from(self.signature.as_str()),
            Value::Map(self.extra.clone()),
        ]
    }

    correlation_accessors!();
}

// ---- ERROR ----

/// The messages an ERROR can reply to.
pub(crate) const ERROR_REQUEST_TYPES: [MessageType; 7] = [
    MessageType::Subscribe,
    MessageType::Unsubscribe,
    MessageType::Publish,
    MessageType::Register,
    MessageType::Unregister,
    MessageType::Call,
    MessageType::Invocation,
];

/// A request failed: the spec's `ERROR` (named `ErrorReply` here so that it does not shadow the
/// crate's error types; [`Message::Error`](crate::Message::Error) keeps the spec name).
///
/// `[ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri]`,
/// `[ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list]`,
/// `[ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list, ArgumentsKw|dict]`,
/// or with payload transparency
/// `[ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Payload|binary]`.
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[8, 48, 7814135, {}, "com.myapp.error.overflow", [2147483648]]"#;
/// let Message::Error(error) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(error.error, "com.myapp.error.overflow");
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorReply {
    /// The type of the failed request: SUBSCRIBE, UNSUBSCRIBE, PUBLISH, REGISTER, UNREGISTER,
    /// CALL or INVOCATION.
    pub request_type: MessageType,
    /// The ID of the failed request.
    pub request: Id,
    /// The error URI (`wamp.error.no_such_procedure`).
    pub error: String,
    /// Positional payload.
    pub args: Option<Vec<Value>>,
    /// Keyword payload.
    pub kwargs: Option<Dict>,
    /// The transparent (possibly encrypted) payload, instead of `args`/`kwargs`.
    pub payload: Option<Vec<u8>>,
    /// Payload transparency: the encryption algorithm (`cryptobox`, `mqtt`, `xbr`, `x_*`).
    pub enc_algo: Option<String>,
    /// Payload transparency: the key identifier.
    pub enc_key: Option<String>,
    /// Payload transparency: the serializer of the payload before encryption.
    pub enc_serializer: Option<String>,
    /// The session ID of the callee that raised the error, if disclosed.
    pub callee: Option<Id>,
    /// The authid of that callee, if disclosed.
    pub callee_authid: Option<String>,
    /// The authrole of that callee, if disclosed.
    pub callee_authrole: Option<String>,
    /// The path of routers the error was forwarded through.
    pub forward_for: Option<Vec<Principal>>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl ErrorReply {
    /// An error `error` for request `request` of type `request_type`, without payload.
    pub fn new(request_type: MessageType, request: Id, error: impl Into<String>) -> ErrorReply {
        ErrorReply {
            request_type,
            request,
            error: error.into(),
            args: None,
            kwargs: None,
            payload: None,
            enc_algo: None,
            enc_key: None,
            enc_serializer: None,
            callee: None,
            callee_authid: None,
            callee_authrole: None,
            forward_for: None,
            correlation: Correlation::default(),
        }
    }

    fn details(&self) -> Dict {
        let mut details = extra! {
            "callee" => self.callee,
            "callee_authid" => self.callee_authid.clone(),
            "callee_authrole" => self.callee_authrole.clone(),
            "forward_for" => self.forward_for.as_deref().map(forward_for_value),
        };
        if has_payload(&self.payload) {
            details.extend(extra! {
                "enc_algo" => self.enc_algo.clone(),
                "enc_key" => self.enc_key.clone(),
                "enc_serializer" => self.enc_serializer.clone(),
            });
        }
        details
    }
}

impl WampMessage for ErrorReply {
    const MESSAGE_TYPE: u64 = 8;
    const NAME: &'static str = "ERROR";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[5, 6, 7])?;
        let request_type = match w.element(1) {
            v @ (Value::Int(_) | Value::UInt(_)) => v
                .as_u64()
                .and_then(MessageType::from_code)
                .filter(|t| ERROR_REQUEST_TYPES.contains(t))
                .ok_or_else(|| w.error("request_type", format!("invalid value {v}")))?,
            other => return Err(w.type_error("request_type", other)),
        };
        let request = w.id(2, "request")?;
        let mut details = w.extra(3, "details", FieldRole::Detail)?;
        let error = w.uri(4, "error", UriRule::LOOSE)?.unwrap_or_default();
        let mut app = AppPayload::read(&mut w, &mut details, 5, PayloadStyle::Bytes)?;
        let callee = details.id("callee")?;
        let callee_authid = details.string("callee_authid")?;
        let callee_authrole = details.string("callee_authrole")?;
        let forward_for = details.forward_for()?;
        app.check()?;
        let AppPayload {
            args,
            kwargs,
            payload,
            enc_algo,
            enc_key,
            enc_serializer,
            ..
        } = app;
        Ok(ErrorReply {
            request_type,
            request,
            error,
            args,
            kwargs,
            payload,
            enc_algo,
            enc_key,
            enc_serializer,
            callee,
            callee_authid,
            callee_authrole,
            forward_for,
            correlation: Correlation::default(),
        })
    }

    fn marshal(&self) -> Vec<Value> {
        joined(self.marshal_parts())
    }

    fn marshal_parts(&self) -> (Head<'_>, PayloadRef<'_>) {
        let code = self.request_type.code();
        let ids = [code, self.request];
        let head = Head::parts(Self::MESSAGE_TYPE, &ids, self.details(), Some(&self.error));
        (
            head,
            PayloadRef::of(&self.args, &self.kwargs, &self.payload),
        )
    }

    correlation_accessors!();
    validate_with_payload!(FieldRole::Detail);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict;

    fn parse<M: WampMessage>(items: Vec<Value>) -> Result<M, String> {
        M::parse(&items).map_err(|e| e.to_string())
    }

    #[test]
    fn hello_features_keep_known_bools_in_declaration_order() {
        let features =
            dict! {"progressive_call_results" => true, "x_unknown" => 1, "call_timeout" => false};
        let roles = dict! {"caller" => dict! {"features" => features}, "callee" => dict! {}};
        let hello: Hello = parse(vec![
            1.into(),
            "realm1".into(),
            dict! {"roles" => roles}.into(),
        ])
        .unwrap();
        let details = Value::List(hello.marshal()).to_string();
        assert!(details.ends_with(r#"{"roles": {"caller": {"features": {"call_timeout": false, "progressive_call_results": true}}, "callee": {}}}]"#), "{details}");

        let bad = dict! {"roles" => dict! {"callee" => dict! {"features" => dict! {"call_timeout" => 1}}}};
        let err = parse::<Hello>(vec![1.into(), Value::Null, bad.into()]).unwrap_err();
        assert_eq!(
            err,
            "'roles' detail in HELLO: invalid type int for feature 'call_timeout' of role 'callee'"
        );
        let router_role = dict! {"roles" => dict! {"broker" => dict! {}}};
        assert!(parse::<Hello>(vec![1.into(), Value::Null, router_role.into()]).is_err());

        let resume = dict! {"roles" => dict! {"caller" => dict! {}}, "resume-session" => 7};
        let err = parse::<Hello>(vec![1.into(), Value::Null, resume.into()]).unwrap_err();
        assert!(err.starts_with("'resume-token' detail in HELLO"), "{err}");
    }

    #[test]
    fn welcome_marshals_authmethod_when_authrole_is_set() {
        let mut welcome = Welcome::new(1, Roles::from([(Role::Dealer, Features::new())]));
        welcome.authmethod = Some("ticket".into());
        assert_eq!(welcome.details().get("authmethod"), None);
        welcome.authrole = Some("user".into());
        welcome.authmethod = None;
        assert_eq!(welcome.details().get("authmethod"), Some(&Value::Null));

        let details = dict! {"x_impl" => 1, "realm" => Value::Null, "y_other" => 2, "roles" => dict! {"broker" => dict! {}}};
        let parsed: Welcome = parse(vec![2.into(), 5.into(), details.into()]).unwrap();
        assert_eq!((parsed.custom, parsed.realm), (dict! {"x_impl" => 1}, None));
    }

    #[test]
    fn error_request_type_and_payload() {
        let base = |request_type: Value, rest: Vec<Value>| {
            let mut items = vec![
                8.into(),
                request_type,
                1.into(),
                Value::Map(Dict::new()),
                "wamp.error.x".into(),
            ];
            items.extend(rest);
            parse::<ErrorReply>(items)
        };
        assert_eq!(
            base(48.into(), vec![]).unwrap().request_type,
            MessageType::Call
        );
        assert_eq!(
            base(17.into(), vec![]).unwrap_err(),
            "'request_type' in ERROR: invalid value 17"
        );
        let null_args = base(48.into(), vec![Value::Null, dict! {"a" => 1}.into()]).unwrap();
        assert_eq!(null_args.marshal()[5], Value::Null);
        // an empty payload is kept but not written, as autobahn's `if self.payload:`
        assert_eq!(
            base(48.into(), vec![Value::Bytes(vec![])])
                .unwrap()
                .marshal()
                .len(),
            5
        );

        let details = dict! {"enc_key" => "k"};
        let items = vec![
            8.into(),
            48.into(),
            1.into(),
            details.into(),
            "a.b".into(),
            Value::Bytes(vec![1]),
        ];
        assert!(parse::<ErrorReply>(items)
            .unwrap_err()
            .starts_with("'enc_algo' detail in ERROR"));
    }

    #[test]
    fn goodbye_defaults_to_normal_close() {
        assert_eq!(Goodbye::default().reason, Goodbye::DEFAULT_REASON);
        let goodbye = Goodbye {
            resumable: Some(false),
            ..Goodbye::default()
        };
        assert_eq!(goodbye.marshal()[1], Value::Map(Dict::new()));
    }
}
