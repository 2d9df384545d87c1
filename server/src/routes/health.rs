use axum::extract::State;
use axum::http::StatusCode;

use crate::startup::ServerState;

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The database answers and has every migration: ready for traffic.
pub async fn readyz(State(state): State<ServerState>) -> (StatusCode, &'static str) {
    if crate::db::ready(&state.app.db, state.app.backend).await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database not ready")
    }
}
