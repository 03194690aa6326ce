//! A match closed by two phones on the floor: one party fills in the
//! matchformulier on its phone and confirms it, the other confirms it on its
//! own phone, both through their personal links; the notaris then finds it
//! complete in the queue and registers it with one button. Each step is one
//! transaction with the news of it.

use sqlx::PgPool;

use super::notify::{self, News};
use crate::domain::match_status::{Actor, Channel};
use crate::domain::Category;
use crate::store::matches::{self, MatchError, NewMatch, Step};
use crate::store::{links, submissions};

/// What the scanning party filled in.
#[derive(Debug, Clone)]
pub struct FloorDeal {
    pub event_id: i64,
    pub giver: i64,
    pub receiver: i64,
    pub category: Category,
    pub what: String,
    pub quantity: Option<String>,
    /// Hours, value and the agreed date.
    pub terms: NewMatch,
}

/// Who fills it in: the organisation of a personal link, by name.
pub struct Filler<'a> {
    pub organisation_id: i64,
    pub link_id: i64,
    pub name: &'a str,
}

/// The match made now, or where the same form led the first time.
pub enum Proposed {
    New(i64),
    Earlier(String),
}

fn step(side: Actor, name: &str) -> Step {
    Step {
        role: side.code(),
        user_id: None,
        channel: Channel::Link,
        name: Some(name.to_string()),
    }
}

/// The scanning party fills in and confirms the matchformulier: the items
/// of both sides (made on the spot, like the notaris does), the match with
/// this side accepted and signed, a message to the other side. Once per
/// submission key; the answer leads to `{location_prefix}{match id}`.
pub async fn propose(
    db: &PgPool,
    base_url: &str,
    deal: &FloorDeal,
    by: &Filler<'_>,
    submission: Option<&str>,
    location_prefix: &str,
) -> Result<Proposed, MatchError> {
    let side = if by.organisation_id == deal.giver {
        Actor::OfferParty
    } else {
        Actor::RequestParty
    };
    let location = |id: i64| format!("{location_prefix}{id}");
    let mut tx = db.begin().await?;
    let mut ids = Vec::with_capacity(2);
    for (org, direction) in [(deal.giver, "offer"), (deal.receiver, "request")] {
        let id: i64 = sqlx::query_scalar!(
            "INSERT INTO items (organisation_id, event_id, direction, category, title, hours,
                                quantity, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'matched') RETURNING id",
            org,
            deal.event_id,
            direction,
            deal.category.code(),
            &deal.what,
            deal.terms.terms_hours,
            deal.quantity.as_deref()
        )
        .fetch_one(&mut *tx)
        .await?;
        ids.push(id);
    }
    let new = NewMatch {
        offer_id: ids[0],
        request_id: ids[1],
        event_id: Some(deal.event_id),
        terms_what: Some(deal.what.clone()),
        ..deal.terms.clone()
    };
    let id = matches::propose_on_floor(&mut tx, &new, side, &step(side, by.name), by.name).await?;
    if let Some(key) = submission {
        if !submissions::record(&mut tx, key, None, &location(id)).await? {
            tx.rollback().await?;
            let earlier = submissions::earlier(db, key, None).await?;
            return Ok(Proposed::Earlier(
                earlier.map_or_else(|| location(id), |(_, first)| first),
            ));
        }
    }
    let m = matches::get(&mut *tx, id)
        .await?
        .ok_or(MatchError::Changed)?;
    let news = News::new(
        crate::tr("mail-floor-filled-headline").arg("by", by_name(&m, side)),
        crate::tr("mail-floor-filled-body")
            .arg("by", by_name(&m, side))
            .arg("what", deal.what.as_str()),
        crate::tr("mail-confirm-form-action"),
    );
    let other = if side == Actor::OfferParty {
        m.request_org_id
    } else {
        m.offer_org_id
    };
    notify::organisation(&mut tx, base_url, &m, other, &news).await?;
    links::touch(&mut tx, by.link_id).await?;
    tx.commit().await?;
    Ok(Proposed::New(id))
}

