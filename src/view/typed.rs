//! Typed views of the 25 messages: one type per message, `XView<'a>`, with accessors named as
//! the owned type's fields and the same API whatever the format.
//!
//! Each view is an enum: [`ElementsView`] for JSON, MessagePack and CBOR (the checked message's
//! elements, read in place), or the FlatBuffers view of the message (`PublishRef`, ...). An
//! accessor answers what the owned decode has in that field (its defaults too: SUBSCRIBE's
//! `match` is `"exact"` when absent), borrowing strings from the input:
//!
//! | owned field | accessor |
//! |---|---|
//! | ID ([`Id`]) | `Id` |
//! | `String` / `Option<String>` | `Cow<'a, str>` / `Option<Cow<'a, str>>` |
//! | `Option<bool>`, `Option<Id>`, `Option<i64>` | the same |
//! | `Option<Vec<Id>>` (`exclude`, `eligible`) | `Option<`[`Ids`]`>` |
//! | `Option<Vec<String>>` | `Option<`[`Strs`]`>` (`Cow<'a, str>`s) |
//! | `forward_for` | `Option<`[`Principals`]`>` ([`PrincipalView`]s) |
//! | `args`, `kwargs` | `Option<`[`Payload`]`>` (the input's bytes) |
//! | `payload` | `Option<Cow<'a, [u8]>>` |
//!
//! The options, details or extra dict is readable by key (`option(key)`, `detail(key)`,
//! `extra(key)`), the keys the owned type does not model too; a FlatBuffers message has only
//! the schema's fields, so these answer `None` for it. So do HELLO's and WELCOME's `roles` and
//! `authextra` (raw items of the dict), which the schema keeps as tables.
//!
//! [`MessageView::typed`] gives the typed view of any message; `X::view(format, buf)` checks
//! `buf` as one message of type `X`.

use std::borrow::Cow;

use super::item::{Item, Kind};
use super::read::{self, PrincipalView};
use super::{ElementsView, ItemList, ItemRef, MessageView, Payload};
use crate::error::DecodeError;
#[cfg(feature = "flatbuffers")]
use crate::fbs::view::*;
use crate::message::pubsub::*;
use crate::message::rpc::*;
use crate::message::session::*;
use crate::message::Id;
use crate::messages::{Message, MessageType};
use crate::serializer::Format;

// ---- the iterators the accessors return ----

/// The IDs of an ID list (`exclude`, `eligible`), read in place.
#[derive(Debug, Clone)]
pub enum Ids<'a> {
    /// From a JSON, MessagePack or CBOR list.
    Items(ItemList<'a>),
    /// From a FlatBuffers `[uint64]`.
    #[cfg(feature = "flatbuffers")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flatbuffers")))]
    Flatbuffers(U64Iter<'a>),
}

impl Iterator for Ids<'_> {
    type Item = Id;
    fn next(&mut self) -> Option<Id> {
        match self {
            Ids::Items(l) => l.find_map(|i| read::option_id(&i)),
            #[cfg(feature = "flatbuffers")]
            Ids::Flatbuffers(l) => l.next(),
        }
    }
}

#[cfg(feature = "flatbuffers")]
impl<'a> From<U64Iter<'a>> for Ids<'a> {
    fn from(it: U64Iter<'a>) -> Ids<'a> {
        Ids::Flatbuffers(it)
    }
}

/// The strings of a string list (`exclude_authid`, `authmethods`, ...), borrowed from the input.
#[derive(Debug, Clone)]
pub enum Strs<'a> {
    /// From a JSON, MessagePack or CBOR list.
    Items(ItemList<'a>),
    /// From a FlatBuffers `[string]`.
    #[cfg(feature = "flatbuffers")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flatbuffers")))]
    Flatbuffers(StrIter<'a>),
    /// From a FlatBuffers `[AuthMethod]` (HELLO's `authmethods`), as names; unknown values are
    /// skipped.
    #[cfg(feature = "flatbuffers")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flatbuffers")))]
    AuthMethods(core::slice::Iter<'a, u8>),
}

impl<'a> Iterator for Strs<'a> {
    type Item = Cow<'a, str>;
    fn next(&mut self) -> Option<Cow<'a, str>> {
        match self {
            Strs::Items(l) => l.find_map(|i| i.as_str()),
            #[cfg(feature = "flatbuffers")]
            Strs::Flatbuffers(l) => l.next().map(Cow::Borrowed),
            #[cfg(feature = "flatbuffers")]
            Strs::AuthMethods(l) => l.find_map(|&v| auth_method_name_of(v)).map(Cow::Borrowed),
        }
    }
}

#[cfg(feature = "flatbuffers")]
fn auth_method_name_of(v: u8) -> Option<&'static str> {
    crate::fbs::view::auth_method_name(v)
}

