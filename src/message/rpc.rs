//! Remote procedure calls: CALL, CANCEL, RESULT, REGISTER, REGISTERED, UNREGISTER,
//! UNREGISTERED, INVOCATION, INTERRUPT and YIELD.
//!
//! RESULT's type is [`CallResult`], so that it does not shadow the prelude's `Result`; the
//! [`Message`](crate::Message) variant and [`MessageType`](crate::MessageType) keep the spec name.

use crate::error::{FieldRole, ValidationError};
use crate::message::pubsub::add_enc_extra;
use crate::message::{correlation_accessors, validate_with_payload, Head};
use crate::message::{
    extra, forward_for_value, joined, AppPayload, Correlation, Extra, Id, KeyLocation, PayloadRef,
    PayloadStyle, Principal, WampMessage, Wmsg,
};
use crate::validate::UriRule;
use crate::value::{Dict, Value};

/// The message code as the first element of a marshalled message.
fn code<M: WampMessage>() -> Value {
    Value::from(M::MESSAGE_TYPE)
}

/// `forward_for` as autobahn marshals it.
fn forward_for(ff: &Option<Vec<Principal>>) -> Option<Value> {
    ff.as_deref().map(forward_for_value)
}

/// An integer key that must be at least `min` (`timeout` >= 0, `concurrency` >= 1).
fn int_at_least(
    extra: &mut Extra,
    key: &'static str,
    min: i64,
) -> Result<Option<i64>, ValidationError> {
    match extra.int(key)? {
        Some(v) if v < min => Err(extra.error(key, format!("invalid value {v}"))),
        v => Ok(v),
    }
}

/// A string key that must be one of `allowed` (`mode`, `match`, `invoke`).
fn one_of(
    extra: &mut Extra,
    key: &'static str,
    allowed: &[&str],
) -> Result<Option<String>, ValidationError> {
    match extra.string(key)? {
        Some(v) if !allowed.contains(&v.as_str()) => {
            Err(extra.error(key, format!("invalid value {v:?}")))
        }
        v => Ok(v),
    }
}

/// A caller asks the dealer to call a procedure.
///
/// `[CALL, Request|id, Options|dict, Procedure|uri]`,
/// `[CALL, Request|id, Options|dict, Procedure|uri, Arguments|list]`,
/// `[CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]`, or with
/// payload transparency `[CALL, Request|id, Options|dict, Procedure|uri, Payload|binary]`.
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[48, 7814135, {"timeout": 500}, "com.myapp.add", [23, 7]]"#;
/// let Message::Call(call) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(call.procedure, "com.myapp.add");
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Call {
    /// The request ID, echoed in RESULT or ERROR.
    pub request: Id,
    /// The procedure to call.
    pub procedure: String,
    /// Positional arguments.
    pub args: Option<Vec<Value>>,
    /// Keyword arguments.
    pub kwargs: Option<Dict>,
    /// The transparent (possibly encrypted) payload, instead of `args`/`kwargs`.
    pub payload: Option<Vec<u8>>,
    /// Cancel the call after this many milliseconds (0: no timeout).
    pub timeout: Option<i64>,
    /// The caller wants progressive results.
    pub receive_progress: Option<bool>,
    /// A hash identifying the transaction the call belongs to.
    pub transaction_hash: Option<String>,
    /// Payload transparency: the encryption algorithm (`cryptobox`, `mqtt`, `xbr`, `x_*`).
    pub enc_algo: Option<String>,
    /// Payload transparency: the key identifier.
    pub enc_key: Option<String>,
    /// Payload transparency: the serializer of the payload before encryption.
    pub enc_serializer: Option<String>,
    /// The caller's session ID (when disclosed, on a router-to-router link).
    pub caller: Option<Id>,
    /// The caller's authid.
    pub caller_authid: Option<String>,
    /// The caller's authrole.
    pub caller_authrole: Option<String>,
    /// The path of routers the call was forwarded through.
    pub forward_for: Option<Vec<Principal>>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Call {
    /// A call of `procedure` with request ID `request` and no arguments or options.
    pub fn new(request: Id, procedure: impl Into<String>) -> Call {
        Call {
            request,
            procedure: procedure.into(),
            ..Call::default()
        }
    }

    fn options(&self) -> Dict {
        let mut options = extra! {
            "timeout" => self.timeout,
            "receive_progress" => self.receive_progress,
            "transaction_hash" => self.transaction_hash.clone(),
        };
        add_enc_extra(
            &mut options,
            &self.payload,
            [&self.enc_algo, &self.enc_key, &self.enc_serializer],
        );
        options.extend(extra! {
            "caller" => self.caller,
            "caller_authid" => self.caller_authid.clone(),
            "caller_authrole" => self.caller_authrole.clone(),
            "forward_for" => forward_for(&self.forward_for),
        });
        options
    }
}

impl WampMessage for Call {
    const MESSAGE_TYPE: u64 = 48;
    const NAME: &'static str = "CALL";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[4, 5, 6])?;
        let request = w.id(1, "request")?;
        let mut options = w.extra(2, "options", FieldRole::Option)?;
        let procedure = w.uri(3, "procedure", UriRule::LOOSE)?.unwrap_or_default();
        let mut app = AppPayload::read(&mut w, &mut options, 4, PayloadStyle::StrOrBytes)?;
        let timeout = int_at_least(&mut options, "timeout", 0)?;
        let receive_progress = options.bool("receive_progress")?;
        let transaction_hash = options.string("transaction_hash")?;
        let caller = options.id("caller")?;
        let caller_authid = options.string("caller_authid")?;
        let caller_authrole = options.string("caller_authrole")?;
        let forward_for = options.forward_for()?;
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
        Ok(Call {
            request,
            procedure,
            args,
            kwargs,
            payload,
            timeout,
            receive_progress,
            transaction_hash,
            enc_algo,
            enc_key,
            enc_serializer,
            caller,
            caller_authid,
            caller_authrole,
            forward_for,
            correlation: Correlation::default(),
        })
    }

    fn marshal(&self) -> Vec<Value> {
        joined(self.marshal_parts())
    }

    fn marshal_parts(&self) -> (Head<'_>, PayloadRef<'_>) {
        let head = Head::parts(
            Self::MESSAGE_TYPE,
            &[self.request],
            self.options(),
            Some(&self.procedure),
        );
        (
            head,
            PayloadRef::of(&self.args, &self.kwargs, &self.payload),
        )
    }

    correlation_accessors!();
    validate_with_payload!(FieldRole::Option);
}

