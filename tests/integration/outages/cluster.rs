//! A PostgreSQL cluster of the test's own (`initdb` into a temp dir, trust authentication, a
//! free port), so it can be stopped hard and started again without touching the server the
//! other tests share. The tests run as root; the cluster runs as `postgres`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Where Debian's PostgreSQL 15 puts `initdb` and `pg_ctl`.
const BIN: &str = "/usr/lib/postgresql/15/bin";

/// A private cluster, stopped (immediately) and removed on drop.
pub struct PrivateCluster {
    dir: tempfile::TempDir,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
}

impl PrivateCluster {
    /// Creates the cluster and starts it.
    pub fn start() -> Self {
        let dir = tempfile::Builder::new().prefix("lr-pg-").tempdir().unwrap();
        run(Command::new("chown")
            .args(["postgres:postgres"])
            .arg(dir.path()));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Self { dir, port };
        run(as_postgres(&format!("{BIN}/initdb"))
            .args(["--auth=trust", "--username=postgres", "--no-sync", "-D"])
            .arg(cluster.data()));
        cluster.start_server();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server and waits until it takes connections.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            self.port,
            self.dir.path().display()
        );
        run(as_postgres(&format!("{BIN}/pg_ctl"))
            .args(["start", "-w", "-t", "60", "-D"])
            .arg(self.data())
            .args(["-l"])
            .arg(self.dir.path().join("server.log"))
            .args(["-o", &options]));
    }

    /// Stops the server at once (`-m immediate`: every backend is killed, no checkpoint; the
    /// next start recovers from the WAL, as after a crash).
    pub fn stop_immediately(&self) {
        run(as_postgres(&format!("{BIN}/pg_ctl"))
            .args(["stop", "-w", "-m", "immediate", "-D"])
            .arg(self.data()));
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = as_postgres(&format!("{BIN}/pg_ctl"))
            .args(["stop", "-w", "-m", "immediate", "-D"])
            .arg(self.data())
            .output();
    }
}

fn as_postgres(program: &str) -> Command {
    let mut command = Command::new("runuser");
    command.args(["-u", "postgres", "--", program]);
    command
}

fn run(command: &mut Command) {
    let started = Instant::now();
    let output = command.output().unwrap_or_else(|err| {
        panic!("cannot run {command:?}: {err}");
    });
    assert!(
        output.status.success(),
        "{command:?} failed after {:?}: {}{}",
        started.elapsed(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Whether `initdb` is installed here (the PostgreSQL pass of CI installs it).
pub fn available() -> bool {
    Path::new(BIN).join("initdb").exists()
}