#[cfg(feature = "flatbuffers")]
impl<'a> From<StrIter<'a>> for Strs<'a> {
    fn from(it: StrIter<'a>) -> Strs<'a> {
        Strs::Flatbuffers(it)
    }
}

/// The hops of `forward_for`, read in place.
#[derive(Debug, Clone)]
pub enum Principals<'a> {
    /// From a JSON, MessagePack or CBOR list.
    Items(ItemList<'a>),
    /// From a FlatBuffers `[Principal]`.
    #[cfg(feature = "flatbuffers")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flatbuffers")))]
    Flatbuffers(PrincipalIter<'a>),
}

impl<'a> Iterator for Principals<'a> {
    type Item = PrincipalView<'a>;
    fn next(&mut self) -> Option<PrincipalView<'a>> {
        match self {
            Principals::Items(l) => l.find_map(|i| read::principal(&i)),
            #[cfg(feature = "flatbuffers")]
            Principals::Flatbuffers(l) => l.next().map(|p| PrincipalView {
                session: p.session(),
                authid: Cow::Borrowed(p.authid().unwrap_or_default()),
                authrole: Cow::Borrowed(p.authrole().unwrap_or_default()),
            }),
        }
    }
}

#[cfg(feature = "flatbuffers")]
impl<'a> From<PrincipalIter<'a>> for Principals<'a> {
    fn from(it: PrincipalIter<'a>) -> Principals<'a> {
        Principals::Flatbuffers(it)
    }
}

/// The error of `X::view` for a buffer holding another message.
fn wrong_type(format: Format, expected: MessageType, found: MessageType) -> DecodeError {
    DecodeError::syntax(
        format.name(),
        format!(
            "expected {}, the buffer holds {}",
            expected.name(),
            found.name()
        ),
    )
}

// ---- the accessors, by kind ----