/// A caller asks the dealer to cancel a call.
///
/// `[CANCEL, CALL.Request|id, Options|dict]`
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[49, 7814135, {"mode": "kill"}]"#;
/// let Message::Cancel(cancel) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(cancel.mode.as_deref(), Some("kill"));
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cancel {
    /// The request ID of the CALL to cancel.
    pub request: Id,
    /// How to cancel: [`Cancel::SKIP`], [`Cancel::KILL`] or [`Cancel::KILLNOWAIT`].
    pub mode: Option<String>,
    /// The path of routers the cancellation was forwarded through.
    pub forward_for: Option<Vec<Principal>>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Cancel {
    /// Mode: answer the caller with an error at once and leave the callee alone.
    pub const SKIP: &'static str = "skip";
    /// Mode: interrupt the callee and answer the caller when the callee has stopped.
    pub const KILL: &'static str = "kill";
    /// Mode: interrupt the callee and answer the caller at once.
    pub const KILLNOWAIT: &'static str = "killnowait";

    /// The valid values of `mode`.
    pub(crate) const MODES: [&'static str; 3] = [Self::SKIP, Self::KILLNOWAIT, Self::KILL];

    /// A cancellation of the call `request`, in the dealer's default mode.
    pub fn new(request: Id) -> Cancel {
        Cancel {
            request,
            ..Cancel::default()
        }
    }
}

impl WampMessage for Cancel {
    const MESSAGE_TYPE: u64 = 49;
    const NAME: &'static str = "CANCEL";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[3])?;
        let request = w.id(1, "request")?;
        let mut options = w.extra(2, "options", FieldRole::Option)?;
        Ok(Cancel {
            request,
            mode: one_of(&mut options, "mode", &Self::MODES)?,
            forward_for: options.forward_for()?,
            correlation: Correlation::default(),
        })
    }

    fn marshal(&self) -> Vec<Value> {
        let options = extra! {
            "mode" => self.mode.clone(),
            "forward_for" => forward_for(&self.forward_for),
        };
        vec![
            code::<Self>(),
            Value::from(self.request),
            Value::Map(options),
        ]
    }

    correlation_accessors!();
}

/// RESULT and YIELD: the same fields, in `Details` and `Options` respectively.
macro_rules! call_outcome {
    (
        $(#[$doc:meta])*
        $ty:ident, $code:literal, $name:literal, $extra:literal, $role:expr, payload: $style:ident,
        request: $request_doc:literal
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $ty {
            #[doc = $request_doc]
            pub request: Id,
            /// Positional results.
            pub args: Option<Vec<Value>>,
            /// Keyword results.
            pub kwargs: Option<Dict>,
            /// The transparent (possibly encrypted) payload, instead of `args`/`kwargs`.
            pub payload: Option<Vec<u8>>,
            /// A progressive result: more follow.
            pub progress: Option<bool>,
            /// Payload transparency: the encryption algorithm (`cryptobox`, `mqtt`, `xbr`, `x_*`).
            pub enc_algo: Option<String>,
            /// Payload transparency: the key identifier.
            pub enc_key: Option<String>,
            /// Payload transparency: the serializer of the payload before encryption.
            pub enc_serializer: Option<String>,
            /// The session ID of the callee that produced the result (when disclosed).
            pub callee: Option<Id>,
            /// The callee's authid.
            pub callee_authid: Option<String>,
            /// The callee's authrole.
            pub callee_authrole: Option<String>,
            /// The path of routers the message was forwarded through.
            pub forward_for: Option<Vec<Principal>>,
            /// Tracing metadata (not serialized).
            pub correlation: Correlation,
        }

        impl $ty {
            #[doc = concat!("A final ", $name, " for request `request`, without results.")]
            pub fn new(request: Id) -> $ty {
                $ty {
                    request,
                    ..$ty::default()
                }
            }

            fn extra(&self) -> Dict {
                let mut extra = extra! {
                    "progress" => self.progress,
                    "callee" => self.callee,
                    "callee_authid" => self.callee_authid.clone(),
                    "callee_authrole" => self.callee_authrole.clone(),
                    "forward_for" => forward_for(&self.forward_for),
                };
                add_enc_extra(
            &mut extra,
            &self.payload,
            [&self.enc_algo, &self.enc_key, &self.enc_serializer],
        );
                extra
            }
        }

        impl WampMessage for $ty {
            const MESSAGE_TYPE: u64 = $code;
            const NAME: &'static str = $name;

            fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
                let mut w = Wmsg::new(wmsg, Self::NAME, &[3, 4, 5])?;
                let request = w.id(1, "request")?;
                let mut extra = w.extra(2, $extra, $role)?;
                let mut app = AppPayload::read(&mut w, &mut extra, 3, PayloadStyle::$style)?;
                let progress = extra.bool("progress")?;
                let callee = extra.id("callee")?;
                let callee_authid = extra.string("callee_authid")?;
                let callee_authrole = extra.string("callee_authrole")?;
                let forward_for = extra.forward_for()?;
                app.check()?;
                let AppPayload { args, kwargs, payload, enc_algo, enc_key, enc_serializer, .. } = app;
                Ok($ty {
                    request,
                    args,
                    kwargs,
                    payload,
                    progress,
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
                let head = Head::parts(Self::MESSAGE_TYPE, &[self.request], self.extra(), None);
                (head, PayloadRef::of(&self.args, &self.kwargs, &self.payload))
            }

            correlation_accessors!();
            validate_with_payload!($role);
        }
    };
}

call_outcome! {
    /// The dealer returns a callee's result (final or progressive) to the caller. Named
    /// `CallResult` so as not to shadow the prelude's `Result`.
    ///
    /// `[RESULT, CALL.Request|id, Details|dict]`,
    /// `[RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list]`,
    /// `[RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list, YIELD.ArgumentsKw|dict]`,
    /// or with payload transparency `[RESULT, CALL.Request|id, Details|dict, Payload|binary]`.
    ///
    /// # Example
    ///
    /// ```
    /// use wamp_codec::{serializer::json, Message};
    /// let wire = br#"[50, 7814135, {"progress": true}, [30]]"#;
    /// let Message::Result(result) = json::from_slice(wire)? else { unreachable!() };
    /// assert_eq!(result.progress, Some(true));
    /// # Ok::<(), wamp_codec::DecodeError>(())
    /// ```
    CallResult, 50, "RESULT", "details", FieldRole::Detail, payload: StrOrBytes,
    request: "The request ID of the CALL."
}

call_outcome! {
    /// A callee returns the result (final or progressive) of an invocation to the dealer.
    ///
    /// `[YIELD, INVOCATION.Request|id, Options|dict]`,
    /// `[YIELD, INVOCATION.Request|id, Options|dict, Arguments|list]`,
    /// `[YIELD, INVOCATION.Request|id, Options|dict, Arguments|list, ArgumentsKw|dict]`, or with
    /// payload transparency `[YIELD, INVOCATION.Request|id, Options|dict, Payload|binary]`.
    ///
    /// # Example
    ///
    /// ```
    /// use wamp_codec::{serializer::json, Message};
    /// let wire = br#"[70, 6131533, {"progress": true}, [30]]"#;
    /// let Message::Yield(yielded) = json::from_slice(wire)? else { unreachable!() };
    /// assert_eq!(yielded.progress, Some(true));
    /// # Ok::<(), wamp_codec::DecodeError>(())
    /// ```
    Yield, 70, "YIELD", "options", FieldRole::Option, payload: Bytes,
    request: "The request ID of the INVOCATION."
}

/// A callee asks the dealer to register a procedure (or a pattern of procedures).
///
/// `[REGISTER, Request|id, Options|dict, Procedure|uri]`
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[64, 25349185, {"invoke": "roundrobin"}, "com.myapp.add"]"#;
/// let Message::Register(register) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(register.procedure, "com.myapp.add");
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    /// The request ID, echoed in REGISTERED or ERROR.
    pub request: Id,
    /// The procedure, or the pattern `match` says it is.
    pub procedure: String,
    /// How `procedure` matches: [`Register::MATCH_EXACT`] (the default),
    /// [`Register::MATCH_PREFIX`] or [`Register::MATCH_WILDCARD`].
    pub r#match: String,
    /// Which callee gets a call when several register the procedure:
    /// [`Register::INVOKE_SINGLE`] (the default), `FIRST`, `LAST`, `ROUNDROBIN` or `RANDOM`.
    pub invoke: String,
    /// The most invocations the callee takes at once (at least 1).
    pub concurrency: Option<i64>,
    /// Take the registration over from another session of the same authid and authrole.
    pub force_reregister: Option<bool>,
    /// The path of routers the registration was forwarded through.
    pub forward_for: Option<Vec<Principal>>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Register {
    /// Match the procedure URI exactly.
    pub const MATCH_EXACT: &'static str = "exact";
    /// Match procedure URIs that start with the registered one.
    pub const MATCH_PREFIX: &'static str = "prefix";
    /// Match procedure URIs with any component where the registered one has an empty one.
    pub const MATCH_WILDCARD: &'static str = "wildcard";
    /// Only one callee may register the procedure.
    pub const INVOKE_SINGLE: &'static str = "single";
    /// Call the first callee that registered.
    pub const INVOKE_FIRST: &'static str = "first";
    /// Call the last callee that registered.
    pub const INVOKE_LAST: &'static str = "last";
    /// Call the callees in turn.
    pub const INVOKE_ROUNDROBIN: &'static str = "roundrobin";
    /// Call a callee picked at random.
    pub const INVOKE_RANDOM: &'static str = "random";

    pub(crate) const MATCHES: [&'static str; 3] =
        [Self::MATCH_EXACT, Self::MATCH_PREFIX, Self::MATCH_WILDCARD];
    pub(crate) const INVOKES: [&'static str; 5] = [
        Self::INVOKE_SINGLE,
        Self::INVOKE_FIRST,
        Self::INVOKE_LAST,
        Self::INVOKE_ROUNDROBIN,
        Self::INVOKE_RANDOM,
    ];

    /// The rule the procedure URI is checked under for a `match` value.
    pub(crate) fn match_rule(r#match: &str) -> UriRule {
        match r#match {
            Self::MATCH_PREFIX => UriRule::PREFIX,
            Self::MATCH_WILDCARD => UriRule::WILDCARD,
            _ => UriRule::LOOSE,
        }
    }

    /// An exact, single-callee registration of `procedure` with request ID `request`.
    pub fn new(request: Id, procedure: impl Into<String>) -> Register {
        Register {
            request,
            procedure: procedure.into(),
            ..Register::default()
        }
    }

    fn options(&self) -> Dict {
        // Autobahn omits the defaults, and tests `match`, `invoke`, `concurrency` for truth.
        let non_default =
            |v: &str, default: &str| (!v.is_empty() && v != default).then(|| v.to_owned());
        extra! {
            "match" => non_default(&self.r#match, Self::MATCH_EXACT),
            "invoke" => non_default(&self.invoke, Self::INVOKE_SINGLE),
            "concurrency" => self.concurrency.filter(|&c| c != 0),
            "force_reregister" => self.force_reregister,
            "forward_for" => forward_for(&self.forward_for),
        }
    }
}

impl Default for Register {
    fn default() -> Register {
        Register {
            request: 0,
            procedure: String::new(),
            r#match: Register::MATCH_EXACT.to_owned(),
            invoke: Register::INVOKE_SINGLE.to_owned(),
            concurrency: None,
            force_reregister: None,
            forward_for: None,
            correlation: Correlation::default(),
        }
    }
}

impl WampMessage for Register {
    const MESSAGE_TYPE: u64 = 64;
    const NAME: &'static str = "REGISTER";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[4])?;
        let request = w.id(1, "request")?;
        let mut options = w.extra(2, "options", FieldRole::Option)?;
        let r#match = one_of(&mut options, "match", &Self::MATCHES)?
            .unwrap_or_else(|| Self::MATCH_EXACT.to_owned());
        let rule = Self::match_rule(&r#match);
        let procedure = w.uri(3, "procedure", rule)?.unwrap_or_default();
        Ok(Register {
            request,
            procedure,
            r#match,
            invoke: one_of(&mut options, "invoke", &Self::INVOKES)?
                .unwrap_or_else(|| Self::INVOKE_SINGLE.to_owned()),
            concurrency: int_at_least(&mut options, "concurrency", 1)?,
            // Autobahn tests `in [True, False, None]`, so a `null` counts as absent.
            force_reregister: match options.get("force_reregister") {
                None | Some(Value::Null) => None,
                Some(_) => options.bool("force_reregister")?,
            },
            forward_for: options.forward_for()?,
            correlation: Correlation::default(),
        })
    }

    fn marshal(&self) -> Vec<Value> {
        vec![
            code::<Self>(),
            Value::from(self.request),
            Value::Map(self.options()),
            Value::from(self.procedure.as_str()),
        ]
    }

    correlation_accessors!();
}

/// The dealer confirms a registration.
///
/// `[REGISTERED, REGISTER.Request|id, Registration|id]`
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[65, 25349185, 2103333224]"#;
/// let Message::Registered(registered) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(registered.registration, 2103333224);
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Registered {
    /// The request ID of the REGISTER.
    pub request: Id,
    /// The registration ID, used in INVOCATION and UNREGISTER.
    pub registration: Id,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Registered {
    /// The confirmation of request `request` as registration `registration`.
    pub fn new(request: Id, registration: Id) -> Registered {
        Registered {
            request,
            registration,
            correlation: Correlation::default(),
        }
    }
}

impl WampMessage for Registered {
    const MESSAGE_TYPE: u64 = 65;
    const NAME: &'static str = "REGISTERED";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let w = Wmsg::new(wmsg, Self::NAME, &[3])?;
        Ok(Registered::new(
            w.id(1, "request")?,
            w.id(2, "registration")?,
        ))
    }

    fn marshal(&self) -> Vec<Value> {
        vec![
            code::<Self>(),
            Value::from(self.request),
            Value::from(self.registration),
        ]
    }

    correlation_accessors!();
}

/// A callee asks the dealer to remove a registration.
///
/// `[UNREGISTER, Request|id, REGISTERED.Registration|id]`, or on a router-to-router link
/// `[UNREGISTER, Request|id, REGISTERED.Registration|id, Options|dict]`.
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[66, 788923562, 2103333224]"#;
/// let Message::Unregister(unregister) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(unregister.registration, 2103333224);
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unregister {
    /// The request ID, echoed in UNREGISTERED or ERROR.
    pub request: Id,
    /// The registration to remove.
    pub registration: Id,
    /// The path of routers the request was forwarded through.
    pub forward_for: Option<Vec<Principal>>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Unregister {
    /// A request `request` to remove registration `registration`.
    pub fn new(request: Id, registration: Id) -> Unregister {
        Unregister {
            request,
            registration,
            ..Unregister::default()
        }
    }
}

impl WampMessage for Unregister {
    const MESSAGE_TYPE: u64 = 66;
    const NAME: &'static str = "UNREGISTER";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::with_length_name(wmsg, Self::NAME, "WAMP UNREGISTER", &[3, 4])?;
        let mut msg = Unregister::new(w.id(1, "request")?, w.id(2, "registration")?);
        if w.len() > 3 {
            msg.forward_for = w.extra(3, "options", FieldRole::Option)?.forward_for()?;
        }
        Ok(msg)
    }

    fn marshal(&self) -> Vec<Value> {
        let mut msg = vec![
            code::<Self>(),
            Value::from(self.request),
            Value::from(self.registration),
        ];
        // Autobahn sends options only for a non-empty `forward_for` (`if self.forward_for:`).
        if let Some(ff) = self.forward_for.as_deref().filter(|ff| !ff.is_empty()) {
            msg.push(Value::Map(
                extra! { "forward_for" => Some(forward_for_value(ff)) },
            ));
        }
        msg
    }

    correlation_accessors!();
}

/// The dealer confirms an unregistration, or (with request 0) tells a callee its registration
/// was revoked.
///
/// `[UNREGISTERED, UNREGISTER.Request|id]`, or `[UNREGISTERED, 0, Details|dict]` for a
/// revocation.
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[67, 788923562]"#;
/// let Message::Unregistered(unregistered) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(unregistered.request, 788923562);
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unregistered {
    /// The request ID of the UNREGISTER, or 0 for a revocation.
    pub request: Id,
    /// The revoked registration (only with request 0).
    pub registration: Option<Id>,
    /// Why the registration was revoked (a URI).
    pub reason: Option<String>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Unregistered {
    /// The confirmation of request `request`.
    pub fn new(request: Id) -> Unregistered {
        Unregistered {
            request,
            ..Unregistered::default()
        }
    }

    /// Autobahn's constructor assertion: a `registration` detail comes only with a revocation
    /// (request 0), and is never 0.
    pub(crate) fn check_revocation(
        request: Id,
        registration: Option<Id>,
        details: KeyLocation,
    ) -> Result<(), ValidationError> {
        match registration {
            Some(r) if request != 0 || r == 0 => Err(details.error(
                "registration",
                format!(
                    "invalid value {r} with request {request} (only a revocation, request 0, \
                     names a registration, and not 0)"
                ),
            )),
            _ => Ok(()),
        }
    }
}

impl WampMessage for Unregistered {
    const MESSAGE_TYPE: u64 = 67;
    const NAME: &'static str = "UNREGISTERED";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[2, 3])?;
        let mut msg = Unregistered::new(w.id(1, "request")?);
        if w.len() > 2 {
            let mut details = w.extra(2, "details", FieldRole::Detail)?;
            msg.registration = details.id("registration")?;
            msg.reason = details.uri("reason", UriRule::LOOSE)?;
            Unregistered::check_revocation(msg.request, msg.registration, details.location())?;
        }
        Ok(msg)
    }

    fn marshal(&self) -> Vec<Value> {
        let mut msg = vec![code::<Self>(), Value::from(self.request)];
        if self.reason.is_some() || self.registration.is_some() {
            msg.push(Value::Map(extra! {
                "reason" => self.reason.clone(),
                "registration" => self.registration,
            }));
        }
        msg
    }

    correlation_accessors!();
}

/// The dealer asks a callee to run a registered procedure.
///
/// `[INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict]`,
/// `[INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, CALL.Arguments|list]`,
/// `[INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, CALL.Arguments|list,
/// CALL.ArgumentsKw|dict]`, or with payload transparency
/// `[INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, Payload|binary]`.
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[68, 6131533, 2103333224, {}, [23, 7]]"#;
/// let Message::Invocation(invocation) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(invocation.registration, 2103333224);
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Invocation {
    /// The request ID, echoed in YIELD or ERROR.
    pub request: Id,
    /// The registration being invoked.
    pub registration: Id,
    /// Positional arguments.
    pub args: Option<Vec<Value>>,
    /// Keyword arguments.
    pub kwargs: Option<Dict>,
    /// The transparent (possibly encrypted) payload, instead of `args`/`kwargs`.
    pub payload: Option<Vec<u8>>,
    /// The call's timeout in milliseconds, for the callee to enforce.
    pub timeout: Option<i64>,
    /// The caller wants progressive results.
    pub receive_progress: Option<bool>,
    /// The caller's session ID (when disclosed).
    pub caller: Option<Id>,
    /// The caller's authid (when disclosed).
    pub caller_authid: Option<String>,
    /// The caller's authrole (when disclosed).
    pub caller_authrole: Option<String>,
    /// The procedure actually called (for pattern-based registrations).
    pub procedure: Option<String>,
    /// A hash identifying the transaction the call belongs to.
    pub transaction_hash: Option<String>,
    /// Payload transparency: the encryption algorithm (`cryptobox`, `mqtt`, `xbr`, `x_*`).
    pub enc_algo: Option<String>,
    /// Payload transparency: the key identifier.
    pub enc_key: Option<String>,
    /// Payload transparency: the serializer of the payload before encryption.
    pub enc_serializer: Option<String>,
    /// The path of routers the call was forwarded through.
    pub forward_for: Option<Vec<Principal>>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Invocation {
    /// An invocation `request` of registration `registration`, without arguments or details.
    pub fn new(request: Id, registration: Id) -> Invocation {
        Invocation {
            request,
            registration,
            ..Invocation::default()
        }
    }

    fn details(&self) -> Dict {
        let mut details = extra! {
            "timeout" => self.timeout,
            "receive_progress" => self.receive_progress,
            "caller" => self.caller,
            "caller_authid" => self.caller_authid.clone(),
            "caller_authrole" => self.caller_authrole.clone(),
            "procedure" => self.procedure.clone(),
            "transaction_hash" => self.transaction_hash.clone(),
            "forward_for" => forward_for(&self.forward_for),
        };
        add_enc_extra(
            &mut details,
            &self.payload,
            [&self.enc_algo, &self.enc_key, &self.enc_serializer],
        );
        details
    }
}

impl WampMessage for Invocation {
    const MESSAGE_TYPE: u64 = 68;
    const NAME: &'static str = "INVOCATION";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[4, 5, 6])?;
        let request = w.id(1, "request")?;
        let registration = w.id(2, "registration")?;
        let mut details = w.extra(3, "details", FieldRole::Detail)?;
        let mut app = AppPayload::read(&mut w, &mut details, 4, PayloadStyle::Bytes)?;
        let timeout = int_at_least(&mut details, "timeout", 0)?;
        let receive_progress = details.bool("receive_progress")?;
        let caller = details.id("caller")?;
        let caller_authid = details.string("caller_authid")?;
        let caller_authrole = details.string("caller_authrole")?;
        let procedure = details.string("procedure")?;
        let transaction_hash = details.string("transaction_hash")?;
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
        Ok(Invocation {
            request,
            registration,
            args,
            kwargs,
            payload,
            timeout,
            receive_progress,
            caller,
            caller_authid,
            caller_authrole,
            procedure,
            transaction_hash,
            enc_algo,
            enc_key,
            enc_serializer,
            forward_for,
            correlation: Correlation::default(),
        })
    }

    fn marshal(&self) -> Vec<Value> {
        joined(self.marshal_parts())
    }

    fn marshal_parts(&self) -> (Head<'_>, PayloadRef<'_>) {
        let ids = [self.request, self.registration];
        let head = Head::parts(Self::MESSAGE_TYPE, &ids, self.details(), None);
        (
            head,
            PayloadRef::of(&self.args, &self.kwargs, &self.payload),
        )
    }

    correlation_accessors!();
    validate_with_payload!(FieldRole::Detail);
}

/// The dealer asks a callee to stop an invocation (the caller cancelled the call).
///
/// `[INTERRUPT, INVOCATION.Request|id, Options|dict]`
///
/// # Example
///
/// ```
/// use wamp_codec::{serializer::json, Message};
/// let wire = br#"[69, 6131533, {"mode": "killnowait"}]"#;
/// let Message::Interrupt(interrupt) = json::from_slice(wire)? else { unreachable!() };
/// assert_eq!(interrupt.mode.as_deref(), Some("killnowait"));
/// # Ok::<(), wamp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Interrupt {
    /// The request ID of the INVOCATION to stop.
    pub request: Id,
    /// How the call was cancelled: [`Interrupt::KILL`] or [`Interrupt::KILLNOWAIT`].
    pub mode: Option<String>,
    /// Why (a URI, such as `wamp.error.canceled`).
    pub reason: Option<String>,
    /// The path of routers the interruption was forwarded through.
    pub forward_for: Option<Vec<Principal>>,
    /// Tracing metadata (not serialized).
    pub correlation: Correlation,
}

impl Interrupt {
    /// Mode: the caller waits for the callee to stop.
    pub const KILL: &'static str = "kill";
    /// Mode: the caller was answered already.
    pub const KILLNOWAIT: &'static str = "killnowait";

    /// The valid values of `mode`.
    pub(crate) const MODES: [&'static str; 2] = [Self::KILL, Self::KILLNOWAIT];

    /// An interruption of invocation `request`, with no options.
    pub fn new(request: Id) -> Interrupt {
        Interrupt {
            request,
            ..Interrupt::default()
        }
    }
}

impl WampMessage for Interrupt {
    const MESSAGE_TYPE: u64 = 69;
    const NAME: &'static str = "INTERRUPT";

    fn parse_taking(wmsg: &mut [Value]) -> Result<Self, ValidationError> {
        let mut w = Wmsg::new(wmsg, Self::NAME, &[3])?;
        let request = w.id(1, "request")?;
        let mut options = w.extra(2, "options", FieldRole::Option)?;
        Ok(Interrupt {
            request,
            mode: one_of(&mut options, "mode", &Self::MODES)?,
            reason: options.uri("reason", UriRule::LOOSE)?,
            forward_for: options.forward_for()?,
            correlation: Correlation::default(),
        })
    }

    fn marshal(&self) -> Vec<Value> {
        let options = extra! {
            "mode" => self.mode.clone(),
            "reason" => self.reason.clone(),
            "forward_for" => forward_for(&self.forward_for),
        };
        vec![
            code::<Self>(),
            Value::from(self.request),
            Value::Map(options),
        ]
    }

    correlation_accessors!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn register_match_selects_the_uri_rule() {
        let reg = |m: &str, uri: &str| {
            Register::parse(&[
                Value::Int(64),
                Value::Int(1),
                map(&[("match", Value::from(m))]),
                Value::from(uri),
            ])
        };
        assert!(reg("prefix", "com.myapp.").is_ok());
        assert!(reg("wildcard", "com..proc").is_ok());
        let e = reg("exact", "com.myapp.").unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidUri, Some("procedure"))
        );
        assert_eq!(
            reg("prefix", "com..proc").unwrap_err().kind(),
            ErrorKind::InvalidUri
        );
        // The defaults are not marshalled; other values are.
        let r = reg("exact", "com.myapp.p").unwrap();
        assert_eq!(r, Register::new(1, "com.myapp.p"));
        assert_eq!(r.marshal()[2], map(&[]));
        assert_eq!(
            reg("prefix", "com.").unwrap().marshal()[2],
            map(&[("match", "prefix".into())])
        );
    }

    #[test]
    fn string_payload_fails_after_the_options() {
        let call = |options: Value| {
            Call::parse(&[
                Value::Int(48),
                Value::Int(1),
                options,
                Value::from("com.p"),
                Value::from("not bytes"),
            ])
            .unwrap_err()
        };
        assert_eq!(call(map(&[])).field(), Some("payload"));
        // Autobahn checks the options first and fails its constructor assertion last.
        assert_eq!(
            call(map(&[("timeout", Value::Int(-1))])).field(),
            Some("timeout")
        );
        // YIELD recognizes bytes only: a string there is bad `args`.
        let e = Yield::parse(&[Value::Int(70), Value::Int(1), map(&[]), Value::from("x")]);
        assert_eq!(e.unwrap_err().field(), Some("args"));
    }

    #[test]
    fn enc_keys_need_enc_algo() {
        let result = |details: Value| {
            CallResult::parse(&[
                Value::Int(50),
                Value::Int(1),
                details,
                Value::Bytes(vec![1]),
            ])
        };
        let e = result(map(&[("enc_serializer", "cbor".into())])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "'enc_algo' detail in RESULT: missing, but required with enc_key or enc_serializer"
        );
        let ok = result(map(&[
            ("enc_algo", "xbr".into()),
            ("enc_serializer", "cbor".into()),
        ]));
        assert_eq!(ok.unwrap().enc_serializer.as_deref(), Some("cbor"));
    }

    #[test]
    fn unregistered_names_a_registration_only_for_a_revocation() {
        let unreg = |request: i64, registration: i64| {
            Unregistered::parse(&[
                Value::Int(67),
                Value::Int(request),
                map(&[("registration", Value::Int(registration))]),
            ])
        };
        assert_eq!(unreg(0, 7).unwrap().registration, Some(7));
        assert_eq!(unreg(5, 7).unwrap_err().field(), Some("registration"));
        assert_eq!(unreg(0, 0).unwrap_err().field(), Some("registration"));
    }

    #[test]
    fn unregister_sends_options_only_for_a_non_empty_forward_for() {
        let mut u = Unregister::new(1, 2);
        u.forward_for = Some(vec![]);
        assert_eq!(u.marshal().len(), 3);
        u.forward_for = Some(vec![Principal {
            session: 1,
            authid: "a".into(),
            authrole: "r".into(),
        }]);
        assert_eq!(Unregister::parse(&u.marshal()), Ok(u));
    }
}
