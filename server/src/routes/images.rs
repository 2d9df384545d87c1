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
        "SELECT p.title, s.label, s.colour, p.primary_category FROM skus s JOIN products p ON p.id = s.product_id WHERE s.sku = $1",
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
    let category: String = row.try_get("primary_category").unwrap_or_default();
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
        draw(&name, colour.as_deref(), &category, sku),
    )
        .into_response()
}

/// A 480×480 picture that tells products apart at a glance, honest about being a
/// placeholder (the name is written on it): the background's tint and pattern come from
/// the category (all kitchenware shares one look, all bags another), the motif from what
/// the name says the thing is (a heart, a star, a cup, a bag, a lantern, a tree...), in
/// the product's colour (or one picked from the SKU), with the name below.
pub fn draw(name: &str, colour: Option<&str>, category: &str, seed: &str) -> String {
    const PALETTE: [&str; 8] = [
        "#8c5a3c", "#4f7a8a", "#7a5c8c", "#5c8a4f", "#a8743a", "#8a4f5c", "#3f6f5a", "#6a5a3a",
    ];
    const BACKGROUNDS: [&str; 8] = [
        "#f6ece1", "#e6eff2", "#efe8f3", "#e9f1e4", "#f7efdc", "#f3e6e9", "#e3efe9", "#efeae0",
    ];
    let hash = |s: &str| {
        s.bytes().fold(2_166_136_261u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(16_777_619)
        })
    };
    let hex = colour
        .and_then(|c| COLOURS.iter().find(|d| d.facet.value == c))
        .map(|d| d.hex)
        .unwrap_or_else(|| PALETTE[(hash(seed) % PALETTE.len() as u32) as usize]);
    let category_hash = hash(category);
    let background = BACKGROUNDS[(category_hash % BACKGROUNDS.len() as u32) as usize];
    let pattern = match (category_hash >> 16) % 4 {
        0 => "<pattern id=\"p\" width=\"24\" height=\"24\" patternUnits=\"userSpaceOnUse\"><circle cx=\"12\" cy=\"12\" r=\"2.5\" fill=\"#000\" opacity=\"0.07\"/></pattern>",
        1 => "<pattern id=\"p\" width=\"20\" height=\"20\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"20\" fill=\"#000\" opacity=\"0.05\"/></pattern>",
        2 => "<pattern id=\"p\" width=\"32\" height=\"32\" patternUnits=\"userSpaceOnUse\"><path d=\"M0 16h32M16 0v32\" stroke=\"#000\" stroke-opacity=\"0.06\" stroke-width=\"2\"/></pattern>",
        _ => "<pattern id=\"p\" width=\"40\" height=\"20\" patternUnits=\"userSpaceOnUse\"><path d=\"M0 10q10-10 20 0t20 0\" fill=\"none\" stroke=\"#000\" stroke-opacity=\"0.07\" stroke-width=\"2\"/></pattern>",
    };
    let motif = motif(name, hex);
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
<defs>{pattern}</defs>\
<rect width=\"480\" height=\"480\" fill=\"{background}\"/>\
<rect width=\"480\" height=\"480\" fill=\"url(#p)\"/>\
{motif}\
<text font-family=\"Georgia, 'Times New Roman', serif\" font-size=\"30\" fill=\"#2b2522\" text-anchor=\"middle\">{text}</text>\
</svg>",
        label = escape_xml(name)
    )
}

