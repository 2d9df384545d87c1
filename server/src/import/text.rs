//! Turning the dataset's upper-case names into readable titles, URL slugs, and product
//! titles with variant labels.

/// Words that stay lower case inside a title.
const SMALL_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with",
];
/// Words that stay upper case.
const ACRONYMS: &[&str] = &[
    "LED", "UK", "USA", "DIY", "DVD", "CD", "XL", "UV", "PHOTO-CD", "NY", "UFO", "ABC", "XMAS",
];

/// A readable title from an upper-case product name:
/// `WHITE HANGING HEART T-LIGHT HOLDER` -> `White Hanging Heart T-Light Holder`,
/// `SET/6 RED SPOTTY PAPER CUPS` -> `Set of 6 Red Spotty Paper Cups`.
pub fn title_case(name: &str) -> String {
    let cleaned = name.replace(',', ", ").replace(" ,", ",").replace('"', " ");
    let cleaned = cleaned
        .trim()
        .trim_end_matches(['.', ',', '-', '*', ' '])
        .trim_start_matches(['*', ' ']);
    let mut words: Vec<String> = Vec::new();
    for (i, raw) in cleaned.split_whitespace().enumerate() {
        let upper = raw.to_ascii_uppercase();
        // Abbreviations of "set of" and "pack of".
        if let Some(n) = upper
            .strip_prefix("S/")
            .or_else(|| upper.strip_prefix("SET/"))
        {
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
                words.push(if i == 0 { "Set".into() } else { "set".into() });
                words.push("of".into());
                words.push(n.to_string());
                continue;
            }
        }
        if let Some(n) = upper.strip_prefix("PACK/") {
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
                words.push(if i == 0 { "Pack".into() } else { "pack".into() });
                words.push("of".into());
                words.push(n.to_string());
                continue;
            }
        }
        if ACRONYMS.contains(&upper.as_str()) {
            words.push(if upper == "XMAS" {
                "Xmas".into()
            } else {
                upper
            });
            continue;
        }
        let lower = raw.to_lowercase();
        if i > 0 && SMALL_WORDS.contains(&lower.as_str()) {
            words.push(lower);
            continue;
        }
        if raw.bytes().any(|b| b.is_ascii_digit()) {
            // 3D, 40x40cm, 125g: keep digits, lower-case units, but "3D" stays.
            if upper.len() == 2 && upper.ends_with('D') && upper.as_bytes()[0].is_ascii_digit() {
                words.push(upper);
            } else {
                words.push(lower);
            }
            continue;
        }
        words.push(capitalise(&lower));
    }
    words.join(" ")
}

/// Upper-cases the first letter of the word and of each part after `-`, `/`, `+`, `(`, `&`.
fn capitalise(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut start = true;
    for ch in word.chars() {
        if start && ch.is_alphabetic() {
            out.extend(ch.to_uppercase());
            start = false;
        } else {
            out.push(ch);
            if matches!(ch, '-' | '/' | '+' | '(' | '&') {
                start = true;
            } else if ch.is_alphanumeric() || ch == '\'' {
                start = false;
            }
        }
    }
    out
}

pub use app::domain::slugify;