/// One accessor: `@kind view, name, (arguments), |fbs| expression`. Element kinds read element
/// `i` of the message; key kinds read a key of the options/details/extra dict (`self.dict()`).
/// The FlatBuffers expression gives the field from the view `fbs`, converted with `Into`.
macro_rules! accessor {
    (@id $view:ident, $name:ident, ($i:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", stringify!($name), "` (element ", stringify!($i), "), an ID.")]
        #[inline]
        pub fn $name(&self) -> Id {
            match self {
                $view::Elements(e) => e.element($i).and_then(|x| read::id(&x)).unwrap_or(0),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => $fbs,
            }
        }
    };
    (@text $view:ident, $name:ident, ($i:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", stringify!($name), "` (element ", stringify!($i), "), borrowed ",
                        "from the input (a JSON string with escapes is unescaped).")]
        #[inline]
        pub fn $name(&self) -> Cow<'a, str> {
            match self {
                $view::Elements(e) => e.element($i).and_then(|x| x.as_str()).unwrap_or_default(),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => Cow::Borrowed($fbs),
            }
        }
    };
    (@opt_text $view:ident, $name:ident, ($i:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", stringify!($name), "` (element ", stringify!($i), "; `None` for ",
                        "`null`), borrowed from the input.")]
        #[inline]
        pub fn $name(&self) -> Option<Cow<'a, str>> {
            match self {
                $view::Elements(e) => e.element($i).and_then(|x| x.as_str()),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => ($fbs).map(Cow::Borrowed),
            }
        }
    };
    (@request_type $view:ident, $name:ident, ($i:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", stringify!($name), "` (element ", stringify!($i), "): the type of ",
                        "the request answered. (A FlatBuffers code that is no message type is ",
                        "refused when the view is made; a view built by hand from such a table ",
                        "reads as SUBSCRIBE.)")]
        #[inline]
        pub fn $name(&self) -> MessageType {
            match self {
                $view::Elements(e) => e
                    .element($i)
                    .and_then(|x| read::id(&x))
                    .and_then(MessageType::from_code),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => $fbs,
            }
            .unwrap_or(MessageType::Subscribe)
        }
    };
    (@bool $view:ident, $name:ident, ($key:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", $key, "`, a boolean.")]
        #[inline]
        pub fn $name(&self) -> Option<bool> {
            match self {
                $view::Elements(_) => read::bool(&self.dict()?.get($key)?),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => $fbs,
            }
        }
    };
    (@option_id $view:ident, $name:ident, ($key:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", $key, "`, an ID.")]
        #[inline]
        pub fn $name(&self) -> Option<Id> {
            match self {
                $view::Elements(_) => read::option_id(&self.dict()?.get($key)?),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => $fbs,
            }
        }
    };
    (@int $view:ident, $name:ident, ($key:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", $key, "`, an integer.")]
        #[inline]
        pub fn $name(&self) -> Option<i64> {
            match self {
                $view::Elements(_) => read::int(&self.dict()?.get($key)?),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => $fbs,
            }
        }
    };
    (@string $view:ident, $name:ident, ($key:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", $key, "`, a string borrowed from the input (`None` for `null`).")]
        #[inline]
        pub fn $name(&self) -> Option<Cow<'a, str>> {
            match self {
                $view::Elements(_) => read::str(&self.dict()?.get($key)?),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => ($fbs).map(Cow::Borrowed),
            }
        }
    };
    (@string_or $view:ident, $name:ident, ($key:literal, $default:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", $key, "`, a string borrowed from the input; `\"", $default,
                        "\"` when absent.")]
        #[inline]
        pub fn $name(&self) -> Cow<'a, str> {
            match self {
                $view::Elements(_) => self
                    .dict()
                    .and_then(|d| d.get($key))
                    .and_then(|x| read::str(&x))
                    .unwrap_or(Cow::Borrowed($default)),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => Cow::Borrowed($fbs),
            }
        }
    };
    (@ids $view:ident, $name:ident, ($key:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", $key, "`, a list of session IDs read in place.")]
        #[inline]
        pub fn $name(&self) -> Option<Ids<'a>> {
            match self {
                $view::Elements(_) => self.dict()?.get($key)?.list().map(Ids::Items),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => ($fbs).map(Into::into),
            }
        }
    };
    (@strs $view:ident, $name:ident, ($key:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", $key, "`, a list of strings borrowed from the input.")]
        #[inline]
        pub fn $name(&self) -> Option<Strs<'a>> {
            match self {
                $view::Elements(_) => self.dict()?.get($key)?.list().map(Strs::Items),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => ($fbs).map(Into::into),
            }
        }
    };
    (@principals $view:ident, $name:ident, ($key:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", $key, "`: the routers the message was forwarded through, read in ",
                        "place.")]
        #[inline]
        pub fn $name(&self) -> Option<Principals<'a>> {
            match self {
                $view::Elements(_) => self.dict()?.get($key)?.list().map(Principals::Items),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => ($fbs).map(Into::into),
            }
        }
    };
    (@raw $view:ident, $name:ident, ($key:literal), |$r:ident| $fbs:expr) => {
        #[doc = concat!("`", $key, "` as the input holds it (`None` when absent or `null`, and ",
                        "for FlatBuffers, whose schema keeps it as tables: see ",
                        "`to_owned_message`).")]
        #[inline]
        pub fn $name(&self) -> Option<ItemRef<'a>> {
            match self {
                $view::Elements(_) => read::non_null(self.dict()?.get($key)),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers($r) => $fbs,
            }
        }
    };
}

/// `args`, `kwargs`, `payload` and the `enc_*` keys of a message whose application payload
/// starts at element `$at` (the FlatBuffers views all name these fields alike).
macro_rules! payload_accessors {
    ($view:ident, $at:literal) => {
        /// The element after the dict, when it is the transparent payload: the last element,
        /// and bytes (the check refuses a string there).
        fn transparent(&self) -> Option<ItemRef<'a>> {
            let e = match self {
                $view::Elements(e) => e,
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers(_) => return None,
            };
            e.element($at)
                .filter(|i| e.len() == $at + 1 && i.kind() == Kind::Bytes)
        }

        /// The `args` element, whatever it holds (`None` when absent or `null`): a list, or a
        /// PUBLISH's string or bytes ([`StrOrBytesArgs`](crate::StrOrBytesArgs)).
        pub(crate) fn args_element(&self) -> Option<Payload<'a>> {
            match self {
                $view::Elements(e) if self.transparent().is_none() => {
                    e.element($at).filter(|i| !i.is_null()).map(Payload::Item)
                }
                $view::Elements(_) => None,
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers(r) => r.args_bytes().map(Payload::FlatbuffersCbor),
            }
        }

        /// `args`, as the input holds it (`None` when absent or `null`, and, as the owned
        /// type's `args`, when a PUBLISH's is a string or bytes: see
        /// [`PublishView::args_str_or_bytes`]).
        pub fn args(&self) -> Option<Payload<'a>> {
            self.args_element()
                .filter(|p| !matches!(p, Payload::Item(i) if is_str_or_bytes(i)))
        }

        /// `kwargs`, as the input holds it.
        pub fn kwargs(&self) -> Option<Payload<'a>> {
            match self {
                $view::Elements(e) => e.element($at + 1).map(Payload::Item),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers(r) => r.kwargs_bytes().map(Payload::FlatbuffersCbor),
            }
        }

        /// The transparent payload's bytes (borrowed; a JSON payload is base64, decoded into
        /// an owned buffer).
        pub fn payload(&self) -> Option<Cow<'a, [u8]>> {
            match self {
                $view::Elements(_) => self.transparent().and_then(|i| i.as_bytes()),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers(r) => r.payload().map(Cow::Borrowed),
            }
        }

        /// A payload-transparency key, present only with a transparent payload (as the owned
        /// parse reads it: `null` is absent).
        fn enc(&self, key: &str) -> Option<Cow<'a, str>> {
            self.transparent()?;
            read::non_null(self.dict()?.get(key)).and_then(|i| i.as_str())
        }

        /// `enc_algo` (FlatBuffers: `ppt_scheme`).
        pub fn enc_algo(&self) -> Option<Cow<'a, str>> {
            match self {
                $view::Elements(_) => self.enc("enc_algo"),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers(r) => r.ppt_scheme().map(Cow::Borrowed),
            }
        }

        /// `enc_key` (FlatBuffers: `ppt_keyid`).
        pub fn enc_key(&self) -> Option<Cow<'a, str>> {
            match self {
                $view::Elements(_) => self.enc("enc_key"),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers(r) => r.ppt_keyid().map(Cow::Borrowed),
            }
        }

        /// `enc_serializer` (FlatBuffers: `ppt_serializer`).
        pub fn enc_serializer(&self) -> Option<Cow<'a, str>> {
            match self {
                $view::Elements(_) => self.enc("enc_serializer"),
                #[cfg(feature = "flatbuffers")]
                $view::Flatbuffers(r) => r.ppt_serializer().map(Cow::Borrowed),
            }
        }
    };
}

/// One typed view: its type, `X::view`, `format`, `to_owned_message`, the dict by key, the
/// payload accessors, and one accessor per line of the table:
/// `name: kind(arguments) => |fbs| FlatBuffers expression`.
macro_rules! typed_view {
    (
        $(#[$doc:meta])*
        $view:ident for $owned:ident ($variant:ident, $fbs:ident)
        $(, dict @ $dict_at:literal: $get:ident / $item:ident)?
        $(, payload @ $pay_at:literal)?
        {
            $($name:ident: $kind:ident($($arg:tt)*) => |$r:ident| $fbs_expr:expr),* $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        // A view is returned and kept by value: boxing its elements would cost every view an
        // allocation.
        #[allow(clippy::large_enum_variant)]
        pub enum $view<'a> {
            /// JSON, MessagePack or CBOR: the checked message's elements.
            Elements(ElementsView<'a>),
            /// FlatBuffers.
            #[cfg(feature = "flatbuffers")]
            #[cfg_attr(docsrs, doc(cfg(feature = "flatbuffers")))]
            Flatbuffers($fbs<'a>),
        }

        impl $owned {
            #[doc = concat!("Checks `buf` as one ", stringify!($owned), " of `format` (every ",
                            "rule of the owned parse) and returns its view; an error if it is ",
                            "not valid or holds another message.")]
            pub fn view(format: Format, buf: &[u8]) -> Result<$view<'_>, DecodeError> {
                #[cfg(feature = "flatbuffers")]
                if format == Format::Flatbuffers {
                    return match MessageView::decode(format, buf)?.typed()? {
                        TypedView::$variant(v) => Ok(v),
                        other => Err(wrong_type(format, MessageType::$variant, other.message_type())),
                    };
                }
                // Built where it is returned and filled there, as `ElementsView::decode` is.
                let mut view = Ok($view::Elements(ElementsView::unfilled(format)));
                if let Ok($view::Elements(e)) = &mut view {
                    let checked = e.fill(buf, &crate::serializer::Limits::DEFAULT);
                    let found = e.message_type();
                    match checked {
                        Err(error) => view = Err(error),
                        Ok(()) if found != MessageType::$variant => {
                            view = Err(wrong_type(format, MessageType::$variant, found))
                        }
                        Ok(()) => {}
                    }
                }
                view
            }
        }

        impl<'a> $view<'a> {
            /// The format of the message.
            pub fn format(&self) -> Format {
                match self {
                    $view::Elements(e) => e.format(),
                    #[cfg(feature = "flatbuffers")]
                    $view::Flatbuffers(_) => Format::Flatbuffers,
                }
            }

            /// The same message as an untyped [`MessageView`] (what the forwarder takes).
            pub fn as_message(&self) -> MessageView<'a> {
                match self {
                    $view::Elements(e) => MessageView::Elements(*e),
                    #[cfg(feature = "flatbuffers")]
                    $view::Flatbuffers(r) => MessageView::Flatbuffers(MessageRef::$variant(*r)),
                }
            }

            /// The owned message (decodes everything, as [`Format::decode`] would).
            pub fn to_owned_message(&self) -> Result<$owned, DecodeError> {
                match self {
                    $view::Elements(e) => match MessageView::Elements(*e).to_message()? {
                        Message::$variant(m) => Ok(m),
                        other => Err(wrong_type(
                            e.format(),
                            MessageType::$variant,
                            other.message_type(),
                        )),
                    },
                    #[cfg(feature = "flatbuffers")]
                    $view::Flatbuffers(r) => $owned::try_from(*r),
                }
            }

            $(
                /// The dict, as the input holds it (`None` for FlatBuffers, and when an
                /// optional dict is absent).
                fn dict(&self) -> Option<ItemRef<'a>> {
                    match self {
                        $view::Elements(e) => e.element($dict_at),
                        #[cfg(feature = "flatbuffers")]
                        $view::Flatbuffers(_) => None,
                    }
                }

                /// The value of `key` in the dict (its last occurrence), as the input holds
                /// it, whether or not the owned type models the key; `None` when absent, and
                /// always for FlatBuffers (whose fields are the typed accessors).
                pub fn $get(&self, key: &str) -> Option<ItemRef<'a>> {
                    self.dict()?.get(key)
                }

                /// The whole dict, as the input holds it (`None` for FlatBuffers, and when an
                /// optional dict is absent).
                pub fn $item(&self) -> Option<ItemRef<'a>> {
                    self.dict()
                }
            )?

            $(payload_accessors!($view, $pay_at);)?

            $(accessor!(@$kind $view, $name, ($($arg)*), |$r| $fbs_expr);)*
        }
    };
}

/// [`TypedView`] and [`MessageView::typed`], from `(Variant, View, owned type)`.
macro_rules! typed_views {
    ($(($variant:ident, $view:ident, $owned:ident)),* $(,)?) => {
        /// The typed view of any of the 25 messages (variants named as [`Message`]'s).
        #[derive(Debug, Clone, Copy)]
        pub enum TypedView<'a> {
            $(
                #[doc = concat!("A [`", stringify!($view), "`].")]
                $variant($view<'a>),
            )*
        }

        impl TypedView<'_> {
            /// The message's type.
            pub fn message_type(&self) -> MessageType {
                match self {
                    $(TypedView::$variant(_) => MessageType::$variant,)*
                }
            }

            /// The format of the message.
            pub fn format(&self) -> Format {
                match self {
                    $(TypedView::$variant(v) => v.format(),)*
                }
            }
        }

        impl<'a> MessageView<'a> {
            /// The message's typed view. Fails only for a FlatBuffers ERROR whose
            /// `request_type` is not a message code (which the owned conversion refuses too).
            pub fn typed(&self) -> Result<TypedView<'a>, DecodeError> {
                Ok(match *self {
                    MessageView::Elements(e) => match e.message_type() {
                        $(MessageType::$variant => TypedView::$variant($view::Elements(e)),)*
                    },
                    #[cfg(feature = "flatbuffers")]
                    MessageView::Flatbuffers(MessageRef::Error(r))
                        if r.request_type().is_none() =>
                    {
                        return Err(DecodeError::syntax(
                            "flatbuffers",
                            format!(
                                "'request_type' in ERROR: {} is not a WAMP message type",
                                r.request_type_code()
                            ),
                        ));
                    }
                    #[cfg(feature = "flatbuffers")]
                    MessageView::Flatbuffers(m) => match m {
                        $(MessageRef::$variant(r) => TypedView::$variant($view::Flatbuffers(r)),)*
                    },
                })
            }
        }
    };
}

typed_views! {
    (Hello, HelloView, Hello),
    (Welcome, WelcomeView, Welcome),
    (Abort, AbortView, Abort),
    (Challenge, ChallengeView, Challenge),
    (Authenticate, AuthenticateView, Authenticate),
    (Goodbye, GoodbyeView, Goodbye),
    (Error, ErrorReplyView, ErrorReply),
    (Publish, PublishView, Publish),
    (Published, PublishedView, Published),
    (Subscribe, SubscribeView, Subscribe),
    (Subscribed, SubscribedView, Subscribed),
    (Unsubscribe, UnsubscribeView, Unsubscribe),
    (Unsubscribed, UnsubscribedView, Unsubscribed),
    (Event, EventView, Event),
    (EventReceived, EventReceivedView, EventReceived),
    (Call, CallView, Call),
    (Cancel, CancelView, Cancel),
    (Result, CallResultView, CallResult),
    (Register, RegisterView, Register),
    (Registered, RegisteredView, Registered),
    (Unregister, UnregisterView, Unregister),
    (Unregistered, UnregisteredView, Unregistered),
    (Invocation, InvocationView, Invocation),
    (Interrupt, InterruptView, Interrupt),
    (Yield, YieldView, Yield),
}

// ---- the 25 views ----

typed_view! {
    /// A checked HELLO in any format, read in place: `[HELLO, Realm|uri, Details|dict]`.
    HelloView for Hello (Hello, HelloRef), dict @ 2: detail / details_item {
        realm: opt_text(1) => |r| r.realm(),
        roles: raw("roles") => |_r| None,
        authmethods: strs("authmethods") => |r| r
            .authmethods_names()
            .map(Strs::Flatbuffers)
            .or_else(|| r.authmethods_raw().map(|b| Strs::AuthMethods(b.iter()))),
        authid: string("authid") => |r| r.authid(),
        authrole: string("authrole") => |r| r.authrole(),
        authextra: raw("authextra") => |_r| None,
        resumable: bool("resumable") => |r| r.resumable(),
        resume_session: option_id("resume-session") => |r| r.given_resume_session(),
        resume_token: string("resume-token") => |r| r.resume_token(),
    }
}

typed_view! {
    /// A checked WELCOME in any format, read in place: `[WELCOME, Session|id, Details|dict]`.
    /// Its custom (`x_*`) attributes are readable by key ([`WelcomeView::detail`]).
    WelcomeView for Welcome (Welcome, WelcomeRef), dict @ 2: detail / details_item {
        session: id(1) => |r| r.session(),
        roles: raw("roles") => |_r| None,
        realm: string("realm") => |r| r.realm(),
        authid: string("authid") => |r| r.authid(),
        authrole: string("authrole") => |r| r.authrole(),
        authmethod: string("authmethod") => |r| r.authmethod(),
        authprovider: string("authprovider") => |r| r.authprovider(),
        authextra: raw("authextra") => |_r| None,
        resumed: bool("resumed") => |r| r.resumed(),
        resumable: bool("resumable") => |r| r.resumable(),
        resume_token: string("resume_token") => |r| r.resume_token(),
    }
}

typed_view! {
    /// A checked ABORT in any format, read in place: `[ABORT, Details|dict, Reason|uri]`.
    AbortView for Abort (Abort, AbortRef), dict @ 1: detail / details_item {
        reason: text(2) => |r| r.reason(),
        message: string("message") => |r| r.message(),
    }
}

typed_view! {
    /// A checked CHALLENGE in any format, read in place:
    /// `[CHALLENGE, AuthMethod|string, Extra|dict]`.
    ChallengeView for Challenge (Challenge, ChallengeRef), dict @ 2: extra / extra_item {
        method: text(1) => |r| r.method(),
    }
}

typed_view! {
    /// A checked AUTHENTICATE in any format, read in place:
    /// `[AUTHENTICATE, Signature|string, Extra|dict]`.
    AuthenticateView for Authenticate (Authenticate, AuthenticateRef),
    dict @ 2: extra / extra_item {
        signature: text(1) => |r| r.signature().unwrap_or_default(),
    }
}

typed_view! {
    /// A checked GOODBYE in any format, read in place: `[GOODBYE, Details|dict, Reason|uri]`.
    GoodbyeView for Goodbye (Goodbye, GoodbyeRef), dict @ 1: detail / details_item {
        reason: text(2) => |r| r.reason(),
        message: string("message") => |r| r.message(),
        resumable: bool("resumable") => |r| r.resumable(),
    }
}

typed_view! {
    /// A checked ERROR in any format, read in place:
    /// `[ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, ...payload]`.
    ErrorReplyView for ErrorReply (Error, ErrorReplyRef), dict @ 3: detail / details_item,
    payload @ 5 {
        request_type: request_type(1) => |r| r.request_type(),
        request: id(2) => |r| r.request(),
        error: text(4) => |r| r.error(),
        callee: option_id("callee") => |r| r.given_callee(),
        callee_authid: string("callee_authid") => |r| r.callee_authid(),
        callee_authrole: string("callee_authrole") => |r| r.callee_authrole(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}

typed_view! {
    /// A checked PUBLISH in any format, read in place: what a broker reads of every
    /// publication. `[PUBLISH, Request|id, Options|dict, Topic|uri, ...payload]`.
    ///
    /// The accessors have the same names and types whatever the format. Options are readable
    /// by key ([`PublishView::option`]), the keys the owned [`Publish`] does not model too; a
    /// FlatBuffers PUBLISH has only the schema's fields, which its typed accessors read.
    PublishView for Publish (Publish, PublishRef), dict @ 2: option / options_item,
    payload @ 4 {
        request: id(1) => |r| r.request(),
        topic: text(3) => |r| r.topic(),
        acknowledge: bool("acknowledge") => |r| r.acknowledge(),
        exclude_me: bool("exclude_me") => |r| r.exclude_me(),
        exclude: ids("exclude") => |r| r.exclude(),
        exclude_authid: strs("exclude_authid") => |r| r.exclude_authid(),
        exclude_authrole: strs("exclude_authrole") => |r| r.exclude_authrole(),
        eligible: ids("eligible") => |r| r.eligible(),
        eligible_authid: strs("eligible_authid") => |r| r.eligible_authid(),
        eligible_authrole: strs("eligible_authrole") => |r| r.eligible_authrole(),
        retain: bool("retain") => |r| r.retain(),
        transaction_hash: string("transaction_hash") => |r| r.transaction_hash(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}

impl<'a> PublishView<'a> {
    /// `args` when a string or bytes rather than a list (the owned
    /// [`Publish::args_str_or_bytes`]); never for FlatBuffers, which cannot carry it
    /// (`DEVIATIONS.md`).
    pub fn args_str_or_bytes(&self) -> Option<ItemRef<'a>> {
        match self.args_element()? {
            Payload::Item(i) if is_str_or_bytes(&i) => Some(i),
            _ => None,
        }
    }
}

/// Whether `item` is a string or bytes (a PUBLISH's `args` may be, see
/// [`StrOrBytesArgs`](crate::StrOrBytesArgs)).
fn is_str_or_bytes(item: &ItemRef<'_>) -> bool {
    matches!(item.kind(), Kind::Str | Kind::Bytes)
}

typed_view! {
    /// A checked PUBLISHED in any format: `[PUBLISHED, PUBLISH.Request|id, Publication|id]`.
    PublishedView for Published (Published, PublishedRef) {
        request: id(1) => |r| r.request(),
        publication: id(2) => |r| r.publication(),
    }
}

typed_view! {
    /// A checked SUBSCRIBE in any format, read in place:
    /// `[SUBSCRIBE, Request|id, Options|dict, Topic|uri]`.
    SubscribeView for Subscribe (Subscribe, SubscribeRef), dict @ 2: option / options_item {
        request: id(1) => |r| r.request(),
        topic: text(3) => |r| r.topic().unwrap_or_default(),
        r#match: string_or("match", "exact") => |r| r.r#match(),
        get_retained: bool("get_retained") => |r| r.get_retained(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}

typed_view! {
    /// A checked SUBSCRIBED in any format:
    /// `[SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]`.
    SubscribedView for Subscribed (Subscribed, SubscribedRef) {
        request: id(1) => |r| r.request(),
        subscription: id(2) => |r| r.subscription(),
    }
}

typed_view! {
    /// A checked UNSUBSCRIBE in any format, read in place:
    /// `[UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id, Options|dict?]`.
    UnsubscribeView for Unsubscribe (Unsubscribe, UnsubscribeRef),
    dict @ 3: option / options_item {
        request: id(1) => |r| r.request(),
        subscription: id(2) => |r| r.subscription(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}

typed_view! {
    /// A checked UNSUBSCRIBED in any format, read in place:
    /// `[UNSUBSCRIBED, UNSUBSCRIBE.Request|id, Details|dict?]`.
    UnsubscribedView for Unsubscribed (Unsubscribed, UnsubscribedRef),
    dict @ 2: detail / details_item {
        request: id(1) => |r| r.request(),
        subscription: option_id("subscription") => |r| r.given_subscription(),
        reason: string("reason") => |r| r.reason(),
    }
}

typed_view! {
    /// A checked EVENT in any format, read in place:
    /// `[EVENT, Subscription|id, Publication|id, Details|dict, ...payload]`.
    EventView for Event (Event, EventRef), dict @ 3: detail / details_item, payload @ 4 {
        subscription: id(1) => |r| r.subscription(),
        publication: id(2) => |r| r.publication(),
        publisher: option_id("publisher") => |r| r.given_publisher(),
        publisher_authid: string("publisher_authid") => |r| r.publisher_authid(),
        publisher_authrole: string("publisher_authrole") => |r| r.publisher_authrole(),
        topic: string("topic") => |r| r.topic(),
        retained: bool("retained") => |r| r.retained(),
        transaction_hash: string("transaction_hash") => |r| r.transaction_hash(),
        x_acknowledged_delivery: bool("x_acknowledged_delivery") => |r| r.acknowledge(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}

typed_view! {
    /// A checked EVENT_RECEIVED in any format: `[EVENT_RECEIVED, EVENT.Publication|id]`.
    EventReceivedView for EventReceived (EventReceived, EventReceivedRef) {
        publication: id(1) => |r| r.publication(),
    }
}

typed_view! {
    /// A checked CALL in any format, read in place:
    /// `[CALL, Request|id, Options|dict, Procedure|uri, ...payload]`.
    CallView for Call (Call, CallRef), dict @ 2: option / options_item, payload @ 4 {
        request: id(1) => |r| r.request(),
        procedure: text(3) => |r| r.procedure(),
        timeout: int("timeout") => |r| r.given_timeout(),
        receive_progress: bool("receive_progress") => |r| r.receive_progress(),
        transaction_hash: string("transaction_hash") => |r| r.transaction_hash(),
        caller: option_id("caller") => |r| r.given_caller(),
        caller_authid: string("caller_authid") => |r| r.caller_authid(),
        caller_authrole: string("caller_authrole") => |r| r.caller_authrole(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}

typed_view! {
    /// A checked CANCEL in any format, read in place: `[CANCEL, CALL.Request|id, Options|dict]`.
    CancelView for Cancel (Cancel, CancelRef), dict @ 2: option / options_item {
        request: id(1) => |r| r.request(),
        mode: string("mode") => |r| r.mode(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}

typed_view! {
    /// A checked RESULT in any format, read in place:
    /// `[RESULT, CALL.Request|id, Details|dict, ...payload]`.
    CallResultView for CallResult (Result, CallResultRef), dict @ 2: detail / details_item,
    payload @ 3 {
        request: id(1) => |r| r.request(),
        progress: bool("progress") => |r| r.progress(),
        callee: option_id("callee") => |r| r.given_callee(),
        callee_authid: string("callee_authid") => |r| r.callee_authid(),
        callee_authrole: string("callee_authrole") => |r| r.callee_authrole(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}

typed_view! {
    /// A checked REGISTER in any format, read in place:
    /// `[REGISTER, Request|id, Options|dict, Procedure|uri]`.
    RegisterView for Register (Register, RegisterRef), dict @ 2: option / options_item {
        request: id(1) => |r| r.request(),
        procedure: text(3) => |r| r.procedure().unwrap_or_default(),
        r#match: string_or("match", "exact") => |r| r.r#match(),
        invoke: string_or("invoke", "single") => |r| r.invoke(),
        concurrency: int("concurrency") => |r| {
            Some(i64::from(r.concurrency())).filter(|&c| c != 0)
        },
        force_reregister: bool("force_reregister") => |r| r.force_reregister(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}

typed_view! {
    /// A checked REGISTERED in any format:
    /// `[REGISTERED, REGISTER.Request|id, Registration|id]`.
    RegisteredView for Registered (Registered, RegisteredRef) {
        request: id(1) => |r| r.request(),
        registration: id(2) => |r| r.registration(),
    }
}

typed_view! {
    /// A checked UNREGISTER in any format, read in place:
    /// `[UNREGISTER, Request|id, REGISTERED.Registration|id, Options|dict?]`.
    UnregisterView for Unregister (Unregister, UnregisterRef),
    dict @ 3: option / options_item {
        request: id(1) => |r| r.request(),
        registration: id(2) => |r| r.registration(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}

typed_view! {
    /// A checked UNREGISTERED in any format, read in place:
    /// `[UNREGISTERED, UNREGISTER.Request|id, Details|dict?]`.
    UnregisteredView for Unregistered (Unregistered, UnregisteredRef),
    dict @ 2: detail / details_item {
        request: id(1) => |r| r.request(),
        registration: option_id("registration") => |r| r.given_registration(),
        reason: string("reason") => |r| r.reason(),
    }
}

typed_view! {
    /// A checked INVOCATION in any format, read in place:
    /// `[INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, ...payload]`.
    InvocationView for Invocation (Invocation, InvocationRef), dict @ 3: detail / details_item,
    payload @ 4 {
        request: id(1) => |r| r.request(),
        registration: id(2) => |r| r.registration(),
        timeout: int("timeout") => |r| r.given_timeout(),
        receive_progress: bool("receive_progress") => |r| r.receive_progress(),
        caller: option_id("caller") => |r| r.given_caller(),
        caller_authid: string("caller_authid") => |r| r.caller_authid(),
        caller_authrole: string("caller_authrole") => |r| r.caller_authrole(),
        procedure: string("procedure") => |r| r.procedure(),
        transaction_hash: string("transaction_hash") => |r| r.transaction_hash(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}

typed_view! {
    /// A checked INTERRUPT in any format, read in place:
    /// `[INTERRUPT, INVOCATION.Request|id, Options|dict]`.
    InterruptView for Interrupt (Interrupt, InterruptRef), dict @ 2: option / options_item {
        request: id(1) => |r| r.request(),
        mode: string("mode") => |r| r.mode().filter(|m| *m != "skip"),
        reason: string("reason") => |r| r.reason(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}

typed_view! {
    /// A checked YIELD in any format, read in place:
    /// `[YIELD, INVOCATION.Request|id, Options|dict, ...payload]`.
    YieldView for Yield (Yield, YieldRef), dict @ 2: option / options_item, payload @ 3 {
        request: id(1) => |r| r.request(),
        progress: bool("progress") => |r| r.progress(),
        callee: option_id("callee") => |r| r.given_callee(),
        callee_authid: string("callee_authid") => |r| r.callee_authid(),
        callee_authrole: string("callee_authrole") => |r| r.callee_authrole(),
        forward_for: principals("forward_for") => |r| r.forward_for(),
    }
}
