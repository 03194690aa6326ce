//! The project's own demo data: a living marketplace in Raalte and a demo
//! login per role. Loading it twice changes nothing.

use anyhow::Context;
use sqlx::PgPool;

use crate::{exchange, passwords, store};

const DEMO_FILE: &str = include_str!("../../demo/demo.json");
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
    let event_key = doc
        .event
        .as_ref()
        .map(|e| e.key.clone())
        .unwrap_or_default();
    // The practical details a visitor looks for, as a makelaar would set them.
    sqlx::query!(
        "UPDATE events SET starts_at = '14:30', ends_at = '16:30',
                place = coalesce(place, 'Zalencentrum ’t Hoogeland, Raalte'),
                programme = E'14:00 Inloop met koffie\\n14:30 Opening door de wethouder en de gong\\n14:45 Handelen op de beursvloer\\n16:00 Slotgong en bekendmaking van het aantal matches\\n16:30 Borrel',
                signup_deadline = date - 7, max_participants = 80
         WHERE key = $1 AND starts_at IS NULL",
        &event_key
    )
    .execute(db)
    .await?;
    demo_branding(db, &municipality).await?;
    let matches = demo_matches(db, &event_key).await?;
    demo_stands(db, &event_key).await?;
    demo_region(db, &municipality).await?;
    demo_last_year(db, &event_key).await?;
    demo_evaluations(db, &event_key).await?;
    demo_goals(db, &municipality).await?;
    Ok(format!(
        "{summary}; {matches} demo-matches; demo-wachtwoord: {DEMO_PASSWORD}"
    ))
}

/// Stands in zones per category, as a makelaar would assign them for the
/// badges: only where the edition has none yet.
async fn demo_stands(db: &PgPool, event_key: &str) -> anyhow::Result<()> {
    let Some(event) = store::events::by_key(db, event_key).await? else {
        return Ok(());
    };
    let stands = store::floor::stands(db, event.id).await?;
    if stands.iter().any(|s| s.stand.is_some()) {
        return Ok(());
    }
    crate::workflow::floor::assign_zones(db, event.id).await?;
    Ok(())
}

/// The region the demo municipality belongs to, with its neighbours and a
/// target, as an administrator would set it. Only when it does not exist.
async fn demo_region(db: &PgPool, municipality: &str) -> anyhow::Result<()> {
    if store::regions::by_slug(db, "salland").await?.is_some() {
        return Ok(());
    }
    let mut ids = Vec::new();
    for name in [municipality, "Deventer", "Olst-Wijhe"] {
        ids.push(store::municipalities::ensure(&mut *db.acquire().await?, name).await?);
    }
    ids.sort_unstable();
    let region = crate::domain::region::NewRegion {
        name: "Salland".into(),
        slug: "salland".into(),
        municipality_ids: ids,
        targets: vec![(2026, 200), (2027, 250)],
    };
    store::regions::save(db, None, &region).await?;
    Ok(())
}

/// Wmo-style policy goals of the demo municipality with its themes mapped,
/// as its official would set them ("natuur" counts towards none). Only when
/// it has no goals yet.
async fn demo_goals(db: &PgPool, municipality: &str) -> anyhow::Result<()> {
    use crate::domain::goals::{GoalsPlan, PlannedGoal};
    const GOALS: &[(&str, &str, &[&str])] = &[
        (
            "Sociale samenhang en leefbaarheid",
            "Wmo-prestatieveld 1: meedoen in de buurt",
            &["welzijn", "sport", "cultuur", "wonen", "veiligheid"],
        ),
        (
            "Vrijwilligers en mantelzorgers",
            "Wmo-prestatieveld 4: ondersteunen wie zorgt",
            &["zorg"],
        ),
        (
            "Meedoen naar vermogen",
            "Werk, leren en rondkomen",
            &["werk", "onderwijs", "armoede"],
        ),
    ];
    let Some(id) = store::municipalities::existing(&mut *db.acquire().await?, municipality).await?
    else {
        return Ok(());
    };
    if !store::goals::goals(db, id).await?.is_empty() {
        return Ok(());
    }
    let mut plan = GoalsPlan {
        goals: GOALS
            .iter()
            .map(|(name, description, _)| PlannedGoal {
                id: None,
                name: name.to_string(),
                description: Some(description.to_string()),
            })
            .collect(),
        ..GoalsPlan::default()
    };
    store::goals::save(db, id, &plan).await?;
    let stored = store::goals::goals(db, id).await?;
    plan.goals = stored
        .iter()
        .map(|g| PlannedGoal {
            id: Some(g.id),
            name: g.name.clone(),
            description: g.description.clone(),
        })
        .collect();
    plan.themes = stored
        .iter()
        .filter_map(|g| {
            GOALS
                .iter()
                .find(|(name, ..)| *name == g.name)
                .map(|t| (g.id, t.2))
        })
        .flat_map(|(goal, themes)| themes.iter().map(move |t| (t.to_string(), goal)))
        .collect();
    store::goals::save(db, id, &plan).await?;
    Ok(())
}

