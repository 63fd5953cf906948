//! The validation rules of autobahn's `message` module: URIs, realm names, IDs, extras and the
//! payload-transparency identifiers.
//!
//! The rules are autobahn's regular expressions (message.py:91-121) rewritten as byte and char
//! classes, so checking a borrowed string allocates nothing. Two of Python's regex quirks are
//! deliberately dropped (see `DEVIATIONS.md`):
//!
//! * Python's `$` also matches before a trailing `"\n"`, so autobahn accepts `"com.topic\n"`;
//!   here a URI ends at its last byte, and the newline is the whitespace it is.
//! * In strict mode Python's `\d` accepts any Unicode decimal digit (`"com.٣"`); here strict means
//!   the WAMP specification's `[0-9a-z_]`.
//!
//! Loose mode keeps Python's notion of whitespace (`str.isspace`), which includes the ASCII
//! separators U+001C..U+001F that Rust's `char::is_whitespace` does not.

use crate::bytewise;
use crate::error::ValidationError;
use crate::value::{Dict, Value};
use crate::view::item::{Item, Kind};

/// The largest valid WAMP ID, 2^53 (IDs are integers in `0..=2^53`, so they fit an IEEE double).
pub const MAX_ID: u64 = 1 << 53;

/// Payload transparency: end-to-end encryption with cryptobox.
pub const PAYLOAD_ENC_CRYPTO_BOX: &str = "cryptobox";
/// Payload transparency: MQTT payload pass-through.
pub const PAYLOAD_ENC_MQTT: &str = "mqtt";
/// Payload transparency: XBR end-to-end encryption.
pub const PAYLOAD_ENC_XBR: &str = "xbr";
/// The standard `enc_algo` identifiers; others must be custom `x_*` names.
pub const PAYLOAD_ENC_STANDARD_IDENTIFIERS: [&str; 3] =
    [PAYLOAD_ENC_CRYPTO_BOX, PAYLOAD_ENC_MQTT, PAYLOAD_ENC_XBR];
/// The standard `enc_serializer` identifiers; others must be custom `x_*` names.
pub const PAYLOAD_ENC_STANDARD_SERIALIZERS: [&str; 5] =
    ["json", "msgpack", "cbor", "ubjson", "flatbuffers"];

/// How strictly [`check_or_raise_uri`] checks a URI: autobahn's keyword arguments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UriRule {
    /// Components are `[0-9a-z_]+` (the spec's SHOULD); otherwise anything but whitespace, `.`
    /// and `#`.
    pub strict: bool,
    /// Components may be empty (`com..topic`, for wildcard subscriptions and registrations).
    pub allow_empty_components: bool,
    /// The last component may be empty (`com.myapp.`, for prefix matching). Wins over
    /// `allow_empty_components`, as in autobahn.
    pub allow_last_empty: bool,
    /// A missing URI (`null`) is accepted.
    pub allow_none: bool,
}

impl UriRule {
    /// The loose, non-empty rule every message uses unless it says otherwise.
    pub const LOOSE: UriRule = UriRule {
        strict: false,
        allow_empty_components: false,
        allow_last_empty: false,
        allow_none: false,
    };
    /// The strict, non-empty rule.
    pub const STRICT: UriRule = UriRule {
        strict: true,
        ..UriRule::LOOSE
    };
    /// Loose, with empty components (wildcard patterns).
    pub const WILDCARD: UriRule = UriRule {
        allow_empty_components: true,
        ..UriRule::LOOSE
    };
    /// Loose, with an empty last component (prefix patterns).
    pub const PREFIX: UriRule = UriRule {
        allow_last_empty: true,
        ..UriRule::LOOSE
    };

    /// The same rule, also accepting `null`.
    pub const fn or_none(self) -> UriRule {
        UriRule {
            allow_none: true,
            ..self
        }
    }
}

/// Python's `str.isspace()`, which is what `\s` means in autobahn's patterns.
#[inline]
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

#[inline]
fn is_loose_component_char(c: char) -> bool {
    c != '.' && c != '#' && !is_python_space(c)
}

