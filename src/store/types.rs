//! How the domain's vocabularies travel to and from Postgres: as their text
//! code (`"confirmed"`, `"offer"`, ...). Reading a code that is not in the
//! vocabulary is a decode error, never a silent default. The impls live here
//! so that `domain` knows nothing of sqlx.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef, Postgres};

use crate::domain::match_status::{Channel, MatchStatus};
use crate::domain::{Category, Direction, EventStatus, ItemStatus, OrganisationKind};

macro_rules! text_code {
    ($($ty:ty),+ $(,)?) => {$(
        impl sqlx::Type<Postgres> for $ty {
            fn type_info() -> PgTypeInfo {
                <&str as sqlx::Type<Postgres>>::type_info()
            }
            fn compatible(ty: &PgTypeInfo) -> bool {
                <&str as sqlx::Type<Postgres>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, Postgres> for $ty {
            fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
                let code = <&str as sqlx::Decode<'r, Postgres>>::decode(value)?;
                Ok(code.parse::<$ty>()?)
            }
        }

        impl sqlx::Encode<'_, Postgres> for $ty {
            fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
                <&str as sqlx::Encode<'_, Postgres>>::encode(self.code(), buf)
            }
        }
    )+};
}

text_code!(
    MatchStatus,
    Channel,
    Direction,
    Category,
    ItemStatus,
    OrganisationKind,
    EventStatus,
);
