//! `cargo xtask serve | test | bench | setup`: everything the project needs, installed
//! with pinned versions and nothing downloaded but packages from crates.io, npm and
//! Debian.
//!
//! Tools go to `$STOREFRONT_TOOLS` (default `~/.cache/storefront-tools`) unless a tool of
//! the pinned version is already on PATH. That folder is put first on PATH, so Debian's
//! old `wasm-opt` (binaryen 108, which breaks hydration) is never the one cargo-leptos runs.

use std::env;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const CARGO_LEPTOS_VERSION: &str = "0.3.5";
const BINARYEN_VERSION: &str = "132.0.0";
const OUTPUT_NAME: &str = "storefront";
/// The SMTP sink the tests send email to (PyPI).
const AIOSMTPD_VERSION: &str = "1.4.6";

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("test") => test(),
        Some("bench") => bench(),
        Some("setup") => setup(true).map(|_| ()),
        _ => {
            eprintln!("usage: cargo xtask <serve|test|bench|setup>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    // xtask's manifest dir is <root>/xtask.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn tools_dir() -> PathBuf {
    if let Some(dir) = env::var_os("STOREFRONT_TOOLS") {
        return PathBuf::from(dir);
    }
    let cache = env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| root().join("target"));
    cache.join("storefront-tools")
}

fn step(what: &str) {
    println!("\n==> {what}");
}

fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

fn run(cmd: &mut Command) -> Result<()> {
    println!("$ {}", show(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {}: {e}", show(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", show(cmd)))
    }
}

/// Runs a command quietly and returns its standard output, or None when it fails.
fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The environment the project's commands run with.
struct Toolchain {
    path: String,
}

impl Toolchain {
    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("PATH", &self.path).current_dir(root());
        c
    }
}

/// The version of a package in Cargo.lock.
fn locked_version(package: &str) -> Result<String> {
    let lock =
        fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}

/// Whether `program --version` (found on `path`) mentions `version`.
fn has_version(path: &str, program: &str, version: &str) -> bool {
    output(Command::new(program).arg("--version").env("PATH", path))
        .is_some_and(|v| v.split_whitespace().any(|w| w == version))
}