#[cfg(test)]
fn is_strict_component_char(c: char) -> bool {
    matches!(c, '0'..='9' | 'a'..='z' | '_')
}

/// [`is_loose_component_char`] for an ASCII byte: Python's ASCII whitespace is `\t`..`\r`,
/// U+001C..U+001F and the space.
const fn is_loose_component_byte(b: u8) -> bool {
    !matches!(b, b'.' | b'#' | 0x09..=0x0d | 0x1c..=0x20)
}

/// [`is_strict_component_char`] for an ASCII byte.
const fn is_strict_component_byte(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'a'..=b'z' | b'_')
}

/// What a byte (or a character) is in a URI.
///
/// The values are not consecutive so that the compiler does not turn the scan's tests into an
/// indirect jump per byte, which cost more than the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum UriUnit {
    /// Allowed in a component.
    Component = 0,
    /// `.`, the separator.
    Dot = 1,
    /// Not allowed.
    Invalid = 0x40,
    /// A byte of a non-ASCII character, which only a character check can class.
    NonAscii = 0x80,
}

/// The [`UriUnit`] of every byte under the loose (`strict == false`) or the strict rule.
const fn uri_byte_units(strict: bool) -> [UriUnit; 256] {
    let mut table = [UriUnit::Invalid; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = if b == b'.' {
            UriUnit::Dot
        } else if !b.is_ascii() {
            // The strict rule allows ASCII only.
            if strict {
                UriUnit::Invalid
            } else {
                UriUnit::NonAscii
            }
        } else if (strict && is_strict_component_byte(b)) || (!strict && is_loose_component_byte(b))
        {
            UriUnit::Component
        } else {
            UriUnit::Invalid
        };
        i += 1;
    }
    table
}

const LOOSE_URI_BYTES: [UriUnit; 256] = uri_byte_units(false);
const STRICT_URI_BYTES: [UriUnit; 256] = uri_byte_units(true);

/// Whether `uri` matches the pattern `rule` selects (ignoring `allow_none`).
#[inline]
pub fn is_valid_uri(uri: &str, rule: UriRule) -> bool {
    if !rule.strict {
        if let Some(valid) = loose_by_words(uri.as_bytes(), rule) {
            return valid;
        }
    }
    uri_by_bytes(uri, rule)
}

/// [`is_valid_uri`] for any URI, kept out of the fast path's frame.
#[inline(never)]
fn uri_by_bytes(uri: &str, rule: UriRule) -> bool {
    // Byte by byte, one table lookup each, which spares the UTF-8 decoding and the Unicode
    // whitespace table for an ASCII URI.
    let table = if rule.strict {
        &STRICT_URI_BYTES
    } else {
        &LOOSE_URI_BYTES
    };
    match Components::START.units(uri.as_bytes().iter().map(|&b| table[usize::from(b)])) {
        Ok(scan) => scan.valid(rule),
        // A non-ASCII character (under the loose rule): the URI again, as characters.
        Err(UriUnit::NonAscii) => Components::START
            .units(uri.chars().map(loose_char_unit))
            .is_ok_and(|scan| scan.valid(rule)),
        Err(_) => false,
    }
}

