//! The admin shell: a dashboard, staff roles and the audit log. Every server function
//! here lives under `/api/admin/` and starts with the guard (`require`); a test walks all
//! of them and every `/admin` page as a guest and as a shopper.

pub mod api;
pub mod pages;

use serde::{Deserialize, Serialize};

use crate::web::Role;

/// Every admin page and function is about staff work, never for a cache.
pub const PERSONAL: crate::web::Personal = crate::web::Personal {
    paths: &["/admin", "/api/admin"],
    ..crate::web::Personal::NONE
};

pub use crate::data::Revision;

/// One field of a comparison of two revisions: its value in each, and for text that
/// runs over lines, the lines removed (`-`), added (`+`) and kept (` `).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub label: String,
    pub before: String,
    pub after: String,
    pub lines: Vec<(char, String)>,
}

/// Two revisions compared: the fields that differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub from: i64,
    pub to: i64,
    pub changes: Vec<FieldChange>,
}

/// The lines of `after` against `before`: removed `-`, added `+`, kept ` ` (longest
/// common subsequence; a body is at most a few thousand lines). Past 2,000 lines a side,
/// the whole text is shown as removed and added.
pub fn line_diff(before: &str, after: &str) -> Vec<(char, String)> {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    if a.len() > 2_000 || b.len() > 2_000 {
        return a
            .iter()
            .map(|l| ('-', l.to_string()))
            .chain(b.iter().map(|l| ('+', l.to_string())))
            .collect();
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push((' ', a[i].to_string()));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            out.push(('-', a[i].to_string()));
            i += 1;
        } else {
            out.push(('+', b[j].to_string()));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| ('-', l.to_string())));
    out.extend(b[j..].iter().map(|l| ('+', l.to_string())));
    out
}

/// The fields (label, value) of two revisions that differ, with a line comparison of
/// each: what the content and the product editors show.
pub fn compare_fields(
    from: (i64, Vec<(&str, String)>),
    to: (i64, Vec<(&str, String)>),
) -> Comparison {
    let changes = from
        .1
        .into_iter()
        .zip(to.1)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((label, a), (_, b))| FieldChange {
            label: label.to_string(),
            lines: line_diff(&a, &b),
            before: a,
            after: b,
        })
        .collect();
    Comparison {
        from: from.0,
        to: to.0,
        changes,
    }
}

/// The dashboard's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub products: i64,
    pub customers: i64,
    pub orders: i64,
    pub members: i64,
    pub staff: i64,
}

/// A person with a staff role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: Option<String>,
    pub action: String,
    pub subject: Option<String>,
    pub client: Option<String>,
}

/// Rows per page of the admin lists.
pub const PAGE_SIZE: u32 = 50;

/// A staff list's search words, trimmed; at most 200 characters.
pub fn list_query(q: &str) -> Result<&str, crate::error::AppError> {
    let q = q.trim();
    if q.chars().count() > 200 {
        return Err(crate::error::AppError::invalid(
            "q",
            crate::i18n::fill(
                crate::i18n::t(crate::i18n::Msg::ErrTooLong),
                &[("max", "200")],
            ),
        ));
    }
    Ok(q)
}

/// One page of an admin list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u32,
    pub page: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: i64,
    pub external_ref: String,
    pub country: String,
    pub orders: i64,
    pub last_order: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_compared_in_order() {
        let d = line_diff("a\nb\nc", "a\nc\nd");
        assert_eq!(
            d,
            vec![
                (' ', "a".to_string()),
                ('-', "b".to_string()),
                (' ', "c".to_string()),
                ('+', "d".to_string())
            ]
        );
        assert!(line_diff("same", "same").iter().all(|(k, _)| *k == ' '));
    }
}
