//! One configuration for every subcommand, read from flags and the environment.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// Postgres to use; without it a private cluster is started in the data folder.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Folder for the embedded Postgres cluster and other local state.
    #[arg(long, env = "BEURSVLOER_DATA", default_value = "data")]
    pub data_dir: PathBuf,

    /// Folder with the sentence encoder's `sp.model` and `weights.npz`;
    /// without them matching uses shared words only.
    #[arg(long, env = "BEURSVLOER_ENCODER_MODEL", default_value = crate::encoder::DEFAULT_MODEL)]
    pub encoder_model: PathBuf,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// Load the project's demo data (idempotent; with the `dev` feature).
    #[cfg(feature = "dev")]
    #[arg(long)]
    pub demo: bool,

    /// Mark session cookies Secure (set this behind HTTPS).
    #[arg(long, env = "SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// Public base URL, used in links sent by mail.
    #[arg(long, env = "BASE_URL", default_value = "http://127.0.0.1:3000")]
    pub base_url: String,

    #[command(flatten)]
    pub mail: MailArgs,

    #[command(flatten)]
    pub limits: Limits,
}

/// Where mail goes: an SMTP server, or (in development) files.
#[derive(Debug, Clone, clap::Args)]
pub struct MailArgs {
    /// Deliver by SMTP: `smtps://user:pass@host`, or `smtp://host:port` for a
    /// relay on localhost. Unset: write each message as a file in `--mail-dir`.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The sender of every mail.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Beursvloer <noreply@beursvloer.nl>"
    )]
    pub mail_from: String,

    /// Folder for mail as files (development); default `<data dir>/mail`.
    #[arg(long, env = "MAIL_DIR")]
    pub mail_dir: Option<PathBuf>,
}

/// Abuse limits, per hour: per account (or e-mail address) and per IP
/// address. The IP limits are high: on event day a whole venue shares one
/// address. The load test raises them.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Limits {
    #[arg(long, env = "BEURSVLOER_LIMIT_ITEMS_PER_ACCOUNT", default_value_t = 30)]
    pub items_per_account: i64,
    #[arg(long, env = "BEURSVLOER_LIMIT_ITEMS_PER_IP", default_value_t = 300)]
    pub items_per_ip: i64,
    #[arg(
        long,
        env = "BEURSVLOER_LIMIT_REGISTRATIONS_PER_EMAIL",
        default_value_t = 5
    )]
    pub registrations_per_email: i64,
    #[arg(
        long,
        env = "BEURSVLOER_LIMIT_REGISTRATIONS_PER_IP",
        default_value_t = 60
    )]
    pub registrations_per_ip: i64,
    /// Each reset request mails someone: a few per address an hour is plenty.
    #[arg(long, env = "BEURSVLOER_LIMIT_RESETS_PER_EMAIL", default_value_t = 3)]
    pub resets_per_email: i64,
    #[arg(long, env = "BEURSVLOER_LIMIT_RESETS_PER_IP", default_value_t = 30)]
    pub resets_per_ip: i64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            items_per_account: 30,
            items_per_ip: 300,
            registrations_per_email: 5,
            registrations_per_ip: 60,
            resets_per_email: 3,
            resets_per_ip: 30,
        }
    }
}

/// What the web layer needs to know at run time, read once at start.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub secure_cookies: bool,
    pub base_url: String,
    pub limits: Limits,
}

impl DbArgs {
    /// The configuration as printed at start, without secrets.
    pub fn describe(&self) -> String {
        match &self.database_url {
            Some(url) => format!("database: {}", redact(url)),
            None => format!(
                "database: embedded Postgres in {}",
                self.data_dir.join("pg").display()
            ),
        }
    }
}

/// Hide the password in a connection URL.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<unparseable url>".into();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            super::redact("postgres://app:geheim@db:5432/beurs"),
            "postgres://app:***@db:5432/beurs"
        );
        assert_eq!(
            super::redact("postgres://localhost/beurs"),
            "postgres://localhost/beurs"
        );
    }
}
