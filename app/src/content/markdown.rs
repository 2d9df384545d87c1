//! Markdown -> safe HTML pieces for the shop's content editor.
//!
//! The source is split at shortcode lines (`[product CODE]`, `[video URL]`);
//! the Markdown between them is rendered with pulldown-cmark and sanitised:
//!
//! * raw HTML (block and inline) is shown as escaped, inert text;
//! * links keep only allow-listed destinations ([`safe_url`]); external ones
//!   get `rel="nofollow noopener noreferrer"`, others lose the `<a>` but keep
//!   their text;
//! * images are only allowed from the shop's own paths (`/...`), rendered
//!   lazily; other images degrade to their alt text;
//! * headings are shifted one level down (the page owns the `<h1>`) and keep
//!   only a reduced `id` (`[a-z0-9_-]`).
//!
//! Only std, `pulldown-cmark` and `pulldown-cmark-escape` are used.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{
    html, BrokenLink, BrokenLinkCallback, CowStr, Event, HeadingLevel, LinkType, Options, Parser,
    RefDefs, Tag, TagEnd,
};
use pulldown_cmark_escape::{escape_href, escape_html};

/// One piece of a rendered document, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Sanitised HTML (safe to inject as innerHTML).
    Html(String),
    /// A `[product CODE]` line: the code, upper-cased.
    Product(String),
    /// A `[video URL]` line: the link and its host (lower-case, without a leading "www.").
    Video { url: String, host: String },
}

/// A block of the source: a byte range of Markdown, or a parsed shortcode.
enum Block {
    Markdown(Range<usize>),
    Shortcode(Piece),
}

/// Maximum length of a product code.
const MAX_CODE_LEN: usize = 20;

/// Rel attribute of allowed external (http/https) links.
const EXTERNAL_REL: &str = "nofollow noopener noreferrer";

/// Renders `source` into HTML, product and video pieces, in document order.
///
/// Markdown between shortcode lines is rendered as one unit; pieces whose
/// HTML is empty or whitespace-only are skipped.
pub fn render(source: &str) -> Vec<Piece> {
    let blocks = scan(source);
    let joined = joined_markdown(source, &blocks);
    let whole = joined.as_deref().map(|md| Parser::new_ext(md, options()));
    let refs = whole.as_ref().map(Parser::reference_definitions);
    blocks
        .into_iter()
        .filter_map(|block| match block {
            Block::Markdown(range) => {
                let html = render_markdown(source.get(range).unwrap_or_default(), refs);
                (!html.trim().is_empty()).then_some(Piece::Html(html))
            }
            Block::Shortcode(piece) => Some(piece),
        })
        .collect()
}

/// The product codes of the `[product CODE]` lines, upper-cased, in order, without duplicates.
pub fn product_codes(source: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    scan(source)
        .into_iter()
        .filter_map(|block| match block {
            Block::Shortcode(Piece::Product(code)) => seen.insert(code.clone()).then_some(code),
            _ => None,
        })
        .collect()
}

/// The Markdown's words as plain text (no markup, no shortcode lines, whitespace collapsed to single spaces), cut at a word boundary to at most `max_chars` characters with "…" appended when cut.
///
/// Raw HTML counts as markup and is left out. When the text is cut, the
/// result *including* the "…" is at most `max_chars` characters; a single
/// word longer than the budget is cut inside the word.
pub fn plain_text(source: &str, max_chars: usize) -> String {
    let blocks = scan(source);
    let joined = joined_markdown(source, &blocks);
    let whole = joined.as_deref().map(|md| Parser::new_ext(md, options()));
    let refs = whole.as_ref().map(Parser::reference_definitions);
    let mut raw = String::new();
    for block in blocks {
        let Block::Markdown(range) = block else {
            continue;
        };
        for event in parser(source.get(range).unwrap_or_default(), refs) {
            match event {
                Event::Text(text) | Event::Code(text) => raw.push_str(&text),
                Event::InlineMath(text) | Event::DisplayMath(text) => raw.push_str(&text),
                Event::Start(tag) if !is_inline(&tag.to_end()) => raw.push(' '),
                Event::End(end) if !is_inline(&end) => raw.push(' '),
                Event::SoftBreak | Event::HardBreak | Event::Rule => raw.push(' '),
                _ => {}
            }
        }
        raw.push(' ');
    }
    let words = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(&words, max_chars)
}

