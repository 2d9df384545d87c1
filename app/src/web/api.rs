//! The kernel's one server function: who is asking (the header's account link needs it
//! on every page).

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::CurrentUser;
use crate::error::AppError;

/// Who is signed in (`None` for a guest).
#[server(prefix = "/api", endpoint = "account/me", input = GetUrl)]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    super::ssr::current_user().await
}
