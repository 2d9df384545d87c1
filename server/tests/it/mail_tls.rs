//! Email to an SMTP server over TLS (STARTTLS and implicit TLS), with the server's
//! certificate checked: a real aiosmtpd (the virtualenv `cargo xtask test` prepares,
//! `TEST_SMTP_PYTHON`) serving a certificate from a throw-away CA made here.

use crate::common;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Engine, TestApp};
use server::config::{Config, SmtpUrl};
use server::mailer::{send_due, Transport};

struct Sink {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CA, and a certificate it signed for 127.0.0.1 and localhost; returns the CA's PEM file.
fn make_certificates(dir: &Path) -> PathBuf {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Storefront test CA");
    let ca = ca_params.self_signed(&ca_key).expect("CA certificate");
    let key = KeyPair::generate().expect("server key");
    let params = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .expect("server params");
    let cert = params
        .signed_by(&key, &ca, &ca_key)
        .expect("server certificate");
    std::fs::write(dir.join("cert.pem"), cert.pem()).expect("write cert");
    std::fs::write(dir.join("key.pem"), key.serialize_pem()).expect("write key");
    std::fs::write(dir.join("ca.pem"), ca.pem()).expect("write CA");
    dir.join("ca.pem")
}

/// aiosmtpd with TLS: `--tlscert` (STARTTLS, required) or `--smtpscert` (implicit TLS).
fn start_sink(dir: &Path, name: &str, flags: [&str; 2]) -> Sink {
    let python = std::env::var("TEST_SMTP_PYTHON")
        .expect("TEST_SMTP_PYTHON: run through `cargo xtask test`, which prepares aiosmtpd");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let maildir = dir.join(name);
    let child = Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(flags[0])
        .arg(dir.join("cert.pem"))
        .arg(flags[1])
        .arg(dir.join("key.pem"))
        .arg(&maildir)
        // Quiet: the refused handshake below makes it print a traceback.
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start aiosmtpd");
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Sink {
        child,
        port,
        maildir,
    }
}

fn transport(app: &TestApp, url: String, ca: Option<&Path>) -> Transport {
    Transport::from_config(&Config {
        smtp_url: Some(SmtpUrl(url)),
        smtp_ca_file: ca.map(|p| p.display().to_string()),
        ..app.config.clone()
    })
    .expect("transport")
}

async fn queue(app: &TestApp, to: &str) {
    app::web::ssr::enqueue_email(
        &mut app.state.app.db.acquire().await.expect("connection"),
        to,
        "Hello",
        "Over TLS",
    )
    .await
    .expect("queued");
}

async fn delivered(maildir: &Path, to: &str) -> bool {
    for _ in 0..50 {
        if let Ok(entries) = std::fs::read_dir(maildir.join("new")) {
            for entry in entries.flatten() {
                if std::fs::read_to_string(entry.path()).is_ok_and(|raw| raw.contains(to)) {
                    return true;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_goes_over_starttls_and_implicit_tls_to_a_verified_server() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let dir = std::env::temp_dir().join(format!("storefront-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ca = make_certificates(&dir);
    let from = "Shop <shop@example.com>".parse().expect("from");
    let db = &app.state.app.db;

    // STARTTLS, required: a server whose certificate the built-in roots do not know is
    // refused (nothing is sent in the clear), and the message waits for a retry.
    let starttls = start_sink(&dir, "starttls", ["--tlscert", "--tlskey"]);
    let url = format!("smtp://127.0.0.1:{}?tls=required", starttls.port);
    queue(&app, "first@example.com").await;
    let untrusted = transport(&app, url.clone(), None);
    assert_eq!(send_due(db, &untrusted, &from).await.expect("send"), 0);
    let error: Option<String> = sqlx::query_scalar(
        "SELECT last_error FROM email_outbox WHERE to_address = 'first@example.com'",
    )
    .fetch_one(db)
    .await
    .expect("row");
    assert!(error.is_some_and(|e| e.to_lowercase().contains("certificate")));
    assert!(!delivered(&starttls.maildir, "first@example.com").await);

    // With the shop's CA file it goes through.
    queue(&app, "second@example.com").await;
    let trusted = transport(&app, url, Some(&ca));
    assert_eq!(send_due(db, &trusted, &from).await.expect("send"), 1);
    assert!(delivered(&starttls.maildir, "second@example.com").await);

    // Implicit TLS (smtps://), the same way.
    let smtps = start_sink(&dir, "smtps", ["--smtpscert", "--smtpskey"]);
    queue(&app, "third@example.com").await;
    let wrapped = transport(&app, format!("smtps://127.0.0.1:{}", smtps.port), Some(&ca));
    assert_eq!(send_due(db, &wrapped, &from).await.expect("send"), 1);
    assert!(delivered(&smtps.maildir, "third@example.com").await);

    drop((starttls, smtps));
    let _ = std::fs::remove_dir_all(&dir);
}
