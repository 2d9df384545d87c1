//! Product pictures, drawn as SVG from the product's name and colour: the dataset has no
//! photographs, and nothing is ever fetched from elsewhere.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sqlx::Row;

use super::seo::escape_xml;
use crate::import::taxonomy::COLOURS;
use crate::startup::ServerState;

pub async fn product_image(State(state): State<ServerState>, Path(file): Path<String>) -> Response {
    let Some(sku) = file
        .strip_suffix(".svg")
        .filter(|s| !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_alphanumeric()))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let row = sqlx::query(
        "SELECT p.title, s.label, s.colour FROM skus s JOIN products p ON p.id = s.product_id WHERE s.sku = $1",
    )
    .bind(sku.to_ascii_uppercase())
    .fetch_optional(&state.app.db)
    .await;
    let row = match row {
        Ok(Some(row)) => row,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "product image query failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let title: String = row.try_get("title").unwrap_or_default();
    let label: String = row.try_get("label").unwrap_or_default();
    let colour: Option<String> = row.try_get("colour").unwrap_or_default();
    let name = if label.is_empty() || label == title {
        title
    } else {
        format!("{title} – {label}")
    };
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        draw(&name, colour.as_deref(), sku),
    )
        .into_response()
}

/// A 480×480 picture: the colour (or a colour picked from the name) as a tinted field
/// with a disc, and the name set in up to four lines.
pub fn draw(name: &str, colour: Option<&str>, seed: &str) -> String {
    const PALETTE: [&str; 6] = [
        "#8c5a3c", "#4f7a8a", "#7a5c8c", "#5c8a4f", "#a8743a", "#8a4f5c",
    ];
    let hex = colour
        .and_then(|c| COLOURS.iter().find(|d| d.facet.value == c))
        .map(|d| d.hex)
        .unwrap_or_else(|| {
            let h = seed
                .bytes()
                .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
            PALETTE[(h % PALETTE.len() as u32) as usize]
        });
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in name.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > 18 {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > 4 {
        lines.truncate(4);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    let first_y = 300 - (lines.len() as i32 - 1) * 19;
    let text: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "<tspan x=\"240\" y=\"{}\">{}</tspan>",
                first_y + i as i32 * 38,
                escape_xml(l)
            )
        })
        .collect();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"480\" height=\"480\" viewBox=\"0 0 480 480\" role=\"img\" aria-label=\"{label}\">\
<rect width=\"480\" height=\"480\" fill=\"#faf7f2\"/>\
<rect width=\"480\" height=\"480\" fill=\"{hex}\" opacity=\"0.18\"/>\
<circle cx=\"240\" cy=\"150\" r=\"84\" fill=\"{hex}\"/>\
<circle cx=\"240\" cy=\"150\" r=\"84\" fill=\"none\" stroke=\"#ffffff\" stroke-opacity=\"0.5\" stroke-width=\"6\"/>\
<text font-family=\"Georgia, 'Times New Roman', serif\" font-size=\"30\" fill=\"#2b2522\" text-anchor=\"middle\">{text}</text>\
</svg>",
        label = escape_xml(name)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn pictures_escape_names_and_use_the_colour() {
        let svg = super::draw("Tom & Jerry <Mug>", Some("red"), "1");
        assert!(svg.contains("Tom &amp; Jerry &lt;Mug&gt;"));
        assert!(svg.contains("#b3362c"));
        assert!(!svg.contains("<Mug>"));
    }
}