/// The loose rule's answer for a URI of eight bytes or more made of ASCII bytes above `#`
/// (almost every URI), eight bytes at a time; `None` for any other URI, left to the byte walk.
///
/// Such a URI is valid unless it has an empty component: a dot first, two dots in a row, or
/// (but where the rule allows an empty last one) a dot last. The words start every seven
/// bytes, the last one ending at the URI's end, so that every pair of neighbours is inside one
/// word. Up to 22 bytes (most URIs) that is at most three words, tested without a loop; the
/// tests are OR-ed together and read once at the end.
#[inline(always)]
fn loose_by_words(bytes: &[u8], rule: UriRule) -> Option<bool> {
    use bytewise::{HIGH, LOW, ONES};
    /// High bits of `w`: of the bytes below `$` or not ASCII, and of the dots followed by a
    /// dot (in bytes 0 to 6).
    #[inline(always)]
    fn test(w: u64) -> u64 {
        // the high bit of `(b & 0x7f) + 0x5c` is set when `b & 0x7f` is `$` or above
        let stops = w | !((w & LOW) + ONES * (0x80 - u64::from(b'$')));
        // a byte of `x` is zero at a dot; of `pair`, at a dot followed by one
        let x = w ^ (ONES * u64::from(b'.'));
        let pair = x | (x >> 8) | (0xff << 56);
        let dot_pairs = !(((pair & LOW) + LOW) | pair);
        (stops & HIGH) | (dot_pairs & HIGH) >> 7
    }
    let n = bytes.len();
    let last = n.checked_sub(8)?;
    let word = |at: usize| -> Option<u64> {
        Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
    };
    let mut found = test(word(0)?) | test(word(last)?);
    let mut at = 7;
    while at < last {
        found |= test(word(at)?);
        at += 7;
    }
    // (the stops in the high bits, the dot pairs in the low ones)
    if found & HIGH != 0 {
        return None;
    }
    let inner_empty = found != 0 || bytes[0] == b'.';
    Some(if rule.allow_last_empty {
        !inner_empty
    } else if rule.allow_empty_components {
        true
    } else {
        !inner_empty && bytes[n - 1] != b'.'
    })
}

/// The [`UriUnit`] of a character under the loose rule.
fn loose_char_unit(c: char) -> UriUnit {
    if c == '.' {
        UriUnit::Dot
    } else if is_loose_component_char(c) {
        UriUnit::Component
    } else {
        UriUnit::Invalid
    }
}

/// What a scan of a URI has found of its components so far.
#[derive(Clone, Copy)]
struct Components {
    /// A component before the current one is empty.
    an_inner_one_is_empty: bool,
    /// The current component (after the last dot) is empty so far.
    the_current_one_is_empty: bool,
}

impl Components {
    /// Before the first byte: in an empty first component.
    const START: Components = Components {
        an_inner_one_is_empty: false,
        the_current_one_is_empty: true,
    };

    /// The scan continued over `units`; the first unit that is neither a component unit nor a
    /// dot stops it.
    #[inline(always)]
    fn units(mut self, units: impl Iterator<Item = UriUnit>) -> Result<Components, UriUnit> {
        for unit in units {
            if unit == UriUnit::Component {
                self.the_current_one_is_empty = false;
            } else if unit == UriUnit::Dot {
                self.an_inner_one_is_empty |= self.the_current_one_is_empty;
                self.the_current_one_is_empty = true;
            } else {
                return Err(unit);
            }
        }
        Ok(self)
    }

    /// Whether the components found make a valid URI under `rule`.
    fn valid(self, rule: UriRule) -> bool {
        if rule.allow_last_empty {
            !self.an_inner_one_is_empty
        } else if rule.allow_empty_components {
            true
        } else {
            !self.an_inner_one_is_empty && !self.the_current_one_is_empty
        }
    }
}

/// Checks a value for being a valid WAMP URI under `rule`; returns it, or `None` for an
/// accepted `null`.
///
/// Errors are [`ErrorKind::InvalidUri`](crate::ErrorKind::InvalidUri), as autobahn raises
/// `InvalidUriError`.
///
/// ```
/// use wamp_codec::{check_or_raise_uri, UriRule, Value};
/// assert!(check_or_raise_uri(&Value::from("com.myapp.topic"), UriRule::LOOSE).is_ok());
/// assert!(check_or_raise_uri(&Value::from("com..topic"), UriRule::LOOSE).is_err());
/// assert!(check_or_raise_uri(&Value::from("com..topic"), UriRule::WILDCARD).is_ok());
/// assert_eq!(check_or_raise_uri(&Value::Null, UriRule::LOOSE.or_none()), Ok(None));
/// ```
pub fn check_or_raise_uri(value: &Value, rule: UriRule) -> Result<Option<&str>, ValidationError> {
    match value {
        Value::Str(s) => check_uri_str(s, rule).map(Some),
        other => check_non_str_uri(Item::kind(&other), rule).map(|()| None),
    }
}

