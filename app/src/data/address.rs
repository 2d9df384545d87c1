//! Addresses: the shape of a delivery address and its checks (for every form that takes
//! one), and the member's address book, which the member center edits and the checkout
//! prefills from and saves to.

use serde::{Deserialize, Serialize};

/// A saved address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub id: i64,
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub postcode: String,
    pub country: String,
    pub phone: String,
    pub is_default: bool,
}

/// Countries the shop delivers to: ISO code, English and Traditional Chinese name.
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("GB", "United Kingdom", "英國"),
    ("IE", "Ireland", "愛爾蘭"),
    ("FR", "France", "法國"),
    ("DE", "Germany", "德國"),
    ("NL", "Netherlands", "荷蘭"),
    ("BE", "Belgium", "比利時"),
    ("ES", "Spain", "西班牙"),
    ("PT", "Portugal", "葡萄牙"),
    ("IT", "Italy", "義大利"),
    ("CH", "Switzerland", "瑞士"),
    ("AT", "Austria", "奧地利"),
    ("DK", "Denmark", "丹麥"),
    ("SE", "Sweden", "瑞典"),
    ("NO", "Norway", "挪威"),
    ("FI", "Finland", "芬蘭"),
    ("PL", "Poland", "波蘭"),
    ("US", "United States", "美國"),
    ("CA", "Canada", "加拿大"),
    ("AU", "Australia", "澳洲"),
    ("JP", "Japan", "日本"),
    ("TW", "Taiwan", "台灣"),
    ("HK", "Hong Kong", "香港"),
    ("SG", "Singapore", "新加坡"),
];

/// An address as typed, checked field by field: `Err((field, what is wrong))`.
pub fn parse_address(
    name: &str,
    line1: &str,
    line2: &str,
    city: &str,
    postcode: &str,
    country: &str,
    phone: &str,
) -> Result<Address, (&'static str, crate::i18n::Msg)> {
    use crate::i18n::Msg;
    let within = |s: &str, min: usize, max: usize| (min..=max).contains(&s.chars().count());
    let (name, line1, line2, city) = (name.trim(), line1.trim(), line2.trim(), city.trim());
    if !within(name, 1, 100) {
        return Err(("name", Msg::NameInvalid));
    }
    if !within(line1, 1, 200) {
        return Err(("line1", Msg::AddressLineInvalid));
    }
    if !within(line2, 0, 200) {
        return Err(("line2", Msg::AddressLineInvalid));
    }
    if !within(city, 1, 100) {
        return Err(("city", Msg::CityInvalid));
    }
    let country = country.trim().to_ascii_uppercase();
    if !COUNTRIES.iter().any(|(code, _, _)| *code == country) {
        return Err(("country", Msg::CountryInvalid));
    }
    let postcode =
        normalise_postcode(postcode, &country).ok_or(("postcode", Msg::PostcodeInvalid))?;
    let phone = phone.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !phone.is_empty()
        && (!(6..=15).contains(&digits)
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-()".contains(c)))
    {
        return Err(("phone", Msg::PhoneInvalid));
    }
    Ok(Address {
        id: 0,
        name: name.into(),
        line1: line1.into(),
        line2: line2.into(),
        city: city.into(),
        postcode,
        country,
        phone: phone.into(),
        is_default: false,
    })
}

/// A UK postcode in its standard form (`sw1a1aa` → `SW1A 1AA`); elsewhere 2 to 12 letters,
/// digits, spaces or hyphens, upper-cased.
fn normalise_postcode(input: &str, country: &str) -> Option<String> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if country == "GB" {
        let b = compact.as_bytes();
        let n = b.len();
        let ok = (5..=7).contains(&n)
            && b[0].is_ascii_alphabetic()
            && b[..n - 3].iter().all(u8::is_ascii_alphanumeric)
            && b[n - 3].is_ascii_digit()
            && b[n - 2].is_ascii_alphabetic()
            && b[n - 1].is_ascii_alphabetic();
        return ok.then(|| format!("{} {}", &compact[..n - 3], &compact[n - 3..]));
    }
    let trimmed = input.trim().to_ascii_uppercase();
    ((2..=12).contains(&trimmed.len())
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-'))
    .then_some(trimmed)
}

#[cfg(feature = "ssr")]
mod book {
    use crate::error::{AppError, AppResult};
    use crate::i18n::{t, Msg};
    use crate::state::app_state;
    use crate::web::ssr::db::{lock_member, write};
    use crate::web::ssr::now_ms;

    /// At most this many saved addresses per member.
    pub const MAX_ADDRESSES: i64 = 20;

    type AddressRow = (
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        i64,
    );

    pub async fn addresses_of(user_id: i64) -> AppResult<Vec<super::Address>> {
        let db = app_state()?.db;
        let rows: Vec<AddressRow> = sqlx::query_as(
        "SELECT id, name, line1, line2, city, postcode, country, phone, is_default FROM addresses \
         WHERE user_id = $1 ORDER BY is_default DESC, id",
    )
    .bind(user_id)
    .fetch_all(&db)
    .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, name, line1, line2, city, postcode, country, phone, is_default)| {
                    super::Address {
                        id,
                        name,
                        line1,
                        line2,
                        city,
                        postcode,
                        country,
                        phone,
                        is_default: is_default != 0,
                    }
                },
            )
            .collect())
    }

    /// The member's default address, if they have one (checkout prefills it, "Buy now"
    /// delivers to it).
    pub async fn default_address(user_id: i64) -> AppResult<Option<super::Address>> {
        Ok(addresses_of(user_id)
            .await?
            .into_iter()
            .find(|a| a.is_default))
    }

    /// Saves a new address; the member's first becomes the default. Counting against the
    /// limit and inserting are one transaction with the member's rows locked, so parallel
    /// posts cannot pass the limit together.
    pub async fn add_address(user_id: i64, a: &super::Address) -> AppResult<()> {
        let backend = app_state()?.backend;
        let mut tx = write().await?;
        lock_member(&mut tx, backend, user_id).await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM addresses WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        if count >= MAX_ADDRESSES {
            return Err(AppError::invalid("line1", t(Msg::TooManyAddresses)));
        }
        sqlx::query(
        "INSERT INTO addresses (user_id, name, line1, line2, city, postcode, country, phone, is_default, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(user_id)
    .bind(&a.name)
    .bind(&a.line1)
    .bind(&a.line2)
    .bind(&a.city)
    .bind(&a.postcode)
    .bind(&a.country)
    .bind(&a.phone)
    .bind(i64::from(count == 0))
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
        tx.commit().await?;
        Ok(())
    }
}
#[cfg(feature = "ssr")]
pub use book::{add_address, addresses_of, default_address, MAX_ADDRESSES};
