//! The webhook signature: `X-Screener-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes>`, keyed
//! with the rule's secret, so receivers can check that a call came from this deployment and was not altered.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub const SIGNATURE_HEADER: &str = "X-Screener-Signature";
pub const EVENT_ID_HEADER: &str = "X-Screener-Event-Id";

/// `sha256=<64 lower-case hex digits>`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// What a receiver does: recompute and compare in constant time.
pub fn verify(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(hex_digest) = header.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_digest) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_rfc_4231_test_vector() {
        // RFC 4231 test case 2.
        let signature = sign(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            signature,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(verify(b"Jefe", b"what do ya want for nothing?", &signature));
    }

    #[test]
    fn altered_bodies_and_wrong_secrets_fail() {
        let signature = sign(b"secret", b"{\"a\":1}");
        assert!(!verify(b"secret", b"{\"a\":2}", &signature));
        assert!(!verify(b"other", b"{\"a\":1}", &signature));
        assert!(!verify(b"secret", b"{\"a\":1}", "sha1=abc"));
        assert!(!verify(b"secret", b"{\"a\":1}", "sha256=zz"));
    }
}
