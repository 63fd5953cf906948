//! Reading the elements of a raw message and the keys of its options/details, with autobahn's
//! checks and errors that name the message and field.

use crate::error::{FieldRole, ValidationError};
use crate::message::Principal;
use crate::validate::{
    check_or_raise_extra, check_or_raise_id, check_or_raise_uri, is_valid_enc_algo,
    is_valid_enc_serializer, UriRule,
};
use crate::value::{Dict, Value};

/// A raw message array being parsed as message `name`.
#[derive(Clone, Copy)]
pub(crate) struct Wmsg<'a> {
    items: &'a [Value],
    name: &'static str,
}

impl<'a> Wmsg<'a> {
    /// Checks the arity: autobahn's `invalid message length N for NAME`.
    pub fn new(
        items: &'a [Value],
        name: &'static str,
        lengths: &[usize],
    ) -> Result<Self, ValidationError> {
        Self::with_length_name(items, name, name, lengths)
    }

    /// As [`Wmsg::new`], where autobahn's length error spells the message differently
    /// (`WAMP UNSUBSCRIBE`).
    pub fn with_length_name(
        items: &'a [Value],
        name: &'static str,
        length_name: &'static str,
        lengths: &[usize],
    ) -> Result<Self, ValidationError> {
        if lengths.contains(&items.len()) {
            Ok(Wmsg { items, name })
        } else {
            Err(
                ValidationError::protocol(format!("invalid message length {}", items.len()))
                    .in_message(length_name),
            )
        }
    }

    /// The number of elements, code included.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Element `i`, if present.
    pub fn get(&self, i: usize) -> Option<&'a Value> {
        self.items.get(i)
    }

    /// A protocol error about element `field`.
    pub fn error(&self, field: &'static str, reason: impl Into<String>) -> ValidationError {
        ValidationError::protocol(reason)
            .in_message(self.name)
            .at(field, FieldRole::Element)
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
    pub fn id(&self, i: usize, field: &'static str) -> Result<u64, ValidationError> {
        check_or_raise_id(&self.items[i]).map_err(self.locate(field))
    }

    /// Element `i` as an options or details dict.
    pub fn extra(
        &self,
        i: usize,
        field: &'static str,
        role: FieldRole,
    ) -> Result<Extra<'a>, ValidationError> {
        let dict = check_or_raise_extra(&self.items[i]).map_err(self.locate(field))?;
        Ok(Extra {
            dict,
            name: self.name,
            role,
        })
    }

    /// Element `i` as a URI under `rule`; `None` only when the rule allows `null`.
    pub fn uri(
        &self,
        i: usize,
        field: &'static str,
        rule: UriRule,
    ) -> Result<Option<String>, ValidationError> {
        check_or_raise_uri(&self.items[i], rule)
            .map(|s| s.map(str::to_owned))
            .map_err(self.locate(field))
    }

    /// Element `i` as a string.
    pub fn string(&self, i: usize, field: &'static str) -> Result<String, ValidationError> {
        match &self.items[i] {
            Value::Str(s) => Ok(s.clone()),
            other => Err(self.type_error(field, other)),
        }
    }

    /// Element `i` as an `args` list; `null` too when `null_ok`.
    pub fn args(&self, i: usize, null_ok: bool) -> Result<Option<Vec<Value>>, ValidationError> {
        match self.get(i) {
            None => Ok(None),
            Some(Value::List(l)) => Ok(Some(l.clone())),
            Some(Value::Null) if null_ok => Ok(None),
            Some(other) => Err(self.type_error("args", other)),
        }
    }

    /// Element `i` as a `kwargs` dict; `null` too when `null_ok`.
    pub fn kwargs(&self, i: usize, null_ok: bool) -> Result<Option<Dict>, ValidationError> {
        match self.get(i) {
            None => Ok(None),
            Some(Value::Map(m)) => Ok(Some(m.clone())),
            Some(Value::Null) if null_ok => Ok(None),
            Some(other) => Err(self.type_error("kwargs", other)),
        }
    }
}

/// An options or details dict of message `name`, read key by key.
#[derive(Clone, Copy)]
pub(crate) struct Extra<'a> {
    dict: &'a Dict,
    name: &'static str,
    role: FieldRole,
}

/// The payload-transparency keys of an options/details dict.
#[derive(Debug, Default)]
pub(crate) struct EncOptions {
    pub enc_algo: Option<String>,
    pub enc_key: Option<String>,
    pub enc_serializer: Option<String>,
}

