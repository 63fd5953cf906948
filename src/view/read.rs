//! Reading the fields of a message's items: the conversions the validation
//! ([`check`](super::check::check)) accepts by, and the typed views read by once it has, so
//! that what one accepts the other can read.
//!
//! Each reader answers `None` for an item that is not of its kind (or out of its range);
//! after a successful check that only happens for a field the message does not require.

use std::borrow::Cow;

use crate::message::Id;
use crate::validate::MAX_ID;
use crate::view::item::{Item, Kind};

/// A WAMP ID: an integer in `0..=2^53`.
#[inline]
pub(crate) fn id<'a, I: Item<'a>>(item: &I) -> Option<u64> {
    item.as_int()
        .filter(|i| (0..=i128::from(MAX_ID)).contains(i))
        .map(|i| i as u64)
}

/// An ID in an option or detail (`caller`, an item of `exclude`, a hop's `session`): an
/// integer in the [`Id`] range, as the owned decode reads it.
#[inline]
pub(crate) fn option_id<'a, I: Item<'a>>(item: &I) -> Option<Id> {
    item.as_int().and_then(|i| Id::try_from(i).ok())
}

/// An integer in the `i64` range (`timeout`, `concurrency`).
#[inline]
pub(crate) fn int<'a, I: Item<'a>>(item: &I) -> Option<i64> {
    item.as_int().and_then(|i| i64::try_from(i).ok())
}

/// A boolean.
#[inline]
pub(crate) fn bool<'a, I: Item<'a>>(item: &I) -> Option<bool> {
    item.as_bool()
}

/// A string (a URI too, once checked), borrowed from the buffer where the format allows.
#[inline]
pub(crate) fn str<'a, I: Item<'a>>(item: &I) -> Option<Cow<'a, str>> {
    item.as_str()
}

/// `item`, unless it is absent or `null` (a key where autobahn reads `null` as absent).
#[inline]
pub(crate) fn non_null<'a, I: Item<'a>>(item: Option<I>) -> Option<I> {
    item.filter(|i| !i.is_null())
}

/// The IDs of an ID list (`exclude`, `eligible`), once checked.
#[allow(dead_code)] // the typed views iterate lists by `typed::Ids`/`Strs`
pub(crate) fn id_list<'a, I: Item<'a>>(
    item: &I,
) -> Option<impl Iterator<Item = Id> + Clone + use<'a, I>> {
    Some(item.list()?.filter_map(|x| option_id(&x)))
}

/// The strings of a string list (`exclude_authid`, `authmethods`, ...), once checked.
#[allow(dead_code)] // the typed views iterate lists by `typed::Ids`/`Strs`
pub(crate) fn str_list<'a, I: Item<'a>>(
    item: &I,
) -> Option<impl Iterator<Item = Cow<'a, str>> + Clone> {
    Some(item.list()?.filter_map(|x| x.as_str()))
}

/// One hop of `forward_for`, read in place: the owned [`Principal`](crate::Principal) with its
/// strings borrowed from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalView<'a> {
    /// The session ID.
    pub session: Id,
    /// The session's authentication ID.
    pub authid: Cow<'a, str>,
    /// The session's authentication role.
    pub authrole: Cow<'a, str>,
}

/// Whether `item` is a principal, `{session: int, authid: str, authrole: str}` (`session` in
/// the [`Id`] range; other keys ignored; a repeated key counts with its last value). Reads no
/// string, so it allocates nothing.
pub(crate) fn is_principal<'a, I: Item<'a>>(item: &I) -> bool {
    if item.kind() != Kind::Map {
        return false;
    }
    let is_str = |key| item.get(key).is_some_and(|v| v.kind() == Kind::Str);
    item.get("session")
        .is_some_and(|s| s.kind() == Kind::Int && option_id(&s).is_some())
        && is_str("authid")
        && is_str("authrole")
}

/// The principal `item` holds, if it is one (see [`is_principal`]).
pub(crate) fn principal<'a, I: Item<'a>>(item: &I) -> Option<PrincipalView<'a>> {
    if !is_principal(item) {
        return None;
    }
    Some(PrincipalView {
        session: option_id(&item.get("session")?)?,
        authid: item.get("authid")?.as_str()?,
        authrole: item.get("authrole")?.as_str()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict;
    use crate::value::Value;

    #[test]
    fn readers() {
        let big = Value::from(u64::MAX);
        assert_eq!(id(&&Value::from(1u64 << 53)), Some(1 << 53));
        assert_eq!(id(&&Value::from((1u64 << 53) + 1)), None);
        assert_eq!(id(&&Value::Int(-1)), None);
        assert_eq!(int(&&big), None);
        assert_eq!(int(&&Value::Int(-5)), Some(-5));
        let p = Value::Map(dict! {"session" => 1, "authid" => "a", "authrole" => "r"});
        assert_eq!(
            principal(&&p),
            Some(PrincipalView {
                session: 1,
                authid: "a".into(),
                authrole: "r".into()
            })
        );
        let bad = Value::Map(dict! {"session" => true, "authid" => "a", "authrole" => "r"});
        assert!(!is_principal(&&bad));
        assert_eq!(option_id(&&big), Some(u64::MAX));
        assert_eq!(option_id(&&Value::Int(-1)), None);
        let ids = Value::List(vec![Value::Int(1), Value::Int(-2), big]);
        assert_eq!(id_list(&&ids).unwrap().collect::<Vec<_>>(), [1, u64::MAX]);
    }
}
