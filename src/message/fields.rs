//! Reading the elements of a raw message and the keys of its options/details, with autobahn's
//! checks and errors that name the message and field.
//!
//! Parsing consumes what it reads: each element (and each options/details value) that ends up in
//! the message is taken out of the raw message, left `null`, and moved into its field, so a
//! decoded string, list or dict is never copied. Every element and key is read at most once.

use core::mem;

use crate::error::{FieldRole, ValidationError};
use crate::message::pubsub::StrOrBytesArgs;
use crate::message::{Id, Principal};
use crate::validate::{
    check_or_raise_id, check_or_raise_uri, is_valid_enc_algo, is_valid_enc_serializer,
    not_an_extra, UriRule,
};
use crate::value::{Dict, Value};

/// A raw message array being parsed as message `name`; its elements are taken as they are read.
pub(crate) struct Wmsg<'a> {
    items: &'a mut [Value],
    name: &'static str,
}

impl<'a> Wmsg<'a> {
    /// Checks the arity: autobahn's `invalid message length N for NAME`.
    pub fn new(
        items: &'a mut [Value],
        name: &'static str,
        lengths: &[usize],
    ) -> Result<Self, ValidationError> {
        Self::with_length_name(items, name, name, lengths)
    }

    /// As [`Wmsg::new`], where autobahn's length error spells the message differently
    /// (`WAMP UNSUBSCRIBE`).
    pub fn with_length_name(
        items: &'a mut [Value],
        name: &'static str,
        length_name: &'static str,
        lengths: &[usize],
    ) -> Result<Self, ValidationError> {
        if lengths.contains(&items.len()) {
            Ok(Wmsg { items, name })
        } else {
            Err(length_error(length_name, items.len()))
        }
    }

    /// The number of elements, code included.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Element `i`, if present.
    pub fn get(&self, i: usize) -> Option<&Value> {
        self.items.get(i)
    }

    /// Element `i`, within the length checked by [`Wmsg::new`].
    pub fn element(&self, i: usize) -> &Value {
        &self.items[i]
    }

    /// Element `i`, taken out (`null` is left in its place); `null` if absent.
    fn take(&mut self, i: usize) -> Value {
        self.items.get_mut(i).map(mem::take).unwrap_or_default()
    }

    /// A protocol error about element `field`.
    pub fn error(&self, field: &'static str, reason: impl Into<String>) -> ValidationError {
        element_error(self.name, field, reason)
    }

    /// `invalid type T` for element `field`.
    pub fn type_error(&self, field: &'static str, value: &Value) -> ValidationError {
        self.error(field, format!("invalid type {}", value.type_name()))
    }

    fn locate(&self, field: &'static str) -> impl FnOnce(ValidationError) -> ValidationError {
        let name = self.name;
        move |e| e.in_message(name).at(field, FieldRole::Element)
    }

    /// Element `i` as a WAMP ID.
    pub fn id(&self, i: usize, field: &'static str) -> Result<Id, ValidationError> {
        check_or_raise_id(self.element(i)).map_err(self.locate(field))
    }

    /// Element `i` as an options or details dict, taken.
    pub fn extra(
        &mut self,
        i: usize,
        field: &'static str,
        role: FieldRole,
    ) -> Result<Extra, ValidationError> {
        match self.take(i) {
            Value::Map(dict) => Ok(Extra {
                dict,
                at: KeyLocation {
                    message: self.name,
                    role,
                },
            }),
            other => Err(self.locate(field)(not_an_extra(&other))),
        }
    }

    /// Element `i` as a URI under `rule`, taken; `None` only when the rule allows `null`.
    pub fn uri(
        &mut self,
        i: usize,
        field: &'static str,
        rule: UriRule,
    ) -> Result<Option<String>, ValidationError> {
        // Checked where it is, then taken: only a valid URI is moved.
        let value = self.get(i).unwrap_or(&Value::Null);
        check_or_raise_uri(value, rule).map_err(self.locate(field))?;
        Ok(into_string(self.take(i)))
    }

    /// Element `i` as a string, taken.
    pub fn string(&mut self, i: usize, field: &'static str) -> Result<String, ValidationError> {
        match self.take(i) {
            Value::Str(s) => Ok(s.into_string()),
            other => Err(self.type_error(field, &other)),
        }
    }

    /// Element `i` as an `args` list, taken; `null` too when `null_ok`.
    pub fn args(&mut self, i: usize, null_ok: bool) -> Result<Option<Vec<Value>>, ValidationError> {
        match self.get(i) {
            None => Ok(None),
            Some(Value::List(_)) => Ok(into_list(self.take(i))),
            Some(Value::Null) if null_ok => Ok(None),
            Some(other) => Err(self.type_error("args", other)),
        }
    }

