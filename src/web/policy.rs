//! Who may do what: pure functions over the signed-in user and the resource.
//! Every handler asks here; nothing else decides.

use super::error::AppError;
use crate::domain::match_status::{Actor, MatchStatus};
use crate::domain::ItemStatus;
use crate::store::accounts::SessionUser;
use crate::store::items::Item;
use crate::store::links::AccessLink;
use crate::store::matches::Match;

/// Members of an organisation may change it and its offers and requests.
pub fn can_manage_organisation(user: &SessionUser, organisation_id: i64) -> bool {
    user.organisation_ids.contains(&organisation_id)
}

/// The same as an `Err(Forbidden)` for handlers.
pub fn manage_organisation(user: &SessionUser, organisation_id: i64) -> Result<(), AppError> {
    if can_manage_organisation(user, organisation_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A withdrawn item is gone for everyone but its own organisation and the
/// makelaar of its municipality (who may need it for a match's history).
pub fn can_view_item(user: Option<&SessionUser>, item: &Item) -> bool {
    item.status() != ItemStatus::Withdrawn
        || user.is_some_and(|u| {
            can_manage_organisation(u, item.organisation_id)
                || is_makelaar_of(u, item.municipality_id)
        })
}

/// An organisation's contact person is for its own members, the makelaars
/// of its municipality and admins; never public, never for other accounts
/// (they meet the contact on a match both parties agreed to).
pub fn can_see_contact_details(
    user: Option<&SessionUser>,
    organisation_id: i64,
    municipality_id: i64,
) -> bool {
    user.is_some_and(|u| {
        can_manage_organisation(u, organisation_id) || is_makelaar_of(u, municipality_id)
    })
}

/// Whom an organisation worked with lasting (its partners) follows from its
/// matches, which are private: for its own members, the makelaars of its
/// municipality and admins.
pub fn can_see_partners(
    user: Option<&SessionUser>,
    organisation_id: i64,
    municipality_id: i64,
) -> bool {
    can_see_contact_details(user, organisation_id, municipality_id)
}

/// On a match, the parties see each other's contact person once both
/// agreed; the makelaar always does.
pub fn sees_match_contacts(m: &Match, is_makelaar: bool) -> bool {
    is_makelaar || m.both_accepted()
}

/// Makelaars work in their municipalities; admins everywhere.
pub fn is_makelaar_of(user: &SessionUser, municipality_id: i64) -> bool {
    user.is_admin || user.makelaar_of.contains(&municipality_id)
}

/// Figures of a municipality are for its gemeente viewers, its makelaars and admins.
pub fn can_view_figures(user: &SessionUser, municipality_id: i64) -> bool {
    is_makelaar_of(user, municipality_id) || user.official_of.contains(&municipality_id)
}

/// A municipality's policy goals, and which theme counts towards which, are
/// kept by those who read its figures: its officials and makelaars, and admins.
pub fn manage_policy_goals(user: &SessionUser, municipality_id: i64) -> Result<(), AppError> {
    if can_view_figures(user, municipality_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Regions (which municipalities, which targets) are set by administrators.
/// Their figures are public, as each municipality's open data is: no check.
pub fn manage_regions(user: &SessionUser) -> Result<(), AppError> {
    if user.is_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// In which capacities a user may act on a match: as the giving party, the
/// receiving party, or the makelaar of its municipality. Empty: no access.
pub fn match_actors(user: &SessionUser, m: &Match) -> Vec<Actor> {
    let mut actors = Vec::new();
    if can_manage_organisation(user, m.offer_org_id) {
        actors.push(Actor::OfferParty);
    }
    if can_manage_organisation(user, m.request_org_id) {
        actors.push(Actor::RequestParty);
    }
    if is_makelaar_of(user, m.municipality_id) {
        actors.push(Actor::Makelaar);
    }
    actors
}

/// The same as an `Err(NotFound)` for handlers: a match is not public, and
/// to outsiders it does not exist.
pub fn view_match(user: &SessionUser, m: &Match) -> Result<Vec<Actor>, AppError> {
    let actors = match_actors(user, m);
    if actors.is_empty() {
        Err(AppError::NotFound)
    } else {
        Ok(actors)
    }
}

/// What the holder of a personal link may act on: a match of its own
/// organisation (in the link's edition, when it has one), on that
/// organisation's side. Anything else does not exist for it.
pub fn link_side(link: &AccessLink, m: &Match) -> Result<Actor, AppError> {
    if link.event_id.is_some() && link.event_id != m.event_id {
        return Err(AppError::NotFound);
    }
    m.side_of(link.organisation_id).ok_or(AppError::NotFound)
}

/// Who fills in a match's evaluation: one of its two parties (by account or
/// personal link), and only once the match was carried out. Someone who may
/// see the match but is no party to it (its makelaar) may not.
pub fn evaluation_side(actors: &[Actor], m: &Match) -> Result<Actor, AppError> {
    let side = actors
        .iter()
        .copied()
        .find(|a| a.is_party())
        .ok_or(AppError::Forbidden)?;
    if m.status() != MatchStatus::CarriedOut {
        return Err(AppError::Forbidden);
    }
    Ok(side)
}

/// The line a party writes in its evaluation is for the makelaar alone:
/// not for the other party, the municipality or any figures.
pub fn reads_evaluation_remarks(actors: &[Actor]) -> bool {
    actors.contains(&Actor::Makelaar)
}

/// A personal link acts on an edition's floor when it is for that edition,
/// or for no edition in particular (its organisation must stand there too).
pub fn link_on_floor(link: &AccessLink, event_id: i64) -> bool {
    link.event_id.is_none_or(|e| e == event_id)
}

/// Makelaars run the events of their municipalities.
pub fn manage_event(user: &SessionUser, municipality_id: i64) -> Result<(), AppError> {
    if is_makelaar_of(user, municipality_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(orgs: &[i64]) -> SessionUser {
        SessionUser {
            id: 1,
            name: "Anna".into(),
            email: "anna@voorbeeld.nl".into(),
            organisation_ids: orgs.to_vec(),
            is_admin: false,
            makelaar_of: vec![],
            official_of: vec![],
            unread: 0,
        }
    }

    #[test]
    fn only_members_manage_an_organisation() {
        assert!(can_manage_organisation(&user(&[3, 7]), 7));
        assert!(!can_manage_organisation(&user(&[3]), 7));
        assert!(manage_organisation(&user(&[]), 7).is_err());
    }

    #[test]
    fn only_the_parties_evaluate_and_only_the_makelaar_reads_the_remarks() {
        use crate::domain::match_status::Actor::{Makelaar, OfferParty, RequestParty};
        assert!(!reads_evaluation_remarks(&[OfferParty]));
        assert!(!reads_evaluation_remarks(&[RequestParty]));
        assert!(!reads_evaluation_remarks(&[]));
        assert!(reads_evaluation_remarks(&[RequestParty, Makelaar]));
        assert!(matches!(
            evaluation_side(&[Makelaar], &carried_out()),
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            evaluation_side(&[Makelaar, RequestParty], &carried_out()),
            Ok(RequestParty)
        ));
        let mut confirmed = carried_out();
        confirmed.status = MatchStatus::Confirmed;
        assert!(matches!(
            evaluation_side(&[OfferParty], &confirmed),
            Err(AppError::Forbidden)
        ));
    }

    fn carried_out() -> Match {
        Match {
            id: 1,
            status: MatchStatus::CarriedOut,
            event_id: None,
            event_key: None,
            event_name: None,
            event_date: None,
            municipality_id: 1,
            proposed_by: "makelaar".into(),
            score: None,
            reasons: vec![],
            offer_id: 1,
            offer_title: "Laptops".into(),
            offer_org_id: 3,
            offer_org: "ICT-Huis".into(),
            offer_org_kind: "bedrijf".into(),
            offer_hours: None,
            offer_quantity: None,
            request_id: 2,
            request_title: "Computers".into(),
            request_org_id: 4,
            request_org: "Taalmaatjes".into(),
            request_org_kind: "vrijwilligersorganisatie".into(),
            request_hours: None,
            request_quantity: None,
            offer_accepted_at: None,
            request_accepted_at: None,
            terms_what: None,
            terms_when: None,
            terms_hours: None,
            value_euros: None,
            return_match_id: None,
            cycle_id: None,
            offer_shows_name: false,
            request_shows_name: false,
            reason: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            confirmed_at: None,
            makelaar: None,
            notaris: None,
            offer_signed_at: None,
            offer_signed_by: None,
            request_signed_at: None,
            request_signed_by: None,
            offer_logo_version: None,
            request_logo_version: None,
            on_floor: false,
        }
    }

    #[test]
    fn only_members_and_the_makelaar_see_contact_details() {
        assert!(!can_see_contact_details(None, 3, 1));
        let mut gemeente = user(&[]);
        gemeente.official_of = vec![1];
        assert!(!can_see_contact_details(Some(&gemeente), 3, 1));
        assert!(can_see_contact_details(Some(&user(&[3])), 3, 1));
        assert!(!can_see_contact_details(Some(&user(&[4])), 3, 1));
        let mut makelaar = user(&[]);
        makelaar.makelaar_of = vec![1];
        assert!(can_see_contact_details(Some(&makelaar), 3, 1));
        assert!(!can_see_contact_details(Some(&makelaar), 3, 2));
    }
}
