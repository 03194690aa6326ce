//! Telling the parties of a match what happened: a notification in the app
//! for every member, and mail in text and HTML to the members and to the
//! organisation's contact person, who gets a personal link. Always inside
//! the transaction of the step it reports.

use askama::Template;
use sqlx::PgConnection;

use crate::domain::match_status::MatchStatus;
use crate::store::matches::Match;
use crate::store::{links, notifications, outbox};

/// What a message says about a match.
#[derive(Debug, Clone)]
pub struct News {
    /// One line, also the in-app notification: "ICT-Huis gaat akkoord".
    pub headline: String,
    /// A sentence or two for the mail.
    pub body: String,
    /// The button in the mail.
    pub action: &'static str,
}

impl News {
    /// The makelaar proposes a match to both parties.
    pub fn proposed(m: &Match) -> News {
        News {
            headline: "De makelaar stelt een match voor".into(),
            body: format!(
                "{} kan {} helpen met ‘{}’ (gevraagd: ‘{}’). Wil je meedoen? Geef je antwoord; pas als beide partijen akkoord zijn, bevestigt de makelaar de match.",
                m.offer_org, m.request_org, m.offer_title, m.request_title
            ),
            action: "Bekijk het voorstel en geef je antwoord",
        }
    }

    /// A step by `by` (an organisation's name, or "De makelaar") led to `to`.
    pub fn step(by: &str, to: MatchStatus, reason: Option<&str>) -> News {
        let reason = reason.map(|r| format!(" Reden: {r}")).unwrap_or_default();
        let (headline, body, action) = match to {
            MatchStatus::Suggested => (
                format!("{by} gaat akkoord"),
                "Jullie antwoord is nog nodig. Pas als beide partijen akkoord zijn, bevestigt de makelaar de match.".to_string(),
                "Bekijk de match en geef je antwoord",
            ),
            MatchStatus::Accepted => (
                "Beide partijen zijn akkoord".to_string(),
                "De makelaar bevestigt de match nu. Jullie zien elkaars contactpersoon op de match.".to_string(),
                "Bekijk de match",
            ),
            MatchStatus::Confirmed => (
                "De makelaar heeft de match bevestigd".to_string(),
                "Bevestig nu het matchformulier; dan telt de match als getekend. Neem binnen twee à drie weken contact op met de andere partij om de afspraak concreet te maken.".to_string(),
                "Bekijk en bevestig het matchformulier",
            ),
            MatchStatus::CarriedOut => (
                format!("{by} meldt de match als uitgevoerd"),
                "Mooi! De match telt nu als uitgevoerd.".to_string(),
                "Bekijk de match",
            ),
            MatchStatus::NotCarriedOut => (
                format!("{by} meldt dat de match niet is uitgevoerd"),
                format!("De match telt als niet uitgevoerd.{reason}"),
                "Bekijk de match",
            ),
            MatchStatus::Declined => (
                format!("{by} wijst de match af"),
                format!("Deze match gaat niet door.{reason}"),
                "Bekijk de match",
            ),
            MatchStatus::Cancelled => (
                format!("{by} heeft de match geannuleerd"),
                format!("Deze match gaat niet door.{reason}"),
                "Bekijk de match",
            ),
        };
        News {
            headline,
            body,
            action,
        }
    }

    /// One side confirmed the matchformulier.
    pub fn signed(m: &Match, by: &str) -> News {
        let body = if m.is_signed() {
            "Beide partijen hebben het matchformulier bevestigd: de match telt als getekend."
        } else {
            "Heeft jullie kant het formulier nog niet bevestigd? Doe dat dan ook."
        };
        News {
            headline: format!("{by} heeft het matchformulier bevestigd"),
            body: body.into(),
            action: "Bekijk het matchformulier",
        }
    }

    /// The agreed date has passed.
    pub fn reminder() -> News {
        News {
            headline: "De afgesproken datum van jullie match is voorbij".into(),
            body: "Is het gelukt? Laat het weten, dan telt de match als uitgevoerd.".into(),
            action: "Meld of de match is uitgevoerd",
        }
    }
}

#[derive(Template)]
#[template(path = "mail/match.txt")]
struct MailText<'a> {
    greeting: &'a str,
    headline: &'a str,
    body: &'a str,
    action: &'a str,
    link: &'a str,
    personal: bool,
    organisation: &'a str,
    sender: &'a str,
}

#[derive(Template)]
#[template(path = "mail/match.html")]
struct MailHtml<'a> {
    greeting: &'a str,
    headline: &'a str,
    body: &'a str,
    action: &'a str,
    link: &'a str,
    personal: bool,
    organisation: &'a str,
    sender: &'a str,
}

/// Queue one mail in text and HTML.
#[allow(clippy::too_many_arguments)]
async fn mail(
    conn: &mut PgConnection,
    to: &str,
    greeting: &str,
    subject: &str,
    news: &News,
    link: &str,
    personal: bool,
    organisation: &str,
    sender: &str,
) -> anyhow::Result<()> {
    let text = MailText {
        greeting,
        headline: &news.headline,
        body: &news.body,
        action: news.action,
        link,
        personal,
        organisation,
        sender,
    }
    .render()?;
    let html = MailHtml {
        greeting,
        headline: &news.headline,
        body: &news.body,
        action: news.action,
        link,
        personal,
        organisation,
        sender,
    }
    .render()?;
    outbox::enqueue_with_html(conn, to, subject, &text, Some(&html)).await?;
    Ok(())
}

/// Who signs the mail.
fn sender(m: &Match) -> String {
    match &m.event_name {
        Some(name) => format!("De makelaar van {name}"),
        None => "De makelaar van Beursvloer".into(),
    }
}

/// Tell one organisation of a match: notifications and mail for its members,
/// and mail with a personal link for its contact person (unless the contact
/// is a member, who signs in instead).
pub async fn organisation(
    conn: &mut PgConnection,
    base_url: &str,
    m: &Match,
    organisation_id: i64,
    news: &News,
) -> anyhow::Result<()> {
    let title = m.title();
    let message = format!("{title}: {}", news.headline);
    let link = format!("{base_url}/matches/{}", m.id);
    let subject = format!("{} – {title}", news.headline);
    let sender = sender(m);
    let members =
        notifications::members(conn, organisation_id, &message, &link, Some(m.id)).await?;
    let (name, contact_name, contact_email): (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT name, contact_name, contact_email FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_one(&mut *conn)
            .await?;
    for address in &members {
        mail(
            conn, address, &name, &subject, news, &link, false, &name, &sender,
        )
        .await?;
    }
    if let Some(address) = contact_email.filter(|a| {
        !a.trim().is_empty() && !members.iter().any(|m| m.eq_ignore_ascii_case(a.trim()))
    }) {
        let token = links::create(conn, organisation_id, m.event_id, &address).await?;
        let personal_link = format!("{base_url}/link/{token}/matches/{}", m.id);
        let greeting = contact_name.unwrap_or_else(|| name.clone());
        mail(
            conn,
            &address,
            &greeting,
            &subject,
            news,
            &personal_link,
            true,
            &name,
            &sender,
        )
        .await?;
    }
    Ok(())
}

/// Tell the makelaars of the match's municipality, in the app.
pub async fn makelaars(
    conn: &mut PgConnection,
    base_url: &str,
    m: &Match,
    headline: &str,
) -> anyhow::Result<()> {
    let message = format!("{}: {headline}", m.title());
    let link = format!("{base_url}/matches/{}", m.id);
    notifications::makelaars(conn, m.municipality_id, &message, &link, Some(m.id)).await?;
    Ok(())
}
