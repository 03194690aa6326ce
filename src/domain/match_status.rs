//! The life of a match, in one place: which action, by whom, leads from
//! which status to which.
//!
//! suggested -> accepted (both parties) -> confirmed (makelaar) -> carried out,
//! or declined / cancelled / not carried out, always with a reason.

use std::fmt;
use std::str::FromStr;

use super::UnknownValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    Suggested,
    Accepted,
    Confirmed,
    CarriedOut,
    NotCarriedOut,
    Declined,
    Cancelled,
}

impl MatchStatus {
    pub const ALL: [MatchStatus; 7] = [
        MatchStatus::Suggested,
        MatchStatus::Accepted,
        MatchStatus::Confirmed,
        MatchStatus::CarriedOut,
        MatchStatus::NotCarriedOut,
        MatchStatus::Declined,
        MatchStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MatchStatus::Suggested => "suggested",
            MatchStatus::Accepted => "accepted",
            MatchStatus::Confirmed => "confirmed",
            MatchStatus::CarriedOut => "carried_out",
            MatchStatus::NotCarriedOut => "not_carried_out",
            MatchStatus::Declined => "declined",
            MatchStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MatchStatus::Suggested => crate::t("match-status-suggested"),
            MatchStatus::Accepted => crate::t("match-status-accepted"),
            MatchStatus::Confirmed => crate::t("match-status-confirmed"),
            MatchStatus::CarriedOut => crate::t("match-status-carried-out"),
            MatchStatus::NotCarriedOut => crate::t("match-status-not-carried-out"),
            MatchStatus::Declined => crate::t("match-status-declined"),
            MatchStatus::Cancelled => crate::t("match-status-cancelled"),
        }
    }

    /// No action leads out of a final status.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            MatchStatus::CarriedOut
                | MatchStatus::NotCarriedOut
                | MatchStatus::Declined
                | MatchStatus::Cancelled
        )
    }
}

impl fmt::Display for MatchStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A status read from the database: an unknown code is an error.
impl TryFrom<String> for MatchStatus {
    type Error = UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl FromStr for MatchStatus {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MatchStatus::ALL
            .into_iter()
            .find(|m| m.code() == s)
            .ok_or_else(|| UnknownValue(s.to_string()))
    }
}

/// Who acts on a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    OfferParty,
    RequestParty,
    Makelaar,
}

impl Actor {
    pub fn code(self) -> &'static str {
        match self {
            Actor::OfferParty => "offer_party",
            Actor::RequestParty => "request_party",
            Actor::Makelaar => "makelaar",
        }
    }

    /// The other party of a match; the makelaar has none.
    pub fn other_party(self) -> Option<Actor> {
        match self {
            Actor::OfferParty => Some(Actor::RequestParty),
            Actor::RequestParty => Some(Actor::OfferParty),
            Actor::Makelaar => None,
        }
    }

    pub fn is_party(self) -> bool {
        matches!(self, Actor::OfferParty | Actor::RequestParty)
    }
}

/// How a step reached the product: through an account, a personal link, or
/// recorded by the makelaar on a party's behalf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Account,
    Link,
    Phone,
    Email,
    InPerson,
}

impl Channel {
    pub const ON_BEHALF: [Channel; 3] = [Channel::Phone, Channel::Email, Channel::InPerson];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Account => "account",
            Channel::Link => "link",
            Channel::Phone => "telefoon",
            Channel::Email => "email",
            Channel::InPerson => "persoonlijk",
        }
    }

    /// How the history says it: "akkoord (telefonisch)".
    pub fn label(self) -> &'static str {
        match self {
            Channel::Account => crate::t("channel-account"),
            Channel::Link => crate::t("channel-link"),
            Channel::Phone => crate::t("channel-telefoon"),
            Channel::Email => crate::t("channel-email"),
            Channel::InPerson => crate::t("channel-persoonlijk"),
        }
    }
}

