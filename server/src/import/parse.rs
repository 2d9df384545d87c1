//! Reading one row of the Online Retail CSV into a sale line, or the reason to skip it.

use std::fmt;

/// One kept invoice line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub invoice: String,
    /// Stock code in upper case (`85123a` and `85123A` are one code).
    pub code: String,
    pub description: String,
    pub quantity: i64,
    /// Unix milliseconds (the file's times are UK local time).
    pub at_ms: i64,
    pub price_pence: i64,
    /// The dataset's customer number (`17850.0` is read as `17850`); `None` for guests.
    pub customer: Option<String>,
    pub country: String,
}

impl Line {
    pub fn is_cancellation(&self) -> bool {
        self.invoice.starts_with('C')
    }
}

/// Why a row was not kept.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Skip {
    /// The row does not have the file's shape (field count, numbers, date).
    Malformed,
    /// Postage, fees, manual adjustments, vouchers and other codes that are not products.
    NonProduct(&'static str),
    /// A unit price of zero, below a penny or negative: stock adjustments and notes.
    NoPrice,
    /// A quantity of zero.
    NoQuantity,
    /// A sale line without a product name.
    NoDescription,
    /// A cancellation of a product that was never sold in the file.
    UnknownProduct,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::Malformed => write!(f, "malformed row"),
            Skip::NonProduct(what) => write!(f, "not a product: {what}"),
            Skip::NoPrice => write!(f, "unit price below 1p (stock adjustment or note)"),
            Skip::NoQuantity => write!(f, "quantity of zero"),
            Skip::NoDescription => write!(f, "sale line without a product name"),
            Skip::UnknownProduct => write!(f, "cancellation of a product never sold"),
        }
    }
}

/// What a code that is not a product stands for, or `None` for a product code.
/// Product codes are five digits with an optional letter suffix (`84997A`), or the
/// `DCGS…` codes of the retailer's web shop, which name real products.
pub fn non_product(code: &str) -> Option<&'static str> {
    let upper = code.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    let is_product = (bytes.len() >= 5
        && bytes[..5].iter().all(u8::is_ascii_digit)
        && bytes[5..].iter().all(u8::is_ascii_uppercase)
        && bytes.len() <= 8)
        || (upper.starts_with("DCGS") && upper.len() > 4);
    if is_product {
        return None;
    }
    Some(match upper.as_str() {
        "POST" | "C2" | "DOT" => "postage and carriage",
        "D" => "discount",
        "M" => "manual adjustment",
        "S" => "samples",
        "B" => "bad debt adjustment",
        "BANK CHARGES" | "AMAZONFEE" | "CRUK" => "fees and commissions",
        "PADS" => "cushion pads (internal)",
        _ if upper.starts_with("GIFT_") => "gift voucher",
        _ => "other non-product code",
    })
}

/// Reads one CSV record: InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
/// UnitPrice, CustomerID, Country.
pub fn parse_record(rec: &csv::StringRecord) -> Result<Line, Skip> {
    if rec.len() != 8 {
        return Err(Skip::Malformed);
    }
    let field = |i: usize| rec.get(i).unwrap_or_default().trim();
    let invoice = field(0).to_ascii_uppercase();
    if invoice.is_empty() || invoice.len() > 16 {
        return Err(Skip::Malformed);
    }
    let code = field(1).to_ascii_uppercase();
    if code.is_empty() {
        return Err(Skip::Malformed);
    }
    let quantity: i64 = field(3).parse().map_err(|_| Skip::Malformed)?;
    let at_ms = parse_uk_time(field(4)).ok_or(Skip::Malformed)?;
    let price_pence = parse_pence(field(5)).ok_or(Skip::Malformed)?;
    let customer = match field(6) {
        "" => None,
        raw => Some(parse_customer(raw).ok_or(Skip::Malformed)?),
    };
    if let Some(what) = non_product(&code) {
        return Err(Skip::NonProduct(what));
    }
    if price_pence <= 0 {
        return Err(Skip::NoPrice);
    }
    if quantity == 0 {
        return Err(Skip::NoQuantity);
    }
    let description = field(2).split_whitespace().collect::<Vec<_>>().join(" ");
    if description.is_empty() {
        return Err(Skip::NoDescription);
    }
    Ok(Line {
        invoice,
        code,
        description,
        quantity,
        at_ms,
        price_pence,
        customer,
        country: field(7).to_string(),
    })
}

/// "2.55" -> 255, rounding to the nearest penny ("0.001" -> 0).
pub fn parse_pence(raw: &str) -> Option<i64> {
    let (negative, digits) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || whole.len() > 12
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut frac_digits: Vec<i64> = frac.bytes().map(|b| (b - b'0') as i64).collect();
    frac_digits.resize(3.max(frac_digits.len()), 0);
    let mut pence = whole * 100 + frac_digits[0] * 10 + frac_digits[1];
    if frac_digits[2] >= 5 {
        pence += 1;
    }
    Some(if negative { -pence } else { pence })
}

/// "17850.0" -> "17850".
fn parse_customer(raw: &str) -> Option<String> {
    let whole = raw.strip_suffix(".0").unwrap_or(raw);
    (!whole.is_empty() && whole.len() <= 12 && whole.bytes().all(|b| b.is_ascii_digit()))
        .then(|| whole.to_string())
}

