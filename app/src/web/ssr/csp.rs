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

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use sha2::{Digest, Sha256};

/// The response header that carries the render's nonce from the shell to the
/// middleware, which removes it before the response leaves the server.
pub const NONCE_HEADER: &str = "x-render-nonce";

/// Tells the middleware this render's nonce (called by the shell).
pub fn announce_nonce() {
    let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&nonce) {
        res.insert_header(http::HeaderName::from_static(NONCE_HEADER), value);
    }
}

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

/// The policy for a page whose inline scripts with `nonce` are allowed (`None`: no inline
/// script is).
pub fn policy(html: &str, nonce: Option<&str>) -> String {
    let mut scripts = String::new();
    if let Some(nonce) = nonce.filter(|n| !n.is_empty()) {
        for script in own_inline_scripts(html, nonce) {
            scripts.push_str(" 'sha256-");
            scripts.push_str(&STANDARD.encode(Sha256::digest(script.as_bytes())));
            scripts.push('\'');
        }
    }
    format!("{}{scripts}{}", script_src!(), the_rest!())
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

    #[test]
    fn lists_the_hash_of_each_script_carrying_the_nonce_and_no_other() {
        let html = concat!(
            "<script nonce=\"n1\">a()</script>",
            "<script type=\"module\" nonce=\"n1\">b()</script>",
            "<script nonce=\"n1\">a()</script>",
            "<script>injected()</script>",
            "<script nonce=\"guess\">injected()</script>",
            "<script src=\"/pkg/x.js\" nonce=\"n1\"></script>",
        );
        let p = policy(html, Some("n1"));
        let hash = |s: &str| format!("'sha256-{}'", STANDARD.encode(Sha256::digest(s.as_bytes())));
        assert!(p.contains(&hash("a()")), "{p}");
        assert!(p.contains(&hash("b()")), "{p}");
        assert!(!p.contains(&hash("injected()")), "{p}");
        assert_eq!(p.matches("'sha256-").count(), 2, "{p}");
    }

    #[test]
    fn without_a_nonce_no_inline_script_is_allowed() {
        let p = policy("<script nonce=\"n1\">a()</script>", None);
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