    /// Element `i` as a `kwargs` dict, taken; `null` too when `null_ok`.
    pub fn kwargs(&mut self, i: usize, null_ok: bool) -> Result<Option<Dict>, ValidationError> {
        match self.get(i) {
            None => Ok(None),
            Some(Value::Map(_)) => Ok(into_map(self.take(i))),
            Some(Value::Null) if null_ok => Ok(None),
            Some(other) => Err(self.type_error("kwargs", other)),
        }
    }
}

/// Autobahn's `invalid message length N for NAME`.
pub(crate) fn length_error(length_name: &'static str, len: usize) -> ValidationError {
    ValidationError::protocol(format!("invalid message length {len}")).in_message(length_name)
}

/// A protocol error about element `field` of message `name`.
pub(crate) fn element_error(
    name: &'static str,
    field: &'static str,
    reason: impl Into<String>,
) -> ValidationError {
    ValidationError::protocol(reason)
        .in_message(name)
        .at(field, FieldRole::Element)
}

/// The reason of the error for a string where a transparent payload goes (element `payload`).
pub(crate) const STR_PAYLOAD: &str = "invalid type str (must be bytes)";

/// The string a value holds, if it is one.
fn into_string(value: Value) -> Option<String> {
    match value {
        Value::Str(s) => Some(s.into_string()),
        _ => None,
    }
}

/// The list a value holds, if it is one.
fn into_list(value: Value) -> Option<Vec<Value>> {
    match value {
        Value::List(l) => Some(l),
        _ => None,
    }
}

/// The dict a value holds, if it is one.
fn into_map(value: Value) -> Option<Dict> {
    match value {
        Value::Map(m) => Some(m),
        _ => None,
    }
}

/// Where an options/details key is, for its errors: the message, and options or details.
#[derive(Clone, Copy)]
pub(crate) struct KeyLocation {
    pub message: &'static str,
    pub role: FieldRole,
}

impl KeyLocation {
    /// A protocol error about `key`.
    pub fn error(self, key: &'static str, reason: impl Into<String>) -> ValidationError {
        ValidationError::protocol(reason)
            .in_message(self.message)
            .at(key, self.role)
    }

    /// An error from a check of the value of `key`, located at it.
    pub fn locate(self, key: &'static str, e: ValidationError) -> ValidationError {
        e.in_message(self.message).at(key, self.role)
    }

    fn type_error(self, key: &'static str, value: &Value) -> ValidationError {
        self.type_name_error(key, value.type_name())
    }

    /// `invalid type T` for `key`.
    pub fn type_name_error(self, key: &'static str, type_name: &'static str) -> ValidationError {
        self.error(key, format!("invalid type {type_name}"))
    }

    /// `invalid type T for value`: an item of the list `key` of the wrong type.
    pub fn item_type_error(self, key: &'static str, type_name: &'static str) -> ValidationError {
        self.error(key, format!("invalid type {type_name} for value"))
    }

    /// `integer N out of range` (of the field's type: `i64`, or [`Id`]) for `key`.
    pub fn out_of_range(self, key: &'static str, v: &Value) -> ValidationError {
        self.error(key, format!("integer {v} out of range"))
    }

    /// `invalid value V` for `key`.
    pub fn invalid_value(self, key: &'static str, v: impl core::fmt::Display) -> ValidationError {
        self.error(key, format!("invalid value {v}"))
    }

    /// An item of `forward_for` that is not a principal.
    pub fn invalid_principal(self, key: &'static str, x: &Value) -> ValidationError {
        self.error(
            key,
            format!("invalid principal {x} (needs session: int, authid: str, authrole: str)"),
        )
    }

    /// `enc_key` or `enc_serializer` without `enc_algo`.
    pub fn enc_algo_missing(self) -> ValidationError {
        self.error(
            "enc_algo",
            "missing, but required with enc_key or enc_serializer",
        )
    }
}

/// An options or details dict of a message, read key by key; strings, lists and dicts are
/// taken out of it as they are read.
pub(crate) struct Extra {
    dict: Dict,
    at: KeyLocation,
}

/// The payload-transparency keys of an options/details dict.
#[derive(Debug, Default)]
pub(crate) struct EncOptions {
    pub enc_algo: Option<String>,
    pub enc_key: Option<String>,
    pub enc_serializer: Option<String>,
    /// The first check autobahn makes in the constructor rather than in `parse`, to raise
    /// after the other keys ([`Extra::enc_options`]).
    pub deferred: Option<ValidationError>,
}

