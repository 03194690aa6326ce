//! A real SMTP server on localhost for the tests: aiosmtpd (PyPI) with its
//! Maildir handler. The app delivers to it over SMTP through the outbox, and
//! a test reads what arrived.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Mailbox {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

/// One delivered message, decoded.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

impl Mail {
    /// The first personal link (`/link/...`) in the mail's text.
    pub fn personal_link(&self) -> Option<String> {
        let start = self.text.find("http")?;
        let rest = &self.text[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let url = &rest[..end];
        let path_start = url.find("/link/")?;
        Some(url[path_start..].to_string())
    }
}

impl Mailbox {
    pub async fn start() -> Mailbox {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let dir = std::env::temp_dir().join(format!(
            "bv-mail-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        // The Maildir handler makes the folder with its tmp/new/cur itself.
        let mut child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd: python3 -m pip install aiosmtpd (scripts/test.sh does)");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Mailbox { port, dir, child };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the test SMTP server did not start on port {port}");
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Everything delivered so far.
    pub fn all(&self) -> Vec<Mail> {
        let mut mails = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.join(sub)) else {
                continue;
            };
            for entry in entries.flatten() {
                let raw = std::fs::read(entry.path()).unwrap();
                mails.push(parse(&raw));
            }
        }
        mails
    }

    /// Wait until a mail to `to` arrives whose subject contains `subject`.
    pub async fn wait_for(&self, to: &str, subject: &str, within: Duration) -> Mail {
        let until = std::time::Instant::now() + within;
        loop {
            if let Some(m) = self
                .all()
                .into_iter()
                .find(|m| m.to.eq_ignore_ascii_case(to) && m.subject.contains(subject))
            {
                return m;
            }
            if std::time::Instant::now() > until {
                let seen: Vec<String> = self
                    .all()
                    .iter()
                    .map(|m| format!("{} / {}", m.to, m.subject))
                    .collect();
                panic!("no mail to {to} about '{subject}' within {within:?}; arrived: {seen:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn parse(raw: &[u8]) -> Mail {
    let parsed = mailparse::parse_mail(raw).unwrap();
    use mailparse::MailHeaderMap;
    let to = parsed.headers.get_first_value("To").unwrap_or_default();
    let to = to
        .rsplit('<')
        .next()
        .unwrap_or(&to)
        .trim_end_matches('>')
        .trim()
        .to_string();
    let subject = parsed
        .headers
        .get_first_value("Subject")
        .unwrap_or_default();
    let mut text = String::new();
    let mut html = None;
    let mut parts = vec![&parsed];
    while let Some(part) = parts.pop() {
        if part.subparts.is_empty() {
            let body = part.get_body().unwrap_or_default();
            if part.ctype.mimetype == "text/html" {
                html = Some(body);
            } else if part.ctype.mimetype == "text/plain" {
                text = body;
            }
        } else {
            parts.extend(part.subparts.iter());
        }
    }
    Mail {
        to,
        subject,
        text,
        html,
    }
}

impl Drop for Mailbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
