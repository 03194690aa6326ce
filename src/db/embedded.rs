//! A private Postgres cluster started from the locally installed server
//! binaries, for development and tests when no `DATABASE_URL` is given.
//!
//! The cluster listens only on a Unix socket inside the data folder (mode 0700),
//! so no port is taken and no other user can reach it. Postgres refuses to run
//! as root; started as root, the cluster runs as the `postgres` system user.

use std::fs;
use std::os::unix::fs::{chown, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context};

const PORT: u16 = 5432;
const DATABASE: &str = "beursvloer";

pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    pgdata: PathBuf,
    socket_dir: PathBuf,
    owner: Option<(u32, u32)>,
    /// False when the cluster was already running (another process owns it).
    started_here: bool,
}

impl EmbeddedPostgres {
    /// Initialise (first run) and start the cluster in `data_dir/pg`.
    pub fn start(data_dir: &Path) -> anyhow::Result<EmbeddedPostgres> {
        let bin_dir = find_bin_dir()?;
        let owner = unprivileged_owner()?;
        let data_dir = cluster_root(data_dir, owner)?;
        let pgdata = data_dir.join("pg");
        let socket_dir = data_dir.join("run");
        for dir in [&pgdata, &socket_dir] {
            fs::create_dir_all(dir)?;
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
            if let Some((uid, gid)) = owner {
                chown(dir, Some(uid), Some(gid))?;
            }
        }
        let mut pg = EmbeddedPostgres {
            bin_dir,
            pgdata,
            socket_dir,
            owner,
            started_here: false,
        };
        if !pg.pgdata.join("PG_VERSION").exists() {
            pg.initdb()?;
        }
        if !pg.is_running() {
            pg.pg_ctl_start()?;
            pg.started_here = true;
        }
        pg.create_database()?;
        Ok(pg)
    }

    /// Connection URL for the cluster's Unix socket.
    pub fn url(&self) -> String {
        format!(
            "postgres://postgres@localhost:{PORT}/{DATABASE}?host={}",
            self.socket_dir.display()
        )
    }

    /// Stop the cluster if this process started it.
    pub fn stop(mut self) {
        self.stop_now();
    }

    /// Leave the cluster running after this process exits (`beursvloer db start`).
    pub fn keep_running(mut self) {
        self.started_here = false;
    }

    /// Stop the cluster whoever started it (used by `beursvloer db stop`).
    pub fn stop_any(data_dir: &Path) -> anyhow::Result<()> {
        let bin_dir = find_bin_dir()?;
        let pgdata = cluster_root(data_dir, unprivileged_owner()?)?.join("pg");
        if !pgdata.join("postmaster.pid").exists() {
            return Ok(());
        }
        let status = Command::new(bin_dir.join("pg_ctl"))
            .args(["stop", "-m", "fast", "-w", "-D"])
            .arg(&pgdata)
            .as_owner(unprivileged_owner()?)
            .stdout(Stdio::null())
            .status()?;
        if !status.success() {
            bail!("pg_ctl stop failed for {}", pgdata.display());
        }
        Ok(())
    }

    fn stop_now(&mut self) {
        if !self.started_here {
            return;
        }
        self.started_here = false;
        let result = Command::new(self.bin_dir.join("pg_ctl"))
            .args(["stop", "-m", "fast", "-w", "-D"])
            .arg(&self.pgdata)
            .as_owner(self.owner)
            .stdout(Stdio::null())
            .status();
        match result {
            Ok(s) if s.success() => tracing::info!("embedded Postgres stopped"),
            other => tracing::warn!(?other, "stopping embedded Postgres failed"),
        }
    }

