//! Faults the app must survive: a pool with no free connection, a query that
//! runs too long, and SIGTERM while requests are in flight. (Postgres stopped
//! and started under load is `scripts/faults.sh`: it needs the cluster itself.)

use std::str::FromStr;
use std::time::{Duration, Instant};

use crate::common::TestApp;
use reqwest::StatusCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgConnection, PgPool};

/// The test database's URL (the base URL with the test database's name).
async fn database_url(app: &TestApp) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (before, after) = match app.database_url.split_once('?') {
        Some((b, a)) => (b.to_string(), format!("?{a}")),
        None => (app.database_url.clone(), String::new()),
    };
    let base = before.rsplit_once('/').map(|(b, _)| b).unwrap_or(&before);
    format!("{base}/{name}{after}")
}

/// A pool on the test database with the given size, wait and statement timeout.
async fn pool(app: &TestApp, size: u32, acquire: Duration, statement_timeout: &str) -> PgPool {
    let options = PgConnectOptions::from_str(&database_url(app).await)
        .unwrap()
        .options([("statement_timeout", statement_timeout)]);
    PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(acquire)
        .connect_with(options)
        .await
        .unwrap()
}

/// Another session that holds a lock on the items table until dropped.
async fn lock_items(app: &TestApp) -> PgConnection {
    let mut conn = PgConnection::connect(&database_url(app).await)
        .await
        .unwrap();
    conn.execute("BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    conn
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_fast_and_health_stays_up() {
    let app = TestApp::spawn().await;
    let runtime = pool(&app, 3, Duration::from_millis(500), "10s").await;
    let address = TestApp::serve_with(app.db.clone(), runtime.clone()).await;
    let visitor = crate::common::Browser {
        client: reqwest::Client::new(),
        base: address,
    };
    visitor.get("/healthz").await;
    // Every connection is taken (by long transactions, say); the live screen's
    // listener may hold one of them already.
    let mut held = Vec::new();
    while let Ok(conn) = runtime.acquire().await {
        held.push(conn);
    }

    let started = Instant::now();
    let response = visitor.get("/markt").await;

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "fast, not hanging"
    );
    assert_eq!(response.headers()["retry-after"], "30");
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Even niet beschikbaar"));
    let started = Instant::now();
    assert_eq!(visitor.get("/healthz").await.status(), StatusCode::OK);
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(
        visitor.get("/readyz").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );

    drop(held);
    assert_eq!(visitor.get("/markt").await.status(), StatusCode::OK);
    assert_eq!(visitor.get("/readyz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_slow_query_is_cut_by_the_statement_timeout() {
    let app = TestApp::spawn().await;
    let runtime = pool(&app, 5, Duration::from_secs(3), "300ms").await;
    let address = TestApp::serve_with(app.db.clone(), runtime.clone()).await;
    let visitor = crate::common::Browser {
        client: reqwest::Client::new(),
        base: address,
    };
    // A slow statement, straight on the pool: cancelled, and it is a 503.
    let err = sqlx::query("SELECT pg_sleep(5)")
        .execute(&runtime)
        .await
        .unwrap_err();
    let as_app = beursvloer::web::error::AppError::from(err);
    assert!(matches!(
        as_app,
        beursvloer::web::error::AppError::Unavailable(_)
    ));

    // A page whose query waits on a lock is cut off the same way.
    let lock = lock_items(&app).await;
    let started = Instant::now();
    let response = visitor.get("/markt").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));
    assert!(started.elapsed() < Duration::from_secs(3));
    drop(lock);
    assert_eq!(visitor.get("/markt").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn sigterm_lets_requests_in_flight_finish() {
    let app = TestApp::spawn().await;
    let url = database_url(&app).await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_beursvloer"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the server started");

    // Ten requests that wait on a lock, then SIGTERM while they wait.
    let lock = lock_items(&app).await;
    let in_flight: Vec<_> = (0..10)
        .map(|_| {
            let client = client.clone();
            let url = format!("{base}/markt");
            tokio::spawn(async move { client.get(url).send().await.map(|r| r.status()) })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = nix::unistd::Pid::from_raw(server.id().unwrap() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        server.try_wait().unwrap().is_none(),
        "still serving what is in flight"
    );
    // New connections are no longer accepted.
    assert!(reqwest::Client::new()
        .get(format!("{base}/healthz"))
        .send()
        .await
        .is_err());
    drop(lock);

    for request in in_flight {
        assert_eq!(request.await.unwrap().unwrap(), StatusCode::OK);
    }
    let status = tokio::time::timeout(Duration::from_secs(10), server.wait())
        .await
        .expect("the server exits after the last request")
        .unwrap();
    assert!(status.success(), "clean exit: {status:?}");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app.visitor().get("/markt").await;
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    // A proxy's id is kept.
    let response = app
        .visitor()
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "proxy-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "proxy-42");
}
