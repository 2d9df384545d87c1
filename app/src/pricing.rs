//! Pricing: the one place that computes money. The cart, the checkout, the order and the
//! admin all call [`quote`]; an order stores the [`Quote`] it was placed with, so a later
//! price change never alters it.
//!
//! The order of the sums, fixed here and nowhere else:
//! 1. each line: unit price x quantity;
//! 2. subtotal: the sum of the lines;
//! 3. adjustments: each [`Rule`] (promotions, coupons, member prices, points: the next
//!    issue) adds lines of its own, each with its explanation, never touching the callers;
//! 4. goods total: subtotal + adjustments, never below zero;
//! 5. delivery: from the [`Delivery`] table on the goods total;
//! 6. total: goods + delivery. Prices include VAT at 20 %; the VAT share of the total is
//!    total x 20/120, rounded half up to the penny (shown, not added).
//!
//! Everything is integer minor units in one [`Money`] type; a sum that would overflow is
//! an error, never a wrap.

use serde::{Deserialize, Serialize};

use crate::domain::{Money, Quantity, Sku};

/// The VAT rate in percent; prices are VAT-inclusive.
pub const VAT_PERCENT: i64 = 20;

/// One line as the caller hands it in: what, at which unit price (read from the database
/// by the server, never sent by a client), how many.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineInput {
    pub sku: Sku,
    pub unit_price: Money,
    pub quantity: Quantity,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    pub sku: Sku,
    pub unit_price: Money,
    pub quantity: Quantity,
    pub total: Money,
}

/// An explained change to the price: a discount is negative. `line` names the line it
/// belongs to (its index), or `None` for the whole basket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    /// A stable code (the promotion's, say) for the order record and reports.
    pub code: String,
    /// What the shopper reads next to the amount, in their language.
    pub label: String,
    pub amount: Money,
    pub line: Option<usize>,
}

/// What a rule sees: the priced lines and their subtotal.
pub struct Basket<'a> {
    pub lines: &'a [PricedLine],
    pub subtotal: Money,
}

/// A source of adjustments (a promotion, a coupon, member prices). None exist yet; the
/// next issue adds them by implementing this and passing them to [`quote`].
pub trait Rule: Send + Sync {
    fn adjust(&self, basket: &Basket<'_>) -> Vec<Adjustment>;
}

/// How the goods reach the shopper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Standard,
    Express,
    Pickup,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Standard, Method::Express, Method::Pickup];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Standard => "standard",
            Method::Express => "express",
            Method::Pickup => "pickup",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// Where a delivery goes, for its fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    /// Great Britain's mainland.
    UkMainland,
    /// Northern Ireland, the Highlands and islands, the Channel Islands, the Isle of Man.
    UkRemote,
    Europe,
    World,
}

/// Postcode areas that carriers charge as remote.
const UK_REMOTE_AREAS: &[&str] = &["BT", "HS", "IV", "KW", "ZE", "PH", "PA", "GY", "JE", "IM"];
const EUROPE: &[&str] = &[
    "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
];

impl Region {
    /// The region of an address: its ISO country code and postcode.
    pub fn of(country: &str, postcode: &str) -> Region {
        let country = country.trim().to_ascii_uppercase();
        if country == "GB" {
            let area: String = postcode
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect::<String>()
                .to_ascii_uppercase();
            if UK_REMOTE_AREAS.contains(&area.as_str()) {
                Region::UkRemote
            } else {
                Region::UkMainland
            }
        } else if EUROPE.contains(&country.as_str()) {
            Region::Europe
        } else {
            Region::World
        }
    }
}

/// The delivery fee table: (method, region) -> fee, and the goods total from which the
/// fee is waived. Express goes to UK addresses only; pickup is free.
pub fn delivery_fee(method: Method, region: Region) -> Option<(Money, Option<Money>)> {
    let gbp = Money::gbp;
    match (method, region) {
        (Method::Pickup, _) => Some((gbp(0), None)),
        (Method::Standard, Region::UkMainland) => Some((gbp(399), Some(gbp(5000)))),
        (Method::Standard, Region::UkRemote) => Some((gbp(899), Some(gbp(10000)))),
        (Method::Standard, Region::Europe) => Some((gbp(1499), Some(gbp(15000)))),
        (Method::Standard, Region::World) => Some((gbp(2499), None)),
        (Method::Express, Region::UkMainland) => Some((gbp(899), None)),
        (Method::Express, Region::UkRemote) => Some((gbp(1499), None)),
        (Method::Express, Region::Europe | Region::World) => None,
    }
}