impl Extra {
    /// The whole dict (what has not been taken out of it).
    pub fn into_dict(self) -> Dict {
        self.dict
    }

    /// The raw value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.dict.get(key)
    }

    /// `convert` applied to the value of `key`, if present. Most options/details dicts are
    /// empty, so that is checked first, inline: an absent key then costs one comparison, not a
    /// lookup.
    #[inline(always)]
    fn read<T>(
        &mut self,
        key: &'static str,
        convert: impl FnOnce(&mut Value, KeyLocation) -> Result<T, ValidationError>,
    ) -> Result<Option<T>, ValidationError> {
        if self.dict.is_empty() {
            return Ok(None);
        }
        self.read_present(key, convert)
    }

    /// [`Extra::read`] in a non-empty dict.
    fn read_present<T>(
        &mut self,
        key: &'static str,
        convert: impl FnOnce(&mut Value, KeyLocation) -> Result<T, ValidationError>,
    ) -> Result<Option<T>, ValidationError> {
        match self.dict.get_mut(key) {
            None => Ok(None),
            Some(v) => convert(v, self.at).map(Some),
        }
    }

    /// A protocol error about `key`.
    pub fn error(&self, key: &'static str, reason: impl Into<String>) -> ValidationError {
        self.at.error(key, reason)
    }

    /// Where the dict is, for errors about its keys.
    pub fn location(&self) -> KeyLocation {
        self.at
    }

    /// A boolean key.
    #[inline]
    pub fn bool(&mut self, key: &'static str) -> Result<Option<bool>, ValidationError> {
        self.read(key, |v, at| match v {
            Value::Bool(b) => Ok(*b),
            v => Err(at.type_error(key, v)),
        })
    }

    /// An integer key (Python `int`, so not a bool), of any sign; `i64` range.
    #[inline]
    pub fn int(&mut self, key: &'static str) -> Result<Option<i64>, ValidationError> {
        self.read(key, |v, at| match v {
            Value::Int(_) | Value::UInt(_) => v.as_i64().ok_or_else(|| at.out_of_range(key, v)),
            v => Err(at.type_error(key, v)),
        })
    }

    /// An ID key (`caller`, `publisher`, ...): an integer (not a bool) in the [`Id`] range.
    /// Autobahn checks only that it is an `int`; a negative one, which no peer assigns, is
    /// refused here as out of range, as one beyond `u64` is.
    #[inline]
    pub fn id(&mut self, key: &'static str) -> Result<Option<Id>, ValidationError> {
        self.read(key, |v, at| match v {
            Value::Int(_) | Value::UInt(_) => v.as_u64().ok_or_else(|| at.out_of_range(key, v)),
            v => Err(at.type_error(key, v)),
        })
    }

    /// A string key, taken.
    #[inline]
    pub fn string(&mut self, key: &'static str) -> Result<Option<String>, ValidationError> {
        self.read(key, |v, at| match v {
            Value::Str(s) => Ok(mem::take(s).into_string()),
            v => Err(at.type_error(key, v)),
        })
    }

    /// A URI key (`reason`), checked under `rule` (an invalid-URI error, as autobahn raises),
    /// taken; `None` too for a `null` the rule allows.
    #[inline]
    pub fn uri(
        &mut self,
        key: &'static str,
        rule: UriRule,
    ) -> Result<Option<String>, ValidationError> {
        let uri = self.read(key, |v, at| {
            check_or_raise_uri(v, rule).map_err(|e| at.locate(key, e))?;
            Ok(into_string(mem::take(v)))
        })?;
        Ok(uri.flatten())
    }

    /// A dict key, taken.
    #[inline]
    pub fn map(&mut self, key: &'static str) -> Result<Option<Dict>, ValidationError> {
        self.read(key, |v, at| match v {
            Value::Map(m) => Ok(mem::take(m)),
            v => Err(at.type_error(key, v)),
        })
    }

    /// A list of IDs (`exclude`, `eligible`). A wrong type anywhere is reported before an
    /// integer out of the [`Id`] range, and of those the last one.
    #[inline]
    pub fn id_list(&mut self, key: &'static str) -> Result<Option<Vec<Id>>, ValidationError> {
        self.read(key, |v, at| {
            let items = checked_list(v, key, at, |v| matches!(v, Value::Int(_) | Value::UInt(_)))?;
            if let Some(bad) = items.iter().rev().find(|v| v.as_u64().is_none()) {
                return Err(at.out_of_range(key, bad));
            }
            Ok(items.iter().filter_map(Value::as_u64).collect())
        })
    }

    /// A list of strings (`exclude_authid`, `authmethods`, ...), taken.
    #[inline]
    pub fn str_list(&mut self, key: &'static str) -> Result<Option<Vec<String>>, ValidationError> {
        self.read(key, |v, at| {
            let items = checked_list(v, key, at, |v| matches!(v, Value::Str(_)))?;
            Ok(mem::take(items)
                .into_iter()
                .filter_map(into_string)
                .collect())
        })
    }

    /// `forward_for`: a list of `{session: int, authid: str, authrole: str}`, taken.
    ///
    /// Autobahn means to check exactly this but its loop accepts any list (see
    /// `DEVIATIONS.md`); here every item is checked.
    #[inline]
    pub fn forward_for(&mut self) -> Result<Option<Vec<Principal>>, ValidationError> {
        const KEY: &str = "forward_for";
        self.read(KEY, |v, at| match v {
            Value::List(items) => items
                .iter_mut()
                .map(|x| take_principal(x).ok_or_else(|| at.invalid_principal(KEY, x)))
                .collect(),
            v => Err(at.type_error(KEY, v)),
        })
    }

    /// The payload-transparency keys of a message that carries a payload, checked as autobahn's
    /// `parse` and constructor check them: a key set to `null` is absent; `enc_algo` and
    /// `enc_serializer` must be known identifiers or `x_*`; `enc_key` must be a string (even an
    /// empty one, which is kept); and `enc_key`/`enc_serializer` need `enc_algo`.
    ///
    /// `parse` checks only truthy values (`if enc_algo and not valid:`); a falsy invalid value
    /// and a missing `enc_algo` fail the constructor's assertions, after every other key. Those
    /// come back in [`EncOptions::deferred`] for the caller to raise after the other keys.
    #[inline]
    pub fn enc_options(&mut self) -> Result<EncOptions, ValidationError> {
        let mut deferred = None;
        let enc_algo = self.identifier("enc_algo", is_valid_enc_algo, &mut deferred)?;
        let enc_key = self
            .read("enc_key", |v, at| match v {
                Value::Null => Ok(None),
                Value::Str(s) => Ok(Some(mem::take(s).into_string())),
                v => defer(at.type_error("enc_key", v), v, &mut deferred),
            })?
            .flatten();
        let enc_serializer =
            self.identifier("enc_serializer", is_valid_enc_serializer, &mut deferred)?;
        if enc_algo.is_none() && (enc_key.is_some() || enc_serializer.is_some()) {
            deferred.get_or_insert_with(|| self.at.enc_algo_missing());
        }
        Ok(EncOptions {
            enc_algo,
            enc_key,
            enc_serializer,
            deferred,
        })
    }

    /// A payload-transparency identifier key (`null` is absent), taken if `valid`.
    fn identifier(
        &mut self,
        key: &'static str,
        valid: fn(&str) -> bool,
        deferred: &mut Option<ValidationError>,
    ) -> Result<Option<String>, ValidationError> {
        let identifier = self.read(key, |v, at| match v {
            Value::Null => Ok(None),
            Value::Str(s) if valid(s) => Ok(Some(mem::take(s).into_string())),
            v => defer(at.invalid_value(key, &*v), v, deferred),
        })?;
        Ok(identifier.flatten())
    }
}

