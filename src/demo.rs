//! The project's own demo data: a living marketplace in Raalte and a demo
//! login per role. Loading it twice changes nothing.

use anyhow::Context;
use sqlx::PgPool;

use crate::{exchange, passwords, store};

const DEMO_FILE: &str = include_str!("../demo/demo.json");
pub const DEMO_PASSWORD: &str = "beursvloer-demo";

/// (e-mail, name, role); the first two are members of an organisation.
const LOGINS: &[(&str, &str, &str)] = &[
    (
        "organisatie@demo.beursvloer.nl",
        "Demo Organisatie",
        "member",
    ),
    ("bedrijf@demo.beursvloer.nl", "Demo Bedrijf", "member"),
    ("makelaar@demo.beursvloer.nl", "Demo Makelaar", "makelaar"),
    ("gemeente@demo.beursvloer.nl", "Demo Gemeente", "gemeente"),
    ("admin@demo.beursvloer.nl", "Demo Beheerder", "admin"),
];

pub async fn load(db: &PgPool) -> anyhow::Result<String> {
    let doc = exchange::parse("demo.json", DEMO_FILE).map_err(|errors| {
        anyhow::anyhow!(
            "demo data invalid: {}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    let summary = store::imports::import(db, &doc).await?;
    let municipality = doc
        .event
        .as_ref()
        .map(|e| e.municipality.clone())
        .context("demo data has no event")?;
    // The first organisation of each side gets a demo member.
    let social_org = doc
        .organisations
        .iter()
        .find(|(_, o)| o.kind != crate::domain::OrganisationKind::Bedrijf)
        .map(|(k, _)| k.clone());
    let company = doc
        .organisations
        .iter()
        .find(|(_, o)| o.kind == crate::domain::OrganisationKind::Bedrijf)
        .map(|(k, _)| k.clone());
    let hash = passwords::hash(DEMO_PASSWORD.to_string()).await?;
    for (i, (email, name, role)) in LOGINS.iter().enumerate() {
        let org_key = match i {
            0 => social_org.as_deref(),
            1 => company.as_deref(),
            _ => None,
        };
        store::demo::ensure_login(db, email, name, &hash, role, org_key, &municipality).await?;
    }
    Ok(format!("{summary}; demo-wachtwoord: {DEMO_PASSWORD}"))
}
