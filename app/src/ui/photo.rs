//! A photo from the media library as pages draw it: the widths the server made of it
//! (`data::media`), offered to the browser with `srcset` so a phone fetches the small one,
//! with its width and height (no layout shift) and loaded lazily below the fold.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    /// The library's random key: the folder of its files, `/media/{key}/{width}.jpg`.
    pub key: String,
    /// The widths stored, smallest first.
    pub widths: Vec<u32>,
    pub width: u32,
    pub height: u32,
    /// In the visitor's language (English where the editors gave no Chinese).
    pub alt: String,
    /// The variant it shows; none for the whole product.
    pub sku: Option<String>,
}

impl Photo {
    pub fn url(&self, width: u32) -> String {
        media_url(&self.key, width)
    }

    /// The smallest stored width at least `want` wide (else the largest).
    pub fn src(&self, want: u32) -> String {
        let w = self
            .widths
            .iter()
            .copied()
            .find(|w| *w >= want)
            .or_else(|| self.widths.last().copied())
            .unwrap_or(self.width);
        self.url(w)
    }

    pub fn srcset(&self) -> String {
        self.widths
            .iter()
            .map(|w| format!("{} {w}w", self.url(*w)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The height at display width `width`, keeping the photo's shape.
    pub fn height_at(&self, width: u32) -> u32 {
        ((u64::from(width) * u64::from(self.height)) / u64::from(self.width.max(1))).max(1) as u32
    }
}

/// The largest upload taken, in MB (`data::media` checks it).
pub const MAX_UPLOAD_MB: usize = 8;
/// The most pixels an upload may have, in megapixels.
pub const MAX_MEGAPIXELS: u64 = 40;
/// The longest alt text and picture name kept, in characters (`data::media` checks them;
/// the inputs say so with `maxlength`).
pub const MAX_ALT: usize = 250;
pub const MAX_NAME: usize = 120;

pub fn media_url(key: &str, width: u32) -> String {
    format!("/media/{key}/{width}.jpg")
}

/// The stored widths as the database keeps them ("320,640,1024").
pub fn parse_widths(text: &str) -> Vec<u32> {
    let mut widths: Vec<u32> = text
        .split(',')
        .filter_map(|w| w.trim().parse().ok())
        .collect();
    widths.sort_unstable();
    widths
}

/// `<img>` of `photo` shown `display` pixels wide (`sizes` says how wide on each screen).
pub fn photo_img(photo: &Photo, display: u32, sizes: &'static str, lazy: bool) -> impl IntoView {
    view! {
        <img
            src=photo.src(display)
            srcset=photo.srcset()
            sizes=sizes
            width=display.to_string()
            height=photo.height_at(display).to_string()
            alt=photo.alt.clone()
            loading=if lazy { "lazy" } else { "eager" }
            decoding="async"
            data-test="photo"
        />
    }
}

/// The two alt-text inputs of a picture form (`alt_en` with its hint, `alt_zh`).
pub fn alt_fields(
    flash: &Option<crate::web::Flash>,
    id_prefix: &str,
    saved: (&str, &str),
) -> impl IntoView {
    use crate::i18n::{t, Msg};
    view! {
        {crate::ui::form::text_input(flash, id_prefix, "alt_en", t(Msg::AltEn), saved.0, MAX_ALT, Some(t(Msg::AltHint)))}
        {crate::ui::form::text_input(flash, id_prefix, "alt_zh", t(Msg::AltZh), saved.1, MAX_ALT, None)}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(widths: &[u32], width: u32, height: u32) -> Photo {
        Photo {
            key: "k".into(),
            widths: widths.to_vec(),
            width,
            height,
            alt: String::new(),
            sku: None,
        }
    }

    #[test]
    fn src_is_the_smallest_wide_enough() {
        let p = photo(&[320, 640, 800], 800, 600);
        assert_eq!(p.src(240), "/media/k/320.jpg");
        assert_eq!(p.src(480), "/media/k/640.jpg");
        assert_eq!(p.src(2000), "/media/k/800.jpg");
        assert_eq!(
            p.srcset(),
            "/media/k/320.jpg 320w, /media/k/640.jpg 640w, /media/k/800.jpg 800w"
        );
        assert_eq!(p.height_at(480), 360);
        assert_eq!(parse_widths("640, 320,x"), vec![320, 640]);
    }
}