    fn initdb(&self) -> anyhow::Result<()> {
        tracing::info!(pgdata = %self.pgdata.display(), "initialising embedded Postgres");
        let output = Command::new(self.bin_dir.join("initdb"))
            .arg("-D")
            .arg(&self.pgdata)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ])
            .as_owner(self.owner)
            .output()
            .context("running initdb")?;
        if !output.status.success() {
            bail!(
                "initdb failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(())
    }

    fn is_running(&self) -> bool {
        Command::new(self.bin_dir.join("pg_ctl"))
            .args(["status", "-D"])
            .arg(&self.pgdata)
            .as_owner(self.owner)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    fn pg_ctl_start(&self) -> anyhow::Result<()> {
        let options = format!(
            "-c listen_addresses='' -k {} -p {PORT} -c max_connections=200",
            self.socket_dir.display()
        );
        let log = self.pgdata.join("server.log");
        let status = Command::new(self.bin_dir.join("pg_ctl"))
            .args(["start", "-w", "-t", "60", "-D"])
            .arg(&self.pgdata)
            .arg("-l")
            .arg(&log)
            .args(["-o", &options])
            .as_owner(self.owner)
            .stdout(Stdio::null())
            .status()
            .context("running pg_ctl start")?;
        if !status.success() {
            let tail = fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(5).collect();
            bail!("embedded Postgres did not start: {}", tail.join(" | "));
        }
        tracing::info!(socket = %self.socket_dir.display(), "embedded Postgres started");
        Ok(())
    }

    fn create_database(&self) -> anyhow::Result<()> {
        let psql = |sql: &str| {
            Command::new(self.bin_dir.join("psql"))
                .args([
                    "-X", "-q", "-t", "-A", "-U", "postgres", "-d", "postgres", "-h",
                ])
                .arg(&self.socket_dir)
                .args(["-p", &PORT.to_string(), "-c", sql])
                .as_owner(self.owner)
                .output()
        };
        let exists = psql(&format!(
            "SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"
        ))?;
        if String::from_utf8_lossy(&exists.stdout).trim() != "1" {
            let created = psql(&format!("CREATE DATABASE {DATABASE}"))?;
            if !created.status.success() {
                bail!(
                    "creating database failed: {}",
                    String::from_utf8_lossy(&created.stderr).trim()
                );
            }
        }
        Ok(())
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        self.stop_now();
    }
}

trait AsOwner {
    fn as_owner(&mut self, owner: Option<(u32, u32)>) -> &mut Self;
}

impl AsOwner for Command {
    fn as_owner(&mut self, owner: Option<(u32, u32)>) -> &mut Self {
        if let Some((uid, gid)) = owner {
            self.uid(uid).gid(gid).current_dir("/");
        }
        self
    }
}

/// The folder the cluster lives in: `data_dir`, unless the postgres user
/// cannot reach it (a clone under /root), then a folder in /var/tmp.
fn cluster_root(data_dir: &Path, owner: Option<(u32, u32)>) -> anyhow::Result<PathBuf> {
    fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data folder {}", data_dir.display()))?;
    let mut data_dir = data_dir.canonicalize()?;
    if let Some((uid, _)) = owner {
        if !reachable_by(uid, &data_dir) {
            // A clone under /root is not reachable by the postgres user.
            let fallback = Path::new("/var/tmp").join(format!(
                "beursvloer-{:016x}",
                fnv1a(data_dir.to_string_lossy().as_bytes())
            ));
            tracing::warn!(
                unreachable = %data_dir.display(),
                using = %fallback.display(),
                "the postgres user cannot reach the data folder; using another"
            );
            fs::create_dir_all(&fallback)?;
            fs::set_permissions(&fallback, fs::Permissions::from_mode(0o755))?;
            data_dir = fallback;
        }
    }
    Ok(data_dir)
}

fn reachable_by(uid: u32, dir: &Path) -> bool {
    Command::new("test")
        .arg("-x")
        .arg(dir)
        .uid(uid)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// A stable short hash of a path, to name its fallback folder.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

/// When running as root, the system user the cluster runs as.
fn unprivileged_owner() -> anyhow::Result<Option<(u32, u32)>> {
    if !nix::unistd::Uid::effective().is_root() {
        return Ok(None);
    }
    let user = nix::unistd::User::from_name("postgres")?.ok_or_else(|| {
        anyhow!("running as root needs the `postgres` system user (it comes with the postgresql package)")
    })?;
    Ok(Some((user.uid.as_raw(), user.gid.as_raw())))
}

/// `initdb`, `pg_ctl` and `psql` on PATH, or the newest /usr/lib/postgresql/*/bin.
fn find_bin_dir() -> anyhow::Result<PathBuf> {
    let has_tools = |dir: &Path| {
        ["initdb", "pg_ctl", "psql"]
            .iter()
            .all(|t| dir.join(t).is_file())
    };
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(dir) = std::env::split_paths(&path).find(|d| has_tools(d)) {
            return Ok(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, dir)| has_tools(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir).ok_or_else(|| {
        anyhow!(
            "no PostgreSQL server found: install the `postgresql` package \
             (sudo apt-get install postgresql) or set DATABASE_URL"
        )
    })
}
