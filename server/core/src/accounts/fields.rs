//! Sign-up and profile fields, parsed once at the edge and trusted afterwards.

use crate::FieldError;

/// A syntactically valid email address, trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Longest address SMTP allows.
    pub const MAX_LEN: usize = cinecloud_vocab::limits::EMAIL_BYTES;

    /// Parses what the user typed.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let email = input.trim().to_lowercase();
        let invalid = || FieldError::new("email", "Enter a valid email address, like name@example.com.");
        if email.is_empty() {
            return Err(FieldError::new("email", "Enter your email address."));
        }
        if email.len() > Self::MAX_LEN || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty() || !domain_ok {
            return Err(invalid());
        }
        // RFC 2606 reserves `.invalid`; the MovieLens importer's viewers live there, and nobody
        // may sign up as (or later claim) one of them.
        if domain == "invalid" || domain.ends_with(".invalid") {
            return Err(FieldError::new("email", "That email domain cannot receive mail. Use your real address."));
        }
        Ok(Self(email))
    }

    /// Normalises input for look-up without validating it (sign-in accepts anything).
    pub fn normalize(input: &str) -> String {
        input.trim().to_lowercase()
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The parts of an email and a display name worth refusing inside a password: the email's
/// local part and each word of the name, lower-cased, when at least four characters long
/// (shorter ones, like "al", occur in too many good passwords).
fn personal_words(personal: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    for value in personal {
        let value = value.trim().to_lowercase();
        let local = value.split_once('@').map_or(value.as_str(), |(local, _)| local);
        words.push(local.to_owned());
        words.extend(local.split(|c: char| !c.is_alphanumeric()).map(str::to_owned));
    }
    words.retain(|w| w.chars().count() >= 4);
    words.sort();
    words.dedup();
    words
}

/// The name shown for an account: 1–60 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// Longest accepted name, in characters.
    pub const MAX_CHARS: usize = cinecloud_vocab::limits::DISPLAY_NAME_CHARS;

    /// Parses what the user typed (surrounding spaces dropped, inner runs collapsed).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(FieldError::new("display_name", "Enter a display name."));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new("display_name", format!("Use at most {} characters.", Self::MAX_CHARS)));
        }
        if name.chars().any(char::is_control) {
            return Err(FieldError::new("display_name", "Remove the control characters."));
        }
        Ok(Self(name))
    }

    /// The cleaned name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password acceptable for a new account or a password change. Not `Debug`-printable in full
/// and never serialised.
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

impl NewPassword {
    /// Shortest accepted password, in characters (OWASP ASVS 2.1.1 with MFA absent asks 8+).
    pub const MIN_CHARS: usize = cinecloud_vocab::limits::PASSWORD_MIN_CHARS;
    /// Longest accepted password, in bytes: bounds hashing work per request.
    pub const MAX_BYTES: usize = cinecloud_vocab::limits::PASSWORD_MAX_BYTES;

    /// Only this much of a password is given to the strength estimator, whose work grows
    /// with length; a longer password is long enough.
    const ESTIMATED_CHARS: usize = 64;
    /// zxcvbn's score from 0 to 4; 2 means more than 10⁶ guesses, beyond the common-password
    /// lists (the 30,000 it ships with) and their simple variations (`winter2023`, `12qwaszx`).
    const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Two;

    /// Checks length and guessability: common passwords and their variations, keyboard walks,
    /// dates, and anything built from `personal` (the email and display name) are refused;
    /// `field` names the form field.
    pub fn parse(input: &str, field: &'static str, personal: &[&str]) -> Result<Self, FieldError> {
        if input.chars().count() < Self::MIN_CHARS {
            return Err(FieldError::new(field, format!("Use at least {} characters.", Self::MIN_CHARS)));
        }
        if input.len() > Self::MAX_BYTES {
            return Err(FieldError::new(field, "That password is too long."));
        }
        let lower = input.to_lowercase();
        let words = personal_words(personal);
        if words.iter().any(|w| lower.contains(w.as_str())) {
            return Err(FieldError::new(field, "Do not use your name or email address in your password."));
        }
        let estimated: String = input.chars().take(Self::ESTIMATED_CHARS).collect();
        let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
        if zxcvbn::zxcvbn(&estimated, &inputs).score() < Self::MIN_SCORE {
            return Err(FieldError::new(
                field,
                "That password is too easy to guess: it is a common one or a simple variation of one. Choose another.",
            ));
        }
        Ok(Self(input.to_owned()))
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Ada@Example.COM ").unwrap().as_str(), "ada@example.com");
    }

