//! HMAC signatures for presigned schema URLs and list continuation tokens.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Signs and checks short messages with the simulator's key.
#[derive(Clone)]
pub(crate) struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer { key: <redacted> }")
    }
}

impl Signer {
    pub fn new(key: Vec<u8>) -> Self {
        Signer { key }
    }

    /// A new random key, hex-encoded (as kept in the state file).
    pub fn random_key_hex() -> String {
        let bytes: [u8; 32] = rand::random();
        hex(&bytes)
    }

    /// Decodes a hex key; `None` for anything else.
    pub fn key_from_hex(text: &str) -> Option<Vec<u8>> {
        if !text.len().is_multiple_of(2) || text.is_empty() {
            return None;
        }
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
            .collect()
    }

    /// Hex HMAC-SHA256 of `message`.
    pub fn sign(&self, message: &str) -> String {
        hex(&self.mac(message))
    }

    fn mac(&self, message: &str) -> Vec<u8> {
        // HMAC accepts keys of any length, so this cannot fail.
        match HmacSha256::new_from_slice(&self.key) {
            Ok(mut mac) => {
                mac.update(message.as_bytes());
                mac.finalize().into_bytes().to_vec()
            }
            Err(_) => Vec::new(),
        }
    }

    /// Constant-time check of a hex signature.
    pub fn verify(&self, message: &str, signature_hex: &str) -> bool {
        let Some(expected) = Self::key_from_hex(signature_hex) else {
            return false;
        };
        match HmacSha256::new_from_slice(&self.key) {
            Ok(mut mac) => {
                mac.update(message.as_bytes());
                mac.verify_slice(&expected).is_ok()
            }
            Err(_) => false,
        }
    }

    /// An opaque list continuation token carrying `position` in `vendor_id`'s listing.
    pub fn next_token(&self, vendor_id: &str, position: &str) -> String {
        let sig = self.sign(&format!("list:{vendor_id}:{position}"));
        URL_SAFE_NO_PAD.encode(format!("{position}:{}", &sig[..32]))
    }

    /// The position inside a token this signer issued for `vendor_id`; `None` for anything
    /// else.
    pub fn parse_next_token(&self, vendor_id: &str, token: &str) -> Option<String> {
        let decoded = URL_SAFE_NO_PAD.decode(token.trim_end_matches('=')).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (position, sig) = text.rsplit_once(':')?;
        let expected = self.sign(&format!("list:{vendor_id}:{position}"));
        (expected.get(..32)? == sig).then(|| position.to_owned())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_tampering() {
        let signer = Signer::new(b"k".to_vec());
        let token = signer.next_token("V1", "20:d");
        assert_eq!(
            signer.parse_next_token("V1", &token).as_deref(),
            Some("20:d")
        );
        assert_eq!(signer.parse_next_token("V2", &token), None);
        assert_eq!(signer.parse_next_token("V1", "garbage!"), None);
        let forged = URL_SAFE_NO_PAD.encode("30:d:00000000000000000000000000000000");
        assert_eq!(signer.parse_next_token("V1", &forged), None);
        let sig = signer.sign("abc");
        assert!(signer.verify("abc", &sig));
        assert!(!signer.verify("abd", &sig));
        assert!(!signer.verify("abc", "zz"));
    }
}