/// `error` now when `v` is truthy (autobahn's `parse` raises it), else kept in `deferred` (the
/// constructor's assertion, raised after the other keys) if it is the first such error.
fn defer<T>(
    error: ValidationError,
    v: &Value,
    deferred: &mut Option<ValidationError>,
) -> Result<Option<T>, ValidationError> {
    if v.is_truthy() {
        return Err(error);
    }
    deferred.get_or_insert(error);
    Ok(None)
}

/// The list `v`, after checking that it is one and that `accepts` each item; the error names
/// the first offending item.
fn checked_list<'v>(
    v: &'v mut Value,
    key: &'static str,
    at: KeyLocation,
    accepts: impl Fn(&Value) -> bool,
) -> Result<&'v mut Vec<Value>, ValidationError> {
    match v {
        Value::List(items) => match items.iter().find(|x| !accepts(x)) {
            Some(bad) => Err(at.item_type_error(key, bad.type_name())),
            None => Ok(items),
        },
        v => Err(at.type_error(key, v)),
    }
}

/// The principal `v` holds, its strings taken out of it; `None`, with `v` untouched, unless it
/// is `{session: int, authid: str, authrole: str}` with `session` in the [`Id`] range.
fn take_principal(v: &mut Value) -> Option<Principal> {
    let Value::Map(d) = v else { return None };
    let session = d.get("session").and_then(Value::as_u64)?;
    let is_str = |key| matches!(d.get(key), Some(Value::Str(_)));
    if !(is_str("authid") && is_str("authrole")) {
        return None;
    }
    let mut take = |key| d.get_mut(key).map(mem::take).and_then(into_string);
    Some(Principal {
        session,
        authid: take("authid")?,
        authrole: take("authrole")?,
    })
}

