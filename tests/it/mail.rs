//! Mail through the outbox: delivered once even with several workers,
//! retried with back-off when delivery fails; follow-up reminders.

use crate::common::TestApp;
use beursvloer::mail::{deliver_pending, Mailer};
use beursvloer::workflow::remind::send_due as send_reminders;

async fn queue(app: &TestApp, n: usize) {
    for i in 0..n {
        sqlx::query(
            "INSERT INTO outbox (to_address, subject, body) VALUES ($1, 'Onderwerp', 'Tekst')",
        )
        .bind(format!("iemand{i}@voorbeeld.nl"))
        .execute(&app.db)
        .await
        .unwrap();
    }
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bv-mail-{name}-{}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn two_workers_deliver_every_message_exactly_once() {
    let app = TestApp::spawn().await;
    queue(&app, 120).await;
    let dir = temp_dir("once");
    let mailer = Mailer::Dir(dir.clone());
    let (a, b) = tokio::join!(
        async {
            let mut n = 0;
            while let Ok(k) = deliver_pending(&app.db, &mailer).await {
                if k == 0 {
                    break;
                }
                n += k;
            }
            n
        },
        async {
            let mut n = 0;
            while let Ok(k) = deliver_pending(&app.db, &mailer).await {
                if k == 0 {
                    break;
                }
                n += k;
            }
            n
        }
    );
    assert_eq!(a + b, 120);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 120);
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT max(attempts)::bigint FROM outbox").await,
        1
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_failed_delivery_is_kept_and_retried_later() {
    let app = TestApp::spawn().await;
    queue(&app, 1).await;
    // A file where the mail folder should be: writing fails.
    let blocker = temp_dir("fail").join("geen-map");
    std::fs::write(&blocker, "").unwrap();
    assert_eq!(
        deliver_pending(&app.db, &Mailer::Dir(blocker.clone()))
            .await
            .unwrap(),
        0
    );
    let (attempts, later, error): (i32, bool, Option<String>) =
        sqlx::query_as("SELECT attempts, next_attempt > now(), last_error FROM outbox")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(later, "backs off");
    assert!(error.is_some());
    // Not retried before its time.
    assert_eq!(deliver_pending(&app.db, &Mailer::Discard).await.unwrap(), 0);
    sqlx::query("UPDATE outbox SET next_attempt = now()")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(deliver_pending(&app.db, &Mailer::Discard).await.unwrap(), 1);
}

#[tokio::test]
async fn parties_are_reminded_once_when_the_agreed_date_has_passed() {
    let app = TestApp::spawn().await;
    app.register("Anna", "OBS De Regenboog", "school").await;
    let school_request = app.register("Bram", "ByteWerk ICT", "bedrijf").await;
    drop(school_request);
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM organisations ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    let offer: i64 = sqlx::query_scalar("INSERT INTO items (organisation_id, direction, category, title) VALUES ($1, 'offer', 'materiaal', 'Laptops') RETURNING id")
        .bind(ids[1]).fetch_one(&app.db).await.unwrap();
    let request: i64 = sqlx::query_scalar("INSERT INTO items (organisation_id, direction, category, title) VALUES ($1, 'request', 'materiaal', 'Computers') RETURNING id")
        .bind(ids[0]).fetch_one(&app.db).await.unwrap();
    sqlx::query(
        "INSERT INTO matches (offer_id, request_id, proposed_by, status, offer_accepted_at, request_accepted_at, confirmed_at, terms_when)
         VALUES ($1, $2, 'makelaar', 'confirmed', now(), now(), now(), current_date - 3)",
    )
    .bind(offer)
    .bind(request)
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(send_reminders(&app.db, "http://beurs").await.unwrap(), 1);
    assert_eq!(
        app.count("SELECT count(*) FROM notifications WHERE message LIKE '%Laptops: De afgesproken datum%voorbij%'")
            .await,
        2,
        "both members"
    );
    assert_eq!(app.count("SELECT count(*) FROM outbox").await, 2);
    assert_eq!(
        send_reminders(&app.db, "http://beurs").await.unwrap(),
        0,
        "only once"
    );
}
