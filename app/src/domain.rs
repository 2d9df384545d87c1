//! The shop's value types, shared by every capability and both sides: parsed once at the
//! edge (a bad value is a field error in the shopper's language, never a panic), then
//! trusted everywhere. Money is integer minor units with its currency, never a float.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::{t, Msg};

/// A currency the shop prices in. One today (the data is a UK retailer's); the type
/// makes adding one a compile-time walk through every place that adds money.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Currency {
    #[default]
    #[serde(rename = "GBP")]
    Gbp,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Gbp => "GBP",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Gbp => "£",
        }
    }
}

/// An amount of money: integer minor units (pence) and a currency.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Money {
    currency: Currency,
    minor: i64,
}

/// Largest amount a shopper may type (a filter bound, say): £100,000.00.
pub const MAX_TYPED_MINOR: i64 = 10_000_000;

impl Money {
    pub const fn gbp(minor: i64) -> Money {
        Money {
            currency: Currency::Gbp,
            minor,
        }
    }

    pub const fn minor(self) -> i64 {
        self.minor
    }

    pub const fn currency(self) -> Currency {
        self.currency
    }

    /// Reads an amount as a shopper types it ("4", "4.5", "4.50", "£4.50") in pounds,
    /// at most `MAX_TYPED_MINOR`. `field` names the input in the error.
    pub fn parse(raw: &str, field: &str) -> Result<Money, AppError> {
        let bad = || AppError::invalid(field, t(Msg::ErrMoney));
        let raw = raw.trim();
        let s = raw.strip_prefix('£').unwrap_or(raw).trim();
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        if (whole.is_empty() && frac.is_empty())
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || whole.len() > 7
        {
            return Err(bad());
        }
        let pounds: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let pence: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        let minor = pounds * 100 + pence;
        if minor > MAX_TYPED_MINOR {
            return Err(bad());
        }
        Ok(Money::gbp(minor))
    }

    /// "4.99": the amount as URL parameters and structured data write it.
    pub fn decimal(self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// The sum, or `None` when the currencies differ or it overflows.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        (self.currency == other.currency).then_some(())?;
        Some(Money {
            currency: self.currency,
            minor: self.minor.checked_add(other.minor)?,
        })
    }

    /// `self` times a whole number, or `None` on overflow.
    pub fn checked_mul(self, n: i64) -> Option<Money> {
        Some(Money {
            currency: self.currency,
            minor: self.minor.checked_mul(n)?,
        })
    }
}

impl fmt::Display for Money {
    /// `£1,234.50` (the page's language may group differently: `i18n::format_price`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::i18n::format_price(*self, crate::i18n::Locale::En))
    }
}

/// How many of one thing a shopper asks for: 1 to 999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Quantity(u16);

impl Quantity {
    pub const MAX: u16 = 999;

    pub fn new(n: i64) -> Option<Quantity> {
        (1..=i64::from(Self::MAX))
            .contains(&n)
            .then_some(Quantity(n as u16))
    }

    /// Reads a typed quantity; `field` names the input in the error.
    pub fn parse(raw: &str, field: &str) -> Result<Quantity, AppError> {
        raw.trim()
            .parse::<i64>()
            .ok()
            .and_then(Quantity::new)
            .ok_or_else(|| AppError::invalid(field, t(Msg::ErrQuantity)))
    }

    pub fn get(self) -> i64 {
        i64::from(self.0)
    }
}

impl TryFrom<i64> for Quantity {
    type Error = String;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        Quantity::new(n).ok_or_else(|| format!("quantity {n} is not between 1 and 999"))
    }
}

impl From<Quantity> for i64 {
    fn from(q: Quantity) -> i64 {
        q.get()
    }
}

/// A stock-keeping unit code as the data has them ("85123A", "POST"): letters and
/// digits, 1 to 20, upper-cased.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sku(String);

