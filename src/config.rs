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
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// Load the project's demo data (idempotent).
    #[arg(long)]
    pub demo: bool,

    /// Mark session cookies Secure (set this behind HTTPS).
    #[arg(long, env = "SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// Public base URL, used in links sent by mail.
    #[arg(long, env = "BASE_URL", default_value = "http://127.0.0.1:3000")]
    pub base_url: String,
}

/// What the web layer needs to know at run time.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub secure_cookies: bool,
    pub base_url: String,
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