fn by_name(m: &matches::Match, side: Actor) -> &str {
    if side == Actor::OfferParty {
        &m.offer_org
    } else {
        &m.request_org
    }
}

/// The other party confirms on its phone; the match then waits, complete,
/// for the notaris. False when this side cannot confirm it (it did already,
/// or the match is no open floor match).
pub async fn confirm(
    db: &PgPool,
    base_url: &str,
    match_id: i64,
    side: Actor,
    link_id: i64,
    name: &str,
) -> Result<bool, MatchError> {
    let mut tx = db.begin().await?;
    if !matches::confirm_on_floor(&mut tx, match_id, side, &step(side, name), name).await? {
        return Ok(false);
    }
    let m = matches::get(&mut *tx, match_id)
        .await?
        .ok_or(MatchError::Changed)?;
    notify::makelaars(
        &mut tx,
        base_url,
        &m,
        "op de beursvloer door beide partijen bevestigd, klaar voor de notaris",
    )
    .await?;
    links::touch(&mut tx, link_id).await?;
    tx.commit().await?;
    Ok(true)
}

/// Before the doors open: every registered organisation's contact person
/// gets a personal link to its floor page, to open on the phone they bring
/// (so that scanning a badge knows who scans). Returns how many were mailed.
pub async fn mail_floor_links(
    db: &PgPool,
    base_url: &str,
    event_id: i64,
    event_name: &str,
) -> sqlx::Result<usize> {
    let mut tx = db.begin().await?;
    let contacts = crate::store::floor::contacts(&mut tx, event_id).await?;
    let base = base_url.trim_end_matches('/');
    for c in &contacts {
        let token =
            links::create(&mut tx, c.organisation_id, Some(event_id), &c.contact_email).await?;
        let greeting = c.contact_name.as_deref().unwrap_or(&c.name);
        // The contact's language: the one they signed up in, else Dutch.
        let lang = crate::store::accounts::language_of(&mut tx, &c.contact_email).await?;
        let has_stand = if c.stand.is_some() { "yes" } else { "no" };
        let stand = c.stand.clone().unwrap_or_default();
        let body = crate::tr("mail-floor-link-body")
            .arg("name", greeting)
            .arg("event", event_name)
            .arg("organisation", c.name.as_str())
            .arg("stand", stand)
            .arg("has_stand", has_stand)
            .arg("link", format!("{base}/link/{token}/vloer"))
            .in_lang(lang);
        let subject = crate::tr("mail-floor-link-subject")
            .arg("event", event_name)
            .in_lang(lang);
        crate::store::outbox::enqueue(&mut tx, &c.contact_email, &subject, &body).await?;
    }
    tx.commit().await?;
    Ok(contacts.len())
}

/// Every registered organisation a stand in the corner of its main category
/// (the category most of its items are in): A1, A2 … per zone letter, in
/// one transaction. Returns how many stands were set.
pub async fn assign_zones(
    db: &PgPool,
    event_id: i64,
) -> Result<usize, crate::store::floor::StandError> {
    use crate::domain::floor::{main_category, zone_stands, ToPlace};
    let (stands, items) = tokio::try_join!(
        crate::store::floor::stands(db, event_id),
        crate::store::floor::items(db, event_id),
    )?;
    let places: Vec<ToPlace> = stands
        .into_iter()
        .map(|s| {
            let categories: Vec<Category> = items
                .iter()
                .filter(|i| i.organisation_id == s.organisation_id)
                .filter_map(|i| i.category.parse().ok())
                .collect();
            ToPlace {
                organisation_id: s.organisation_id,
                name: s.name,
                category: main_category(&categories),
            }
        })
        .collect();
    let zoned = zone_stands(&places);
    let mut tx = db.begin().await?;
    crate::store::floor::set_all(&mut tx, event_id, &zoned).await?;
    tx.commit().await?;
    Ok(zoned.len())
}
