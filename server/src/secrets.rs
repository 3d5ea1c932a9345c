//! Random secrets and how they are kept: the facilitator secret and table
//! tokens are 128 random bits, shown once, stored only as SHA-256 hashes and
//! compared in constant time. Join codes are six digits, short enough to type
//! on a tablet; guessing them is rate-limited (see `http` and `ws`).

use sha2::{Digest, Sha256};

/// A secret as handed to its owner: 32 hex characters (128 bits).
pub fn new_secret() -> String {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system has a random source");
    hex::encode(bytes)
}

/// The stored form of a secret: its SHA-256, in hex.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` hashes to `stored`, in time that does not depend on where they differ.
pub fn secret_matches(secret: &str, stored: &str) -> bool {
    let given = hash_secret(secret);
    given.len() == stored.len()
        && given
            .bytes()
            .zip(stored.bytes())
            .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Whether a token a tablet chose is plausible: 32 to 64 hexadecimal digits
/// (128 to 256 bits). A weaker one would only put its own table at risk, but
/// refusing it keeps every token in the database as strong as Ruche's own.
pub fn is_well_formed_token(token: &str) -> bool {
    (32..=64).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A six-digit join code, e.g. "482913".
pub fn new_join_code(digits: u8) -> String {
    let digits = digits.clamp(6, 12);
    let mut bytes = [0_u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system has a random source");
    // 10^12 is far below 2^64: the modulo's bias is negligible.
    let code = u64::from_le_bytes(bytes) % 10_u64.pow(u32::from(digits));
    format!("{code:0width$}", width = usize::from(digits))
}

/// A workshop id: a random UUID, in its simple form.
pub fn new_workshop_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub use ruche_shared::api::normalise_code;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_checked_by_hash() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        let stored = hash_secret(&a);
        assert!(secret_matches(&a, &stored));
        assert!(!secret_matches(&b, &stored));
        assert!(!secret_matches("", &stored));
    }

    #[test]
    fn join_codes_have_their_digits_and_are_typed_loosely() {
        for digits in [6, 8, 12] {
            let code = new_join_code(digits);
            assert_eq!(code.len(), usize::from(digits));
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_eq!(normalise_code(" 482-913 "), "482913");
    }
}