fn apt_install(packages: &[&str]) -> Result<()> {
    let install = |update: bool| -> Result<()> {
        if update {
            run(Command::new("apt-get")
                .arg("update")
                .env("DEBIAN_FRONTEND", "noninteractive"))?;
        }
        run(Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"))
    };
    install(false).or_else(|_| install(true))
}

/// Installs what building and serving need: the wasm32 target, cargo-leptos,
/// wasm-bindgen-cli (Cargo.lock's version) and wasm-opt (npm's binaryen).
fn setup(for_tests: bool) -> Result<Toolchain> {
    let tools = tools_dir();
    let cargo_bin = tools.join("cargo").join("bin");
    let binaryen_bin = tools.join("binaryen").join("node_modules").join(".bin");
    let system_path = env::var("PATH").unwrap_or_default();
    let path = format!(
        "{}:{}:{system_path}",
        cargo_bin.display(),
        binaryen_bin.display()
    );

    step("tools");
    let targets = output(
        Command::new("rustup")
            .args(["target", "list", "--installed"])
            .current_dir(root()),
    )
    .unwrap_or_default();
    if !targets
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        run(Command::new("rustup")
            .args(["target", "add", "wasm32-unknown-unknown"])
            .current_dir(root()))?;
    }
    if !has_version(&path, "cargo-leptos", CARGO_LEPTOS_VERSION) {
        println!("installing cargo-leptos {CARGO_LEPTOS_VERSION} (about 13 minutes on 2 cores)");
        run(Command::new("cargo")
            .args([
                "install",
                "cargo-leptos",
                "--version",
                CARGO_LEPTOS_VERSION,
                "--locked",
                "--features",
                "no_downloads",
                "--root",
            ])
            .arg(tools.join("cargo"))
            .current_dir(root()))?;
    }
    let bindgen = locked_version("wasm-bindgen")?;
    if !has_version(&path, "wasm-bindgen", &bindgen) {
        println!("installing wasm-bindgen-cli {bindgen}");
        // Without --locked: one of its locked dependencies is no longer on crates.io.
        run(Command::new("cargo")
            .args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &bindgen,
                "--force",
                "--root",
            ])
            .arg(tools.join("cargo"))
            .current_dir(root()))?;
    }
    let binaryen_major = BINARYEN_VERSION.split('.').next().unwrap_or_default();
    if !output(Command::new(binaryen_bin.join("wasm-opt")).arg("--version"))
        .is_some_and(|v| v.contains(&format!("version {binaryen_major}")))
    {
        println!("installing wasm-opt from npm binaryen@{BINARYEN_VERSION}");
        fs::create_dir_all(tools.join("binaryen")).map_err(|e| e.to_string())?;
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(tools.join("binaryen"))
            .arg(format!("binaryen@{BINARYEN_VERSION}")))?;
    }
    // cargo-leptos runs the first wasm-opt on PATH: it must be ours.
    let which = output(
        Command::new("sh")
            .args(["-c", "command -v wasm-opt"])
            .env("PATH", &path),
    )
    .unwrap_or_default();
    if !which
        .trim()
        .starts_with(&binaryen_bin.display().to_string())
    {
        return Err(format!(
            "wasm-opt on PATH is {} instead of {}",
            which.trim(),
            binaryen_bin.display()
        ));
    }
    if for_tests {
        if !Path::new("/usr/bin/chromium").exists() {
            apt_install(&["chromium"])?;
        }
        let e2e = root().join("end2end");
        let stamp = e2e.join("node_modules").join(".package-lock.json");
        let lock = e2e.join("package-lock.json");
        let fresh = match (
            fs::metadata(&stamp).and_then(|m| m.modified()),
            fs::metadata(&lock).and_then(|m| m.modified()),
        ) {
            (Ok(installed), Ok(locked)) => installed >= locked,
            _ => false,
        };
        if !fresh {
            run(Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&e2e)
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
        }
    }
    Ok(Toolchain { path })
}

/// The variables cargo-leptos sets while building; `cargo test` sets the same so that it
/// reuses the release build's artifacts (leptos reads some of them at compile time).
fn leptos_env(cmd: &mut Command) -> &mut Command {
    cmd.env("LEPTOS_OUTPUT_NAME", OUTPUT_NAME)
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:3000")
        .env("LEPTOS_RELOAD_PORT", "3001")
        .env("LEPTOS_LIB_DIR", "frontend")
        .env("LEPTOS_BIN_DIR", "server")
        .env("LEPTOS_JS_MINIFY", "true")
        .env("LEPTOS_HASH_FILES", "false")
        .env_remove("LEPTOS_WATCH")
}

fn build(tc: &Toolchain) -> Result<()> {
    step("release build (cargo leptos build --release)");
    run(tc.command("cargo").args(["leptos", "build", "--release"]))
}

fn server_binary() -> PathBuf {
    root().join("target").join("release").join("server")
}

fn serve() -> Result<()> {
    let tc = setup(false)?;
    build(&tc)?;
    step("serve");
    let mut cmd = tc.command(&server_binary().display().to_string());
    leptos_env(&mut cmd);
    if env::var_os("SHOP_ADDR").is_none() && env::var_os("LEPTOS_SITE_ADDR").is_none() {
        cmd.env("SHOP_ADDR", "127.0.0.1:3000");
    }
    run(&mut cmd)
}

fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// A child process that is stopped when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A throw-away PostgreSQL cluster in a temporary folder, stopped and removed on drop.
struct Postgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Postgres {
    fn pg_command(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn start() -> Result<Postgres> {
        let bin = find_postgres().or_else(|_| {
            apt_install(&["postgresql"])?;
            find_postgres()
        })?;
        let as_postgres = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
        let dir = env::temp_dir().join(format!("storefront-pg-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        if as_postgres {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir))?;
        }
        let pg = Postgres {
            bin,
            dir: dir.clone(),
            port: free_port()?,
            as_postgres,
        };
        run(pg
            .pg_command("initdb")
            .args([
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--locale=C",
                "-D",
            ])
            .arg(dir.join("data"))
            .stdout(Stdio::null()))?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            pg.port,
            dir.display()
        );
        run(pg
            .pg_command("pg_ctl")
            .arg("-D")
            .arg(dir.join("data"))
            .args(["-o", &options, "-l"])
            .arg(dir.join("log"))
            .args(["-w", "start"]))?;
        Ok(pg)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .pg_command("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .status();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn find_postgres() -> Result<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| "PostgreSQL is not installed (/usr/lib/postgresql)".to_string())?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, b)| b)
        .ok_or_else(|| "no initdb under /usr/lib/postgresql".to_string())
}

/// A real SMTP server on 127.0.0.1 that stores every message it receives in a Maildir
/// (`<dir>/new/`): aiosmtpd from PyPI, in a virtualenv under the tools folder.
struct SmtpSink {
    _process: Guard,
    port: u16,
    maildir: PathBuf,
    /// The virtualenv's Python, for tests that start a TLS sink of their own.
    python: PathBuf,
}

impl SmtpSink {
    fn start() -> Result<SmtpSink> {
        let venv = tools_dir().join(format!("aiosmtpd-{AIOSMTPD_VERSION}"));
        let python = venv.join("bin").join("python");
        let ready = output(
            Command::new(&python).args(["-c", "import aiosmtpd; print(aiosmtpd.__version__)"]),
        )
        .is_some_and(|v| v.trim() == AIOSMTPD_VERSION);
        if !ready {
            if run(Command::new("python3").args(["-m", "venv"]).arg(&venv)).is_err() {
                apt_install(&["python3-venv"])?;
                run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
            }
            run(Command::new(venv.join("bin").join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .arg(format!("aiosmtpd=={AIOSMTPD_VERSION}")))?;
        }
        let maildir = env::temp_dir().join(format!("storefront-mail-{}", std::process::id()));
        let _ = fs::remove_dir_all(&maildir);
        let port = free_port()?;
        let mut cmd = Command::new(&python);
        cmd.args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&maildir)
        .stdout(Stdio::null());
        println!("$ {}", show(&cmd));
        let process = Guard(
            cmd.spawn()
                .map_err(|e| format!("cannot start aiosmtpd: {e}"))?,
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("the SMTP sink did not start within 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(SmtpSink {
            _process: process,
            port,
            maildir,
            python,
        })
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.maildir);
    }
}

/// Starts the release server on a free port with a fresh SQLite database and waits until
/// it is ready (the first start imports the bundled data).
fn start_server(tc: &Toolchain, db_dir: &Path, smtp: &SmtpSink) -> Result<(Guard, String)> {
    let port = free_port()?;
    let addr = format!("127.0.0.1:{port}");
    fs::create_dir_all(db_dir).map_err(|e| e.to_string())?;
    let mut cmd = tc.command(&server_binary().display().to_string());
    leptos_env(&mut cmd)
        .env("SHOP_ADDR", &addr)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/shop.db", db_dir.display()),
        )
        .env("SHOP_SMTP_URL", smtp.url())
        .env("SHOP_MAIL_POLL_SECS", "1")
        // The browser tests register many accounts from 127.0.0.1.
        .env("SHOP_REGISTER_PER_HOUR", "10000")
        .env(
            "RUST_LOG",
            env::var("RUST_LOG").unwrap_or_else(|_| "warn,server=info".into()),
        )
        // Its log (on stderr) would fill the test output.
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    println!("$ {} (on {addr})", show(&cmd));
    let child = Guard(
        cmd.spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?,
    );
    let deadline = Instant::now() + Duration::from_secs(180);
    while Instant::now() < deadline {
        if http_status(&addr, "/readyz") == Some(200) {
            return Ok((child, format!("http://{addr}")));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    Err("the server did not become ready within 180 s".into())
}

/// The Admin the browser tests sign in as (email, password): a throw-away account in the
/// throw-away database of one test run.
const E2E_ADMIN: (&str, &str) = ("staff-e2e@example.com", "quiet harbour lantern 42 e2e");

/// Creates `E2E_ADMIN` in the test server's database with the server's own command (the
/// password piped on stdin, as an operator's script would).
fn create_e2e_admin(tc: &Toolchain, db_dir: &Path) -> Result<()> {
    let mut cmd = tc.command(&server_binary().display().to_string());
    leptos_env(&mut cmd)
        .args([
            "admin",
            "create",
            "--email",
            E2E_ADMIN.0,
            "--name",
            "E2E Admin",
        ])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/shop.db", db_dir.display()),
        )
        .env("SHOP_SEED", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::null());
    println!("$ {} (password on stdin)", show(&cmd));
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run the admin command: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{}", E2E_ADMIN.1).map_err(|e| e.to_string())?;
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "creating the browser tests' Admin failed ({status})"
        ))
    }
}

