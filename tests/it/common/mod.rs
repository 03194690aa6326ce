//! Test harness: the real router on a free port, against its own fresh
//! Postgres database, driven over HTTP by cookie-keeping clients.

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, PgPool};

use beursvloer::config::WebConfig;

pub mod mailbox;

pub struct TestApp {
    pub address: String,
    pub db: PgPool,
    pub database_url: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestApp {
    pub async fn spawn() -> TestApp {
        let base = std::env::var("DATABASE_URL")
            .expect("DATABASE_URL is not set: run the tests with scripts/test.sh");
        let name = format!(
            "bv_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            rand::random::<u32>()
        );
        let admin = PgPool::connect(&base)
            .await
            .expect("connect to DATABASE_URL");
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create test database");
        admin.close().await;
        let options = PgConnectOptions::from_str(&base).unwrap().database(&name);
        let db = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect_with(options)
            .await
            .expect("connect to test database");
        beursvloer::db::MIGRATOR.run(&db).await.expect("migrate");
        let app = Self::serve(db.clone()).await;
        TestApp {
            address: app,
            db,
            database_url: base,
        }
    }

    /// Wait until the suggestion worker has computed every due item: the
    /// same work, run here (items the worker holds are waited for).
    pub async fn suggestions_settled(&self) {
        beursvloer::store::suggestions::run_due(&self.db)
            .await
            .expect("computing suggestions");
    }

    /// Serve the real application on a free port; returns its base URL.
    pub async fn serve(db: PgPool) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let router = beursvloer::app(db, config(&address))
            .await
            .expect("build app");
        Self::run(listener, router).await;
        address
    }

    /// Serve the application on `runtime_db` (which may be unreachable), with
    /// its schema set up through `setup_db`.
    pub async fn serve_with(setup_db: PgPool, runtime_db: PgPool) -> String {
        let _ = beursvloer::app(setup_db, config("http://unused"))
            .await
            .expect("build app");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        Self::run(listener, beursvloer::router(runtime_db, config(&address))).await;
        address
    }

    async fn run(listener: tokio::net::TcpListener, router: axum::Router) {
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
    }

    /// A browser without an account yet.
    pub fn visitor(&self) -> Browser {
        Browser {
            client: Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .unwrap(),
            base: self.address.clone(),
        }
    }