/// Whether a link (image = false) or image (image = true) destination is allowed (see rules).
///
/// The destination is trimmed first; it must then contain no control or
/// whitespace characters. Images: only a local path (`/...`, not `//` or
/// `/\`). Links: a local path, `#...`, `?...`, or a (case-insensitive)
/// `https://`, `http://`, `mailto:` or `tel:` URL.
pub fn safe_url(dest: &str, image: bool) -> bool {
    let dest = dest.trim();
    if dest.is_empty() || dest.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    let local = dest.starts_with('/') && !dest.starts_with("//") && !dest.starts_with("/\\");
    if image {
        return local;
    }
    local
        || dest.starts_with('#')
        || dest.starts_with('?')
        || ["https://", "http://", "mailto:", "tel:"]
            .iter()
            .any(|scheme| strip_prefix_ci(dest, scheme).is_some())
}

/// The source with shortcode lines blanked out, parsed only for its
/// reference definitions (which may live in another segment, e.g. at the
/// bottom of the document); `None` when there is at most one Markdown segment.
fn joined_markdown(source: &str, blocks: &[Block]) -> Option<String> {
    let segments = blocks
        .iter()
        .filter(|b| matches!(b, Block::Markdown(_)))
        .count();
    (segments > 1).then(|| {
        let mut joined = String::with_capacity(source.len());
        for block in blocks {
            match block {
                Block::Markdown(range) => {
                    joined.push_str(source.get(range.clone()).unwrap_or_default());
                }
                Block::Shortcode(_) => joined.push('\n'),
            }
        }
        joined
    })
}

/// Splits the source into Markdown ranges and shortcodes, line by line,
/// ignoring shortcode-like lines inside fenced code blocks.
fn scan(source: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let (mut start, mut pos) = (0, 0);
    for line in source.split_inclusive('\n') {
        let line_start = pos;
        pos += line.len();
        let run = fence_run(line);
        if let Some((open_char, open_len)) = fence {
            if let Some((c, n, rest)) = run {
                if c == open_char && n >= open_len && rest.trim().is_empty() {
                    fence = None;
                }
            }
            continue;
        }
        if let Some((c, n, rest)) = run {
            // A backtick fence's info string may not contain backticks.
            if c == b'~' || !rest.contains('`') {
                fence = Some((c, n));
                continue;
            }
        }
        if let Some(piece) = shortcode(line.trim()) {
            if start < line_start {
                blocks.push(Block::Markdown(start..line_start));
            }
            blocks.push(Block::Shortcode(piece));
            start = pos;
        }
    }
    if start < source.len() {
        blocks.push(Block::Markdown(start..source.len()));
    }
    blocks
}

/// A code fence run at the start of `line` (after at most 3 spaces): the
/// fence byte, its length (>= 3) and the rest of the line.
fn fence_run(line: &str) -> Option<(u8, usize, &str)> {
    let indent = line.bytes().take_while(|&b| b == b' ').count();
    let rest = line.get(indent..).filter(|_| indent <= 3)?;
    let c = *rest
        .as_bytes()
        .first()
        .filter(|c| matches!(c, b'`' | b'~'))?;
    let len = rest.bytes().take_while(|&b| b == c).count();
    (len >= 3).then(|| (c, len, rest.get(len..).unwrap_or_default()))
}