impl<'a> Extra<'a> {
    /// The whole dict.
    pub fn dict(&self) -> &'a Dict {
        self.dict
    }

    /// The raw value of `key`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.dict.get(key)
    }

    /// A protocol error about `key`.
    pub fn error(&self, key: &'static str, reason: impl Into<String>) -> ValidationError {
        ValidationError::protocol(reason)
            .in_message(self.name)
            .at(key, self.role)
    }

    /// `invalid type T` for `key`.
    pub fn type_error(&self, key: &'static str, value: &Value) -> ValidationError {
        self.error(key, format!("invalid type {}", value.type_name()))
    }

    /// `key` read with `read`, which says whether the value has the right type.
    fn typed<T>(
        &self,
        key: &'static str,
        read: impl FnOnce(&'a Value) -> Option<T>,
    ) -> Result<Option<T>, ValidationError> {
        match self.dict.get(key) {
            None => Ok(None),
            Some(v) => read(v).map(Some).ok_or_else(|| self.type_error(key, v)),
        }
    }

    /// A boolean key.
    pub fn bool(&self, key: &'static str) -> Result<Option<bool>, ValidationError> {
        self.typed(key, |v| match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        })
    }

    /// An integer key (Python `int`, so not a bool), of any sign; `i64` range.
    pub fn int(&self, key: &'static str) -> Result<Option<i64>, ValidationError> {
        match self.dict.get(key) {
            None => Ok(None),
            Some(v @ (Value::Int(_) | Value::UInt(_))) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.error(key, format!("integer {v} out of range"))),
            Some(v) => Err(self.type_error(key, v)),
        }
    }

    /// A string key.
    pub fn string(&self, key: &'static str) -> Result<Option<String>, ValidationError> {
        self.typed(key, |v| v.as_str().map(str::to_owned))
    }

    /// A URI key (`reason`), checked under `rule` (an invalid-URI error, as autobahn raises).
    pub fn uri(&self, key: &'static str, rule: UriRule) -> Result<Option<String>, ValidationError> {
        match self.dict.get(key) {
            None => Ok(None),
            Some(v) => check_or_raise_uri(v, rule)
                .map(|s| s.map(str::to_owned))
                .map_err(|e| e.in_message(self.name).at(key, self.role)),
        }
    }

    /// A dict key.
    pub fn map(&self, key: &'static str) -> Result<Option<Dict>, ValidationError> {
        self.typed(key, |v| v.as_map().cloned())
    }

    /// A list key whose items `item` accepts; the error names the offending item.
    fn list<T>(
        &self,
        key: &'static str,
        mut item: impl FnMut(&Value) -> Option<T>,
    ) -> Result<Option<Vec<T>>, ValidationError> {
        let Some(v) = self.dict.get(key) else {
            return Ok(None);
        };
        let Value::List(items) = v else {
            return Err(self.type_error(key, v));
        };
        items
            .iter()
            .map(|x| {
                item(x).ok_or_else(|| {
                    self.error(key, format!("invalid type {} for value", x.type_name()))
                })
            })
            .collect::<Result<Vec<T>, _>>()
            .map(Some)
    }

    /// A list of integers (`exclude`, `eligible`).
    pub fn int_list(&self, key: &'static str) -> Result<Option<Vec<i64>>, ValidationError> {
        let mut out_of_range = None;
        let list = self.list(key, |v| match v {
            Value::Int(i) => Some(*i),
            Value::UInt(u) => {
                out_of_range = Some(*u);
                Some(0)
            }
            _ => None,
        })?;
        match out_of_range {
            Some(u) => Err(self.error(key, format!("integer {u} out of range"))),
            None => Ok(list),
        }
    }

    /// A list of strings (`exclude_authid`, `authmethods`, ...).
    pub fn str_list(&self, key: &'static str) -> Result<Option<Vec<String>>, ValidationError> {
        self.list(key, |v| v.as_str().map(str::to_owned))
    }

    /// `forward_for`: a list of `{session: int, authid: str, authrole: str}`.
    ///
    /// Autobahn means to check exactly this but its loop accepts any list (see
    /// `DEVIATIONS.md`); here every item is checked.
    pub fn forward_for(&self) -> Result<Option<Vec<Principal>>, ValidationError> {
        const KEY: &str = "forward_for";
        let principal = |v: &Value| -> Option<Principal> {
            let d = v.as_map()?;
            Some(Principal {
                session: d
                    .get("session")
                    .filter(|s| matches!(s, Value::Int(_)))
                    .and_then(Value::as_i64)?,
                authid: d.get("authid")?.as_str()?.to_owned(),
                authrole: d.get("authrole")?.as_str()?.to_owned(),
            })
        };
        match self.dict.get(KEY) {
            None => Ok(None),
            Some(Value::List(items)) => items
                .iter()
                .map(|x| {
                    principal(x).ok_or_else(|| {
                        self.error(KEY, format!("invalid principal {x} (needs session: int, authid: str, authrole: str)"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(v) => Err(self.type_error(KEY, v)),
        }
    }

    /// The payload-transparency keys of a message that carries a payload, checked as autobahn's
    /// `parse` and constructor check them together: a key set to `null` is absent; `enc_algo`
    /// and `enc_serializer` must be known identifiers or `x_*`; `enc_key` must be a string (even
    /// an empty one, which is kept); and `enc_key`/`enc_serializer` need `enc_algo`.
    pub fn enc_options(&self) -> Result<EncOptions, ValidationError> {
        let present = |key| self.get(key).filter(|v| !matches!(v, Value::Null));
        let identifier = |key: &'static str, valid: fn(&str) -> bool| match present(key) {
            None => Ok(None),
            Some(Value::Str(s)) if valid(s) => Ok(Some(s.clone())),
            Some(v) => Err(self.error(key, format!("invalid value {v}"))),
        };
        let enc = EncOptions {
            enc_algo: identifier("enc_algo", is_valid_enc_algo)?,
            enc_key: match present("enc_key") {
                None => None,
                Some(Value::Str(s)) => Some(s.clone()),
                Some(v) => return Err(self.type_error("enc_key", v)),
            },
            enc_serializer: identifier("enc_serializer", is_valid_enc_serializer)?,
        };
        if enc.enc_algo.is_none() && (enc.enc_key.is_some() || enc.enc_serializer.is_some()) {
            return Err(self.error(
                "enc_algo",
                "missing, but required with enc_key or enc_serializer",
            ));
        }
        Ok(enc)
    }
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

/// The fields of an application payload: `args`, `kwargs`, `payload` and the `enc_*` keys.
pub(crate) type PayloadFields = (
    Option<Vec<Value>>,
    Option<Dict>,
    Option<Vec<u8>>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The application payload of a message, read before the other options/details as autobahn
/// reads it; [`AppPayload::finish`] makes the check autobahn's constructor makes after them.
pub(crate) struct AppPayload {
    args: Option<Vec<Value>>,
    kwargs: Option<Dict>,
    payload: Option<Vec<u8>>,
    enc: EncOptions,
    /// A string where the payload goes, which autobahn takes for a payload and then rejects.
    str_payload: bool,
}

impl AppPayload {
    /// Reads the elements from `at` on: a transparent payload when element `at` is the last and
    /// is bytes (or a string, for `Publish` and `StrOrBytes`); else `args` and `kwargs`.
    pub fn read(
        w: &Wmsg,
        extra: &Extra,
        at: usize,
        style: PayloadStyle,
    ) -> Result<AppPayload, ValidationError> {
        let mut app = AppPayload {
            args: None,
            kwargs: None,
            payload: None,
            enc: EncOptions::default(),
            str_payload: false,
        };
        let last = w.len() == at + 1;
        match w.get(at) {
            Some(Value::Bytes(p)) if last => {
                app.enc = extra.enc_options()?;
                app.payload = Some(p.clone());
            }
            Some(Value::Str(_)) if last && style != PayloadStyle::Bytes => {
                app.enc = extra.enc_options()?;
                app.str_payload = true;
            }
            _ => {
                app.args = w.args(at, style != PayloadStyle::Publish)?;
                app.kwargs = w.kwargs(at + 1, false)?;
            }
        }
        Ok(app)
    }

    /// Autobahn's constructor assertion, as a protocol error: the payload must be bytes.
    pub fn finish(self, w: &Wmsg) -> Result<PayloadFields, ValidationError> {
        if self.str_payload {
            return Err(w.error("payload", "invalid type str (must be bytes)"));
        }
        let EncOptions {
            enc_algo,
            enc_key,
            enc_serializer,
        } = self.enc;
        Ok((
            self.args,
            self.kwargs,
            self.payload,
            enc_algo,
            enc_key,
            enc_serializer,
        ))
    }
}