/// Splits the names of a product's variants into the product's title and a label for each
/// variant: the words every name shares make the title (in the best seller's order), the
/// rest of each name its label. `CHILDRENS CUTLERY POLKADOT GREEN` and
/// `CHILDRENS CUTLERY RETROSPOT RED` give `Childrens Cutlery` with `Polkadot Green` and
/// `Retrospot Red`. When the names share fewer than two words, or a label would be empty,
/// the best seller's name is the title and each variant's full name its label.
/// `names[0]` is the best-selling variant. Returns (title, labels).
pub fn split_variants(names: &[String]) -> (String, Vec<String>) {
    if names.len() == 1 {
        let title = title_case(&names[0]);
        return (title.clone(), vec![title]);
    }
    let words: Vec<Vec<String>> = names
        .iter()
        .map(|n| n.split_whitespace().map(str::to_string).collect())
        .collect();
    let common: Vec<String> = words[0]
        .iter()
        .filter(|w| words[1..].iter().all(|other| other.contains(w)))
        .cloned()
        .collect();
    let labels: Vec<String> = words
        .iter()
        .map(|ws| {
            ws.iter()
                .filter(|w| !common.contains(w))
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let mut unique = labels.clone();
    unique.sort();
    unique.dedup();
    if common.len() < 2 || labels.iter().any(String::is_empty) || unique.len() != labels.len() {
        let full: Vec<String> = names.iter().map(|n| title_case(n)).collect();
        return (full[0].clone(), full);
    }
    (
        title_case(&common.join(" ")),
        labels.iter().map(|l| title_case(l)).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_readable() {
        assert_eq!(
            title_case("WHITE HANGING HEART T-LIGHT HOLDER"),
            "White Hanging Heart T-Light Holder"
        );
        assert_eq!(
            title_case("SET OF 3 CAKE TINS PANTRY DESIGN "),
            "Set of 3 Cake Tins Pantry Design"
        );
        assert_eq!(
            title_case("S/4 VALENTINE DECOUPAGE HEART BOX"),
            "Set of 4 Valentine Decoupage Heart Box"
        );
        assert_eq!(
            title_case("CHARLIE+LOLA RED HOT WATER BOTTLE"),
            "Charlie+Lola Red Hot Water Bottle"
        );
        assert_eq!(
            title_case("RED WOOLLY HOTTIE WHITE HEART."),
            "Red Woolly Hottie White Heart"
        );
        assert_eq!(
            title_case("3D DOG PICTURE PLAYING CARDS"),
            "3D Dog Picture Playing Cards"
        );
        assert_eq!(
            title_case("POLYESTER FILLER PAD 40x40cm"),
            "Polyester Filler Pad 40x40cm"
        );
        assert_eq!(
            title_case("SUNJAR LED NIGHT NIGHT LIGHT"),
            "Sunjar LED Night Night Light"
        );
        assert_eq!(title_case("DOLLY GIRL BEAKER"), "Dolly Girl Beaker");
        assert_eq!(
            title_case("FOLK ART GREETING CARD,pack/12"),
            "Folk Art Greeting Card, pack of 12"
        );
        assert_eq!(
            title_case("Dr. Jam's Arouzer Stress Ball"),
            "Dr. Jam's Arouzer Stress Ball"
        );
        assert_eq!(
            title_case("CHARLIE+LOLA\"EXTREMELY BUSY\" SIGN"),
            "Charlie+Lola Extremely Busy Sign"
        );
    }

    #[test]
    fn slugs_are_plain() {
        assert_eq!(
            slugify("White Hanging Heart T-Light Holder"),
            "white-hanging-heart-t-light-holder"
        );
        assert_eq!(
            slugify("Charlie+Lola Red  Bottle!"),
            "charlie-lola-red-bottle"
        );
        assert_eq!(slugify("***"), "product");
    }

    #[test]
    fn variants_share_a_title_and_keep_their_difference() {
        let names = [
            "CHILDRENS CUTLERY POLKADOT GREEN",
            "CHILDRENS CUTLERY RETROSPOT RED",
            "CHILDRENS CUTLERY POLKADOT BLUE",
        ]
        .map(String::from);
        let (title, labels) = split_variants(&names);
        assert_eq!(title, "Childrens Cutlery");
        assert_eq!(labels, ["Polkadot Green", "Retrospot Red", "Polkadot Blue"]);
    }

    #[test]
    fn unrelated_variants_keep_their_full_names() {
        let names = [
            "RED WOOLLY HOTTIE WHITE HEART",
            "KNITTED UNION FLAG HOT WATER BOTTLE",
        ]
        .map(String::from);
        let (title, labels) = split_variants(&names);
        assert_eq!(title, "Red Woolly Hottie White Heart");
        assert_eq!(labels[1], "Knitted Union Flag Hot Water Bottle");
        // Same name twice: labels would be empty, so full names are kept.
        let (_, labels) = split_variants(&[
            "TEA TIME TABLE CLOTH".to_string(),
            "TEA TIME TABLE CLOTH".to_string(),
        ]);
        assert_eq!(labels, ["Tea Time Table Cloth", "Tea Time Table Cloth"]);
    }
}