/// What the name says the thing is, as a shape in `hex` around (240, 150).
fn motif(name: &str, hex: &str) -> String {
    let lower = name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let white = "stroke=\"#ffffff\" stroke-opacity=\"0.55\" stroke-width=\"6\"";
    if has(&["heart"]) {
        format!("<path d=\"M240 225 C150 165 160 85 215 85 C232 85 240 100 240 110 C240 100 248 85 265 85 C320 85 330 165 240 225Z\" fill=\"{hex}\" {white}/>")
    } else if has(&["star"]) {
        format!("<polygon points=\"240,62 262,125 328,125 275,164 295,228 240,190 185,228 205,164 152,125 218,125\" fill=\"{hex}\" {white}/>")
    } else if has(&["christmas", "tree"]) {
        format!("<polygon points=\"240,60 315,200 165,200\" fill=\"{hex}\" {white}/><rect x=\"226\" y=\"200\" width=\"28\" height=\"32\" fill=\"#6b4a2f\"/>")
    } else if has(&["mug", "cup", "teacup", "tea "]) {
        format!("<rect x=\"180\" y=\"95\" width=\"110\" height=\"120\" rx=\"14\" fill=\"{hex}\" {white}/><path d=\"M290 125 h20 a25 25 0 0 1 0 50 h-20\" fill=\"none\" stroke=\"{hex}\" stroke-width=\"14\"/>")
    } else if has(&["bag", "tote", "shopper"]) {
        format!("<path d=\"M205 115 v-20 a35 35 0 0 1 70 0 v20\" fill=\"none\" stroke=\"{hex}\" stroke-width=\"10\"/><rect x=\"165\" y=\"112\" width=\"150\" height=\"118\" rx=\"10\" fill=\"{hex}\" {white}/>")
    } else if has(&["lantern", "t-light", "candle", "light"]) {
        format!("<rect x=\"200\" y=\"80\" width=\"80\" height=\"140\" rx=\"12\" fill=\"{hex}\" {white}/><path d=\"M240 115 q18 28 0 52 q-18 -24 0 -52z\" fill=\"#ffd36b\"/><path d=\"M215 80 q25 -30 50 0\" fill=\"none\" stroke=\"{hex}\" stroke-width=\"8\"/>")
    } else if has(&["bottle", "flask", "jar", "vase"]) {
        format!("<path d=\"M225 70 h30 v35 q35 20 35 60 v60 h-100 v-60 q0 -40 35 -60z\" fill=\"{hex}\" {white}/>")
    } else if has(&["box", "tin", "case", "chest"]) {
        format!("<rect x=\"165\" y=\"105\" width=\"150\" height=\"115\" rx=\"6\" fill=\"{hex}\" {white}/><rect x=\"155\" y=\"90\" width=\"170\" height=\"30\" rx=\"6\" fill=\"{hex}\" {white}/>")
    } else if has(&["bird", "owl", "robin"]) {
        format!("<ellipse cx=\"235\" cy=\"160\" rx=\"70\" ry=\"52\" fill=\"{hex}\" {white}/><circle cx=\"285\" cy=\"120\" r=\"32\" fill=\"{hex}\"/><polygon points=\"315,118 338,126 315,134\" fill=\"#e0a030\"/>")
    } else if has(&["flower", "rose", "floral", "daisy"]) {
        let petals: String = (0..6)
            .map(|i| format!("<ellipse cx=\"240\" cy=\"105\" rx=\"24\" ry=\"45\" fill=\"{hex}\" transform=\"rotate({} 240 150)\"/>", i * 60))
            .collect();
        format!("{petals}<circle cx=\"240\" cy=\"150\" r=\"22\" fill=\"#ffd36b\"/>")
    } else if has(&["bell"]) {
        format!("<path d=\"M240 70 q-60 0 -60 90 v40 h120 v-40 q0 -90 -60 -90z\" fill=\"{hex}\" {white}/><circle cx=\"240\" cy=\"215\" r=\"14\" fill=\"{hex}\"/>")
    } else if has(&["house", "home"]) {
        format!("<polygon points=\"240,70 320,140 160,140\" fill=\"{hex}\" {white}/><rect x=\"180\" y=\"140\" width=\"120\" height=\"90\" fill=\"{hex}\" {white}/>")
    } else {
        format!("<circle cx=\"240\" cy=\"150\" r=\"84\" fill=\"{hex}\" {white}/>")
    }
}

/// A file of the media library (`/media/{key}/{width}.jpg`): a key is never reused, so
/// its files never change and may be cached for a year.
pub async fn media_file(
    State(state): State<ServerState>,
    Path((key, file)): Path<(String, String)>,
) -> Response {
    let Some(path) = app::data::media::file_path(&state.app.site.media_dir, &key, &file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pictures_escape_names_and_use_the_colour() {
        let svg = super::draw("Tom & Jerry <Mug>", Some("red"), "kitchen-dining", "1");
        assert!(svg.contains("Tom &amp; Jerry &lt;Mug&gt;"));
        assert!(svg.contains("#b3362c"));
        assert!(!svg.contains("<Mug>"));
    }

    #[test]
    fn pictures_differ_by_what_the_thing_is_and_by_category() {
        let heart = super::draw(
            "White Hanging Heart T-Light Holder",
            None,
            "home-decor",
            "85123A",
        );
        let mug = super::draw("Union Jack Mug", None, "home-decor", "85123A");
        let bag = super::draw(
            "Jumbo Bag Red Retrospot",
            None,
            "bags-accessories",
            "85099B",
        );
        assert_ne!(super::motif("heart", "#000"), super::motif("mug", "#000"));
        assert_ne!(
            super::motif("mug", "#000"),
            super::motif("jumbo bag", "#000")
        );
        assert!(heart.contains("<path d=\"M240 225"), "a heart");
        assert!(mug.contains("<rect x=\"180\" y=\"95\""), "a cup");
        let background = |svg: &str| {
            svg.split("<rect width=\"480\" height=\"480\" fill=\"")
                .nth(1)
                .map(|s| s[..7].to_string())
        };
        assert_eq!(
            background(&heart),
            background(&mug),
            "one category, one background"
        );
        assert_ne!(
            background(&heart),
            background(&bag),
            "another category, another background"
        );
    }
}
