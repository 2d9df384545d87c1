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

/// (year, month) of a unix time in milliseconds (UTC).
#[cfg(feature = "ssr")]
fn year_month(ms: i64) -> (i32, u32) {
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = ms.div_euclid(86_400_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month)
}

#[cfg(feature = "ssr")]
fn next_url(next: super::ssr::Next) -> String {
    match next {
        super::ssr::Next::Return(url) | super::ssr::Next::Challenge(url) => url,
    }
}

/// Pays intent `intent` with a card (see the test cards in the module notes).
#[server(prefix = "/api", endpoint = "pay/card")]
pub async fn pay_with_card(
    intent: String,
    number: String,
    expiry: String,
    cvc: String,
) -> Result<(), AppError> {
    use super::{parse_card, CardProblem};
    use crate::i18n::{t, Msg};
    let page = format!("/pay/{}", crate::web::encode_query_value(&intent));
    let result = async {
        let this_month = year_month(crate::web::ssr::now_ms());
        let card = parse_card(&number, &expiry, &cvc, this_month).map_err(|p| match p {
            CardProblem::Number => AppError::invalid("number", t(Msg::CardNumberInvalid)),
            CardProblem::Expiry => AppError::invalid("expiry", t(Msg::CardExpiryInvalid)),
            CardProblem::Cvc => AppError::invalid("cvc", t(Msg::CardCvcInvalid)),
        })?;
        super::ssr::confirm_card(&intent, &card).await.map(next_url)
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

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn unix_milliseconds_give_the_civil_month() {
        assert_eq!(super::year_month(0), (1970, 1));
        // 2026-11-30T12:00:00Z and 2024-02-29T00:00:00Z.
        assert_eq!(super::year_month(1_796_040_000_000), (2026, 11));
        assert_eq!(super::year_month(1_709_164_800_000), (2024, 2));
    }
}