/// [`check_or_raise_uri`] for a value of `kind` that is not a string: `Ok` only for a `null`
/// the rule allows.
pub(crate) fn check_non_str_uri(kind: Kind, rule: UriRule) -> Result<(), ValidationError> {
    match kind {
        Kind::Null if rule.allow_none => Ok(()),
        Kind::Null => Err(ValidationError::invalid_uri("URI cannot be null")),
        other => Err(ValidationError::invalid_uri(format!(
            "invalid type {} for URI",
            other.type_name()
        ))),
    }
}

/// [`check_or_raise_uri`] for a borrowed string; allocates only to report an error.
pub fn check_uri_str(uri: &str, rule: UriRule) -> Result<&str, ValidationError> {
    if is_valid_uri(uri, rule) {
        Ok(uri)
    } else {
        Err(ValidationError::invalid_uri(format!(
            "invalid value {uri:?} for URI (strict={}, allow_empty_components={}, allow_last_empty={})",
            rule.strict, rule.allow_empty_components, rule.allow_last_empty
        )))
    }
}

/// The kind of a realm name, as autobahn's `identify_realm_name_category` tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RealmNameCategory {
    /// A plain WAMP realm name such as `realm1`.
    Standalone,
    /// An Ethereum address, `0x` and 40 hex digits.
    Eth,
    /// An ENS name such as `wamp-proto.eth`.
    Ens,
    /// An ENS name in reverse notation such as `eth.wamp-proto`.
    ReverseEns,
}

impl RealmNameCategory {
    /// The name autobahn returns: `standalone`, `eth`, `ens` or `reverse_ens`.
    pub fn as_str(self) -> &'static str {
        match self {
            RealmNameCategory::Standalone => "standalone",
            RealmNameCategory::Eth => "eth",
            RealmNameCategory::Ens => "ens",
            RealmNameCategory::ReverseEns => "reverse_ens",
        }
    }
}

/// `^[A-Za-z][A-Za-z\d_\-@\.]{2,254}$` (ASCII digits; see the module docs).
fn is_realm_name(s: &str) -> bool {
    let b = s.as_bytes();
    (3..=255).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b[1..]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'@' | b'.'))
}

/// `^0x([A-Fa-f\d]{40})$`
fn is_eth_address(s: &str) -> bool {
    s.len() == 42 && s.starts_with("0x") && s.as_bytes()[2..].iter().all(u8::is_ascii_hexdigit)
}

/// `[a-z\d_\-@\.]{2,250}`: the name part of an ENS name.
fn is_ens_label(s: &str) -> bool {
    (2..=250).contains(&s.len())
        && s.bytes()
            .all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'@' | b'.'))
}

/// Classifies a realm name; `None` when it is not one.
pub fn identify_realm_name_category(value: &str) -> Option<RealmNameCategory> {
    if is_realm_name(value) {
        if value.strip_suffix(".eth").is_some_and(is_ens_label) {
            Some(RealmNameCategory::Ens)
        } else if value.strip_prefix("eth.").is_some_and(is_ens_label) {
            Some(RealmNameCategory::ReverseEns)
        } else {
            Some(RealmNameCategory::Standalone)
        }
    } else if is_eth_address(value) {
        Some(RealmNameCategory::Eth)
    } else {
        None
    }
}

/// Checks a value for being a valid realm name (an Ethereum address too when `allow_eth`).
pub fn check_or_raise_realm_name(value: &Value, allow_eth: bool) -> Result<&str, ValidationError> {
    let s = match value {
        Value::Str(s) => s.as_str(),
        Value::Null => return Err(ValidationError::invalid_uri("realm name cannot be null")),
        other => {
            return Err(ValidationError::invalid_uri(format!(
                "invalid type {} for realm name",
                other.type_name()
            )))
        }
    };
    if is_realm_name(s) || (allow_eth && is_eth_address(s)) {
        Ok(s)
    } else {
        Err(ValidationError::invalid_uri(format!(
            "invalid value {s:?} for realm name"
        )))
    }
}

