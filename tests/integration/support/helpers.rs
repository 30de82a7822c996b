//! Test harness: `spawn_app()` and friends.

#![allow(dead_code)]

use std::io::Write;
use std::sync::{Mutex, OnceLock};

use actix_web::dev::ServerHandle;
use leadrelay::config::Settings;
use leadrelay::crypto::master_key::MasterKey;
use leadrelay::db::{DatabaseUrl, DbConn, DbPool};
use leadrelay::startup::Application;

/// Environment variable naming a PostgreSQL server (any database on it) for the tests.
pub const TEST_DATABASE_ENV: &str = "LEADRELAY_TEST_DATABASE_URL";

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    /// The bound port.
    pub port: u16,
    /// A client that keeps cookies and does not follow redirects.
    pub client: reqwest::Client,
    /// The application's pool.
    pub db: DbPool,
    /// The settings it was built with.
    pub settings: Settings,
    /// Wakes the application's delivery worker.
    pub wake_worker: std::sync::Arc<tokio::sync::Notify>,
    /// The application's group-commit writer.
    pub writer: leadrelay::db::group_commit::GroupCommit,
    /// The application's name in the logs (`instance=…`).
    pub instance: String,
    handle: ServerHandle,
    running: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// Last, so the database outlives the server.
    pub test_db: TestDb,
}

impl TestApp {
    /// Runs one delivery pass to its end, as the worker would (whether or not the app runs
    /// one): what is due now is sent and its results recorded before this returns. Returns
    /// how many leads the pass took.
    pub async fn deliver_due(&self) -> usize {
        let deps = leadrelay::startup::worker_deps(
            &self.settings,
            &self.db,
            &self.writer,
            &self.master_key(),
            std::sync::Arc::new(tokio::sync::Notify::new()),
            std::sync::Arc::new(leadrelay::telemetry::metrics::Metrics::default()),
        )
        .expect("worker settings");
        leadrelay::delivery::worker::deliver_due(deps)
            .await
            .expect("a delivery pass")
    }

    /// The log lines this application wrote (its requests, its worker, its retention job),
    /// whatever other tests run beside it.
    pub fn logs(&self) -> String {
        let marker = format!("instance={}", self.instance);
        captured_logs()
            .lines()
            .filter(|line| line.contains(&marker))
            .map(|line| format!("{line}\n"))
            .collect()
    }

    /// `address` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// GET a path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request is sent")
    }

    /// A pooled connection for direct checks.
    pub fn conn(&self) -> r2d2::PooledConnection<leadrelay::db::pool::ConnectionManager> {
        self.db.get().expect("a database connection")
    }
}

impl TestApp {
    /// Stops the application as Ctrl-C does (gracefully) and waits until its server and
    /// worker have stopped.
    pub async fn stop(&mut self) {
        self.handle.stop(true).await;
        if let Some(running) = self.running.take() {
            running
                .await
                .expect("the application task")
                .expect("the server stopped cleanly");
        }
    }

    /// The master key the application was started with.
    pub fn master_key(&self) -> MasterKey {
        match &self.settings.master_key {
            leadrelay::config::MasterKeySource::Inline(key) => key.clone(),
            other => panic!("tests use an inline master key, not {other:?}"),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stops accepting at once; the future only waits for completion.
        drop(self.handle.stop(false));
    }
}

/// Starts the real application with a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], after letting the test adjust the settings.
pub async fn spawn_app_with(customize: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(TestDb::create(), customize).await
}

/// Like [`spawn_app_with`], on a database the test made (see [`TestDb::existing`]).
pub async fn spawn_app_on(test_db: TestDb, customize: impl FnOnce(&mut Settings)) -> TestApp {
    init_test_logging();
    init_tls();
    let mut settings = Settings::for_database(test_db.url.clone(), MasterKey::generate());
    settings.bind = "127.0.0.1:0".parse().expect("a socket address");
    settings.http_workers = 1;
    settings.pool_size = 4;
    // Tests that deliver turn the worker on, pointed at a sandbox.
    settings.run_worker = false;
    customize(&mut settings);
    let app = Application::build(settings.clone())
        .await
        .expect("the application starts");
    let port = app.port();
    let handle = app.handle();
    let db = app.state().db.clone();
    let wake_worker = app.state().wake_worker.clone();
    let writer = app.state().writer.clone();
    let instance = app.state().instance.id().to_string();
    let running = Some(tokio::spawn(app.run_until_stopped()));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("a client");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client,
        db,
        settings,
        wake_worker,
        writer,
        instance,
        handle,
        running,
        test_db,
    }
}

/// A database of its own for one test, removed afterwards.
pub struct TestDb {
    /// Its URL.
    pub url: DatabaseUrl,
    kind: TestDbKind,
}