/// A delivery choice for a quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub method: Method,
    pub region: Region,
}

/// Why a quote could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PricingError {
    /// Express (or another method) does not go to that region.
    NotDeliverable,
    /// A sum left the range of `i64` minor units, or mixed currencies.
    OutOfRange,
}

/// The priced basket: what every page shows and what an order stores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub lines: Vec<PricedLine>,
    pub subtotal: Money,
    pub adjustments: Vec<Adjustment>,
    /// Subtotal plus adjustments (never below zero).
    pub goods: Money,
    /// The delivery fee, `None` before a delivery method is chosen.
    pub delivery: Option<Money>,
    /// How much more to spend for free standard delivery, when that applies.
    pub free_delivery_gap: Option<Money>,
    pub total: Money,
    /// The VAT included in `total`.
    pub vat: Money,
}

fn add(a: Money, b: Money) -> Result<Money, PricingError> {
    a.checked_add(b).ok_or(PricingError::OutOfRange)
}

/// The VAT share of a VAT-inclusive amount: amount x rate / (100 + rate), half up.
pub fn vat_included(amount: Money) -> Money {
    let minor = amount.minor().max(0) as i128;
    let rate = VAT_PERCENT as i128;
    let share = (minor * rate * 2 + (100 + rate)) / (2 * (100 + rate));
    Money::gbp(share as i64)
}