impl FromStr for Channel {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Channel::Account,
            Channel::Link,
            Channel::Phone,
            Channel::Email,
            Channel::InPerson,
        ]
        .into_iter()
        .find(|c| c.code() == s)
        .ok_or_else(|| UnknownValue(s.to_string()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A party agrees; `other_side_accepted` says whether the other already did.
    Accept {
        other_side_accepted: bool,
    },
    Decline,
    Confirm,
    MarkCarriedOut,
    MarkNotCarriedOut,
    Cancel,
}

impl Action {
    /// Every action, in the order buttons are shown.
    pub const ALL: [Action; 6] = [
        Action::Accept {
            other_side_accepted: false,
        },
        Action::Decline,
        Action::Confirm,
        Action::MarkCarriedOut,
        Action::MarkNotCarriedOut,
        Action::Cancel,
    ];

    /// Actions that end a match need a reason.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Action::Decline | Action::MarkNotCarriedOut | Action::Cancel
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("deze stap is niet mogelijk: {from:?} met {action:?} door {actor:?}")]
pub struct NotAllowed {
    pub from: MatchStatus,
    pub action: Action,
    pub actor: Actor,
}

impl MatchStatus {
    /// The status after `action` by `actor`, or why that is not possible.
    pub fn transition(self, action: Action, actor: Actor) -> Result<MatchStatus, NotAllowed> {
        use Action as A;
        use MatchStatus as S;
        let next = match (self, action) {
            (
                S::Suggested,
                A::Accept {
                    other_side_accepted,
                },
            ) if actor.is_party() => {
                if other_side_accepted {
                    S::Accepted
                } else {
                    S::Suggested
                }
            }
            (S::Suggested | S::Accepted, A::Decline) if actor.is_party() => S::Declined,
            (S::Accepted, A::Confirm) if actor == Actor::Makelaar => S::Confirmed,
            (S::Confirmed, A::MarkCarriedOut) => S::CarriedOut,
            (S::Confirmed, A::MarkNotCarriedOut) => S::NotCarriedOut,
            (S::Suggested | S::Accepted | S::Confirmed, A::Cancel) => S::Cancelled,
            _ => {
                return Err(NotAllowed {
                    from: self,
                    action,
                    actor,
                })
            }
        };
        Ok(next)
    }

    /// The actions `actor` may take now (for showing buttons).
    pub fn actions_for(self, actor: Actor) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| self.transition(*a, actor).is_ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{Action as A, Actor, MatchStatus as S};

    const ACCEPT_FIRST: A = A::Accept {
        other_side_accepted: false,
    };
    const ACCEPT_SECOND: A = A::Accept {
        other_side_accepted: true,
    };

    /// The whole life cycle as a table: (from, action, actor, expected).
    #[test]
    fn the_life_cycle_table() {
        let table: &[(S, A, Actor, Option<S>)] = &[
            (
                S::Suggested,
                ACCEPT_FIRST,
                Actor::OfferParty,
                Some(S::Suggested),
            ),
            (
                S::Suggested,
                ACCEPT_SECOND,
                Actor::RequestParty,
                Some(S::Accepted),
            ),
            (S::Suggested, ACCEPT_SECOND, Actor::Makelaar, None),
            (S::Suggested, A::Confirm, Actor::Makelaar, None),
            (
                S::Suggested,
                A::Decline,
                Actor::RequestParty,
                Some(S::Declined),
            ),
            (S::Suggested, A::Decline, Actor::Makelaar, None),
            (S::Accepted, A::Confirm, Actor::Makelaar, Some(S::Confirmed)),
            (S::Accepted, A::Confirm, Actor::OfferParty, None),
            (
                S::Accepted,
                A::Decline,
                Actor::OfferParty,
                Some(S::Declined),
            ),
            (
                S::Confirmed,
                A::MarkCarriedOut,
                Actor::RequestParty,
                Some(S::CarriedOut),
            ),
            (
                S::Confirmed,
                A::MarkCarriedOut,
                Actor::Makelaar,
                Some(S::CarriedOut),
            ),
            (
                S::Confirmed,
                A::MarkNotCarriedOut,
                Actor::Makelaar,
                Some(S::NotCarriedOut),
            ),
            (S::Confirmed, A::Decline, Actor::OfferParty, None),
            (S::Confirmed, A::Confirm, Actor::Makelaar, None),
            (
                S::Confirmed,
                A::Cancel,
                Actor::OfferParty,
                Some(S::Cancelled),
            ),
            (S::Accepted, A::MarkCarriedOut, Actor::Makelaar, None),
            (S::Suggested, A::Cancel, Actor::Makelaar, Some(S::Cancelled)),
        ];
        for &(from, action, actor, expected) in table {
            assert_eq!(
                from.transition(action, actor).ok(),
                expected,
                "{from:?} {action:?} by {actor:?}"
            );
        }
    }

    #[test]
    fn nothing_leads_out_of_a_final_status() {
        for s in S::ALL.into_iter().filter(|s| s.is_final()) {
            for actor in [Actor::OfferParty, Actor::RequestParty, Actor::Makelaar] {
                assert!(s.actions_for(actor).is_empty(), "{s:?}");
            }
        }
    }

    #[test]
    fn codes_parse_back() {
        for s in S::ALL {
            assert_eq!(s.code().parse::<S>(), Ok(s));
        }
    }

    #[test]
    fn ending_a_match_needs_a_reason() {
        assert!(A::Decline.needs_reason() && A::Cancel.needs_reason());
        assert!(!A::Confirm.needs_reason());
    }
}