/// A closed edition a year before the demo's, where three pairs of the
/// demo's made matches already worked together (carried out), so the
/// dashboard, the region and the organisation pages show lasting
/// partnerships. Only when that edition does not exist yet.
async fn demo_last_year(db: &PgPool, event_key: &str) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let Some(last_year) = sqlx::query_scalar!(
        "INSERT INTO events (key, name, municipality_id, date, status, place)
         SELECT key || '-vorig-jaar', replace(name, extract(year FROM date)::text,
                                              (extract(year FROM date) - 1)::text),
                municipality_id, (date - interval '1 year')::date, 'closed', place
         FROM events WHERE key = $1
         ON CONFLICT (key) DO NOTHING RETURNING id",
        event_key
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(());
    };
    let pairs = sqlx::query!(
        r#"SELECT m.id, m.offer_id, m.request_id FROM matches m JOIN events e ON e.id = m.event_id
           WHERE e.key = $1 AND m.status IN ('confirmed', 'carried_out') AND m.return_match_id IS NULL
           ORDER BY m.id LIMIT 3"#,
        event_key
    )
    .fetch_all(&mut *tx)
    .await?;
    for (n, pair) in pairs.iter().enumerate() {
        let mut copies = Vec::new();
        for item in [pair.offer_id, pair.request_id] {
            let id = sqlx::query_scalar!(
                "INSERT INTO items (key, organisation_id, event_id, direction, category, title,
                                    description, theme, hours, status)
                 SELECT 'vorig-jaar-' || id, organisation_id, $2, direction, category, title,
                        description, theme, hours, 'matched'
                 FROM items WHERE id = $1 RETURNING id",
                item,
                last_year
            )
            .fetch_one(&mut *tx)
            .await?;
            copies.push(id);
        }
        sqlx::query!(
            "INSERT INTO event_participants (event_id, organisation_id)
             SELECT $1, organisation_id FROM items WHERE id = ANY($2) ON CONFLICT DO NOTHING",
            last_year,
            &copies
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO matches (offer_id, request_id, event_id, status, proposed_by,
                                  offer_accepted_at, request_accepted_at, confirmed_at,
                                  terms_what, terms_hours, offer_signed_at, request_signed_at)
             SELECT $1, $2, $3, 'carried_out', 'makelaar', e.date, e.date, e.date,
                    'Afgesproken op de beursvloer van vorig jaar', $4, e.date, e.date
             FROM events e WHERE e.id = $3",
            copies[0],
            copies[1],
            last_year,
            4 + 2 * n as i32
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What the parties of the carried-out demo matches (this edition's and last
/// year's) thought of them, so the dashboard shows its evaluation table and
/// the makelaar sees answers on the match. Only where none were asked yet;
/// one answer stays open, as in real life.
async fn demo_evaluations(db: &PgPool, event_key: &str) -> anyhow::Result<()> {
    use crate::domain::evaluation::Answer;
    use crate::domain::match_status::{Actor, Channel};
    const ANSWERS: [(i16, bool, Option<&str>); 7] = [
        (
            5,
            true,
            Some("Fijne samenwerking, volgend jaar graag weer."),
        ),
        (4, true, None),
        (4, true, Some("Het duurde even voor we een datum hadden.")),
        (5, true, None),
        (
            3,
            false,
            Some("Goed bedoeld, maar het paste niet bij onze planning."),
        ),
        (4, true, None),
        (2, false, None),
    ];
    let ids = sqlx::query_scalar!(
        "SELECT m.id FROM matches m JOIN events e ON e.id = m.event_id
         WHERE e.municipality_id = (SELECT municipality_id FROM events WHERE key = $1)
           AND m.status = 'carried_out'
           AND NOT EXISTS (SELECT 1 FROM match_evaluations ev WHERE ev.match_id = m.id)
         ORDER BY m.id",
        event_key
    )
    .fetch_all(db)
    .await?;
    let mut answers = ANSWERS.iter().cycle();
    let mut n = 0;
    for id in ids {
        let mut tx = db.begin().await?;
        store::evaluations::ask(&mut tx, id).await?;
        for side in [Actor::OfferParty, Actor::RequestParty] {
            n += 1;
            if n == 4 {
                continue;
            }
            let Some(&(satisfied, again, remark)) = answers.next() else {
                continue;
            };
            let by = store::matches::Step {
                role: side.code(),
                user_id: None,
                channel: Channel::Link,
                name: None,
            };
            let answer = Answer {
                satisfied,
                again,
                remark: remark.map(str::to_string),
            };
            store::evaluations::answer(&mut tx, id, side, &answer, &by, None).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// A made-up emblem for the demo municipality and logos for a few demo
/// organisations (plain shapes, drawn here), stored the way an upload is:
/// through `normalise_logo`. Only where none was set.
async fn demo_branding(db: &PgPool, municipality: &str) -> anyhow::Result<()> {
    fn emblem(w: u32, h: u32, colour: [u8; 3], seed: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_fn(w, h, |x, y| {
            let (cx, cy) = (w as i64 / 2, h as i64 / 2);
            let (dx, dy) = (x as i64 - cx, y as i64 - cy);
            let r = (cx.min(cy) - 4).max(1);
            let inside = dx * dx + dy * dy <= r * r;
            let band = ((x + y * seed) / (w / 6).max(1)).is_multiple_of(2);
            if inside && band {
                image::Rgba([colour[0], colour[1], colour[2], 255])
            } else if inside {
                image::Rgba([255, 255, 255, 255])
            } else {
                image::Rgba([0, 0, 0, 0])
            }
        });
        let mut png = Vec::new();
        let _ = img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png);
        png
    }
    let Some(id) = store::municipalities::existing(&mut *db.acquire().await?, municipality).await?
    else {
        return Ok(());
    };
    let brand = store::branding::municipality(db, id).await?;
    if brand.is_some_and(|b| b.logo_width.is_none() && b.primary_colour.is_none()) {
        let logo =
            crate::domain::branding::normalise_logo(&emblem(160, 160, [0x1b, 0x5e, 0x7a], 1))
                .map_err(anyhow::Error::msg)?;
        store::branding::set_municipality(db, id, Some("#1b5e7a"), Some(&logo), false).await?;
    }
    let organisations: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM organisations WHERE municipality_id = $1 AND logo IS NULL ORDER BY id LIMIT 6",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    const COLOURS: [[u8; 3]; 6] = [
        [0x0a, 0x6b, 0x3d],
        [0x8a, 0x3b, 0x00],
        [0x5a, 0x2d, 0x91],
        [0xb0, 0x00, 0x20],
        [0x00, 0x5f, 0x73],
        [0x33, 0x33, 0x33],
    ];
    for (i, org) in organisations.into_iter().enumerate() {
        let logo = crate::domain::branding::normalise_logo(&emblem(
            120,
            120,
            COLOURS[i % 6],
            i as u32 + 2,
        ))
        .map_err(anyhow::Error::msg)?;
        store::branding::set_organisation_logo(db, org, Some(&logo)).await?;
    }
    Ok(())
}

/// Walk the first proposals of the demo event through the life cycle, with
/// the same code the site uses, so the workspace, the dashboard and the live
/// screen have something to show. Only when the event has no matches yet.
async fn demo_matches(db: &PgPool, event_key: &str) -> anyhow::Result<usize> {
    use crate::domain::match_status::{Action, Actor};
    use crate::store::matches::{self, NewMatch};

    let Some(event) = store::events::by_key(db, event_key).await? else {
        return Ok(0);
    };
    let existing: i64 = sqlx::query_scalar!(
        "SELECT count(*) AS \"count!\" FROM matches WHERE event_id = $1",
        event.id
    )
    .fetch_one(db)
    .await?;
    if existing > 0 {
        return Ok(0);
    }
    store::events::set_status(db, event.id, crate::domain::EventStatus::Open).await?;
    let makelaar: i64 =
        sqlx::query_scalar!("SELECT id FROM users WHERE email = 'makelaar@demo.beursvloer.nl'")
            .fetch_one(db)
            .await?;
    let market = store::market::for_event(db, event.id, None).await?.market;
    let proposal = market.propose();
    // The kringruil stays in the makelaar's workspace as well.
    let cycle_legs: std::collections::HashSet<(i64, i64)> = market
        .cycles(&|_, _| false)
        .iter()
        .flat_map(|c| c.legs.iter().map(|l| (l.offer, l.request)))
        .collect();
    let mut created = 0;
    // Leave most proposals in the makelaar's queue; walk six through.
    // One wederdienst is walked through separately below; the kringruil is
    // left for the makelaar.
    let two_way = proposal.two_way.first();
    let in_two_way = |offer: i64, request: i64| {
        two_way.is_some_and(|t| {
            [&t.give, &t.ret]
                .iter()
                .any(|s| s.offer == offer || s.request == request)
        })
    };
    let one_way = proposal
        .matches
        .iter()
        .filter(|s| !in_two_way(s.offer, s.request) && !cycle_legs.contains(&(s.offer, s.request)));
    for (n, s) in one_way.take(6).enumerate() {
        let mut tx = db.begin().await?;
        let new = NewMatch {
            offer_id: s.offer,
            request_id: s.request,
            event_id: Some(event.id),
            score: Some(s.score),
            reasons: s.reasons.clone(),
            terms_hours: Some(4 + 2 * n as i32),
            value_euros: Some(50.0 * (n + 1) as f64),
            ..NewMatch::default()
        };
        let Ok(id) = matches::propose(&mut tx, &new, "matcher", Some(makelaar)).await else {
            continue;
        };
        sqlx::query!(
            "UPDATE matches SET offer_shows_name = true, request_shows_name = true WHERE id = $1",
            id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        created += 1;
        // 0: stays suggested; 1: accepted; 2..: confirmed; 5: carried out.
        let steps: &[(Action, Actor)] = match n {
            0 => &[],
            1 => &[(ACCEPT, Actor::OfferParty), (ACCEPT, Actor::RequestParty)],
            5 => &[
                (ACCEPT, Actor::OfferParty),
                (ACCEPT, Actor::RequestParty),
                (Action::Confirm, Actor::Makelaar),
                (Action::MarkCarriedOut, Actor::Makelaar),
            ],
            _ => &[
                (ACCEPT, Actor::OfferParty),
                (ACCEPT, Actor::RequestParty),
                (Action::Confirm, Actor::Makelaar),
            ],
        };
        for (action, actor) in steps {
            let by = (*actor == Actor::Makelaar).then_some(makelaar);
            step(db, id, *action, *actor, by).await?;
        }
    }
    // And one wederdienst, confirmed both ways.
    if let Some(t) = two_way {
        let mut tx = db.begin().await?;
        let mut ids = Vec::new();
        for s in [&t.give, &t.ret] {
            let new = NewMatch {
                offer_id: s.offer,
                request_id: s.request,
                event_id: Some(event.id),
                score: Some(s.score),
                reasons: s.reasons.clone(),
                terms_hours: Some(6),
                ..NewMatch::default()
            };
            if let Ok(id) = matches::propose(&mut tx, &new, "matcher", Some(makelaar)).await {
                ids.push(id);
            }
        }
        if let [a, b] = ids[..] {
            matches::link_two_way(&mut tx, a, b).await?;
            tx.commit().await?;
            for id in [a, b] {
                for (action, actor) in [
                    (ACCEPT, Actor::OfferParty),
                    (ACCEPT, Actor::RequestParty),
                    (Action::Confirm, Actor::Makelaar),
                ] {
                    let by = (actor == Actor::Makelaar).then_some(makelaar);
                    step(db, id, action, actor, by).await?;
                }
            }
            created += 2;
        }
    }
    Ok(created)
}

/// One step of the demo's walk through the life cycle, quietly: the demo's
/// history needs no mail.
async fn step(
    db: &PgPool,
    id: i64,
    action: crate::domain::match_status::Action,
    actor: crate::domain::match_status::Actor,
    user: Option<i64>,
) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let by = store::matches::Step::account(actor.code(), user);
    store::matches::apply(&mut tx, id, action, actor, &by, None).await?;
    tx.commit().await?;
    Ok(())
}

const ACCEPT: crate::domain::match_status::Action = crate::domain::match_status::Action::Accept {
    other_side_accepted: false,
};