impl Sku {
    pub fn new(raw: &str) -> Option<Sku> {
        let s = raw.trim().to_ascii_uppercase();
        (!s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then_some(Sku(s))
    }

    /// Reads a typed SKU; `field` names the input in the error.
    pub fn parse(raw: &str, field: &str) -> Result<Sku, AppError> {
        Sku::new(raw).ok_or_else(|| AppError::invalid(field, t(Msg::ErrSku)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Sku {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Sku::new(&s).ok_or_else(|| "not a SKU (letters and digits, at most 20)".to_string())
    }
}

impl From<Sku> for String {
    fn from(s: Sku) -> String {
        s.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address: trimmed and lower-cased, one `@`, a dotted domain, no spaces,
/// at most 254 characters (RFC 5321's path limit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Option<Email> {
        let email = input.trim().to_lowercase();
        let (local, domain) = email.split_once('@')?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && email.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        ok.then_some(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `j…@example.com`: enough for an audit log or a trace, not the address.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or(("", &self.0));
        let first: String = local.chars().take(1).collect();
        format!("{first}…@{domain}")
    }
}

/// Longest slug an editor may give a category, page or article.
pub const MAX_SLUG: usize = 80;

/// Whether `s` is a slug (of a category, page or article): lower-case letters, digits and
/// single hyphens inside, at most `MAX_SLUG` long.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// A URL slug (the importer's and the editors' products): lower-case ASCII letters and
/// digits joined by single hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug: String = slug.chars().take(80).collect();
    if slug.is_empty() {
        "product".to_string()
    } else {
        slug.trim_end_matches('-').to_string()
    }
}

/// A day of the proleptic Gregorian calendar from days since 1970-01-01:
/// `(year, month 1..=12, day 1..=31)` (Howard Hinnant's `civil_from_days`). The one
/// place the shop turns clock time into calendar dates (UTC).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Days since 1970-01-01 of a calendar date (the inverse of [`civil_from_days`]).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (m, d) = (i64::from(month), i64::from(day));
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    #[test]
    fn calendar_dates_round_trip() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        // 2024-02-29 and 2026-11-30.
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_787), (2026, 11, 30));
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    use super::*;

    #[test]
    fn money_parses_what_shoppers_type_and_refuses_the_rest() {
        for (raw, minor) in [
            ("4", 400),
            ("4.5", 450),
            ("4.50", 450),
            ("£4.50", 450),
            (".5", 50),
            ("100000", 10_000_000),
        ] {
            assert_eq!(
                Money::parse(raw, "min").map(Money::minor),
                Ok(minor),
                "{raw}"
            );
        }
        for bad in [
            "",
            "abc",
            "4.505",
            "-1",
            "1e3",
            "4,50",
            "100000.01",
            "99999999999999999999",
        ] {
            let err = Money::parse(bad, "min").expect_err(bad);
            assert!(
                matches!(err, AppError::Invalid { ref field, .. } if field == "min"),
                "{bad}"
            );
        }
    }

    #[test]
    fn money_adds_and_multiplies_without_overflowing_silently() {
        assert_eq!(
            Money::gbp(250).checked_add(Money::gbp(199)),
            Some(Money::gbp(449))
        );
        assert_eq!(Money::gbp(250).checked_mul(3), Some(Money::gbp(750)));
        assert_eq!(Money::gbp(i64::MAX).checked_add(Money::gbp(1)), None);
        assert_eq!(Money::gbp(-1234).decimal(), "-12.34");
        assert_eq!(Money::gbp(123456).to_string(), "£1,234.56");
    }

    #[test]
    fn quantities_are_whole_numbers_from_1_to_999() {
        assert_eq!(Quantity::parse(" 3 ", "qty").map(Quantity::get), Ok(3));
        assert_eq!(Quantity::parse("999", "qty").map(Quantity::get), Ok(999));
        for bad in ["0", "1000", "-2", "2.5", "", "many"] {
            assert!(Quantity::parse(bad, "qty").is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<Quantity>("0").is_err());
        assert_eq!(
            serde_json::from_str::<Quantity>("12")
                .map(Quantity::get)
                .ok(),
            Some(12)
        );
    }

    #[test]
    fn skus_are_letters_and_digits() {
        assert_eq!(
            Sku::parse("85123a", "sku").map(|s| s.to_string()),
            Ok("85123A".into())
        );
        for bad in ["", "85 123", "a-b", "x".repeat(21).as_str(), "<script>"] {
            assert!(Sku::parse(bad, "sku").is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Jane.Doe@Example.COM ").map(|e| e.0),
            Some("jane.doe@example.com".into())
        );
        for bad in [
            "",
            "jane",
            "jane@",
            "@example.com",
            "jane@example",
            "ja ne@example.com",
            "a@b@c.com",
            "jane@.com",
        ] {
            assert_eq!(Email::parse(bad), None, "{bad}");
        }
    }
}