/// Days from 1970-01-01 to a civil date (proleptic Gregorian; H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The day of the last Sunday of a month (days since 1970-01-01).
fn last_sunday(y: i64, m: i64) -> i64 {
    let next_month = if m == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, m + 1, 1)
    };
    let last = next_month - 1;
    // 1970-01-01 was a Thursday; (days + 4) % 7 == 0 is a Sunday.
    last - (last + 4).rem_euclid(7)
}

/// "YYYY-MM-DD HH:MM:SS" in UK time (GMT, or BST from 01:00 UTC on the last Sunday of
/// March to 01:00 UTC on the last Sunday of October) to unix milliseconds.
pub fn parse_uk_time(raw: &str) -> Option<i64> {
    let (date, time) = raw.split_once(' ')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, mo, da) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi) = (t.next()??, t.next()??);
    let s = t.next().flatten().unwrap_or(0);
    if !(1..=12).contains(&mo)
        || !(1..=31).contains(&da)
        || !(0..24).contains(&h)
        || !(0..60).contains(&mi)
        || !(0..61).contains(&s)
    {
        return None;
    }
    let local = (days_from_civil(y, mo, da) * 86_400) + h * 3600 + mi * 60 + s;
    let bst_start = last_sunday(y, 3) * 86_400 + 3600; // 01:00 UTC
    let bst_end = last_sunday(y, 10) * 86_400 + 3600;
    // Local time is UTC+1 in summer: compare the UTC reading of the local time.
    let utc = if local - 3600 >= bst_start && local - 3600 < bst_end {
        local - 3600
    } else {
        local
    };
    Some(utc * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(fields: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(fields.to_vec())
    }

    #[test]
    fn a_sale_line_is_read_whole() {
        let line = parse_record(&rec(&[
            "536365",
            "85123a",
            "WHITE HANGING  HEART T-LIGHT HOLDER ",
            "6",
            "2010-12-01 08:26:00",
            "2.55",
            "17850.0",
            "United Kingdom",
        ]))
        .expect("kept");
        assert_eq!(line.code, "85123A");
        assert_eq!(line.description, "WHITE HANGING HEART T-LIGHT HOLDER");
        assert_eq!(line.price_pence, 255);
        assert_eq!(line.customer.as_deref(), Some("17850"));
        assert_eq!(line.at_ms, 1_291_191_960_000); // 2010-12-01T08:26:00Z (GMT in winter)
        assert!(!line.is_cancellation());
    }

    #[test]
    fn summer_times_are_bst() {
        // 2011-06-01 12:00 BST is 11:00 UTC.
        assert_eq!(
            parse_uk_time("2011-06-01 12:00:00"),
            Some(1_306_926_000_000)
        );
        // BST began 2011-03-27 01:00 UTC: 00:59 local is still GMT, 02:00 local is BST.
        assert_eq!(
            parse_uk_time("2011-03-27 00:59:00"),
            Some(1_301_187_540_000)
        );
        assert_eq!(
            parse_uk_time("2011-03-27 02:00:00"),
            Some(1_301_187_600_000)
        );
        assert_eq!(parse_uk_time("2011-13-01 00:00:00"), None);
        assert_eq!(parse_uk_time("yesterday"), None);
    }

    #[test]
    fn non_products_and_adjustments_are_skipped_with_reasons() {
        let row = |code: &str, price: &str, qty: &str, desc: &str| {
            parse_record(&rec(&[
                "536365",
                code,
                desc,
                qty,
                "2010-12-01 08:26:00",
                price,
                "",
                "United Kingdom",
            ]))
        };
        assert_eq!(
            row("POST", "18.00", "1", "POSTAGE"),
            Err(Skip::NonProduct("postage and carriage"))
        );
        assert_eq!(
            row("BANK CHARGES", "15", "1", "Bank Charges"),
            Err(Skip::NonProduct("fees and commissions"))
        );
        assert_eq!(
            row("gift_0001_40", "34.04", "1", "Voucher"),
            Err(Skip::NonProduct("gift voucher"))
        );
        assert_eq!(
            row("M", "1", "1", "Manual"),
            Err(Skip::NonProduct("manual adjustment"))
        );
        assert_eq!(row("84997A", "0", "-3", "damaged"), Err(Skip::NoPrice));
        assert_eq!(row("84997A", "0.001", "1", "X"), Err(Skip::NoPrice));
        assert_eq!(row("84997A", "abc", "1", "X"), Err(Skip::Malformed));
        assert_eq!(row("84997A", "1.00", "0", "X"), Err(Skip::NoQuantity));
        assert_eq!(row("84997A", "1.00", "2", " "), Err(Skip::NoDescription));
        assert!(row("DCGS0076", "2.00", "1", "SUNJAR LED NIGHT NIGHT LIGHT").is_ok());
        assert!(parse_record(&rec(&["1", "2"])).is_err());
    }

    #[test]
    fn pence_round_to_the_nearest_penny() {
        assert_eq!(parse_pence("2.55"), Some(255));
        assert_eq!(parse_pence("0.001"), Some(0));
        assert_eq!(parse_pence("1.005"), Some(101));
        assert_eq!(parse_pence("-11062.06"), Some(-1_106_206));
        assert_eq!(parse_pence("12"), Some(1200));
        assert_eq!(parse_pence("1e3"), None);
    }
}
