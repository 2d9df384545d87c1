//! The test provider's hosted page: its server functions. Plain form posts, so paying
//! works without JavaScript; a refused card comes back to the page with the reason.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::IntentView;
use crate::error::AppError;

/// The intent the hosted page shows.
#[server(prefix = "/api", endpoint = "pay/intent", input = GetUrl)]
pub async fn payment_intent(id: String) -> Result<IntentView, AppError> {
    let db = crate::state::app_state()?.db;
    super::ssr::view(&db, &id).await
}

#[cfg(feature = "ssr")]
fn next_url(next: super::ssr::Next) -> String {
    match next {
        super::ssr::Next::Return(url) | super::ssr::Next::Challenge(url) => url,
    }
}

/// Pays intent `intent` with a card (see the test cards in the module notes); `save`
/// (any value) keeps the card for a member once the payment succeeds.
#[server(prefix = "/api", endpoint = "pay/card")]
pub async fn pay_with_card(
    intent: String,
    number: String,
    expiry: String,
    cvc: String,
    #[server(default)] save: String,
) -> Result<(), AppError> {
    use super::{parse_card, CardProblem};
    use crate::i18n::{t, Msg};
    let page = format!("/pay/{}", crate::web::encode_query_value(&intent));
    let result = async {
        let this_month = super::ssr::year_month(crate::web::ssr::now_ms());
        let card = parse_card(&number, &expiry, &cvc, this_month).map_err(|p| match p {
            CardProblem::Number => AppError::invalid("number", t(Msg::CardNumberInvalid)),
            CardProblem::Expiry => AppError::invalid("expiry", t(Msg::CardExpiryInvalid)),
            CardProblem::Cvc => AppError::invalid("cvc", t(Msg::CardCvcInvalid)),
        })?;
        super::ssr::confirm_card(&intent, &card, !save.is_empty())
            .await
            .map(next_url)
    }
    .await;
    // What was typed comes back with an error, except the card's secrets.
    crate::web::ssr::finish_form("pay", &page, &[("expiry", &expiry)], result)
}

/// Answers the 3-D Secure challenge: `decision` is `approve` or `fail`.
#[server(prefix = "/api", endpoint = "pay/challenge")]
pub async fn answer_challenge(intent: String, decision: String) -> Result<(), AppError> {
    let page = format!("/pay/{}", crate::web::encode_query_value(&intent));
    let result = async {
        let approve = match decision.as_str() {
            "approve" => true,
            "fail" => false,
            _ => {
                return Err(AppError::invalid(
                    "decision",
                    crate::i18n::t(crate::i18n::Msg::ErrChoice),
                ))
            }
        };
        super::ssr::answer_challenge(&intent, approve)
            .await
            .map(next_url)
    }
    .await;
    crate::web::ssr::finish_form("pay", &page, &[], result)
}
