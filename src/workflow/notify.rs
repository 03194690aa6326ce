//! Telling the parties of a match what happened: a notification in the app
//! for every member, and mail in text and HTML to the members and to the
//! organisation's contact person, who gets a personal link. Always inside
//! the transaction of the step it reports.

use askama::Template;
use sqlx::PgConnection;

use crate::domain::match_status::MatchStatus;
use crate::i18n::{self, tr, Arg, Msg};
use crate::store::accounts;
use crate::store::matches::Match;
use crate::store::{links, notifications, outbox};

/// What a message says about a match, as catalogue messages: each
/// recipient reads it in their own language.
#[derive(Debug, Clone)]
pub struct News {
    /// One line, also the in-app notification: "ICT-Huis gaat akkoord".
    pub headline: Msg,
    /// A sentence or two for the mail.
    pub body: Msg,
    /// The button in the mail.
    pub action: Msg,
}

/// Who took a step: an organisation's name, or the makelaar.
#[derive(Debug, Clone)]
pub enum By {
    Organisation(String),
    Makelaar,
}

impl By {
    fn arg(&self) -> Arg {
        match self {
            By::Organisation(name) => Arg::Text(name.clone()),
            By::Makelaar => crate::i18n::message("mail-the-broker"),
        }
    }
}

impl News {
    pub fn new(headline: Msg, body: Msg, action: Msg) -> News {
        News {
            headline,
            body,
            action,
        }
    }

    /// The makelaar proposes a match to both parties.
    pub fn proposed(m: &Match) -> News {
        News::new(
            tr("mail-proposed-headline"),
            tr("mail-proposed-body")
                .arg("offer_org", &m.offer_org)
                .arg("request_org", &m.request_org)
                .arg("offer_title", &m.offer_title)
                .arg("request_title", &m.request_title),
            tr("mail-proposed-action"),
        )
    }

    /// A step by `by` led to `to`.
    pub fn step(by: &By, to: MatchStatus, reason: Option<&str>) -> News {
        let by = by.arg();
        let with_reason = |plain: &'static str, reasoned: &'static str| match reason {
            Some(r) => tr(reasoned).arg("reason", r),
            None => tr(plain),
        };
        let (headline, body, action) = match to {
            MatchStatus::Suggested => (
                tr("mail-agrees-headline"),
                tr("mail-agrees-body"),
                tr("mail-answer-action"),
            ),
            MatchStatus::Accepted => (
                tr("mail-accepted-headline"),
                tr("mail-accepted-body"),
                tr("mail-view-action"),
            ),
            MatchStatus::Confirmed => (
                tr("mail-confirmed-headline"),
                tr("mail-confirmed-body"),
                tr("mail-confirm-form-action"),
            ),
            MatchStatus::CarriedOut => (
                tr("mail-carried-out-headline"),
                tr("mail-carried-out-body"),
                tr("mail-view-action"),
            ),
            MatchStatus::NotCarriedOut => (
                tr("mail-not-carried-out-headline"),
                with_reason(
                    "mail-not-carried-out-body",
                    "mail-not-carried-out-body-reason",
                ),
                tr("mail-view-action"),
            ),
            MatchStatus::Declined => (
                tr("mail-declined-headline"),
                with_reason("mail-off-body", "mail-off-body-reason"),
                tr("mail-view-action"),
            ),
            MatchStatus::Cancelled => (
                tr("mail-cancelled-headline"),
                with_reason("mail-off-body", "mail-off-body-reason"),
                tr("mail-view-action"),
            ),
        };
        News::new(headline.arg("by", by), body, action)
    }

    /// One side confirmed the matchformulier.
    pub fn signed(m: &Match, by: &str) -> News {
        let body = if m.is_signed() {
            tr("mail-signed-both-body")
        } else {
            tr("mail-signed-one-body")
        };
        News::new(
            tr("mail-signed-headline").arg("by", by),
            body,
            tr("mail-view-form-action"),
        )
    }

    /// The match was carried out: how did it go? To the party that did not
    /// report it, with who did; to the one that did, as a question only.
    pub fn evaluation(reported_by: Option<&By>) -> News {
        let headline = match reported_by {
            Some(by) => tr("mail-carried-out-headline").arg("by", by.arg()),
            None => tr("evaluation-mail-headline"),
        };
        News::new(
            headline,
            tr("evaluation-mail-body"),
            tr("evaluation-mail-action"),
        )
    }

    /// The agreed date has passed.
    pub fn reminder() -> News {
        News::new(
            tr("mail-reminder-headline"),
            tr("mail-reminder-body"),
            tr("mail-reminder-action"),
        )
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

/// Queue one mail in text and HTML, in the recipient's language.
#[allow(clippy::too_many_arguments)]
async fn mail(
    conn: &mut PgConnection,
    to: &str,
    greeting: &str,
    news: &News,
    m: &Match,
    link: &str,
    personal: bool,
    organisation: &str,
) -> anyhow::Result<()> {
    let lang = accounts::language_of(conn, to).await?;
    let (subject, text, html) = i18n::in_lang(lang, || -> anyhow::Result<_> {
        let headline = news.headline.to_string();
        let body = news.body.to_string();
        let action = news.action.to_string();
        let sender = sender(m);
        let subject = format!("{headline} – {}", m.title());
        let text = MailText {
            greeting,
            headline: &headline,
            body: &body,
            action: &action,
            link,
            personal,
            organisation,
            sender: &sender,
        }
        .render()?;
        let html = MailHtml {
            greeting,
            headline: &headline,
            body: &body,
            action: &action,
            link,
            personal,
            organisation,
            sender: &sender,
        }
        .render()?;
        Ok((subject, text, html))
    })?;
    outbox::enqueue_with_html(conn, to, &subject, &text, Some(&html)).await?;
    Ok(())
}

/// Who signs the mail.
fn sender(m: &Match) -> String {
    match &m.event_name {
        Some(name) => tr("mail-sender-event").arg("event", name).to_string(),
        None => crate::t("mail-sender").to_string(),
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
    organisation_at(conn, base_url, m, organisation_id, news, "").await
}

/// The same, with the links pointing at a page of the match (`page`, such
/// as "/evaluatie") instead of the match itself.
pub async fn organisation_at(
    conn: &mut PgConnection,
    base_url: &str,
    m: &Match,
    organisation_id: i64,
    news: &News,
    page: &str,
) -> anyhow::Result<()> {
    let title = m.title();
    let message = format!("{title}: {}", news.headline);
    let link = format!("{base_url}/matches/{}{page}", m.id);
    let members =
        notifications::members(conn, organisation_id, &message, &link, Some(m.id)).await?;
    let (name, contact_name, contact_email): (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT name, contact_name, contact_email FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_one(&mut *conn)
            .await?;
    for address in &members {
        mail(conn, address, &name, news, m, &link, false, &name).await?;
    }
    if let Some(address) = contact_email.filter(|a| {
        !a.trim().is_empty() && !members.iter().any(|m| m.eq_ignore_ascii_case(a.trim()))
    }) {
        let token = links::create(conn, organisation_id, m.event_id, &address).await?;
        let personal_link = format!("{base_url}/link/{token}/matches/{}{page}", m.id);
        let greeting = contact_name.unwrap_or_else(|| name.clone());
        mail(
            conn,
            &address,
            &greeting,
            news,
            m,
            &personal_link,
            true,
            &name,
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