/// Where a message recognises a transparent payload in the element after its options/details.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PayloadStyle {
    /// PUBLISH: as `StrOrBytes`, but `args` must be a list, never `null`.
    Publish,
    /// CALL, RESULT: a `str` there is taken for a payload too (and then fails autobahn's
    /// constructor assertion: here a protocol error); `args` may be `null`.
    StrOrBytes,
    /// EVENT, INVOCATION, YIELD, ERROR: only `bytes` is a payload; `args` may be `null`.
    Bytes,
}

/// The application payload of a message (`args`, `kwargs`, `payload` and the `enc_*` keys),
/// read before the other options/details as autobahn reads it; [`AppPayload::check`] makes the
/// check autobahn's constructor makes after them.
pub(crate) struct AppPayload {
    pub args: Option<Vec<Value>>,
    pub kwargs: Option<Dict>,
    pub payload: Option<Vec<u8>>,
    /// PUBLISH's `args` when a string or bytes (see [`StrOrBytesArgs`]).
    pub args_str_or_bytes: Option<StrOrBytesArgs>,
    pub enc_algo: Option<String>,
    pub enc_key: Option<String>,
    pub enc_serializer: Option<String>,
    /// What autobahn's constructor asserts and its `parse` does not check (a string where the
    /// payload goes, a falsy invalid `enc_*` value, `enc_*` without `enc_algo`): raised by
    /// [`AppPayload::check`] after the other keys.
    deferred: Option<ValidationError>,
}

impl AppPayload {
    /// Takes the elements from `at` on: a transparent payload when element `at` is the last and
    /// is bytes (or a string, for `Publish` and `StrOrBytes`); else `args` and `kwargs`.
    pub fn read(
        w: &mut Wmsg,
        extra: &mut Extra,
        at: usize,
        style: PayloadStyle,
    ) -> Result<AppPayload, ValidationError> {
        let last = w.len() == at + 1;
        Ok(match w.get(at) {
            Some(Value::Bytes(_)) if last => {
                let enc = extra.enc_options()?;
                let payload = match w.take(at) {
                    Value::Bytes(p) => Some(p),
                    _ => None,
                };
                AppPayload::transparent(payload, enc, None)
            }
            Some(Value::Str(_)) if last && style != PayloadStyle::Bytes => {
                let enc = extra.enc_options()?;
                AppPayload::transparent(None, enc, Some(w.error("payload", STR_PAYLOAD)))
            }
            // PUBLISH's `args` may be a string or bytes when `kwargs` follows (autobahn's
            // `type(args) not in [list, str, bytes]`)
            Some(Value::Str(_) | Value::Bytes(_))
                if style == PayloadStyle::Publish && w.len() == at + 2 =>
            {
                AppPayload {
                    args_str_or_bytes: StrOrBytesArgs::from_value(w.take(at)),
                    kwargs: w.kwargs(at + 1, false)?,
                    ..AppPayload::transparent(None, EncOptions::default(), None)
                }
            }
            _ => AppPayload {
                args: w.args(at, style != PayloadStyle::Publish)?,
                kwargs: w.kwargs(at + 1, false)?,
                args_str_or_bytes: None,
                payload: None,
                enc_algo: None,
                enc_key: None,
                enc_serializer: None,
                deferred: None,
            },
        })
    }

    /// A transparent payload (or the string autobahn takes for one, whose error is
    /// `str_payload`) and its `enc_*` keys.
    fn transparent(
        payload: Option<Vec<u8>>,
        enc: EncOptions,
        str_payload: Option<ValidationError>,
    ) -> AppPayload {
        AppPayload {
            args: None,
            kwargs: None,
            payload,
            args_str_or_bytes: None,
            enc_algo: enc.enc_algo,
            enc_key: enc.enc_key,
            enc_serializer: enc.enc_serializer,
            // the constructor asserts the payload's type before the `enc_*` keys
            deferred: str_payload.or(enc.deferred),
        }
    }

    /// Autobahn's constructor assertions on the payload, as a protocol error (see `deferred`).
    pub fn check(&mut self) -> Result<(), ValidationError> {
        self.deferred.take().map_or(Ok(()), Err)
    }
}
