//! The closed vocabularies of the marketplace: what an item is, which way it goes,
//! what kind of organisation posts it. Each has a stable code (database, exchange
//! format, URLs) and a label (pages) from the catalogue `locales/*/vocabulary.ftl`,
//! in the language being served.

use std::fmt;
use std::str::FromStr;

/// A code that is not one of a vocabulary's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("onbekende waarde: {0}")]
pub struct UnknownValue(pub String);

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal, $key:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code used in the database, the exchange format and URLs.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The catalogue key of its label.
            pub fn label_key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            /// The label shown on pages, in the language being served.
            pub fn label(self) -> &'static str {
                crate::t(self.label_key())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        /// A value read from the database: an unknown code is an error, never
        /// a silent default.
        impl TryFrom<String> for $name {
            type Error = UnknownValue;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim() {
                    $($code => Ok($name::$variant),)+
                    other => Err(UnknownValue(other.to_string())),
                }
            }
        }
    };
}

vocabulary! {
    /// Which way an item goes: something given (aanbod) or asked for (vraag).
    Direction {
        Offer => "offer", "direction-offer";
        Request => "request", "direction-request";
    }
}

vocabulary! {
    /// What is traded; never money.
    Category {
        Menskracht => "menskracht", "category-menskracht";
        Kennis => "kennis", "category-kennis";
        Materiaal => "materiaal", "category-materiaal";
        Netwerk => "netwerk", "category-netwerk";
        Faciliteiten => "faciliteiten", "category-faciliteiten";
        Creativiteit => "creativiteit", "category-creativiteit";
    }
}

vocabulary! {
    /// The kind of organisation that takes part.
    OrganisationKind {
        Bedrijf => "bedrijf", "organisation-kind-bedrijf";
        MaatschappelijkeOrganisatie => "maatschappelijke_organisatie", "organisation-kind-maatschappelijke-organisatie";
        Vrijwilligersorganisatie => "vrijwilligersorganisatie", "organisation-kind-vrijwilligersorganisatie";
        School => "school", "organisation-kind-school";
        Serviceclub => "serviceclub", "organisation-kind-serviceclub";
        Overheid => "overheid", "organisation-kind-overheid";
    }
}

vocabulary! {
    /// Where an item is in its life.
    ItemStatus {
        Open => "open", "item-status-open";
        Matched => "matched", "item-status-matched";
        Withdrawn => "withdrawn", "item-status-withdrawn";
        Expired => "expired", "item-status-expired";
    }
}

vocabulary! {
    /// Where an edition is in its year: planned, open for sign-up, on the
    /// floor today, or closed.
    EventStatus {
        Planned => "planned", "event-status-planned";
        Open => "open", "event-status-open";
        Live => "live", "event-status-live";
        Closed => "closed", "event-status-closed";
    }
}

impl EventStatus {
    /// Organisations may still sign up through the public form.
    pub fn takes_signups(self) -> bool {
        matches!(self, EventStatus::Planned | EventStatus::Open)
    }

    /// Organisations may still be registered as participants.
    pub fn takes_participants(self) -> bool {
        self != EventStatus::Closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_to_its_value() {
        for c in Category::ALL {
            assert_eq!(c.code().parse::<Category>(), Ok(*c));
        }
        for k in OrganisationKind::ALL {
            assert_eq!(k.code().parse::<OrganisationKind>(), Ok(*k));
        }
        for d in Direction::ALL {
            assert_eq!(d.code().parse::<Direction>(), Ok(*d));
        }
    }

    #[test]
    fn every_label_is_in_both_catalogues() {
        use crate::i18n::{Catalogue, Lang};
        let keys = Category::ALL
            .iter()
            .map(|v| v.label_key())
            .chain(OrganisationKind::ALL.iter().map(|v| v.label_key()))
            .chain(Direction::ALL.iter().map(|v| v.label_key()))
            .chain(ItemStatus::ALL.iter().map(|v| v.label_key()))
            .chain(EventStatus::ALL.iter().map(|v| v.label_key()));
        for key in keys {
            for lang in Lang::ALL {
                assert!(Catalogue::of(lang).has(key), "{key} missing in {lang}");
            }
        }
        assert_eq!(Category::Menskracht.label(), "Menskracht");
        assert_eq!(
            crate::i18n::in_lang(Lang::En, || Direction::Request.label()),
            "Request"
        );
    }

    #[test]
    fn unknown_codes_are_refused() {
        assert!("geld".parse::<Category>().is_err());
        assert!("Bedrijf".parse::<OrganisationKind>().is_err());
    }

    #[test]
    fn serde_uses_the_same_codes() {
        let k: OrganisationKind = serde_json::from_str("\"maatschappelijke_organisatie\"").unwrap();
        assert_eq!(k, OrganisationKind::MaatschappelijkeOrganisatie);
        assert_eq!(
            serde_json::to_string(&Direction::Offer).unwrap(),
            "\"offer\""
        );
    }
}