/// Parses a trimmed line as a `[product CODE]` or `[video URL]` shortcode.
fn shortcode(line: &str) -> Option<Piece> {
    let inner = line.strip_prefix('[')?.strip_suffix(']')?;
    let (keyword, rest) = inner.split_once(' ')?;
    let arg = rest.trim_start_matches(' ');
    if keyword.eq_ignore_ascii_case("product") {
        let valid = (1..=MAX_CODE_LEN).contains(&arg.len())
            && arg.bytes().all(|b| b.is_ascii_alphanumeric());
        valid.then(|| Piece::Product(arg.to_ascii_uppercase()))
    } else if keyword.eq_ignore_ascii_case("video") {
        let host = video_host(arg)?;
        Some(Piece::Video {
            url: arg.to_string(),
            host,
        })
    } else {
        None
    }
}

/// The host of a video URL (lower-case, without "www."), if the URL is an
/// acceptable http(s) URL: no whitespace/control chars, quotes or angle
/// brackets, and a non-empty host name made of `[a-z0-9.-]`.
fn video_host(url: &str) -> Option<String> {
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>');
    if url.chars().any(bad) {
        return None;
    }
    let rest = strip_prefix_ci(url, "https://").or_else(|| strip_prefix_ci(url, "http://"))?;
    // Browsers treat `\` like `/` in http(s) URLs; userinfo precedes the last `@`.
    let authority = rest.split(['/', '\\', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = match host_port.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return None,
        None => host_port,
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let valid = host.bytes().any(|b| b.is_ascii_alphanumeric())
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    valid.then(|| host.to_string())
}

/// `s` without `prefix`, compared ASCII case-insensitively.
fn strip_prefix_ci<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

/// The parser options: tables, strikethrough and heading attributes.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A parser for one Markdown segment, resolving otherwise broken reference
/// links through `refs` (the whole document's definitions).
fn parser<'a>(
    text: &'a str,
    refs: Option<&'a RefDefs<'a>>,
) -> Parser<'a, impl BrokenLinkCallback<'a>> {
    let callback = move |link: BrokenLink<'a>| -> Option<(CowStr<'a>, CowStr<'a>)> {
        let def = refs?.get(link.reference.as_ref())?;
        let title = def.title.clone().unwrap_or(CowStr::Borrowed(""));
        Some((def.dest.clone(), title))
    };
    Parser::new_with_broken_link_callback(text, options(), Some(callback))
}

/// Renders one Markdown segment to sanitised HTML.
fn render_markdown<'a>(text: &'a str, refs: Option<&'a RefDefs<'a>>) -> String {
    let mut parser = parser(text, refs);
    let mut events: Vec<Event<'a>> = Vec::new();
    // For each open link: whether its `<a>` was emitted.
    let mut links: Vec<bool> = Vec::new();
    while let Some(event) = parser.next() {
        let event = match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            Event::InlineMath(raw) | Event::DisplayMath(raw) => Event::Text(raw),
            Event::FootnoteReference(name) => Event::Text(format!("[^{name}]").into()),
            Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
            Event::Start(Tag::Heading { level, id, .. }) => Event::Start(Tag::Heading {
                level: shift(level),
                id: id.and_then(|id| clean_id(&id)).map(CowStr::from),
                classes: Vec::new(),
                attrs: Vec::new(),
            }),
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shift(level))),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let href = match link_type {
                    LinkType::Email => format!("mailto:{}", dest_url.trim()),
                    _ => dest_url.trim().to_string(),
                };
                let keep = safe_url(&href, false);
                links.push(keep);
                if !keep {
                    continue;
                }
                Event::Html(link_tag(&href, &title).into())
            }
            Event::End(TagEnd::Link) => {
                if links.pop() != Some(true) {
                    continue;
                }
                Event::Html("</a>".into())
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let alt = inner_text(&mut parser);
                if safe_url(&dest_url, true) {
                    Event::Html(image_tag(dest_url.trim(), &alt, &title).into())
                } else {
                    Event::Text(alt.into())
                }
            }
            other => other,
        };
        events.push(event);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    html::push_html(&mut out, events.into_iter());
    // Table alignment as classes: the page's Content-Security-Policy allows no inline
    // style. (Text is escaped, so only the writer can have made these attributes.)
    for side in ["left", "center", "right"] {
        out = out.replace(
            &format!(" style=\"text-align: {side}\""),
            &format!(" class=\"align-{side}\""),
        );
    }
    out
}

