//! Byte-level helpers of the hot paths: short copies done inline, and tests on eight bytes at
//! once (a `u64` word, "SWAR") for the scans of JSON strings, URIs and short strings.

/// `0x01` in every byte of a word.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte of a word.
pub(crate) const HIGH: u64 = ONES * 0x80;
/// All but the high bit of every byte of a word.
pub(crate) const LOW: u64 = ONES * 0x7f;

/// The whole eight-byte words at the start of `bytes`, little-endian (the first byte is the
/// lowest); the last `bytes.len() % 8` bytes are left to the caller.
#[cfg(feature = "json")] // (the JSON scans)
#[inline(always)]
pub(crate) fn words(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    bytes
        .chunks_exact(8)
        .map(|chunk| u64::from_le_bytes(chunk.try_into().expect("chunks of eight")))
}

/// The high bit of each byte of `w` that equals `b`. Exact: no carry crosses a byte.
#[cfg(feature = "json")]
#[inline(always)]
pub(crate) fn equal_bytes(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * u64::from(b));
    !(((x & LOW) + LOW) | x) & HIGH
}

/// The OR of `test` over words that together hold every byte of `bytes` (at most 32), for a
/// per-byte `test` (a byte's flag in its own byte): as [`copy_small`] copies, with overlapping
/// words rather than a loop and a tail. Below eight bytes, the word is filled out with copies
/// of the string's own bytes, so that the filler flags nothing the bytes do not.
#[cfg(any(feature = "json", feature = "msgpack", feature = "cbor"))]
#[inline(always)]
pub(crate) fn covering_words(bytes: &[u8], test: impl Fn(u64) -> u64) -> u64 {
    let n = bytes.len();
    debug_assert!(n <= 32);
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(
            bytes[at..at + 4].try_into().expect("four bytes"),
        ))
    };
    match n {
        0 => 0,
        1..=3 => {
            let (first, middle, last) = (bytes[0], bytes[n / 2], bytes[n - 1]);
            test(u64::from_le_bytes([
                first, middle, last, first, first, first, first, first,
            ]))
        }
        4..=7 => test(half(0) | half(n - 4) << 32),
        8..=16 => test(word(0)) | test(word(n - 8)),
        _ => test(word(0)) | test(word(8)) | test(word(n - 16)) | test(word(n - 8)),
    }
}

/// Whether `bytes` are all ASCII: a short string (most keys and values in a payload) with a few
/// words tested inline, where `<[u8]>::is_ascii` costs a call.
#[cfg(any(feature = "msgpack", feature = "cbor"))]
#[inline(always)]
pub(crate) fn is_ascii(bytes: &[u8]) -> bool {
    if bytes.len() <= 32 {
        covering_words(bytes, |w| w & HIGH) == 0
    } else {
        bytes.is_ascii()
    }
}

/// `dst.copy_from_slice(src)`, with the short copies most WAMP strings need done inline: a
/// call to `memcpy` costs more than the copy itself below 32 bytes.
#[cfg(any(feature = "json", feature = "msgpack", feature = "cbor"))] // (every format's writers)
#[inline(always)]
pub(crate) fn copy_small(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    debug_assert_eq!(dst.len(), n);
    // one bounds check here lets the compiler drop those of the copies below
    let dst = &mut dst[..n];
    // two overlapping fixed-size copies cover every length from `k` to `2k`
    match n {
        0 => {}
        1..=3 => {
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        4..=7 => {
            dst[..4].copy_from_slice(&src[..4]);
            dst[n - 4..].copy_from_slice(&src[n - 4..]);
        }
        8..=16 => {
            dst[..8].copy_from_slice(&src[..8]);
            dst[n - 8..].copy_from_slice(&src[n - 8..]);
        }
        17..=32 => {
            dst[..16].copy_from_slice(&src[..16]);
            dst[n - 16..].copy_from_slice(&src[n - 16..]);
        }
        _ => dst.copy_from_slice(src),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length, each branch of its overlapping copies included.
    #[cfg(any(feature = "json", feature = "msgpack", feature = "cbor"))]
    #[test]
    fn copy_small_copies_every_length() {
        let src: Vec<u8> = (1..=70).collect();
        for n in 0..=70 {
            let mut dst = vec![0xee; n];
            copy_small(&mut dst, &src[..n]);
            assert_eq!(dst, &src[..n], "length {n}");
        }
    }

    /// Every length to past the inline limit, with a non-ASCII byte at each position or none.
    #[cfg(any(feature = "msgpack", feature = "cbor"))]
    #[test]
    fn is_ascii_finds_a_high_byte_anywhere() {
        for n in 0..=40 {
            let plain = vec![b'a'; n];
            assert!(is_ascii(&plain), "{n}");
            for at in 0..n {
                for high in [0x80, 0xc3, 0xff] {
                    let mut bytes = plain.clone();
                    bytes[at] = high;
                    assert!(!is_ascii(&bytes), "{n} {at} {high:#x}");
                }
            }
        }
    }

    /// Each byte value at each position of a word, against the byte-by-byte answer.
    #[cfg(feature = "json")]
    #[test]
    fn word_tests_are_exact() {
        for pos in 0..8 {
            for b in 0..=0xffu8 {
                // the other bytes just around the tested ones, to catch a carry
                let mut bytes = [b'.'.wrapping_add(1), 0x20, 0x21, 0x7f, 0x80, 0xff, 0, b'.'];
                bytes[pos] = b;
                let w = u64::from_le_bytes(bytes);
                let expect = |f: &dyn Fn(u8) -> bool| {
                    bytes
                        .iter()
                        .enumerate()
                        .filter(|&(_, &x)| f(x))
                        .fold(0, |m, (i, _)| m | 0x80 << (8 * i))
                };
                assert_eq!(equal_bytes(w, b'.'), expect(&|x| x == b'.'), "{bytes:?}");
                assert_eq!(equal_bytes(w, b'#'), expect(&|x| x == b'#'), "{bytes:?}");
            }
        }
        let bytes: Vec<u8> = (0..19).collect();
        let w: Vec<u64> = words(&bytes).collect();
        assert_eq!(w, [0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908]);
    }
}