/// Prices `lines` with `rules` and an optional delivery choice.
pub fn quote(
    lines: &[LineInput],
    delivery: Option<Delivery>,
    rules: &[&dyn Rule],
) -> Result<Quote, PricingError> {
    let mut priced = Vec::with_capacity(lines.len());
    let mut subtotal = Money::gbp(0);
    for l in lines {
        let total = l
            .unit_price
            .checked_mul(l.quantity.get())
            .ok_or(PricingError::OutOfRange)?;
        subtotal = add(subtotal, total)?;
        priced.push(PricedLine {
            sku: l.sku.clone(),
            unit_price: l.unit_price,
            quantity: l.quantity,
            total,
        });
    }
    let basket = Basket {
        lines: &priced,
        subtotal,
    };
    let adjustments: Vec<Adjustment> = rules.iter().flat_map(|r| r.adjust(&basket)).collect();
    let mut goods = subtotal;
    for a in &adjustments {
        goods = add(goods, a.amount)?;
    }
    if goods.minor() < 0 {
        goods = Money::gbp(0);
    }
    let (fee, free_delivery_gap) = match delivery {
        None => (None, None),
        Some(d) => {
            let (fee, free_from) =
                delivery_fee(d.method, d.region).ok_or(PricingError::NotDeliverable)?;
            match free_from {
                Some(from) if goods >= from => (Some(Money::gbp(0)), None),
                Some(from) => (Some(fee), Some(Money::gbp(from.minor() - goods.minor()))),
                None => (Some(fee), None),
            }
        }
    };
    let total = add(goods, fee.unwrap_or_default())?;
    Ok(Quote {
        lines: priced,
        subtotal,
        adjustments,
        goods,
        delivery: fee,
        free_delivery_gap,
        total,
        vat: vat_included(total),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(sku: &str, pence: i64, n: i64) -> LineInput {
        LineInput {
            sku: Sku::new(sku).expect("sku"),
            unit_price: Money::gbp(pence),
            quantity: Quantity::new(n).expect("quantity"),
        }
    }

    const HOME: Option<Delivery> = Some(Delivery {
        method: Method::Standard,
        region: Region::UkMainland,
    });

    #[test]
    fn lines_subtotal_delivery_and_total_add_up_in_pence() {
        let q = quote(&[line("85123A", 295, 3), line("22423", 1275, 1)], HOME, &[]).unwrap();
        assert_eq!(q.lines[0].total, Money::gbp(885));
        assert_eq!(q.subtotal, Money::gbp(2160));
        assert_eq!(q.delivery, Some(Money::gbp(399)));
        assert_eq!(q.free_delivery_gap, Some(Money::gbp(2840)));
        assert_eq!(q.total, Money::gbp(2559));
        // 2559 x 20 / 120 = 426.5 -> 427 (half up)
        assert_eq!(q.vat, Money::gbp(427));
    }

    #[test]
    fn standard_delivery_is_free_from_the_threshold_exactly() {
        let at = quote(&[line("A1", 5000, 1)], HOME, &[]).unwrap();
        assert_eq!(at.delivery, Some(Money::gbp(0)));
        assert_eq!(at.free_delivery_gap, None);
        let below = quote(&[line("A1", 4999, 1)], HOME, &[]).unwrap();
        assert_eq!(below.delivery, Some(Money::gbp(399)));
        assert_eq!(below.free_delivery_gap, Some(Money::gbp(1)));
    }

    #[test]
    fn vat_share_rounds_half_up_to_the_penny() {
        assert_eq!(vat_included(Money::gbp(0)), Money::gbp(0));
        assert_eq!(vat_included(Money::gbp(3)), Money::gbp(1)); // 0.5
        assert_eq!(vat_included(Money::gbp(2)), Money::gbp(0)); // 0.33
        assert_eq!(vat_included(Money::gbp(120)), Money::gbp(20));
        assert_eq!(vat_included(Money::gbp(100)), Money::gbp(17)); // 16.67
    }

    #[test]
    fn express_abroad_is_refused_and_pickup_is_free() {
        let abroad = Some(Delivery {
            method: Method::Express,
            region: Region::Europe,
        });
        assert_eq!(
            quote(&[line("A1", 100, 1)], abroad, &[]),
            Err(PricingError::NotDeliverable)
        );
        let pickup = Some(Delivery {
            method: Method::Pickup,
            region: Region::UkMainland,
        });
        let q = quote(&[line("A1", 100, 1)], pickup, &[]).unwrap();
        assert_eq!(
            (q.delivery, q.total),
            (Some(Money::gbp(0)), Money::gbp(100))
        );
    }

    #[test]
    fn regions_come_from_country_and_postcode_area() {
        assert_eq!(Region::of("GB", "SW1A 1AA"), Region::UkMainland);
        assert_eq!(Region::of("gb", "bt1 5gs"), Region::UkRemote);
        assert_eq!(Region::of("GB", "KW15 1HR"), Region::UkRemote);
        assert_eq!(Region::of("FR", "75001"), Region::Europe);
        assert_eq!(Region::of("AU", "2000"), Region::World);
    }

    struct TenPercentOff;
    impl Rule for TenPercentOff {
        fn adjust(&self, basket: &Basket<'_>) -> Vec<Adjustment> {
            vec![Adjustment {
                code: "TEN".into(),
                label: "10% off".into(),
                amount: Money::gbp(-(basket.subtotal.minor() / 10)),
                line: None,
            }]
        }
    }

    struct GiveAway;
    impl Rule for GiveAway {
        fn adjust(&self, _: &Basket<'_>) -> Vec<Adjustment> {
            vec![Adjustment {
                code: "ALL".into(),
                label: "everything".into(),
                amount: Money::gbp(-1_000_000),
                line: None,
            }]
        }
    }

    #[test]
    fn rules_add_explained_lines_and_the_delivery_threshold_sees_the_discount() {
        let q = quote(&[line("A1", 5200, 1)], HOME, &[&TenPercentOff]).unwrap();
        assert_eq!(q.adjustments.len(), 1);
        assert_eq!(q.adjustments[0].label, "10% off");
        assert_eq!(q.goods, Money::gbp(4680));
        assert_eq!(q.delivery, Some(Money::gbp(399)));
        assert_eq!(q.total, Money::gbp(5079));
        let free = quote(&[line("A1", 100, 1)], None, &[&GiveAway]).unwrap();
        assert_eq!(free.total, Money::gbp(0));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let huge = LineInput {
            sku: Sku::new("A1").unwrap(),
            unit_price: Money::gbp(i64::MAX / 2),
            quantity: Quantity::new(999).unwrap(),
        };
        assert_eq!(quote(&[huge], None, &[]), Err(PricingError::OutOfRange));
    }
}
