//! Kinds that are stored or sent as words (`"admin"`, `"director"`, `"not_interested"`): each
//! word is written once, where the variant is declared, and `FromStr`, `as_str`, `Display` and
//! serde all read it from there.

/// A word that names no variant of the kind it was parsed as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownWord {
    /// The kind, e.g. `role`.
    pub kind: &'static str,
    /// What was given.
    pub word: String,
}

impl std::fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} {:?}", self.kind, self.word)
    }
}

impl std::error::Error for UnknownWord {}

/// Declares a field-less enum whose variants each have one spelling: `as_str`, `ALL`, `FromStr`
/// (whose error is [`UnknownWord`]), `Display` and serde (as the word) come with it.
#[macro_export]
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

        impl ::std::str::FromStr for $name {
            type Err = $crate::UnknownWord;

            fn from_str(word: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == word)
                    .ok_or_else(|| $crate::UnknownWord { kind: $kind, word: word.to_owned() })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let word = <::std::string::String as $crate::__private::serde::Deserialize>::deserialize(d)?;
                word.parse().map_err(<D::Error as $crate::__private::serde::de::Error>::custom)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::spelled_enum! {
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

    #[test]
    fn serde_sends_the_word_and_refuses_an_unknown_one() {
        assert_eq!(serde_json::to_string(&Colour::LightBlue).unwrap(), "\"light-blue\"");
        assert_eq!(serde_json::from_str::<Colour>("\"red\"").unwrap(), Colour::Red);
        let error = serde_json::from_str::<Colour>("\"blue\"").unwrap_err();
        assert!(error.to_string().contains("unknown colour \"blue\""), "{error}");
    }
}
