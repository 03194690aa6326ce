//! A public sign-up for an edition: the organisation with its contact
//! person and first offers and requests, enrolled at once; or, when it looks
//! like an organisation we know, kept for the makelaar to merge or refuse.
//! Never silently doubled.

use sqlx::PgPool;

use crate::domain::signup::{NewSignup, SignupInput};
use crate::store::events::Event;
use crate::store::{items, links, notifications, outbox, signups};

/// What became of a sign-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new organisation, enrolled.
    Enrolled { organisation_id: i64 },
    /// It looks like this organisation; the makelaar decides.
    LooksLike { name: String },
}

pub async fn sign_up(
    db: &PgPool,
    base_url: &str,
    event: &Event,
    input: &SignupInput,
    new: &NewSignup,
) -> anyhow::Result<Outcome> {
    let form = serde_json::to_value(input)?;
    let mut tx = db.begin().await?;
    let org = &new.organisation;
    let existing =
        signups::look_alike(&mut tx, new.municipality_id, &org.name, new.kvk.as_deref()).await?;
    let created = match existing {
        Some(_) => None,
        None => {
            signups::insert_organisation(&mut tx, new.municipality_id, org, new.kvk.as_deref())
                .await?
        }
    };
    let link = format!("{base_url}/beursvloeren/{}/aanmeldingen", event.key);
    let Some(organisation_id) = created else {
        // A look-alike, found now or by the unique index at the same moment.
        let (duplicate_of, name) = match existing {
            Some(found) => found,
            None => signups::look_alike(&mut tx, new.municipality_id, &org.name, None)
                .await?
                .ok_or_else(|| anyhow::anyhow!("sign-up conflicted without a look-alike"))?,
        };
        signups::record(
            &mut tx,
            event.id,
            "duplicate",
            None,
            Some(duplicate_of),
            &form,
        )
        .await?;
        let message = format!(
            "Aanmelding voor {} lijkt op {name}: samenvoegen of weigeren?",
            event.name
        );
        notifications::makelaars(&mut tx, event.municipality_id, &message, &link, None).await?;
        tx.commit().await?;
        return Ok(Outcome::LooksLike { name });
    };
    for item in &new.items {
        items::insert(&mut *tx, organisation_id, Some(event.id), item).await?;
    }
    signups::enrol(&mut tx, event.id, organisation_id).await?;
    signups::record(
        &mut tx,
        event.id,
        "accepted",
        Some(organisation_id),
        None,
        &form,
    )
    .await?;
    let message = crate::tr("notification-new-signup")
        .arg("event", &event.name)
        .arg("organisation", &org.name)
        .to_string();
    let page = format!("{base_url}/organisaties/{organisation_id}");
    notifications::makelaars(&mut tx, event.municipality_id, &message, &page, None).await?;
    if let Some(address) = &org.contact_email {
        let token = links::create(&mut tx, organisation_id, Some(event.id), address).await?;
        // The contact signed up in the language of this request.
        let text = crate::tr("mail-signup-body")
            .arg("name", org.contact_name.as_deref().unwrap_or(&org.name))
            .arg("event", &event.name)
            .arg("organisation", &org.name)
            .arg("count", new.items.len())
            .arg("link", format!("{base_url}/link/{token}"))
            .to_string();
        outbox::enqueue(
            &mut tx,
            address,
            &crate::tr("mail-signup-subject")
                .arg("event", &event.name)
                .to_string(),
            &text,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Outcome::Enrolled { organisation_id })
}

/// The makelaar merges a waiting sign-up into the organisation it looks
/// like: the contact is filled in where missing, its offers and requests are
/// added, and the organisation takes part. False when it was already decided.
pub async fn merge(
    db: &PgPool,
    event: &Event,
    signup_id: i64,
    municipalities: &[(i64, String)],
    makelaar: i64,
) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    let Some((form, organisation_id)) = signups::take_pending(&mut tx, event.id, signup_id).await?
    else {
        return Ok(false);
    };
    let input: SignupInput = serde_json::from_value(form)?;
    let new = input
        .validate(municipalities)
        .map_err(|_| anyhow::anyhow!("a stored sign-up no longer validates"))?;
    signups::complete_contact(&mut tx, organisation_id, &new.organisation).await?;
    for item in &new.items {
        items::insert(&mut *tx, organisation_id, Some(event.id), item).await?;
    }
    signups::enrol(&mut tx, event.id, organisation_id).await?;
    signups::decide(
        &mut tx,
        signup_id,
        "merged",
        Some(organisation_id),
        makelaar,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The makelaar refuses a waiting sign-up (a double by mistake).
pub async fn refuse(
    db: &PgPool,
    event: &Event,
    signup_id: i64,
    makelaar: i64,
) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    if signups::take_pending(&mut tx, event.id, signup_id)
        .await?
        .is_none()
    {
        return Ok(false);
    }
    signups::decide(&mut tx, signup_id, "refused", None, makelaar).await?;
    tx.commit().await?;
    Ok(true)
}
