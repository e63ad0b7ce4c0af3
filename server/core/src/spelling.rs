//! Kinds that are stored or sent as words (`"admin"`, `"director"`, `"not_interested"`): each
//! word is written once, where the variant is declared, and [`std::str::FromStr`] and `as_str`
//! both read it from there.

/// A word that names no variant of the kind it was parsed as.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {word:?}")]
pub struct UnknownWord {
    /// The kind, e.g. `role`.
    pub kind: &'static str,
    /// What was given.
    pub word: String,
}

/// Declares a field-less enum whose variants each have one spelling: `as_str`, `ALL` and
/// `FromStr` (whose error is [`UnknownWord`]) come with it.
macro_rules! spelled_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident as $kind:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored or sent spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::spelling::UnknownWord;

            fn from_str(word: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == word)
                    .ok_or_else(|| $crate::spelling::UnknownWord { kind: $kind, word: word.to_owned() })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use spelled_enum;

#[cfg(test)]
mod tests {
    spelled_enum! {
        /// A test kind.
        enum Colour as "colour" {
            /// Red.
            Red = "red",
            /// Light blue.
            LightBlue = "light-blue",
        }
    }

    #[test]
    fn every_spelling_parses_back_to_its_variant_and_nothing_else_parses() {
        for colour in Colour::ALL {
            assert_eq!(colour.as_str().parse::<Colour>(), Ok(*colour));
        }
        let error = "blue".parse::<Colour>().unwrap_err();
        assert_eq!(error.to_string(), "unknown colour \"blue\"");
        assert_eq!(Colour::LightBlue.to_string(), "light-blue");
    }
}