/// Checks a value for being a valid WAMP ID: an integer (not a bool) in `0..=2^53`.
///
/// ```
/// use wamp_codec::{check_or_raise_id, Value};
/// assert_eq!(check_or_raise_id(&Value::from(1u64 << 53)), Ok(1 << 53));
/// assert!(check_or_raise_id(&Value::from((1u64 << 53) + 1)).is_err());
/// assert!(check_or_raise_id(&Value::Bool(true)).is_err());
/// ```
pub fn check_or_raise_id(value: &Value) -> Result<u64, ValidationError> {
    check_id(value.as_i128(), value.type_name())
}

/// [`check_or_raise_id`] for a value read as an integer (`None` if it is not one) of Python
/// type `type_name`.
#[inline]
pub(crate) fn check_id(int: Option<i128>, type_name: &'static str) -> Result<u64, ValidationError> {
    match int {
        Some(v) if (0..=i128::from(MAX_ID)).contains(&v) => Ok(v as u64),
        Some(v) => Err(ValidationError::protocol(format!(
            "invalid value {v} for ID"
        ))),
        None => Err(ValidationError::protocol(format!(
            "invalid type {type_name} for ID"
        ))),
    }
}

/// Checks a value for being a WAMP extra: a dictionary with string keys.
///
/// Every decoder here produces string keys only, so the key check is the type check.
pub fn check_or_raise_extra(value: &Value) -> Result<&Dict, ValidationError> {
    value.as_map().ok_or_else(|| not_an_extra(value))
}

/// The error of [`check_or_raise_extra`] for a value that is not a dict.
pub(crate) fn not_an_extra(value: &Value) -> ValidationError {
    not_an_extra_type(value.type_name())
}

/// [`not_an_extra`] for a value of Python type `type_name`.
pub(crate) fn not_an_extra_type(type_name: &'static str) -> ValidationError {
    ValidationError::protocol(format!("invalid type {type_name} for WAMP extra"))
}

/// `^x_([a-z][\da-z_]+)?$`: a custom attribute or identifier (`x_`, or `x_` and at least two
/// characters starting with a letter).
pub fn is_custom_attribute(s: &str) -> bool {
    match s.strip_prefix("x_").map(str::as_bytes) {
        Some([]) => true,
        Some([first, rest @ ..]) => {
            first.is_ascii_lowercase()
                && !rest.is_empty()
                && rest
                    .iter()
                    .all(|&c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'_'))
        }
        None => false,
    }
}

/// Whether `enc_algo` is a valid payload-transparency algorithm: a standard one or `x_*`.
pub fn is_valid_enc_algo(enc_algo: &str) -> bool {
    PAYLOAD_ENC_STANDARD_IDENTIFIERS.contains(&enc_algo) || is_custom_attribute(enc_algo)
}

