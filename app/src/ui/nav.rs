//! In-place navigation within one page: the island behind "filters update without a full
//! reload".
//!
//! The pages are server-rendered HTML and every control on them is a plain link or GET
//! form, so they all work without JavaScript. Hydrated, this island takes over the links
//! and GET forms that stay on the same path and only change the query (facets, sort,
//! price range, pager, product variants, a new search from the search page): it fetches
//! the server's page for the new URL (a page-cache hit, usually), swaps the contents of
//! `<main>` and the `<title>`, and pushes the URL to history. Back and forward do the
//! same. Links to other paths stay ordinary navigations, which keeps the WASM small (no
//! client-side router or page components in it: that is what islands buy) and every page
//! exactly what the server renders.
//!
//! Accessibility: the new result count (or page title) is announced in a polite live
//! region; focus moves to `<main>` when the focused control was replaced; the pager also
//! scrolls back to the top of the results.
//!
//! Inputs marked `data-current-url` (the language form's "back" field) are kept pointing
//! at the URL shown.
//!
//! Where the page shown names the request that brings its personal parts (`data-parts`:
//! the home page's "For you" and "Recently viewed", which the shared cached copy shows
//! as for a new guest), it fetches them and puts each in place of the page's
//! `[data-part]` element of the same name, before the impressions are sent; only in a
//! browser with a session or a history here (the `member` and `hist` hint cookies), as
//! any other is a new guest already shown the right parts.
//!
//! It also records product views for "recently viewed": when the page shown holds
//! `[data-viewed-product]`, it POSTs that id to `/api/recent/seen` once (see `recent`).
//!
//! And it sends the shopper events a page cannot record without writing on a GET (see
//! `data::events`), each one small keepalive POST to `/api/recs/track`: a product view
//! with its dwell time when the shopper leaves the product (another page, another
//! product, the tab closed or hidden); a search with its result count; the impressions of
//! every placement shown (`[data-track-slot]`: the products it showed); and clicks on a
//! placement's or search result's product, with the position. Without JavaScript none of
//! this is sent.

use leptos::prelude::*;

/// The id of the live region that announces in-place updates.
pub const STATUS_ID: &str = "nav-status";

#[island]
pub fn ClientNav() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| client::install());
    view! { <p id=STATUS_ID class="visually-hidden" role="status" aria-live="polite"></p> }
}

