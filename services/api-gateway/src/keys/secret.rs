//! Random secrets: API keys (`csk_` + 64 hex digits, 256 bits) and per-rule webhook signing secrets.

use sha2::{Digest, Sha256};

/// Keys carry a recognisable prefix so a leaked one is easy to spot in logs or code scanning.
pub const KEY_PREFIX: &str = "csk_";

pub fn generate_key() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!("{KEY_PREFIX}{}", hex::encode(bytes))
}

/// The webhook HMAC key of a new rule: `whsec_` + 64 hex digits.
pub fn generate_webhook_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!("whsec_{}", hex::encode(bytes))
}

/// What the database stores: keys are high-entropy, so a plain (unsalted) SHA-256 is enough and lets the
/// lookup be an index probe.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The first characters, stored to tell keys apart in listings without revealing them.
pub fn display_prefix(key: &str) -> String {
    key.chars().take(KEY_PREFIX.len() + 8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_prefixed_and_hashed_deterministically() {
        let (a, b) = (generate_key(), generate_key());
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX) && a.len() == KEY_PREFIX.len() + 64);
        assert_eq!(hash_key(&a), hash_key(&a));
        assert_ne!(hash_key(&a), hash_key(&b));
        assert_eq!(hash_key(&a).len(), 64);
        assert_eq!(display_prefix(&a).len(), 12);
    }
}
