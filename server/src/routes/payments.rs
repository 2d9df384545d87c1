//! The payment provider's webhook: `POST /api/payments/webhook`, signed. A refused one
//! (forged, stale, malformed) is answered 400 and changes nothing; a failure on our side
//! 503, so the provider tries again.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use crate::startup::ServerState;
use app::orders::ssr::{receive_webhook, WebhookError};
use leptos::prelude::provide_context;
use leptos::reactive::{computed::ScopedFuture, owner::Owner};

pub async fn webhook(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let signature = headers
        .get(app::payments::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let now = state.app.clock.now_ms();
    // What it calls reads the shop (clock, settings) from the reactive context, as
    // server functions do: the same context, around this one call.
    let owner = Owner::new();
    let app = state.app.clone();
    let signature = signature.to_string();
    let answer = owner
        .with(|| {
            ScopedFuture::new(async move {
                provide_context(app.clone());
                receive_webhook(&app.db, &app.writer, app.backend, &signature, &body, now).await
            })
        })
        .await;
    match answer {
        Ok(what) => (StatusCode::OK, what.to_string()),
        Err(WebhookError::Refused(why)) => {
            tracing::warn!(reason = why.message(), "webhook refused");
            (StatusCode::BAD_REQUEST, why.message().to_string())
        }
        Err(WebhookError::Failed(e)) => {
            tracing::error!(error = %e, "webhook not applied; the provider will retry");
            (StatusCode::SERVICE_UNAVAILABLE, "try again".to_string())
        }
    }
}
