use axum::extract::State;
use axum::http::StatusCode;

use crate::startup::ServerState;

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The database answers, has every migration and takes a write: ready for traffic. A
/// database that can only be read (a read-only file, a full disk, a stuck writer) is not
/// ready: the shop could show pages but not keep a cart or an order.
pub async fn readyz(State(state): State<ServerState>) -> (StatusCode, String) {
    if !crate::db::ready(&state.app.db, state.app.backend).await {
        return (StatusCode::SERVICE_UNAVAILABLE, "database not ready".into());
    }
    let now = state.app.clock.now_ms();
    match crate::db::takes_writes(&state.app.writer, now).await {
        Ok(()) => (StatusCode::OK, "ready".into()),
        Err(reason) => {
            tracing::warn!(%reason, "readiness: the database takes no writes");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "database cannot take writes".into(),
            )
        }
    }
}