/// The status code of a plain HTTP/1.1 GET, without any client library.
fn http_status(addr: &str, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut line = String::new();
    BufReader::new(s).read_line(&mut line).ok()?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn test() -> Result<()> {
    let started = Instant::now();
    let tc = setup(true)?;
    step("format check (cargo fmt --check)");
    run(tc.command("cargo").args(["fmt", "--all", "--check"]))?;
    let lints = Lints::find(&tc)?;
    step("lints: xtask (cargo clippy -D warnings)");
    run(tc.command("cargo").args([
        "clippy",
        "-p",
        "xtask",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    step("release build, linted (cargo leptos build --release, clippy -D warnings)");
    // Each flag is one `--bin-cargo-args` value (cargo-leptos 0.3.5 takes them one by one).
    run(lints
        .apply(tc.command("cargo").args(["leptos", "build", "--release"]))
        .args(QUICK_WORKSPACE.map(|flag| format!("--bin-cargo-args={flag}"))))?;

    step("PostgreSQL: a throw-away cluster");
    let pg = Postgres::start()?;
    step("SMTP sink: aiosmtpd on 127.0.0.1, messages kept in a temporary Maildir");
    let smtp = SmtpSink::start()?;

    step("unit and integration tests on SQLite and PostgreSQL (cargo test --release)");
    // The tests' template databases are this run's own (see server/tests/it/common/template.rs).
    let run_id = format!(
        "{}_{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default()
    );
    let mut cmd = tc.command("cargo");
    leptos_env(lints.apply(&mut cmd))
        .args(["test", "--release", "-p", "app", "-p", "server"])
        .args(QUICK_WORKSPACE)
        .args([
            "--",
            // One test at a time: with more, a request now and then never completes when
            // another test's tokio runtime stops meanwhile (reproduced, not yet explained:
            // server/tests/it/stress_ssr.rs, `runtimes_that_start_and_stop_beside_a_busy_one`).
            "--test-threads=1",
        ])
        .env("TEST_POSTGRES_URL", pg.url())
        .env("TEST_SMTP_URL", smtp.url())
        .env("TEST_MAIL_DIR", &smtp.maildir)
        .env("TEST_SMTP_PYTHON", &smtp.python)
        .env("TEST_RUN_ID", &run_id);
    let cargo_result = run(&mut cmd);
    drop(pg);
    remove_templates(&run_id);
    cargo_result?;

    step("end-to-end tests in Chromium (Playwright)");
    let tmp = env::temp_dir().join(format!("storefront-e2e-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    let (server, base_url) = start_server(&tc, &tmp, &smtp)?;
    create_e2e_admin(&tc, &tmp)?;
    let result = run(tc
        .command("npx")
        .args(["playwright", "test"])
        .current_dir(root().join("end2end"))
        .env("BASE_URL", &base_url)
        .env("MAIL_DIR", &smtp.maildir)
        .env("STAFF_EMAIL", E2E_ADMIN.0)
        .env("STAFF_PASSWORD", E2E_ADMIN.1)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .env("CI", "1"));
    drop(server);
    let _ = fs::remove_dir_all(&tmp);
    println!("xtask test took {:.0} s", started.elapsed().as_secs_f64());
    result
}

/// Clippy inside the builds the tests need anyway: with `RUSTC_WORKSPACE_WRAPPER` set to
/// `clippy-driver` (what `cargo clippy` itself does for a check build), every workspace
/// crate is linted with `-D warnings` while it is compiled for real, and dependencies are
/// compiled as usual. So the release build lints the server (app with `ssr`, server) and
/// the browser bundle (app with `hydrate`, frontend, for wasm32), and the test build lints
/// every test target, with no separate check build of the dependencies (two clippy check
/// builds took about 15 minutes on a cold machine). The test build and the release build
/// carry the same wrapper, so the tests reuse the release build's `app` and `server`.
/// (`cargo xtask serve` builds without it: a lint never stops a shop from starting.)
struct Lints {
    driver: PathBuf,
}

impl Lints {
    /// `-D warnings`, the way `cargo clippy -- -D warnings` hands it to clippy-driver.
    const ARGS: &'static str = "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__";

    fn find(tc: &Toolchain) -> Result<Lints> {
        let driver = || {
            output(tc.command("rustc").args(["--print", "sysroot"]))
                .map(|root| PathBuf::from(root.trim()).join("bin").join("clippy-driver"))
                .filter(|p| p.exists())
        };
        if let Some(driver) = driver() {
            return Ok(Lints { driver });
        }
        run(tc.command("rustup").args(["component", "add", "clippy"]))?;
        driver()
            .map(|driver| Lints { driver })
            .ok_or_else(|| "clippy-driver not found after `rustup component add clippy`".into())
    }

    fn apply<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env("RUSTC_WORKSPACE_WRAPPER", &self.driver)
            .env("CLIPPY_ARGS", Self::ARGS)
    }
}

/// The tests' builds compile the server side of the workspace (`app` with `ssr`, `server`)
/// at `opt-level` 1; dependencies stay at 3 and build scripts and proc macros at 0, as in
/// every release build. `app` is most of the build time and optimising it fully took
/// minutes twice over (the release build and the test build) for tests that run for two.
/// Both builds get the same setting, so the test build still reuses the release build's
/// artifacts. The WASM bundle keeps its own profile; `cargo xtask serve` and `bench`
/// build everything at level 3.
const QUICK_WORKSPACE: [&str; 2] = [
    "--config=profile.release.package.app.opt-level=1",
    "--config=profile.release.package.server.opt-level=1",
];

/// Removes the SQLite template folders the tests built for run `run_id` (the PostgreSQL
/// ones went with the cluster).
fn remove_templates(run_id: &str) {
    let prefix = format!("storefront-template-{run_id}-");
    if let Ok(entries) = fs::read_dir(env::temp_dir()) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

fn bench() -> Result<()> {
    let tc = setup(false)?;
    build(&tc)?;
    if output(Command::new("sh").args(["-c", "command -v wrk && command -v brotli"])).is_none() {
        apt_install(&["wrk", "brotli"])?;
    }
    // The checkout benchmark runs on PostgreSQL too (the same throw-away cluster as the
    // tests: fsync off, so its figures leave out the disk).
    let pg = Postgres::start()?;
    let script = root().join("xtask").join("bench.sh");
    let mut cmd = tc.command("bash");
    leptos_env(&mut cmd)
        .env("BENCH_POSTGRES_URL", pg.url())
        .arg(script);
    run(&mut cmd)
}