/// Consumes events up to the end of the current element, returning their
/// text content (used for image alt text).
fn inner_text<'a>(events: &mut impl Iterator<Item = Event<'a>>) -> String {
    let mut text = String::new();
    let mut depth = 1usize;
    for event in events {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// An opening `<a>` tag for an allowed `href`.
fn link_tag(href: &str, title: &str) -> String {
    let mut tag = String::from("<a href=\"");
    push_href(&mut tag, href);
    tag.push('"');
    push_title(&mut tag, title);
    let external = ["https://", "http://"]
        .iter()
        .any(|scheme| strip_prefix_ci(href, scheme).is_some());
    if external {
        tag.push_str(" rel=\"");
        tag.push_str(EXTERNAL_REL);
        tag.push('"');
    }
    tag.push('>');
    tag
}

/// An `<img>` tag for an allowed `src`.
fn image_tag(src: &str, alt: &str, title: &str) -> String {
    let mut tag = String::from("<img src=\"");
    push_href(&mut tag, src);
    tag.push_str("\" alt=\"");
    push_attr(&mut tag, alt);
    tag.push('"');
    push_title(&mut tag, title);
    tag.push_str(" loading=\"lazy\" decoding=\"async\">");
    tag
}

/// Appends ` title="..."` unless `title` is empty.
fn push_title(out: &mut String, title: &str) {
    if !title.is_empty() {
        out.push_str(" title=\"");
        push_attr(out, title);
        out.push('"');
    }
}

/// Appends a URL escaped for a double-quoted attribute.
fn push_href(out: &mut String, url: &str) {
    // Writing to a `String` cannot fail.
    let _ = escape_href(out, url);
}

/// Appends text escaped for a double-quoted attribute.
fn push_attr(out: &mut String, text: &str) {
    // Writing to a `String` cannot fail.
    let _ = escape_html(out, text);
}

/// A heading id reduced to `[a-z0-9_-]` (lower-cased), or `None` if empty.
fn clean_id(id: &str) -> Option<String> {
    let id: String = id
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
        .collect();
    (!id.is_empty()).then_some(id)
}

/// Shifts a heading one level down (h6 stays h6).
fn shift(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// Whether a tag is inline (no word break around it in plain text).
fn is_inline(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Cuts collapsed `text` at a word boundary so that the result, with "…"
/// appended when cut, has at most `max_chars` characters.
fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let Some(budget) = max_chars.checked_sub(1) else {
        return String::new();
    };
    let end = text
        .char_indices()
        .nth(budget)
        .map_or(text.len(), |(i, _)| i);
    let head = text.get(..end).unwrap_or_default();
    let at_boundary = text.get(end..).is_some_and(|rest| rest.starts_with(' '));
    let cut = match head.rfind(' ') {
        Some(space) if !at_boundary => head.get(..space).unwrap_or_default(),
        _ => head,
    };
    let cut = cut.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'));
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOWED_TAGS: &[&str] = &[
        "p",
        "a",
        "img",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "blockquote",
        "hr",
        "br",
    ];
    const ALLOWED_ATTRS: &[&str] = &[
        "href", "title", "rel", "src", "alt", "loading", "decoding", "id", "style", "class",
        "start",
    ];

    /// All HTML pieces of `source`, concatenated.
    fn html(source: &str) -> String {
        render(source)
            .into_iter()
            .filter_map(|piece| match piece {
                Piece::Html(html) => Some(html),
                _ => None,
            })
            .collect()
    }

    fn decode(value: &str) -> String {
        value
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    /// Parses every tag of `html` and checks tag names, attribute names and
    /// URL attribute values against allow-lists.
    fn assert_safe(html: &str, source: &str) {
        let lower = html.to_ascii_lowercase();
        for bad in ["<script", "<iframe", "<svg", "<style", "<object", "<embed"] {
            assert!(!lower.contains(bad), "{bad} in {html:?} from {source:?}");
        }
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            rest = &rest[open + 1..];
            let close = rest.find('>').expect("unterminated tag");
            let tag = rest[..close].trim_end_matches('/').trim_end();
            rest = &rest[close + 1..];
            let tag = tag.strip_prefix('/').unwrap_or(tag);
            let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
            assert!(ALLOWED_TAGS.contains(&name), "tag {name:?} from {source:?}");
            loop {
                attrs = attrs.trim_start();
                if attrs.is_empty() {
                    break;
                }
                let (attr, after) = attrs.split_once("=\"").expect("quoted attribute");
                let (value, after) = after.split_once('"').expect("closing quote");
                attrs = after;
                assert!(
                    ALLOWED_ATTRS.contains(&attr),
                    "attr {attr:?} from {source:?}"
                );
                let value = decode(value);
                let lower = value.to_ascii_lowercase();
                assert!(!lower.contains("javascript:"), "{html:?} from {source:?}");
                assert!(!lower.contains("data:"), "{html:?} from {source:?}");
                match attr {
                    "href" => assert!(safe_url(&value, false), "href {value:?}"),
                    "src" => assert!(safe_url(&value, true), "src {value:?}"),
                    "id" => assert!(value.bytes().all(|b| b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || b == b'_'
                        || b == b'-')),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn xss_payloads_are_inert() {
        let payloads = [
            "<script>alert(1)</script>",
            "Hi <script>alert(1)</script> there",
            "<img src=x onerror=alert(1)>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "text <b onmouseover=\"alert(1)\">x</b>",
            "<svg/onload=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[a](javascript:alert(1))",
            "[a](JaVaScRiPt:alert(1))",
            "[a](jav&#x09;ascript:alert(1))",
            "[a](&#106;avascript:alert(1))",
            "[a](javascript&colon;alert(1))",
            "[a](<java\tscript:alert(1)>)",
            "[a]( javascript:alert(1))",
            "[a](< javascript:alert(1)>)",
            "[a](vbscript:msgbox(1))",
            "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[a](file:///etc/passwd)",
            "[a](//evil.example/x)",
            "[a](/\\evil.example/x)",
            "[a](foo:bar)",
            "[a][r]\n\n[r]: javascript:alert(1)",
            "[a]\n\n[a]: <javascript:alert(1)> \"t\"",
            "[a]\n\n[a]: /x \"\\\" onclick=\\\"y\"",
            "```x\" onmouseover=\"alert(1)\ncode\n```",
            "<javascript:alert(1)>",
            "<https://x.example/\"onmouseover=\"alert(1)>",
            "![x](javascript:alert(1))",
            "![x](https://tracker.example/p.gif)",
            "![x](data:image/svg+xml;base64,PHN2Zz4=)",
            "![x](//evil.example/a.png)",
            "[a](/x \"x\\\" onmouseover=\\\"alert(1)\")",
            "![a](/x.png \"\\\" onerror=\\\"alert(1)\")",
            "![\" onerror=\"alert(1)](/x.png)",
            "# T {#x\" onclick=\"y}",
            "## T {#x onclick=alert(1) .c style=x}",
            "[[a](javascript:alert(1))](https://ok.example)",
            "[![a](javascript:alert(1))](javascript:alert(2))",
            "[a](https://ok.example/\"><script>alert(1)</script>)",
            "| a |\n|---|\n| <script>alert(1)</script> [x](javascript:alert(1)) |",
            "- <iframe src=x>\n- [x](JAVASCRIPT:alert(1))",
            "> <img src=x onerror=alert(1)>",
            "```\n<script>alert(1)</script>\n```",
            "`<script>`",
        ];
        assert!(payloads.len() >= 15);
        for payload in payloads {
            let out = html(payload);
            assert_safe(&out, payload);
            // Also inside a document that is split by shortcodes.
            let split = format!("[product X1]\n{payload}\n[video https://youtube.com/x]\n");
            assert_safe(&html(&split), &split);
        }
    }

    #[test]
    fn raw_html_is_visible_text() {
        assert_eq!(
            html("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        );
        assert_eq!(
            html("a <img src=x onerror=alert(1)> b"),
            "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>\n"
        );
    }

    #[test]
    fn unsafe_links_keep_their_text() {
        assert_eq!(
            html("[click *me*](javascript:alert(1))"),
            "<p>click <em>me</em></p>\n"
        );
        assert_eq!(
            html("<javascript:alert(1)>"),
            "<p>javascript:alert(1)</p>\n"
        );
        assert_eq!(
            html("[a](/x \"x\\\" onmouseover=\\\"alert(1)\")"),
            "<p><a href=\"/x\" title=\"x&quot; onmouseover=&quot;alert(1)\">a</a></p>\n"
        );
    }

    #[test]
    fn safe_url_rules() {
        for ok in [
            "https://a.example",
            "HTTP://a",
            "mailto:a@b",
            "tel:+1",
            "/p",
            "#x",
            "?q=1",
        ] {
            assert!(safe_url(ok, false), "{ok}");
        }
        assert!(safe_url("  /p  ", false));
        for bad in [
            "",
            "javascript:x",
            "//evil",
            "/\\evil",
            "foo:bar",
            "page.html",
            "data:x",
            "java\tscript:x",
            "/a b",
            "https://a\u{0}b",
        ] {
            assert!(!safe_url(bad, false), "{bad:?}");
        }
        assert!(safe_url("/media/a.png", true));
        for bad in ["https://a.example/a.png", "//a/a.png", "#x", "media/a.png"] {
            assert!(!safe_url(bad, true), "{bad}");
        }
    }

    #[test]
    fn links_and_rel() {
        assert_eq!(
            html("[x](https://example.com/a?b=1&c=2 \"T\")"),
            "<p><a href=\"https://example.com/a?b=1&amp;c=2\" title=\"T\" \
             rel=\"nofollow noopener noreferrer\">x</a></p>\n"
        );
        assert_eq!(html("[y](/p)"), "<p><a href=\"/p\">y</a></p>\n");
        assert_eq!(
            html("<a@b.example>"),
            "<p><a href=\"mailto:a@b.example\">a@b.example</a></p>\n"
        );
        assert!(html("<https://x.example>").contains(
            "<a href=\"https://x.example\" rel=\"nofollow noopener noreferrer\">https://x.example</a>"
        ));
        // Reference definitions resolve across shortcode splits.
        let pieces = render("[doc][1]\n\n[product A1]\n\n[1]: /doc.pdf\n");
        assert_eq!(
            pieces,
            vec![
                Piece::Html("<p><a href=\"/doc.pdf\">doc</a></p>\n".into()),
                Piece::Product("A1".into()),
            ]
        );
    }

    #[test]
    fn images() {
        assert_eq!(
            html("![A \"cat\"](/media/cat.png \"T\")"),
            "<p><img src=\"/media/cat.png\" alt=\"A &quot;cat&quot;\" title=\"T\" \
             loading=\"lazy\" decoding=\"async\"></p>\n"
        );
        assert_eq!(
            html("![ext *alt* <b>](https://x.example/a.png)"),
            "<p>ext alt &lt;b&gt;</p>\n"
        );
    }

    #[test]
    fn shortcodes_split_the_document() {
        let pieces = render("Intro *text*\n\n[product abc123]\n- one\n- two\n\n  [VIDEO https://www.YouTube.com/watch?v=x]  \n\nMore\n");
        assert_eq!(
            pieces,
            vec![
                Piece::Html("<p>Intro <em>text</em></p>\n".into()),
                Piece::Product("ABC123".into()),
                Piece::Html("<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n".into()),
                Piece::Video {
                    url: "https://www.YouTube.com/watch?v=x".into(),
                    host: "youtube.com".into(),
                },
                Piece::Html("<p>More</p>\n".into()),
            ]
        );
        // Whitespace-only Markdown produces no piece; CRLF works.
        assert_eq!(
            render("\r\n[product  x1]\r\n\r\n[Product Y2]\r\n"),
            vec![Piece::Product("X1".into()), Piece::Product("Y2".into())]
        );
        // A shortcode line interrupts a paragraph.
        assert_eq!(render("a\n[product Z]\nb").len(), 3);
    }

    #[test]
    fn product_codes_dedup_and_upper_case() {
        let src = "[product ab1]\ntext\n[PRODUCT AB1]\n[product   cd2]\n```\n[product ef3]\n```\n[product Ab1]\n";
        assert_eq!(product_codes(src), vec!["AB1", "CD2"]);
        assert!(product_codes("no codes here").is_empty());
    }

    #[test]
    fn shortcodes_in_fenced_code_stay_code() {
        let src = "```\n[product ABC]\n```\n";
        assert_eq!(
            render(src),
            vec![Piece::Html(
                "<pre><code>[product ABC]\n</code></pre>\n".into()
            )]
        );
        // A tilde fence is not closed by backticks; a longer fence needs a long close.
        let src = "~~~ text\n[product A]\n```\n[video https://a.example]\n~~~\n[product B]\n````\n[product C]\n```\n````\n";
        assert_eq!(product_codes(src), vec!["B"]);
        let pieces = render(src);
        assert_eq!(pieces.len(), 3);
        assert!(matches!(&pieces[0], Piece::Html(h) if h.contains("[product A]")));
        assert!(matches!(&pieces[2], Piece::Html(h) if h.contains("[product C]")));
        // Unclosed fence: everything after it is code.
        assert!(product_codes("  ~~~\n[product A]\n").is_empty());
    }

    #[test]
    fn malformed_shortcodes_stay_text() {
        for line in [
            "[product]",
            "[product ]",
            "[product ABC-1]",
            "[product ABCDEFGHIJKLMNOPQRSTU]",
            "[productABC]",
            "[product AB CD]",
            "[products AB]",
            "text [product ABC]",
            "[product ABC] text",
            "[video ftp://x.example]",
            "[video https://]",
            "[video https://x.example/a b]",
            "[video https://x.example/\"x]",
            "[video https://x.example/<x>]",
            "[video https://:80/]",
            "[video https://x.example:abc/]",
            "[video x.example]",
            "> [product ABC]",
        ] {
            let pieces = render(line);
            assert_eq!(pieces.len(), 1, "{line}");
            assert!(matches!(&pieces[0], Piece::Html(_)), "{line}");
        }
        assert_eq!(
            render("[product ABC-1]"),
            vec![Piece::Html("<p>[product ABC-1]</p>\n".into())]
        );
        assert_eq!(
            render("[product ABCDEFGHIJKLMNOPQRST]"),
            vec![Piece::Product("ABCDEFGHIJKLMNOPQRST".into())]
        );
    }

    #[test]
    fn video_hosts() {
        let video = |line: &str| match render(line).as_slice() {
            [Piece::Video { url, host }] => (url.clone(), host.clone()),
            other => panic!("{line}: {other:?}"),
        };
        assert_eq!(
            video("[video https://www.youtube.com/watch?v=x]"),
            (
                "https://www.youtube.com/watch?v=x".to_string(),
                "youtube.com".to_string()
            )
        );
        assert_eq!(video("[video HTTP://Vimeo.COM:8080/1]").1, "vimeo.com");
        assert_eq!(video("[video https://youtu.be]").1, "youtu.be");
        assert_eq!(
            video("[video https://www.youtube.com@evil.example/]").1,
            "evil.example"
        );
        assert_eq!(
            video("[video https://evil.example\\@youtube.com/]").1,
            "evil.example"
        );
    }

    #[test]
    fn headings_shift_and_ids() {
        assert_eq!(
            html("# A\n\n## B\n\n##### E\n\n###### F"),
            "<h2>A</h2>\n<h3>B</h3>\n<h6>E</h6>\n<h6>F</h6>\n"
        );
        assert_eq!(
            html("## Title {#My_Id-2 .cls data-x=1}"),
            "<h3 id=\"my_id-2\">Title</h3>\n"
        );
        assert_eq!(html("# T {#!!! .cls}"), "<h2>T</h2>\n");
        assert_eq!(html("# T {#x\" onclick=\"y}"), "<h2 id=\"x\">T</h2>\n");
    }

    #[test]
    fn tables_and_strikethrough() {
        let out = html("| a | b |\n|---|:-:|\n| 1 | ~~2~~ |\n");
        assert!(out.contains("<table>"), "{out}");
        assert!(out.contains("<th>a</th>"), "{out}");
        assert!(
            out.contains("<td class=\"align-center\"><del>2</del></td>"),
            "{out}"
        );
    }

    #[test]
    fn plain_text_strips_markup_and_cuts() {
        let src = "# Title\n\nSome **bold**,  _it_ and [link](/x).\n\n[product A1]\n\n- one\n- two\n  - three\n\n`code` <b>x</b>\n\n![alt](/a.png)";
        assert_eq!(
            plain_text(src, 1000),
            "Title Some bold, it and link. one two three code x alt"
        );
        assert_eq!(
            plain_text("Hello wonderful world", 100),
            "Hello wonderful world"
        );
        assert_eq!(
            plain_text("Hello wonderful world", 21),
            "Hello wonderful world"
        );
        assert_eq!(plain_text("Hello wonderful world", 12), "Hello…");
        assert_eq!(plain_text("Hello wonderful world", 16), "Hello wonderful…");
        assert_eq!(plain_text("Hello, wonderful world", 12), "Hello…");
        assert_eq!(plain_text("Supercalifragilistic", 6), "Super…");
        assert_eq!(plain_text("Grüße aus Köln", 10), "Grüße aus…");
        assert_eq!(plain_text("abc def", 1), "…");
        assert_eq!(plain_text("abc def", 0), "");
        assert_eq!(plain_text("[video https://a.example]\n", 10), "");
        assert_eq!(plain_text("[doc][1]\n[product A1]\n[1]: /d.pdf", 20), "doc");
    }

    #[test]
    fn one_megabyte_renders() {
        let chunk = "# Heading {#h}\n\nSome *text* with [a link](https://x.example) and <b>html</b>.\n\n\
                     [product AB12]\n- item\n- [x](javascript:y)\n\n```\n[product NO]\n```\n\
                     | a | b |\n|---|---|\n| 1 | 2 |\n\n![i](/i.png)\n[video https://www.youtube.com/x]\n";
        let big = chunk.repeat(1024 * 1024 / chunk.len() + 1);
        assert!(big.len() >= 1024 * 1024);
        let pieces = render(&big);
        assert!(pieces.len() > 1000);
        assert_eq!(product_codes(&big), vec!["AB12"]);
        assert!(plain_text(&big, 160).chars().count() <= 160);
        for nasty in [
            "[",
            "*a",
            "<",
            "![",
            "`",
            "> ",
            "- ",
            "[a]\n[product X]\n",
            "~~~\n",
        ] {
            let big = nasty.repeat(1024 * 1024 / nasty.len());
            let _ = render(&big);
            let _ = plain_text(&big, 50);
        }
    }
}
