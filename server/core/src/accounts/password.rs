//! argon2id password hashing with OWASP's recommended parameters.

use std::sync::LazyLock;

use anyhow::Context;

use crate::limits::{Gate, PASSWORD_HASHING};
use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};

/// A stored argon2id hash in PHC string form. Deliberately neither `Serialize` nor `Display`.
#[derive(Clone)]
pub struct PasswordHash(String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(..)")
    }
}

impl PasswordHash {
    /// Wraps a hash read from the database.
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    /// The PHC string, for storing.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// argon2id, m = 19 MiB, t = 2, p = 1: OWASP's Password Storage Cheat Sheet minimum.
pub fn argon2id() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with a fresh random salt, off the async runtime (it takes ~20 ms), at most
/// as many at once as there are cores ([`PASSWORD_HASHING`]): [`crate::Error::Busy`] when the
/// server is saturated.
pub async fn hash_password(password: String) -> crate::Result<PasswordHash> {
    hash_password_through(&PASSWORD_HASHING, password).await
}

/// [`hash_password`], taking its turn at `gate`.
async fn hash_password_through(gate: &Gate, password: String) -> crate::Result<PasswordHash> {
    let turn = gate.enter().await?;
    let hashed = crate::blocking::spawn_blocking(move || {
        let _turn = turn;
        let salt = SaltString::generate(&mut OsRng);
        argon2id()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| PasswordHash(h.to_string()))
            .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))
    })
    .await
    .context("password hashing task")?;
    Ok(hashed?)
}

/// A hash of a random password, verified against when the email is unknown so that an unknown
/// account costs the same time as a wrong password.
static DUMMY_HASH: LazyLock<PasswordHash> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    let random: [u8; 16] = rand::random();
    PasswordHash(argon2id().hash_password(&random, &salt).expect("hashing a random password").to_string())
});

/// Checks `password` against `hash` (or against a dummy hash when there is no account), off the
/// async runtime and under the same cap as hashing. Returns false for a wrong password or an
/// unparsable hash.
pub async fn verify_password(password: String, hash: Option<PasswordHash>) -> crate::Result<bool> {
    verify_password_through(&PASSWORD_HASHING, password, hash).await
}

/// [`verify_password`], taking its turn at `gate`.
async fn verify_password_through(gate: &Gate, password: String, hash: Option<PasswordHash>) -> crate::Result<bool> {
    let turn = gate.enter().await?;
    let verified = crate::blocking::spawn_blocking(move || {
        let _turn = turn;
        verify_blocking(&password, hash, &DUMMY_HASH)
    })
    .await
    .context("password verification task")?;
    Ok(verified)
}

/// The verification itself: against `hash`, or against `dummy` when there is no account —
/// which never verifies, whatever the password.
fn verify_blocking(password: &str, hash: Option<PasswordHash>, dummy: &PasswordHash) -> bool {
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| dummy.clone());
    let Ok(parsed) = argon2::PasswordHash::new(hash.as_str()) else {
        tracing::error!("a stored password hash does not parse");
        return false;
    };
    // Verification uses the parameters recorded in the hash itself.
    let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    ok && known
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hash = hash_password("correct horse battery staple".into()).await.unwrap();
        let parsed = argon2::PasswordHash::new(hash.as_str()).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert_eq!(parsed.version, Some(0x13));
        let params = Params::try_from(&parsed).unwrap();
        assert_eq!((params.m_cost(), params.t_cost(), params.p_cost()), (19_456, 2, 1));
        assert!(verify_password("correct horse battery staple".into(), Some(hash.clone())).await.unwrap());
        assert!(!verify_password("wrong horse battery staple".into(), Some(hash)).await.unwrap());
    }

    /// Item 6 of #33: hashing and verifying wait for a turn at the gate, and a saturated gate
    /// answers busy (503 with `Retry-After` at the edge) instead of queueing without bound.
    #[tokio::test]
    async fn hashing_and_verifying_take_a_turn_at_the_gate() {
        let gate = Gate::new("test hashing", 1, std::time::Duration::from_millis(100));
        let held = gate.enter().await.unwrap();
        let busy = hash_password_through(&gate, "a long enough passphrase".into()).await;
        assert!(matches!(busy, Err(crate::Error::Busy)), "{busy:?}");
        let busy = verify_password_through(&gate, "a long enough passphrase".into(), None).await;
        assert!(matches!(busy, Err(crate::Error::Busy)), "{busy:?}");
        drop(held);
        let hash = hash_password_through(&gate, "a long enough passphrase".into()).await.expect("a free turn");
        assert!(verify_password_through(&gate, "a long enough passphrase".into(), Some(hash)).await.unwrap());
        assert_eq!(gate.available(), 1, "each turn was given back");
    }

    #[tokio::test]
    async fn two_hashes_of_one_password_differ_by_salt() {
        let a = hash_password("same password".into()).await.unwrap();
        let b = hash_password("same password".into()).await.unwrap();
        assert_ne!(a.as_str(), b.as_str());
    }

    #[tokio::test]
    async fn no_account_never_verifies_even_with_the_dummy_password() {
        assert!(!verify_password("anything at all".into(), None).await.unwrap());
        // With a dummy whose password is known, only the no-account guard can refuse it.
        let salt = SaltString::generate(&mut OsRng);
        let dummy = PasswordHash(argon2id().hash_password(b"anything at all", &salt).unwrap().to_string());
        assert!(!verify_blocking("anything at all", None, &dummy), "no account, yet it verified");
        assert!(
            verify_blocking("anything at all", Some(dummy.clone()), &dummy),
            "the same hash on an account verifies"
        );
    }

    #[test]
    fn debug_output_hides_the_hash() {
        let h = PasswordHash::from_stored("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into());
        assert_eq!(format!("{h:?}"), "PasswordHash(..)");
    }
}
