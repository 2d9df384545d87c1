//! Payments: the provider interface the shop pays through, and the built-in test provider
//! that behaves like a real one (Stripe's intent statuses, a hosted card page, test
//! cards, a 3-D Secure challenge, signed webhooks retried until answered, refunds).
//!
//! A shared layer, not a capability: the checkout creates intents, orders refund them and
//! receive their webhooks; it imports no capability. A real gateway is added by
//! implementing [`ssr::Provider`]; the pages here (`/pay/...`) are the test provider's
//! hosted page, which a real gateway serves on its own site.
//!
//! Test cards (any future expiry, any 3-digit CVC): 4242 4242 4242 4242 succeeds;
//! 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 is declined for insufficient
//! funds; 4000 0027 6000 3184 asks for a 3-D Secure challenge (approve or fail). Any other
//! number that passes the Luhn check succeeds, as a test card of an unknown brand would.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

use crate::domain::Money;

/// The hosted card page and its forms are about one payment.
pub const PERSONAL: crate::web::Personal = crate::web::Personal {
    paths: &["/pay", "/api/pay"],
    ..crate::web::Personal::NONE
};

/// Where the provider posts its events (`Webhook-Signature: t=<unix>,v1=<hex>`).
pub const WEBHOOK_PATH: &str = "/api/payments/webhook";
/// The header that carries the webhook's signature.
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// A payment intent's status, as Stripe names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntentStatus {
    RequiresPaymentMethod,
    RequiresAction,
    Processing,
    Succeeded,
    Canceled,
}

impl IntentStatus {
    pub const ALL: [IntentStatus; 5] = [
        IntentStatus::RequiresPaymentMethod,
        IntentStatus::RequiresAction,
        IntentStatus::Processing,
        IntentStatus::Succeeded,
        IntentStatus::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IntentStatus::RequiresPaymentMethod => "requires_payment_method",
            IntentStatus::RequiresAction => "requires_action",
            IntentStatus::Processing => "processing",
            IntentStatus::Succeeded => "succeeded",
            IntentStatus::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Option<IntentStatus> {
        IntentStatus::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// What the hosted page shows of an intent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentView {
    pub id: String,
    pub amount: Money,
    pub status: IntentStatus,
    /// Why the last attempt failed, in the payer's language ("" if it did not).
    pub last_error: String,
    pub order_number: String,
    pub return_url: String,
    /// Whether the payer may save the card (a member's order).
    pub can_save: bool,
}

/// A member's saved card, as a provider reports it: never the number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCard {
    pub id: String,
    pub brand: String,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: i32,
}

impl SavedCard {
    /// `MM/YY`, as printed on the card.
    pub fn expiry(&self) -> String {
        format!("{:02}/{:02}", self.exp_month, self.exp_year.rem_euclid(100))
    }

    /// Whether the card's last valid month is before `this_month` (`(year, month)`).
    pub fn expired(&self, this_month: (i32, u32)) -> bool {
        (self.exp_year, self.exp_month) < this_month
    }
}

/// What a test card does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardOutcome {
    Succeeds,
    Declined,
    InsufficientFunds,
    /// Asks for a 3-D Secure challenge.
    Challenge,
}

/// A card as typed on the hosted page, checked: brand, last four digits, what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    pub brand: &'static str,
    pub last4: String,
    pub outcome: CardOutcome,
    /// The last valid month, `(year, month)`.
    pub expiry: (i32, u32),
}

/// Why a card was not accepted as typed: the field and what is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardProblem {
    Number,
    Expiry,
    Cvc,
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(*d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Reads a card: number (spaces allowed, 12 to 19 digits, Luhn), expiry `MM/YY` not before
/// `this_month` (`(year, month)`), CVC of 3 or 4 digits.
pub fn parse_card(
    number: &str,
    expiry: &str,
    cvc: &str,
    this_month: (i32, u32),
) -> Result<Card, CardProblem> {
    let compact: String = number.chars().filter(|c| *c != ' ' && *c != '-').collect();
    if !(12..=19).contains(&compact.len()) || !compact.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CardProblem::Number);
    }
    let digits: Vec<u8> = compact.bytes().map(|b| b - b'0').collect();
    if !luhn(&digits) {
        return Err(CardProblem::Number);
    }
    let (mm, yy) = expiry.trim().split_once('/').ok_or(CardProblem::Expiry)?;
    let month: u32 = mm.trim().parse().map_err(|_| CardProblem::Expiry)?;
    let year: i32 = yy.trim().parse().map_err(|_| CardProblem::Expiry)?;
    let year = if year < 100 { 2000 + year } else { year };
    if !(1..=12).contains(&month) || (year, month) < this_month || year > this_month.0 + 20 {
        return Err(CardProblem::Expiry);
    }
    let cvc = cvc.trim();
    if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CardProblem::Cvc);
    }
    let outcome = match compact.as_str() {
        "4000000000000002" => CardOutcome::Declined,
        "4000000000009995" => CardOutcome::InsufficientFunds,
        "4000002760003184" => CardOutcome::Challenge,
        _ => CardOutcome::Succeeds,
    };
    let brand = match digits[0] {
        4 => "Visa",
        5 => "Mastercard",
        3 => "American Express",
        _ => "Card",
    };
    Ok(Card {
        brand,
        last4: compact[compact.len() - 4..].to_string(),
        outcome,
        expiry: (year, month),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_cards_do_what_they_say() {
        let now = (2026, 11);
        let card = |n: &str| parse_card(n, "12/30", "123", now).map(|c| c.outcome);
        assert_eq!(card("4242 4242 4242 4242"), Ok(CardOutcome::Succeeds));
        assert_eq!(card("4000000000000002"), Ok(CardOutcome::Declined));
        assert_eq!(card("4000000000009995"), Ok(CardOutcome::InsufficientFunds));
        assert_eq!(card("4000 0027 6000 3184"), Ok(CardOutcome::Challenge));
        assert_eq!(card("4242424242424241"), Err(CardProblem::Number));
        assert_eq!(card("4242"), Err(CardProblem::Number));
        assert_eq!(card("abcd abcd abcd abcd"), Err(CardProblem::Number));
        let c = parse_card("4242424242424242", "12/30", "123", now).expect("card");
        assert_eq!((c.brand, c.last4.as_str()), ("Visa", "4242"));
        assert_eq!(c.expiry, (2030, 12));
    }

    #[test]
    fn a_saved_card_prints_and_lapses_by_its_month() {
        let card = SavedCard {
            id: "pm_1".into(),
            brand: "Visa".into(),
            last4: "4242".into(),
            exp_month: 3,
            exp_year: 2027,
        };
        assert_eq!(card.expiry(), "03/27");
        assert!(!card.expired((2027, 3)));
        assert!(card.expired((2027, 4)));
        assert!(card.expired((2028, 1)));
    }

    #[test]
    fn expiry_and_cvc_are_checked() {
        let now = (2026, 11);
        let with = |e: &str, c: &str| parse_card("4242424242424242", e, c, now).err();
        assert_eq!(with("10/26", "123"), Some(CardProblem::Expiry));
        assert_eq!(with("11/26", "123"), None);
        assert_eq!(with("13/27", "123"), Some(CardProblem::Expiry));
        assert_eq!(with("1227", "123"), Some(CardProblem::Expiry));
        assert_eq!(with("12/27", "12"), Some(CardProblem::Cvc));
        assert_eq!(with("12/27", "12a"), Some(CardProblem::Cvc));
    }

    #[test]
    fn statuses_read_back() {
        for s in IntentStatus::ALL {
            assert_eq!(IntentStatus::parse(s.as_str()), Some(s));
        }
    }
}
