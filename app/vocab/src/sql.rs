//! Each kind as its word in a text column, for every database sqlx speaks: rows decode straight
//! into the enum (a word no variant has is an error, not a silent default) and binds take it.

use sqlx::{Database, Decode, Encode, Type, encode::IsNull, error::BoxDynError};

use crate::kinds::{CreditRole, ListKind, PlaybackEvent, Role, Signal, Sort};

macro_rules! text_column {
    ($($kind:ty),+) => {$(
        impl<DB: Database> Type<DB> for $kind
        where
            str: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: Database> Encode<'q, DB> for $kind
        where
            &'q str: Encode<'q, DB>,
        {
            fn encode_by_ref(&self, buf: &mut DB::ArgumentBuffer<'q>) -> Result<IsNull, BoxDynError> {
                <&'q str as Encode<'q, DB>>::encode(self.as_str(), buf)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $kind
        where
            &'r str: Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok(<&'r str as Decode<'r, DB>>::decode(value)?.parse()?)
            }
        }
    )+};
}

text_column!(ListKind, Role, Sort, Signal, PlaybackEvent, CreditRole);

#[cfg(test)]
mod tests {
    use sqlx::{Connection, SqliteConnection};

    use crate::{ListKind, Role};

    #[tokio::test]
    async fn a_kind_binds_and_decodes_as_its_word_and_an_unknown_word_is_an_error() {
        let mut db = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        let (word, kind): (String, ListKind) =
            sqlx::query_as("SELECT $1, $1").bind(ListKind::Watchlist).fetch_one(&mut db).await.unwrap();
        assert_eq!((word.as_str(), kind), ("watchlist", ListKind::Watchlist));
        let unknown = sqlx::query_scalar::<_, Role>("SELECT 'owner'").fetch_one(&mut db).await.unwrap_err();
        assert!(unknown.to_string().contains("unknown role \"owner\""), "{unknown}");
    }
}
