//! Form tokens for visitors who are not signed in, without a session.
//!
//! A public page with a form (the edition's sign-up, login, registration, a
//! participant's link) would otherwise store a session row for every visitor
//! who only reads it: a write per anonymous page view. Instead the visitor's
//! browser gets a random nonce in an HttpOnly cookie, and the form carries
//! HMAC-SHA256(key, nonce) (a signed double-submit cookie). The key lives in
//! the database (`server_keys`), so every instance accepts every other's
//! tokens. A signed-in user's forms keep the session's own token (`auth`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use sqlx::PgPool;
use tokio::sync::OnceCell;

use super::error::AppError;

const COOKIE: &str = "beursvloer_formulier";
/// With `--secure-cookies` the cookie is `__Host-` prefixed: only this host,
/// over HTTPS, path `/`, so a sibling subdomain cannot plant its own nonce.
const SECURE_COOKIE: &str = "__Host-beursvloer_formulier";
const KEY_NAME: &str = "visitor-form-token";

/// The signing key, read (or made, by the first instance) once per process.
#[derive(Clone, Default)]
pub struct FormKey(Arc<OnceCell<[u8; 32]>>);

impl FormKey {
    pub async fn get(&self, db: &PgPool) -> Result<[u8; 32], AppError> {
        let key = self
            .0
            .get_or_try_init(|| async {
                let mut fresh = [0u8; 32];
                rand::thread_rng().fill_bytes(&mut fresh);
                sqlx::query!(
                    "INSERT INTO server_keys (name, key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                    KEY_NAME,
                    &fresh[..]
                )
                .execute(db)
                .await?;
                let stored =
                    sqlx::query_scalar!("SELECT key FROM server_keys WHERE name = $1", KEY_NAME)
                        .fetch_one(db)
                        .await?;
                <[u8; 32]>::try_from(stored.as_slice())
                    .map_err(|_| AppError::Internal(anyhow::anyhow!("server key is not 32 bytes")))
            })
            .await?;
        Ok(*key)
    }
}

/// This request's visitor nonce: the one its cookie brought, or a fresh one
/// that the response sets, but only when a form on the page used it.
#[derive(Clone)]
pub struct VisitorNonce {
    value: String,
    fresh: bool,
    used: Arc<AtomicBool>,
}

impl VisitorNonce {
    /// The token for a form on this page, signed with `key`.
    pub fn token(&self, key: &[u8; 32]) -> String {
        self.used.store(true, Ordering::Relaxed);
        sign(key, &self.value)
    }

    /// Whether `sent` is the token of the nonce the request's cookie brought
    /// (a fresh nonce has no form behind it yet, so nothing matches it).
    pub fn accepts(&self, key: &[u8; 32], sent: &str) -> bool {
        if self.fresh {
            return false;
        }
        let Ok(sent) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(sent) else {
            return false;
        };
        mac(key, &self.value).verify_slice(&sent).is_ok()
    }
}

fn mac(key: &[u8; 32], nonce: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"beursvloer visitor form token\0");
    mac.update(nonce.as_bytes());
    mac
}

fn sign(key: &[u8; 32], nonce: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac(key, nonce).finalize().into_bytes())
}

/// A nonce in a cookie is 43 URL-safe characters (32 random bytes).
fn well_formed(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn from_cookies(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, v)| *n == name && well_formed(v))
        .map(|(_, v)| v.to_string())
}

/// Middleware: give every request its `VisitorNonce`, and set the cookie
/// when a page used a fresh one.
pub async fn layer(State(secure): State<bool>, mut req: Request, next: Next) -> Response {
    let name = if secure { SECURE_COOKIE } else { COOKIE };
    let (value, fresh) = match from_cookies(&req, name) {
        Some(value) => (value, false),
        None => (crate::store::tokens::new_token(), true),
    };
    let nonce = VisitorNonce {
        value,
        fresh,
        used: Arc::new(AtomicBool::new(false)),
    };
    req.extensions_mut().insert(nonce.clone());
    let mut response = next.run(req).await;
    if nonce.fresh && nonce.used.load(Ordering::Relaxed) {
        let secure = if secure { "; Secure" } else { "" };
        let cookie = format!(
            "{name}={}; Path=/; HttpOnly; SameSite=Lax{secure}",
            nonce.value
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nonce(value: &str, fresh: bool) -> VisitorNonce {
        VisitorNonce {
            value: value.into(),
            fresh,
            used: Arc::new(AtomicBool::new(false)),
        }
    }

    #[test]
    fn a_token_is_accepted_only_with_its_own_nonce_and_key() {
        let key = [7u8; 32];
        let mine = nonce(&crate::store::tokens::new_token(), false);
        let token = mine.token(&key);
        assert!(mine.accepts(&key, &token));
        let theirs = nonce(&crate::store::tokens::new_token(), false);
        assert!(!theirs.accepts(&key, &token));
        assert!(!mine.accepts(&[8u8; 32], &token));
        assert!(!mine.accepts(&key, ""));
        assert!(!mine.accepts(&key, &token[..token.len() - 1]));
    }

    #[test]
    fn a_fresh_nonce_accepts_nothing_and_is_marked_used_by_a_form() {
        let key = [7u8; 32];
        let fresh = nonce(&crate::store::tokens::new_token(), true);
        assert!(!fresh.used.load(Ordering::Relaxed));
        let token = fresh.token(&key);
        assert!(fresh.used.load(Ordering::Relaxed));
        assert!(!fresh.accepts(&key, &token));
    }

    #[test]
    fn only_well_formed_nonces_are_read_from_cookies() {
        assert!(well_formed(&crate::store::tokens::new_token()));
        assert!(!well_formed("short"));
        assert!(!well_formed(&"é".repeat(43)));
    }
}
