//! One path parameter of a generated operation, percent-encoded while the URL is formatted.
//!
//! The generated code writes `PathSegment(&value)` where progenitor wrote
//! `encode_path(&value.to_string())` (see codegen's `request_building`): the same bytes are
//! encoded (every byte that is not ASCII, the ASCII control characters, and
//! `` space " # < > ? ` { } / % ``), without the two strings per parameter.

use std::fmt::{self, Display, Write};

/// `value`, percent-encoded as one path segment when displayed.
pub(crate) struct PathSegment<'a, T: Display + ?Sized>(pub &'a T);

impl<T: Display + ?Sized> Display for PathSegment<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(Encoder(f), "{}", self.0)
    }
}

/// The one path parameter type progenitor generates without `Display` (it only derefs to
/// `String`): written as the string it holds, as `to_string` did.
impl Display for crate::generated::types::GetDiscoverySessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

/// Which bytes are percent-encoded, as a table: every byte of a segment is looked up.
const ENCODED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = !byte.is_ascii()
            || byte.is_ascii_control()
            || matches!(
                byte,
                b' ' | b'"' | b'#' | b'<' | b'>' | b'?' | b'`' | b'{' | b'}' | b'/' | b'%'
            );
        b += 1;
    }
    table
};

struct Encoder<'a, 'b>(&'a mut fmt::Formatter<'b>);

impl Write for Encoder<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        if !crate::byte_class::any(&ENCODED, s.as_bytes()) {
            return self.0.write_str(s);
        }
        let mut start = 0;
        for (i, byte) in s.bytes().enumerate() {
            if !ENCODED[usize::from(byte)] {
                continue;
            }
            // A run of bytes left as they are is ASCII, so it starts and ends on character
            // boundaries.
            if let Some(run) = s.get(start..i) {
                self.0.write_str(run)?;
            }
            let escape = [
                b'%',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xf)],
            ];
            self.0
                .write_str(std::str::from_utf8(&escape).map_err(|_| fmt::Error)?)?;
            start = i + 1;
        }
        match s.get(start..) {
            Some(rest) => self.0.write_str(rest),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PathSegment;

    /// The encoding progenitor's generated code used, for every byte and some whole strings.
    #[test]
    fn encodes_exactly_what_progenitor_encodes() {
        let mut samples: Vec<String> = (0u32..=0x2ff)
            .filter_map(char::from_u32)
            .map(|c| format!("a{c}b"))
            .collect();
        samples.extend(
            [
                "",
                "amzn1.ask.skill.12345678-1234-1234-1234-123456789012",
                "../x/y?z#w%41 é€😀",
                "\u{7f}\u{0}\t",
                "{}`<>\"",
            ]
            .map(String::from),
        );
        for s in samples {
            assert_eq!(
                PathSegment(&s).to_string(),
                progenitor_client::encode_path(&s),
                "{s:?}"
            );
        }
    }
}