    #[test]
    fn bad_emails_are_refused_with_a_message_for_the_email_field() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
            "ada@.com",
            "ada@example..com",
            "viewer-17@movielens.invalid",
            "x@invalid",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad:?}");
        }
    }

    #[test]
    fn display_name_collapses_spaces_and_limits_length() {
        assert_eq!(DisplayName::parse("  Ada   Lovelace ").unwrap().as_str(), "Ada Lovelace");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"é".repeat(60)).is_ok());
        assert!(DisplayName::parse(&"é".repeat(61)).is_err());
    }

    #[test]
    fn short_and_common_passwords_are_refused() {
        assert!(NewPassword::parse("short", "password", &[]).is_err());
        // The first five were refused by the old 185-entry list; the rest passed it (#15).
        for common in [
            "password",
            "Password1",
            "12345678",
            "qwertyuiop",
            "iloveyou",
            "michelle",
            "elizabeth",
            "password2",
            "samsung1",
            "winter2023",
            "12qwaszx",
        ] {
            let err = NewPassword::parse(common, "password", &[]).unwrap_err();
            assert!(err.message.contains("common"), "{common}: {err:?}");
        }
        for good in ["correct horse battery staple", "a long enough passphrase", "Tram-Lantern-Okapi-9"] {
            assert!(NewPassword::parse(good, "password", &[]).is_ok(), "{good}");
        }
    }

    #[test]
    fn passwords_built_from_the_email_or_the_name_are_refused() {
        let personal = ["Ada.Lovelace@example.com", "Countess Augusta"];
        for bad in ["ada.lovelace!2024x", "MyLovelaceRocks99", "augusta-is-great-77"] {
            let err = NewPassword::parse(bad, "password", &personal).unwrap_err();
            assert!(err.message.contains("name or email"), "{bad}: {err:?}");
        }
        assert!(NewPassword::parse("correct horse battery staple", "password", &personal).is_ok());
    }

    #[test]
    fn a_very_long_password_is_estimated_quickly_and_accepted() {
        // The estimator sees only the first 64 characters; 1,000 bytes stay within MAX_BYTES.
        let long: String = (0..1000u32).map(|i| char::from(b'a' + ((i * 7919 + 13) % 26) as u8)).collect();
        assert!(NewPassword::parse(&long, "password", &[]).is_ok());
        assert!(NewPassword::parse(&"y".repeat(1025), "password", &[]).is_err());
    }

    #[test]
    fn new_password_debug_hides_the_secret() {
        let p = NewPassword::parse("a very secret phrase", "password", &[]).unwrap();
        assert!(!format!("{p:?}").contains("secret"));
    }

    proptest! {
        #[test]
        fn any_parsed_email_is_normalised_and_reparses_to_itself(local in "[a-zA-Z0-9._+-]{1,20}", domain in "[a-z0-9-]{1,20}\\.[a-z]{2,6}") {
            let email = Email::parse(&format!("{local}@{domain}")).unwrap();
            prop_assert_eq!(email.as_str(), email.as_str().to_lowercase());
            prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email.clone());
        }

        #[test]
        fn display_name_never_panics_and_never_keeps_outer_space(input in "\\PC{0,80}") {
            if let Ok(name) = DisplayName::parse(&input) {
                prop_assert_eq!(name.as_str().trim(), name.as_str());
                prop_assert!(name.as_str().chars().count() <= DisplayName::MAX_CHARS);
            }
        }
    }
}