    /// Register a person with a new organisation; returns their signed-in browser.
    pub async fn register(&self, person: &str, organisation: &str, kind: &str) -> Browser {
        // Municipalities come from the administrator's list.
        self.municipality("Hellendoorn").await;
        let browser = self.visitor();
        let email = email_for(person);
        let response = browser
            .submit(
                "/registreren",
                "/registreren",
                &[
                    ("name", person),
                    ("email", &email),
                    ("password", PASSWORD),
                    ("org_name", organisation),
                    ("kind", kind),
                    ("municipality", "Hellendoorn"),
                    ("postcode", "7447"),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "registration of {person} failed"
        );
        self.confirm_address(&browser, &email).await;
        browser
    }

    /// Follow the confirmation link mailed to `email` in this browser (which
    /// signs it in), as its owner does after registering. The mail is then
    /// taken out of the outbox, as read, so tests count only their own mail.
    pub async fn confirm_address(&self, browser: &Browser, email: &str) {
        let (id, body): (i64, String) = sqlx::query_as(
            "SELECT id, body FROM outbox WHERE to_address = $1 AND body LIKE '%/registreren/bevestigen?token=%'
             ORDER BY id DESC LIMIT 1",
        )
        .bind(email)
        .fetch_one(&self.db)
        .await
        .expect("a confirmation mail");
        let token: String = body
            .split("token=")
            .nth(1)
            .unwrap()
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        let confirmed = browser
            .submit(
                &format!("/registreren/bevestigen?token={token}"),
                "/registreren/bevestigen",
                &[("token", &token)],
            )
            .await;
        assert_eq!(
            confirmed.status(),
            StatusCode::SEE_OTHER,
            "confirming {email}"
        );
        sqlx::query("DELETE FROM outbox WHERE id = $1")
            .bind(id)
            .execute(&self.db)
            .await
            .unwrap();
    }

    /// A makelaar, gemeente viewer or admin of a municipality, signed in.
    pub async fn staff(&self, person: &str, role: &str, municipality: &str) -> Browser {
        let hash = beursvloer::passwords::hash(PASSWORD.to_string())
            .await
            .unwrap();
        let user_id: i64 = sqlx::query_scalar(
            "INSERT INTO users (name, email, password_hash) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(person)
        .bind(email_for(person))
        .bind(hash)
        .fetch_one(&self.db)
        .await
        .unwrap();
        let municipality_id: Option<i64> = if role == "admin" {
            None
        } else {
            Some(self.municipality(municipality).await)
        };
        sqlx::query("INSERT INTO role_grants (user_id, role, municipality_id) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(role)
            .bind(municipality_id)
            .execute(&self.db)
            .await
            .unwrap();
        self.login(person).await
    }

    /// The id of a municipality, created when new.
    pub async fn municipality(&self, name: &str) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO municipalities (name) VALUES ($1)
             ON CONFLICT (lower(name)) DO UPDATE SET name = municipalities.name RETURNING id",
        )
        .bind(name)
        .fetch_one(&self.db)
        .await
        .unwrap()
    }

    /// Sign in an existing person in a new browser.
    pub async fn login(&self, person: &str) -> Browser {
        let browser = self.visitor();
        let response = browser
            .submit(
                "/inloggen",
                "/inloggen",
                &[("email", &email_for(person)), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "login of {person} failed"
        );
        browser
    }

    /// Generated history for one municipality: `editions` events from
    /// `first_year`, `items` items each, with matches in every status (see
    /// scripts/seed-figures.sql, which the dashboard benchmark uses too).
    pub async fn seed_figures(
        &self,
        name: &str,
        editions: i32,
        items: i32,
        first_year: i32,
    ) -> i64 {
        sqlx::raw_sql(include_str!("../../../scripts/seed-figures.sql"))
            .execute(&self.db)
            .await
            .unwrap();
        sqlx::query_scalar("SELECT seed_figures($1, $2, $3, $4)")
            .bind(name)
            .bind(editions)
            .bind(items)
            .bind(first_year)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    pub async fn item_title(&self, id: i64) -> String {
        sqlx::query_scalar("SELECT title FROM items WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.db).await.unwrap()
    }
}

fn config(address: &str) -> WebConfig {
    WebConfig {
        secure_cookies: false,
        base_url: address.to_string(),
        limits: Default::default(),
    }
}

pub const PASSWORD: &str = "een lang geheim wachtwoord";

pub fn email_for(person: &str) -> String {
    format!("{}@voorbeeld.nl", person.to_lowercase().replace(' ', "."))
}

/// One user's browser: keeps cookies, does not follow redirects.
pub struct Browser {
    pub client: Client,
    pub base: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// A page as a browser that asks for `language` reads it.
    pub async fn get_html_in(&self, path: &str, language: &str) -> String {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("accept-language", language)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.text().await.unwrap()
    }

    pub async fn get_html(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.text().await.unwrap()
    }

    /// Open the form page, then post the form with its CSRF token, as a browser would.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let html = self.get_html(form_page).await;
        let token = csrf_token(&html);
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    /// Post a form as given (no token added).
    pub async fn post(&self, action: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(format!("{}{action}", self.base))
            .header("origin", &self.base)
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Post a new request or offer; returns its id.
    pub async fn post_item(
        &self,
        direction: &str,
        category: &str,
        title: &str,
        description: &str,
    ) -> i64 {
        let response = self
            .submit(
                "/items/nieuw",
                "/items",
                &[
                    ("direction", direction),
                    ("category", category),
                    ("title", title),
                    ("description", description),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "posting {title} failed"
        );
        id_from_location(&response)
    }
}

pub fn csrf_token(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_string()
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .expect("a redirect")
        .to_str()
        .unwrap()
        .to_string()
}

pub fn id_from_location(response: &Response) -> i64 {
    location(response)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}