enum TestDbKind {
    Sqlite(tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Made and removed by the test (a private PostgreSQL cluster, a SQLite file on a small
    /// file system).
    Existing {
        postgres: bool,
    },
}

impl TestDb {
    /// A temp SQLite file, or a fresh PostgreSQL database when `LEADRELAY_TEST_DATABASE_URL`
    /// is set.
    pub fn create() -> Self {
        match postgres_admin_url() {
            Some(admin_url) => {
                let name = format!("lrt_{}", uuid::Uuid::new_v4().simple());
                admin_execute(&admin_url, &format!("CREATE DATABASE \"{name}\""));
                let mut url = url::Url::parse(&admin_url).expect("a PostgreSQL URL");
                url.set_path(&name);
                TestDb {
                    url: DatabaseUrl::parse(url.as_str()).expect("a database URL"),
                    kind: TestDbKind::Postgres { admin_url, name },
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("a temp dir");
                let path = dir.path().join("leadrelay.db");
                TestDb {
                    url: DatabaseUrl::Sqlite(path),
                    kind: TestDbKind::Sqlite(dir),
                }
            }
        }
    }

    /// A database the test made and removes itself; only its URL is kept.
    pub fn existing(url: DatabaseUrl) -> Self {
        let postgres = matches!(url, DatabaseUrl::Postgres(_));
        TestDb {
            url,
            kind: TestDbKind::Existing { postgres },
        }
    }

    /// Whether this run tests PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(
            self.kind,
            TestDbKind::Postgres { .. } | TestDbKind::Existing { postgres: true }
        )
    }

    /// The URL as text (with any password), for child processes.
    pub fn url_text(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => url.expose().clone(),
        }
    }

    /// A new connection (not pooled).
    pub fn connect(&self) -> DbConn {
        leadrelay::db::pool::ConnectionManager::new(self.url.clone())
            .establish()
            .expect("a connection to the test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDbKind::Postgres { admin_url, name } = &self.kind {
            admin_execute(
                admin_url,
                &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            );
        }
    }
}

/// The PostgreSQL server to test against, if any.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var(TEST_DATABASE_ENV)
        .ok()
        .filter(|url| !url.trim().is_empty())
}

fn admin_execute(admin_url: &str, sql: &str) {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let mut conn = diesel::PgConnection::establish(admin_url)
        .unwrap_or_else(|err| panic!("cannot connect to {TEST_DATABASE_ENV}: {err}"));
    conn.batch_execute(sql)
        .unwrap_or_else(|err| panic!("{sql}: {err}"));
}

/// Everything the application logged during this test run, at every level.
pub fn captured_logs() -> String {
    let buffer = log_buffer().lock().expect("the log buffer");
    String::from_utf8_lossy(&buffer).into_owned()
}

fn log_buffer() -> &'static Mutex<Vec<u8>> {
    static BUFFER: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    BUFFER.get_or_init(|| Mutex::new(Vec::new()))
}

struct CaptureWriter;

impl Write for CaptureWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = std::io::stderr().write_all(bytes);
        }
        log_buffer()
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

static SERVER_PANICS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many panics the application's own threads (HTTP workers, the delivery worker's tasks,
/// blocking-pool jobs) have had in this test process; a test's own failed assertions, which run
/// on the test's thread, are not counted. Any panic there is a bug, whichever test caused it.
pub fn server_panics() -> usize {
    SERVER_PANICS.load(std::sync::atomic::Ordering::SeqCst)
}

/// Installs one global subscriber capturing every level of leadrelay's own logs, so tests
/// can check that no secret is ever logged, and a panic hook that counts
/// [`server_panics`] before printing as usual.
pub fn init_test_logging() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let print = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            let name = thread.name().unwrap_or_default();
            // Test threads are named after their test (`module::test_name`).
            if !name.contains("::") && name != "main" {
                SERVER_PANICS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            print(info);
        }));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("info,leadrelay=trace"))
            .with_writer(|| CaptureWriter)
            .with_ansi(false)
            .try_init();
    });
}

/// Installs rustls' ring provider once: reqwest is built with `rustls-no-provider`, so no
/// client can be built before a provider is installed.
pub fn init_tls() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        // Err only if a provider is already installed, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The `leadrelay` binary, with no LEADRELAY_* variable inherited.
pub fn leadrelay_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_leadrelay"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("LEADRELAY_") {
            command.env_remove(name);
        }
    }
    command
}

/// Polls `check` until it returns true or the deadline passes.
pub async fn wait_until<F, Fut>(what: &str, timeout: std::time::Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if check().await {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Sends SIGINT (Ctrl-C) to a child process.
pub fn interrupt(child: &std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for a child process to exit within `limit`; its exit code.
pub fn wait_for_exit(child: &mut std::process::Child, limit: std::time::Duration) -> i32 {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "did not exit within {limit:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
