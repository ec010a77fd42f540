//! Secrets: random tokens (only their SHA-256 is stored) and password hashes (argon2id).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// Shortest password accepted. Length is what makes a password strong; there are no other
/// composition rules (three random words are a good choice).
pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 256;

/// argon2id with 19 MiB of memory, 2 passes, 1 lane: the OWASP recommended minimum, about
/// 14 ms on one core of a small server (`cargo bench -p swforce-app --bench access`).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// 32 random bytes from the operating system, as 64 hex digits.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// SHA-256 of a secret, as stored.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// What is wrong with a new password, if anything.
pub fn password_problem(password: &str, email: &str) -> Option<(String, String)> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Some((
            format!("Password must be {MIN_PASSWORD} characters or more"),
            "Use three or more random words, such as kettle-river-orange".into(),
        ));
    }
    if n > MAX_PASSWORD {
        return Some((
            format!("Password must be {MAX_PASSWORD} characters or fewer"),
            "Use a shorter password".into(),
        ));
    }
    let lower = password.to_lowercase();
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    if (local.len() >= 4 && lower.contains(&local))
        || lower.contains("swforce")
        || lower.contains("password")
    {
        return Some((
            "Password must not contain your email address, the word password or the name of this service".into(),
            "Use three or more random words, such as kettle-river-orange".into(),
        ));
    }
    None
}

/// An argon2id hash of a password, in PHC string form.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
}

/// Whether `password` matches `hash`; a malformed hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash that matches no password, checked against when no account has the email given, so
/// a wrong email takes as long to refuse as a wrong password.
pub(crate) fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&new_secret()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let h = hash_password("kettle-river-orange");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("kettle-river-orange", &h));
        assert!(!verify_password("kettle-river-orangE", &h));
        assert!(!verify_password("kettle-river-orange", "not a hash"));
        assert_ne!(h, hash_password("kettle-river-orange"), "salted");
    }

    #[test]
    fn secrets_are_random_and_digests_fixed() {
        let a = new_secret();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_secret());
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(
            password_problem("short", "a@b.org")
                .unwrap()
                .0
                .contains("12 characters")
        );
        assert!(password_problem("sam.patel-1234567", "sam.patel@kent.gov.uk").is_some());
        assert!(password_problem("mypassword123456", "a@b.org").is_some());
        assert!(password_problem("kettle-river-orange", "sam@kent.gov.uk").is_none());
        assert!(password_problem(&"x".repeat(300), "a@b.org").is_some());
    }
}
