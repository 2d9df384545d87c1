//! The Content-Security-Policy of every page.
//!
//! Scripts run only from the shop's own files or when they are one of the page's own
//! inline scripts, allowed by hash: the renderer stamps each script it writes (the
//! island loader, its resource tables, the shell's idle deadline) with this render's
//! nonce, and the policy lists the SHA-256 of exactly those scripts. Hashes, not the
//! nonce, go into the policy because the page cache serves one rendering to many
//! visitors: a nonce would then be shared, a hash stays true for every copy. The nonce
//! only tells, at render time, which inline scripts are the renderer's own: one that
//! came from data (a product name, a search query) is escaped text, and could not know
//! the nonce of a render that had not happened yet when it was stored.
//!
//! The nonce is read from the page itself: the first element of every page's head is
//! the shell's idle-deadline script (`crate::IDLE_DEADLINE_JS`), stamped with the
//! render's nonce, and nothing a visitor wrote can come before it. (It used to travel
//! from the shell to the middleware in a response header; once in a CI run a page
//! arrived without it and the browser refused all its scripts, so the page now carries
//! everything its policy needs.)

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

// 'wasm-unsafe-eval': the browser may compile the shop's own WebAssembly (it allows no
// `eval` of JavaScript). A page's script hashes go between the two halves.
macro_rules! script_src {
    () => {
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
    };
}
macro_rules! the_rest {
    () => {
        "; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    };
}

/// The policy of an answer that is not a page (no inline script is allowed).
pub const BASE_POLICY: &str = concat!(script_src!(), the_rest!());

/// The policy for a page: its inline scripts carrying the render's nonce are allowed (a
/// page that does not start with the shell's script allows no inline script).
pub fn policy(html: &str) -> String {
    let mut scripts = String::new();
    if let Some(nonce) = render_nonce(html) {
        for script in own_inline_scripts(html, nonce) {
            scripts.push_str(" 'sha256-");
            scripts.push_str(&STANDARD.encode(Sha256::digest(script.as_bytes())));
            scripts.push('\'');
        }
    }
    format!("{}{scripts}{}", script_src!(), the_rest!())
}

/// The nonce of the render: the one on the page's first script, which must be the
/// shell's idle deadline.
fn render_nonce(html: &str) -> Option<&str> {
    let start = html.find("<script")? + "<script".len();
    let rest = &html[start..];
    let tag_end = rest.find('>')?;
    let (attributes, rest) = (&rest[..tag_end], &rest[tag_end + 1..]);
    if !rest.starts_with(crate::IDLE_DEADLINE_JS)
        || !rest[crate::IDLE_DEADLINE_JS.len()..].starts_with("</script>")
    {
        return None;
    }
    let value = attributes.split(" nonce=\"").nth(1)?;
    let nonce = &value[..value.find('"')?];
    (!nonce.is_empty()).then_some(nonce)
}

/// The contents of the inline `<script>` elements whose start tag carries
/// `nonce="{nonce}"`, in document order, each once.
fn own_inline_scripts<'a>(html: &'a str, nonce: &str) -> Vec<&'a str> {
    let marker = format!(" nonce=\"{nonce}\"");
    let mut found: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start + "<script".len()..];
        let Some(tag_end) = rest.find('>') else { break };
        let attributes = &rest[..tag_end];
        rest = &rest[tag_end + 1..];
        let Some(close) = rest.find("</script>") else {
            break;
        };
        let content = &rest[..close];
        rest = &rest[close + "</script>".len()..];
        if attributes.contains(&marker)
            && !attributes.contains(" src=")
            && !content.is_empty()
            && !found.contains(&content)
        {
            found.push(content);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(nonce: &str) -> String {
        format!(
            "<script nonce=\"{nonce}\">{}</script>",
            crate::IDLE_DEADLINE_JS
        )
    }

    fn hash(s: &str) -> String {
        format!("'sha256-{}'", STANDARD.encode(Sha256::digest(s.as_bytes())))
    }

    #[test]
    fn lists_the_hash_of_each_script_carrying_the_nonce_and_no_other() {
        let html = shell("n1")
            + concat!(
                "<script nonce=\"n1\">a()</script>",
                "<script type=\"module\" nonce=\"n1\">b()</script>",
                "<script nonce=\"n1\">a()</script>",
                "<script>injected()</script>",
                "<script nonce=\"guess\">injected()</script>",
                "<script src=\"/pkg/x.js\" nonce=\"n1\"></script>",
            );
        let p = policy(&html);
        assert!(p.contains(&hash(crate::IDLE_DEADLINE_JS)), "{p}");
        assert!(p.contains(&hash("a()")), "{p}");
        assert!(p.contains(&hash("b()")), "{p}");
        assert!(!p.contains(&hash("injected()")), "{p}");
        assert_eq!(p.matches("'sha256-").count(), 3, "{p}");
    }

    #[test]
    fn the_nonce_is_only_taken_from_the_shells_own_first_script() {
        // No shell script first: whatever nonce a later script claims, none is allowed.
        for html in [
            "<script nonce=\"n1\">a()</script>".to_string(),
            format!("<p>x</p><script nonce=\"n1\">a()</script>{}", shell("n1")),
            format!("<script nonce=\"n1\">{}x</script>", crate::IDLE_DEADLINE_JS),
            format!(
                "<script>{}</script><script nonce=\"n1\">a()</script>",
                crate::IDLE_DEADLINE_JS
            ),
            shell("") + "<script nonce=\"\">a()</script>",
        ] {
            let p = policy(&html);
            assert_eq!(p, BASE_POLICY, "{html}");
        }
        assert_ne!(policy(&shell("n1")), BASE_POLICY);
    }

    #[test]
    fn a_page_without_scripts_allows_none() {
        let p = policy("<p>no scripts</p>");
        assert_eq!(p, BASE_POLICY);
        assert!(!p.contains("sha256"), "{p}");
        for part in [
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(p.contains(part), "{part} missing from {p}");
        }
    }

    #[test]
    fn an_unclosed_script_ends_the_scan() {
        assert!(own_inline_scripts("<script nonce=\"n\">a()", "n").is_empty());
        assert!(own_inline_scripts("<script nonce=\"n\"", "n").is_empty());
    }
}