/// Whether `enc_serializer` is a valid payload-transparency serializer: a standard one or `x_*`.
pub fn is_valid_enc_serializer(enc_serializer: &str) -> bool {
    PAYLOAD_ENC_STANDARD_SERIALIZERS.contains(&enc_serializer)
        || is_custom_attribute(enc_serializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT_EMPTY: UriRule = UriRule {
        strict: true,
        allow_empty_components: true,
        ..UriRule::LOOSE
    };
    const STRICT_LAST: UriRule = UriRule {
        strict: true,
        allow_last_empty: true,
        ..UriRule::LOOSE
    };

    // Fixtures in the spirit of autobahn's test_wamp_message.py, plus the quirks decided here.
    #[test]
    fn loose_non_empty() {
        for ok in [
            "com.myapp.topic",
            "Com.MyApp.Topic",
            "a",
            "com.my-app.t!",
            "ünïcode.topic",
        ] {
            assert!(is_valid_uri(ok, UriRule::LOOSE), "{ok}");
        }
        for bad in [
            "",
            ".",
            "com.",
            ".com",
            "com..topic",
            "com.my app",
            "com.#",
            "com.\ttab",
            "a\u{1f}b",
        ] {
            assert!(!is_valid_uri(bad, UriRule::LOOSE), "{bad:?}");
        }
    }

    #[test]
    fn loose_empty_components_and_last_empty() {
        for ok in ["", ".", "com..topic", ".com", "com."] {
            assert!(is_valid_uri(ok, UriRule::WILDCARD), "{ok:?}");
        }
        assert!(!is_valid_uri("com. .x", UriRule::WILDCARD));
        for ok in ["", "com.", "com.myapp.", "com.myapp"] {
            assert!(is_valid_uri(ok, UriRule::PREFIX), "{ok:?}");
        }
        for bad in [".", "com..", ".com", "com..x"] {
            assert!(!is_valid_uri(bad, UriRule::PREFIX), "{bad:?}");
        }
        // allow_last_empty wins over allow_empty_components, as in autobahn
        let both = UriRule {
            allow_empty_components: true,
            ..UriRule::PREFIX
        };
        assert!(!is_valid_uri("com..x", both));
    }

    #[test]
    fn strict() {
        assert!(is_valid_uri("com.myapp_1.topic", UriRule::STRICT));
        for bad in ["Com.myapp", "com.my-app", "com.", "com.\u{663}"] {
            assert!(!is_valid_uri(bad, UriRule::STRICT), "{bad:?}");
        }
        assert!(is_valid_uri("com..x", STRICT_EMPTY));
        assert!(is_valid_uri("com.x.", STRICT_LAST));
        assert!(!is_valid_uri("com..x", STRICT_LAST));
    }

    #[test]
    fn byte_checks_agree_with_char_checks_on_ascii() {
        for b in 0..0x80u8 {
            let c = char::from(b);
            assert_eq!(
                is_loose_component_byte(b),
                is_loose_component_char(c),
                "{b:#x}"
            );
            assert_eq!(
                is_strict_component_byte(b),
                is_strict_component_char(c),
                "{b:#x}"
            );
        }
    }

    #[test]
    fn byte_tables_agree_with_char_checks() {
        let unit = |component: bool| match component {
            true => UriUnit::Component,
            false => UriUnit::Invalid,
        };
        for b in 0..=0xffu8 {
            let (loose, strict) = (
                LOOSE_URI_BYTES[usize::from(b)],
                STRICT_URI_BYTES[usize::from(b)],
            );
            if b == b'.' {
                assert_eq!((loose, strict), (UriUnit::Dot, UriUnit::Dot));
            } else if b.is_ascii() {
                assert_eq!(loose, loose_char_unit(char::from(b)), "{b:#x}");
                assert_eq!(
                    strict,
                    unit(is_strict_component_char(char::from(b))),
                    "{b:#x}"
                );
            } else {
                assert_eq!(
                    (loose, strict),
                    (UriUnit::NonAscii, UriUnit::Invalid),
                    "{b:#x}"
                );
            }
        }
    }

    /// The rules as autobahn's patterns state them: split at the dots, check each component.
    fn reference_is_valid_uri(uri: &str, rule: UriRule) -> bool {
        let allowed = |c: char| match rule.strict {
            true => is_strict_component_char(c),
            false => is_loose_component_char(c),
        };
        let components: Vec<&str> = uri.split('.').collect();
        let (last, inner) = components.split_last().unwrap();
        if !components.iter().all(|c| c.chars().all(allowed)) {
            false
        } else if rule.allow_last_empty {
            inner.iter().all(|c| !c.is_empty())
        } else {
            rule.allow_empty_components || (inner.iter().all(|c| !c.is_empty()) && !last.is_empty())
        }
    }

    #[test]
    fn word_and_byte_scans_agree_with_the_patterns() {
        // Every string of up to 3 characters, and pseudo-random ones up to 40, over characters
        // that exercise each path: dots across word boundaries, control characters, `#`,
        // whitespace and non-ASCII characters at any offset.
        let alphabet = [
            'a', '.', '.', 'z', '_', '#', ' ', '\u{1}', '\u{1c}', '\u{85}', 'é', 'Z', '!', '$',
            '\u{7f}',
        ];
        let mut cases: Vec<String> = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = cases
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            cases.extend(longer);
        }
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..41 {
            for _ in 0..400 {
                let s: String = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        // mostly component letters and dots, as in real URIs
                        match seed % 8 {
                            0..=4 => 'a',
                            5 | 6 => '.',
                            _ => alphabet[(seed >> 8) as usize % alphabet.len()],
                        }
                    })
                    .collect();
                cases.push(s);
            }
        }
        let rules = [
            UriRule::LOOSE,
            UriRule::STRICT,
            UriRule::WILDCARD,
            UriRule::PREFIX,
            STRICT_EMPTY,
            STRICT_LAST,
        ];
        for uri in &cases {
            for rule in rules {
                assert_eq!(
                    is_valid_uri(uri, rule),
                    reference_is_valid_uri(uri, rule),
                    "{uri:?} {rule:?}"
                );
            }
        }
    }

    #[test]
    fn python_dollar_before_newline_is_not_kept() {
        assert!(!is_valid_uri("com.myapp.topic\n", UriRule::LOOSE));
    }

    #[test]
    fn uri_values() {
        assert_eq!(
            check_or_raise_uri(&Value::Null, UriRule::LOOSE)
                .unwrap_err()
                .kind(),
            crate::ErrorKind::InvalidUri
        );
        assert_eq!(
            check_or_raise_uri(&Value::Int(1), UriRule::LOOSE)
                .unwrap_err()
                .reason(),
            "invalid type int for URI"
        );
    }

    #[test]
    fn ids() {
        assert_eq!(check_or_raise_id(&Value::Int(0)), Ok(0));
        assert_eq!(check_or_raise_id(&Value::from(MAX_ID)), Ok(MAX_ID));
        assert!(check_or_raise_id(&Value::from(MAX_ID + 1)).is_err());
        assert!(check_or_raise_id(&Value::Int(-1)).is_err());
        assert!(check_or_raise_id(&Value::UInt(u64::MAX)).is_err());
        assert!(check_or_raise_id(&Value::Float(1.0)).is_err());
        assert!(check_or_raise_id(&Value::Bool(false)).is_err());
    }

    #[test]
    fn realm_names() {
        use RealmNameCategory::*;
        let cat = identify_realm_name_category;
        assert_eq!(cat("realm1"), Some(Standalone));
        assert_eq!(cat("wamp-proto.eth"), Some(Ens));
        assert_eq!(cat("eth.wamp-proto"), Some(ReverseEns));
        assert_eq!(cat("0xe59C7418403CF1D973485B36660728a5f4A8fF9c"), Some(Eth));
        assert_eq!(cat("Wamp.eth"), Some(Standalone)); // ENS needs lowercase
        assert_eq!(cat("r1"), None);
        assert_eq!(cat("1realm"), None);
        let eth = Value::from("0xe59C7418403CF1D973485B36660728a5f4A8fF9c");
        assert!(check_or_raise_realm_name(&eth, true).is_ok());
        assert!(check_or_raise_realm_name(&eth, false).is_err());
        assert!(check_or_raise_realm_name(&Value::Null, true).is_err());
    }

    #[test]
    fn enc_identifiers() {
        assert!(
            is_valid_enc_algo("cryptobox")
                && is_valid_enc_algo("xbr")
                && is_valid_enc_algo("x_my_algo")
        );
        assert!(is_valid_enc_algo("x_"));
        assert!(
            !is_valid_enc_algo("x_a") && !is_valid_enc_algo("x_1a") && !is_valid_enc_algo("aes")
        );
        assert!(is_valid_enc_serializer("cbor") && !is_valid_enc_serializer("flexbuffers"));
    }

    #[test]
    fn extra() {
        assert!(check_or_raise_extra(&Value::Map(Dict::new())).is_ok());
        assert_eq!(
            check_or_raise_extra(&Value::List(vec![]))
                .unwrap_err()
                .reason(),
            "invalid type list for WAMP extra"
        );
    }
}
