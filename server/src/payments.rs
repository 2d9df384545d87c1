//! The payment side's background work: the test provider's webhook deliveries (posted to
//! this shop's own address, signed, retried with backoff until answered) and the sweep
//! of expired checkout holds. Both are safe with several server processes (a delivery is
//! claimed by one conditional update; each expired hold row is deleted by one sweeper)
//! and with a `kill -9` at any moment (a claim lapses after 15 s; a sweep step is one
//! transaction).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use app::payments::ssr::{deliver_due, BoxFut, Post};
use app::web::ssr::{now_ms, Backend};

/// Posts `payload` to `addr`'s webhook path with its signature; the HTTP status.
pub async fn post_webhook(
    addr: SocketAddr,
    payload: String,
    signature: String,
) -> Result<u16, String> {
    let mut target = addr;
    if target.ip().is_unspecified() {
        target.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let go = async {
        let mut stream = tokio::net::TcpStream::connect(target)
            .await
            .map_err(|e| e.to_string())?;
        let request = format!(
            "POST {} HTTP/1.1\r\nHost: {target}\r\nContent-Type: application/json\r\n{}: {signature}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{payload}",
            app::payments::WEBHOOK_PATH,
            app::payments::SIGNATURE_HEADER,
            payload.len()
        );
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut head = [0u8; 64];
        let mut read = 0;
        while read < 12 {
            let n = stream
                .read(&mut head[read..])
                .await
                .map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            read += n;
        }
        let line = String::from_utf8_lossy(&head[..read]).into_owned();
        line.split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| format!("no HTTP status in {line:?}"))
    };
    tokio::time::timeout(Duration::from_secs(10), go)
        .await
        .map_err(|_| "no answer within 10 s".to_string())?
}

/// Webhooks posted per round of the delivery loop.
const BATCH: i64 = 50;

/// How long after an event is queued in this process its delivery round starts.
const NOTIFY_DELAY: Duration = Duration::from_millis(10);

/// Starts the delivery loop (every second, soon after this process queues an event, and
/// at once again after a full batch) and the hold sweep (every 30 seconds).
pub fn spawn(pool: AnyPool, backend: Backend, addr: SocketAddr) {
    let post: Arc<Post> = Arc::new(move |payload, signature| -> BoxFut<'static, _> {
        Box::pin(post_webhook(addr, payload, signature))
    });
    let deliveries = pool.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = app::payments::ssr::DUE.notified() => {
                    // Queued in a transaction that commits a moment later; gather what
                    // else is queued meanwhile into the same batch.
                    tokio::time::sleep(NOTIFY_DELAY).await;
                }
            }
            // A full batch means more may be due: go on at once, not a second later.
            loop {
                match deliver_due(&deliveries, now_ms(), BATCH, &*post).await {
                    Ok(n) if n as i64 == BATCH => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "webhook deliveries failed; will retry");
                        break;
                    }
                }
            }
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match app::data::stock::sweep_expired_holds(&pool, backend, now_ms(), 500).await {
                Ok(0) => {}
                Ok(units) => tracing::info!(units, "expired checkout holds taken back"),
                Err(e) => tracing::warn!(error = %e, "hold sweep failed; will retry"),
            }
        }
    });
}