#[cfg(feature = "hydrate")]
mod client {
    use std::cell::{Cell, RefCell};

    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        Document, DomParser, Element, Event, FocusOptions, FormData, HtmlAnchorElement,
        HtmlElement, HtmlFormElement, HtmlInputElement, MouseEvent, RequestInit, Response,
        SupportedType, Url, UrlSearchParams, Window,
    };

    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        /// A `RequestInit` with the `keepalive` member web-sys lacks (the request outlives
        /// the page).
        #[wasm_bindgen(extends = RequestInit, js_name = Object)]
        type KeepaliveInit;
        #[wasm_bindgen(method, setter = keepalive)]
        fn set_keepalive(this: &KeepaliveInit, value: bool);
    }

    thread_local! {
        /// Bumped by every navigation; an answer that arrives after a newer click is dropped.
        static TICKET: Cell<u64> = const { Cell::new(0) };
        /// Path and query of what `<main>` shows, to tell a hash change from a real one.
        static SHOWN: RefCell<String> = const { RefCell::new(String::new()) };
        /// The product whose view was recorded last (a variant change is not a new view).
        static RECORDED: RefCell<String> = const { RefCell::new(String::new()) };
        /// The product being viewed and since when (`performance.now()`), until it is left.
        static VIEWING: RefCell<Option<(String, f64)>> = const { RefCell::new(None) };
    }

    /// Listens for clicks, submits and history moves on the whole document, once.
    pub fn install() {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(document) = window.document() else {
            return;
        };
        SHOWN.with(|s| *s.borrow_mut() = path_and_query(&window));

        let on_click = Closure::<dyn Fn(MouseEvent)>::new(on_click);
        let on_submit = Closure::<dyn Fn(Event)>::new(on_submit);
        let on_popstate = Closure::<dyn Fn(Event)>::new(on_popstate);
        let on_pagehide = Closure::<dyn Fn(Event)>::new(|_: Event| {
            if let Some(window) = web_sys::window() {
                view_ended(&window);
            }
        });
        let _ = window
            .add_event_listener_with_callback("pagehide", on_pagehide.as_ref().unchecked_ref());
        on_pagehide.forget();
        let _ =
            document.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
        let _ =
            document.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        let _ = window
            .add_event_listener_with_callback("popstate", on_popstate.as_ref().unchecked_ref());
        // The listeners live as long as the page.
        on_click.forget();
        on_submit.forget();
        on_popstate.forget();

        // Tells end-to-end tests (and curious people) that the WASM is in charge now.
        if let Some(body) = document.body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
        page_shown(&window, &document);
    }

    /// What follows a page shown (the first, or one swapped in): its product view
    /// recorded, its personal parts filled in where it names the request that brings them
    /// (`data-parts`), then its events tracked (so the impressions are of what the shopper
    /// sees).
    fn page_shown(window: &Window, document: &Document) {
        record_view(window, document);
        let from = document
            .query_selector("#main [data-parts]")
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute("data-parts"))
            .filter(|from| from.starts_with("/api/"));
        let Some(from) = from.filter(|_| has_personal_hint(document)) else {
            track_page(window, document);
            return;
        };
        let (window, document) = (window.clone(), document.clone());
        leptos::task::spawn_local(async move {
            fill_parts(&window, &document, &from).await;
            track_page(&window, &document);
        });
    }

    /// Whether this browser may have personal parts: a session (the member hint) or a
    /// history here (the history hint, set with the guest id). Without either, the
    /// shared page already shows what the parts request would bring, so it is not made.
    fn has_personal_hint(document: &Document) -> bool {
        let Some(cookies) = document
            .dyn_ref::<web_sys::HtmlDocument>()
            .and_then(|d| d.cookie().ok())
        else {
            return true;
        };
        [
            crate::web::MEMBER_HINT_COOKIE,
            crate::web::HISTORY_HINT_COOKIE,
        ]
        .iter()
        .any(|name| crate::i18n::cookie_value(&cookies, name).is_some_and(|v| !v.is_empty()))
    }

    /// Asks `from` for the page's personal parts (its answer: their HTML, each in a
    /// `[data-part]` element) and puts each in place of the page's element of that name.
    /// On any failure the page keeps what it shows (the shared parts).
    async fn fill_parts(window: &Window, document: &Document, from: &str) {
        let Some(html) = fetch_json_string(window, from).await else {
            return;
        };
        let Some(parts) = DomParser::new()
            .ok()
            .and_then(|p| p.parse_from_string(&html, SupportedType::TextHtml).ok())
        else {
            return;
        };
        let Ok(found) = parts.query_selector_all("[data-part]") else {
            return;
        };
        for i in 0..found.length() {
            let Some(part) = found.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let name = part.get_attribute("data-part").unwrap_or_default();
            let selector = format!("#main [data-part=\"{}\"]", name.replace(['"', '\\'], ""));
            if let Ok(Some(shown)) = document.query_selector(&selector) {
                shown.set_inner_html(&part.inner_html());
            }
        }
    }

    /// The string a server function at `href` answers with (JSON-encoded).
    async fn fetch_json_string(window: &Window, href: &str) -> Option<String> {
        let response: Response = JsFuture::from(window.fetch_with_str(href))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
        if !response.ok() {
            return None;
        }
        JsFuture::from(response.json().ok()?)
            .await
            .ok()?
            .as_string()
    }

    /// Sends one event to `/api/recs/track` (`keepalive`: it outlives the page).
    fn beacon(window: &Window, fields: &[(&str, &str)]) {
        let Ok(body) = UrlSearchParams::new() else {
            return;
        };
        for (k, v) in fields {
            body.append(k, v);
        }
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&body);
        init.unchecked_ref::<KeepaliveInit>().set_keepalive(true);
        let sent = window.fetch_with_str_and_init("/api/recs/track", &init);
        leptos::task::spawn_local(async move {
            let _ = JsFuture::from(sent).await;
        });
    }

    fn now(window: &Window) -> f64 {
        window.performance().map(|p| p.now()).unwrap_or_default()
    }

    /// The product of a card link (`/p/{id}/{slug}`).
    fn product_of(href: &str) -> Option<String> {
        let path = Url::new(href).ok()?.pathname();
        let mut parts = path.split('/').skip(1);
        (parts.next()? == "p").then(|| parts.next().map(str::to_string))?
    }

    /// Ends the current product view, sending it with its dwell time.
    fn view_ended(window: &Window) {
        if let Some((product, since)) = VIEWING.with(|v| v.borrow_mut().take()) {
            let dwell = ((now(window) - since).max(0.0) as u64).to_string();
            beacon(
                window,
                &[("kind", "view"), ("product", &product), ("dwell", &dwell)],
            );
        }
    }

    /// What the page now shown holds: a product view starts, a search is sent, and the
    /// placements' impressions.
    fn track_page(window: &Window, document: &Document) {
        let product = document
            .query_selector("#main [data-viewed-product]")
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute("data-viewed-product"));
        let same = VIEWING.with(|v| v.borrow().as_ref().map(|(p, _)| p.clone()) == product);
        if !same {
            view_ended(window);
            if let Some(p) = product {
                VIEWING.with(|v| *v.borrow_mut() = Some((p, now(window))));
            }
        }
        if window.location().pathname().ok().as_deref() == Some("/search") {
            let query = window
                .location()
                .search()
                .ok()
                .and_then(|s| UrlSearchParams::new_with_str(&s).ok())
                .and_then(|p| p.get("q"))
                .unwrap_or_default();
            let results = document
                .query_selector("#main [data-results]")
                .ok()
                .flatten()
                .and_then(|e| e.get_attribute("data-results"))
                .unwrap_or_else(|| "0".into());
            if !query.trim().is_empty() {
                beacon(
                    window,
                    &[("kind", "search"), ("query", &query), ("results", &results)],
                );
            }
        }
        let Ok(slots) = document.query_selector_all("#main [data-track-slot]") else {
            return;
        };
        for i in 0..slots.length() {
            let Some(slot) = slots.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let name = slot.get_attribute("data-track-slot").unwrap_or_default();
            let mut items = Vec::new();
            if let Ok(links) = slot.query_selector_all("a.card-link") {
                for j in 0..links.length() {
                    if let Some(a) = links
                        .item(j)
                        .and_then(|n| n.dyn_into::<HtmlAnchorElement>().ok())
                    {
                        items.extend(product_of(&a.href()));
                    }
                }
            }
            if !items.is_empty() {
                beacon(
                    window,
                    &[
                        ("kind", "impression"),
                        ("slot", &name),
                        ("items", &items.join(",")),
                    ],
                );
            }
        }
    }

    /// A click on a placement's or a search result's product: which, where, from what.
    fn track_click(window: &Window, anchor: &HtmlAnchorElement) {
        if !anchor.class_list().contains("card-link") {
            return;
        }
        let Some(product) = product_of(&anchor.href()) else {
            return;
        };
        let search = window.location().pathname().ok().as_deref() == Some("/search");
        let slot = match anchor.closest("[data-track-slot]").ok().flatten() {
            Some(s) => s.get_attribute("data-track-slot").unwrap_or_default(),
            None if search && anchor.closest(".listing-main").ok().flatten().is_some() => {
                "search".into()
            }
            None => return,
        };
        let position = anchor
            .closest("ul.product-grid")
            .ok()
            .flatten()
            .and_then(|grid| grid.query_selector_all("a.card-link").ok())
            .and_then(|links| {
                (0..links.length()).find(|i| {
                    links
                        .item(*i)
                        .and_then(|n| n.dyn_into::<HtmlAnchorElement>().ok())
                        .is_some_and(|a| a == *anchor)
                })
            })
            .unwrap_or(0)
            .to_string();
        let query = if search {
            window
                .location()
                .search()
                .ok()
                .and_then(|s| UrlSearchParams::new_with_str(&s).ok())
                .and_then(|p| p.get("q"))
                .unwrap_or_default()
        } else {
            String::new()
        };
        beacon(
            window,
            &[
                ("kind", "click"),
                ("slot", &slot),
                ("product", &product),
                ("position", &position),
                ("query", &query),
            ],
        );
    }

    /// Tells the server the shopper looked at the product shown, if any (`keepalive`, so
    /// it arrives even when they leave at once).
    fn record_view(window: &Window, document: &Document) {
        let Some(product) = document
            .query_selector("#main [data-viewed-product]")
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute("data-viewed-product"))
        else {
            return;
        };
        if RECORDED.with(|r| r.replace(product.clone()) == product) {
            return;
        }
        let Ok(body) = UrlSearchParams::new() else {
            return;
        };
        body.append("product", &product);
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&body);
        init.unchecked_ref::<KeepaliveInit>().set_keepalive(true);
        let sent = window.fetch_with_str_and_init("/api/recent/seen", &init);
        // A lost view is not worth an error on the console.
        leptos::task::spawn_local(async move {
            let _ = JsFuture::from(sent).await;
        });
    }

    fn on_click(ev: MouseEvent) {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.ctrl_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        let Some(anchor) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .and_then(|e| e.dyn_into::<HtmlAnchorElement>().ok())
        else {
            return;
        };
        if let Some(window) = web_sys::window() {
            track_click(&window, &anchor);
        }
        if anchor.has_attribute("target") || anchor.has_attribute("download") {
            return;
        }
        let href = anchor.href();
        if !stays_on_page(&href) {
            return;
        }
        ev.prevent_default();
        let to_top = anchor.closest(".pager").ok().flatten().is_some();
        leptos::task::spawn_local(go(href, true, to_top));
    }

    fn on_submit(ev: Event) {
        if ev.default_prevented() {
            return;
        }
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        if !form.method().eq_ignore_ascii_case("get") || form.has_attribute("target") {
            return;
        }
        let action = form.action();
        if !stays_on_page(&action) {
            return;
        }
        let (Ok(data), Ok(url)) = (FormData::new_with_form(&form), Url::new(&action)) else {
            return;
        };
        let Ok(query) = UrlSearchParams::new_with_str_sequence_sequence(&data) else {
            return;
        };
        url.set_search(&String::from(query.to_string()));
        url.set_hash("");
        ev.prevent_default();
        leptos::task::spawn_local(go(url.href(), true, false));
    }

    fn on_popstate(_: Event) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let now = path_and_query(&window);
        if SHOWN.with(|s| *s.borrow() == now) {
            return; // only the #fragment changed
        }
        let href = window.location().href().unwrap_or_default();
        if stays_on_page(&href) {
            leptos::task::spawn_local(go(href, false, false));
        } else {
            let _ = window.location().reload();
        }
    }

    /// Same origin, same path as the page shown, and not a jump to a `#fragment` of it.
    fn stays_on_page(href: &str) -> bool {
        let (Some(window), Ok(url)) = (web_sys::window(), Url::new(href)) else {
            return false;
        };
        let location = window.location();
        let shown_path =
            SHOWN.with(|s| s.borrow().split('?').next().unwrap_or_default().to_string());
        location.origin().is_ok_and(|o| o == url.origin())
            && url.pathname() == shown_path
            && url.hash().is_empty()
    }

    fn path_and_query(window: &Window) -> String {
        let location = window.location();
        format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        )
    }

    /// Fetches the page at `href` and shows its `<main>`; falls back to a normal navigation
    /// when that is not possible (network error, a redirect elsewhere, no `<main>`).
    async fn go(href: String, push: bool, to_top: bool) {
        let ticket = TICKET.with(|t| {
            t.set(t.get() + 1);
            t.get()
        });
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(document) = window.document() else {
            return;
        };
        let main = document.get_element_by_id("main");
        if let Some(main) = &main {
            let _ = main.set_attribute("aria-busy", "true");
        }
        let fetched = fetch_html(&window, &href).await;
        if TICKET.with(|t| t.get()) != ticket {
            return; // a newer navigation has started
        }
        let shown = match (main, fetched) {
            (Some(main), Some((final_url, html))) if stays_on_page(&final_url) => {
                show(&window, &document, &main, &final_url, &html, push, to_top)
            }
            _ => false,
        };
        if !shown {
            let _ = window.location().assign(&href);
        }
    }

    /// A selector that finds the same control in the new page: by id, or a facet link by
    /// its facet and value, or a variant by its SKU.
    fn selector_for(el: &Element) -> Option<String> {
        let attr = |name: &str| el.get_attribute(name).map(|v| v.replace(['"', '\\'], ""));
        if !el.id().is_empty() {
            return Some(format!("[id=\"{}\"]", el.id().replace(['"', '\\'], "")));
        }
        if let (Some(facet), Some(value)) = (attr("data-facet"), attr("data-value")) {
            return Some(format!("a[data-facet=\"{facet}\"][data-value=\"{value}\"]"));
        }
        attr("data-sku").map(|sku| format!("a[data-sku=\"{sku}\"]"))
    }

    async fn fetch_html(window: &Window, href: &str) -> Option<(String, String)> {
        let response: Response = JsFuture::from(window.fetch_with_str(href))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
        let url = response.url();
        let text = JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        Some((url, text))
    }

    fn show(
        window: &Window,
        document: &Document,
        main: &Element,
        url: &str,
        html: &str,
        push: bool,
        to_top: bool,
    ) -> bool {
        let Some(page) = DomParser::new()
            .ok()
            .and_then(|p| p.parse_from_string(html, SupportedType::TextHtml).ok())
        else {
            return false;
        };
        let Some(new_main) = page.get_element_by_id("main") else {
            return false;
        };
        let refocus = document.active_element().as_ref().and_then(selector_for);
        main.set_inner_html(&new_main.inner_html());
        let _ = main.remove_attribute("aria-busy");
        document.set_title(&page.title());
        if push {
            if let Ok(history) = window.history() {
                let _ = history.push_state_with_url(&JsValue::NULL, "", Some(url));
            }
        }
        let now = path_and_query(window);
        SHOWN.with(|s| *s.borrow_mut() = now.clone());

        // Keep "come back here" fields (the language form) pointing at this URL.
        if let Ok(fields) = document.query_selector_all("input[data-current-url]") {
            for i in 0..fields.length() {
                if let Some(input) = fields
                    .item(i)
                    .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
                {
                    input.set_value(&now);
                }
            }
        }
        // Say what changed, and put focus somewhere sensible if its control was replaced.
        let count = main
            .query_selector("[data-test=result-count]")
            .ok()
            .flatten()
            .and_then(|e| e.text_content());
        if let Some(status) = document.get_element_by_id(super::STATUS_ID) {
            status.set_text_content(Some(&count.unwrap_or_else(|| page.title())));
        }
        page_shown(window, document);
        let again = refocus
            .and_then(|selector| main.query_selector(&selector).ok().flatten())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
        let focus_lost = document
            .active_element()
            .is_none_or(|e| !e.is_connected() || e.tag_name().eq_ignore_ascii_case("body"));
        if let Some(main) = main.dyn_ref::<HtmlElement>() {
            match again {
                Some(control) if !to_top => {
                    let _ = control.focus();
                }
                _ if focus_lost || to_top => {
                    let options = FocusOptions::new();
                    options.set_prevent_scroll(true);
                    let _ = main.focus_with_options(&options);
                }
                _ => {}
            }
            if to_top {
                main.scroll_into_view();
            }
        }
        true
    }
}
