//! The frame around every page: the header (brand, categories, search, the
//! capabilities' links, account, language) and the footer. Like `lib.rs`, it composes
//! capabilities (the catalogue's categories and search suggestions, the account link),
//! so `ui` itself needs none.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::catalog::api::nav_categories;
use crate::catalog::search::api::suggest;
use crate::catalog::Suggestion;
use crate::i18n::{self, t, Locale, Msg};
use crate::web::api::who_am_i;

/// The shell's own declarations: the member's parts (`/api/me`) are about one person;
/// the script cookie and the member hint change no page.
pub const PERSONAL: crate::web::Personal = crate::web::Personal {
    paths: &["/api/me"],
    shared_cookies: &[
        crate::web::JS_COOKIE,
        crate::web::MEMBER_HINT_COOKIE,
        crate::web::HISTORY_HINT_COOKIE,
    ],
    ..crate::web::Personal::NONE
};

/// Pages a signed-in member whose browser runs scripts is served from the guests' shared
/// copy, their parts filled in by [`MEMBER_FILL_JS`]: the home page and the catalogue's
/// product, category and search pages, whose only personal parts are the header's
/// account and wishlist links, the save buttons and "Buy now", and (the home page's)
/// the parts the page fetches itself (see [`script_parts_path`]).
pub fn member_shared_path(path: &str) -> bool {
    script_parts_path(path)
        || path == "/search"
        || path.starts_with("/p/")
        || path.starts_with("/c/")
}

/// Pages a signed-in member whose browser runs no scripts is served from the guests'
/// shared copy with their parts put in by the server ([`stitch_member_parts`]): the
/// [`member_shared_path`]s but the home page (whose "For you" and "Recently viewed" are
/// theirs, so it is rendered for them).
pub fn member_stitched_path(path: &str) -> bool {
    member_shared_path(path) && !script_parts_path(path)
}

/// Pages whose personal parts (the home page's "For you" and "Recently viewed") a browser
/// that runs scripts fetches after the shared copy, with one small request named in the
/// page (`data-parts`, filled by `ui::nav`): such a browser is served the shared copy
/// even when it carries the optional cookies those parts read (`gid`, `rv`).
pub fn script_parts_path(path: &str) -> bool {
    path == "/"
}

/// A member's parts of a shared page.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemberInfo {
    /// The account link's text ("My account").
    pub account: String,
    /// The products on their wishlist, and the save button's text for those.
    pub saved: Vec<String>,
    pub remove: String,
    pub wishlist: String,
    /// The "Buy now" button's text.
    pub buy_now: String,
}

/// The signed-in member's parts of a shared page (`None`: not signed in).
#[server(prefix = "/api", endpoint = "me/parts", input = leptos::server_fn::codec::GetUrl)]
pub async fn member_parts() -> Result<Option<MemberInfo>, crate::error::AppError> {
    if who_am_i().await?.is_none() {
        return Ok(None);
    }
    let mut saved: Vec<String> = crate::wishlist::api::saved_products()
        .await?
        .0
        .into_iter()
        .collect();
    saved.sort();
    Ok(Some(MemberInfo {
        account: t(Msg::AccountTitle).into(),
        saved,
        remove: t(Msg::RemoveFromWishlist).into(),
        wishlist: t(Msg::Wishlist).into(),
        buy_now: t(Msg::BuyNow).into(),
    }))
}

/// Sets the script cookie; where the member hint is present, fills the member's parts
/// into the shared page (again after the in-place navigation swaps `<main>`): the account
/// link, the wishlist count, the save buttons of saved products, and "Buy now" in the
/// product page's form. The parts are fetched once and kept in the tab
/// (`sessionStorage`, keyed by the hint's per-session tag and the page's language) for
/// five minutes (a change made on another device shows by then); any POST form sent from
/// the tab (a save, a sign-in or sign-out, an order) drops them, so the next page asks
/// again. Browsing from page to page thus costs the shared cached page alone (Magento
/// keeps its "customer data" sections in the browser the same way). A stale hint (the
/// session ended) is cleared.
pub const MEMBER_FILL_JS: &str = r#"(()=>{const c=document.cookie;if(!/(?:^|;\s*)js=1(?:;|$)/.test(c))document.cookie='js=1; Path=/; Max-Age=31536000; SameSite=Lax';const m=/(?:^|;\s*)member=([^;]+)/.exec(c);if(!m)return;
const K='parts:'+m[1]+':'+document.documentElement.lang,S=window.sessionStorage;
document.addEventListener('submit',e=>{if(e.target.method==='post')try{S.removeItem(K)}catch(x){}},true);
const a0=document.querySelector('a.account-link');if(!a0||a0.getAttribute('href')==='/account')return;
const fill=d=>{const a=document.querySelector('a.account-link');if(a){a.href='/account';a.textContent=d.account}
const w=document.querySelector('a[data-test=wishlist-link]');if(w&&d.saved.length&&!w.querySelector('.count')){const n=document.createElement('span');n.className='count';n.dataset.test='header-wishlist-count';n.textContent=d.saved.length;w.append(' ',n)}
const s=new Set(d.saved);document.querySelectorAll('button[data-test=save]').forEach(b=>{if(s.has(b.dataset.product)&&b.getAttribute('aria-pressed')!=='true'){b.classList.add('saved');b.setAttribute('aria-pressed','true');const h=document.createElement('span');h.setAttribute('aria-hidden','true');h.textContent='♥ ';b.replaceChildren(h,d.remove)}});
const f=document.querySelector('form[data-test=add-to-cart-form]');if(f&&!f.querySelector('[data-test=buy-now]')){const b=document.createElement('button');b.type='submit';b.formAction='/checkout/buy-now';b.formMethod='get';b.dataset.test='buy-now';b.textContent=d.buy_now;f.append(b)}};
const use=d=>{fill(d);const mn=document.getElementById('main');if(mn)new MutationObserver(()=>fill(d)).observe(mn,{childList:true})};
try{const k=JSON.parse(S.getItem(K)||'null');if(k&&Date.now()-k.at>=0&&Date.now()-k.at<300000){use(k.d);return}}catch(x){}
fetch('/api/me/parts',{credentials:'same-origin',headers:{accept:'application/json'}}).then(r=>r.ok?r.json():null).then(d=>{if(!d){document.cookie='member=; Path=/; Max-Age=0; SameSite=Lax';return}
try{S.setItem(K,JSON.stringify({at:Date.now(),d}))}catch(x){}use(d)}).catch(()=>{})})()"#;

/// Where a member's parts go in one shared copy of a page, found once per copy by
/// [`stitch_plan`] (the page cache keeps it with the copy), so stitching a member's page
/// is one copy of it with the parts in their places.
#[cfg(feature = "ssr")]
#[derive(Debug)]
pub struct StitchPlan {
    /// The length of the copy the plan was made for.
    len: usize,
    /// The guest's account link.
    account: Range<usize>,
    /// The empty slots of the wishlist link's count and of "Buy now" (the product
    /// page's add-to-cart form), where the page has them.
    wishlist: Option<Range<usize>>,
    buy_now: Option<Range<usize>>,
    /// Every unpressed save button, with its product id's place.
    saves: Vec<(Range<usize>, Range<usize>)>,
}

#[cfg(feature = "ssr")]
use std::ops::Range;

/// The plan for stitching a member's parts into `html`, a guest's copy of a
/// [`member_stitched_path`]: `None` when the copy has no guest's account link to
/// replace, or an element the parts go into has no empty slot for them (the markup
/// changed; the caller then renders the page for the member).
#[cfg(feature = "ssr")]
pub fn stitch_plan(html: &str) -> Option<StitchPlan> {
    const GUEST_ACCOUNT: &str =
        r#"<a href="/account/sign-in" data-test="account-link" class="account-link">"#;
    const UNSAVED: &str =
        r#"<button type="submit" aria-pressed="false" data-test="save" data-product=""#;
    let start = html.find(GUEST_ACCOUNT)?;
    let account = start..start + html[start..].find("</a>")? + "</a>".len();
    let wishlist = slot(html, r#"data-test="wishlist-link""#, "</a>")?;
    let buy_now = slot(html, r#"data-test="add-to-cart-form""#, "</form>")?;
    let mut saves = Vec::new();
    let mut from = 0;
    while let Some(at) = html[from..].find(UNSAVED).map(|at| from + at) {
        let id_from = at + UNSAVED.len();
        let id = id_from..id_from + html[id_from..].find('"')?;
        let end = at + html[at..].find("</button>")? + "</button>".len();
        saves.push((at..end, id));
        from = end;
    }
    // Parts never overlap in a page the shop rendered; if they do, no plan.
    let mut ranges: Vec<&Range<usize>> = [&account]
        .into_iter()
        .chain(wishlist.as_ref())
        .chain(buy_now.as_ref())
        .chain(saves.iter().map(|(r, _)| r))
        .collect();
    ranges.sort_by_key(|r| r.start);
    if ranges.windows(2).any(|w| w[1].start < w[0].end) {
        return None;
    }
    Some(StitchPlan {
        len: html.len(),
        account,
        wishlist,
        buy_now,
        saves,
    })
}

/// The server's twin of [`MEMBER_FILL_JS`], for a signed-in member whose browser runs no
/// scripts on a [`member_stitched_path`]: the member's parts put into the guests' shared
/// copy of the page (`html`, by its `plan`), byte for byte what the page rendered for
/// them holds (the page cache's tests compare the two): the account link, the wishlist
/// count, the save buttons of their saved products pressed, and "Buy now" in the product
/// page's form. Works on the copy's bytes (the plan was made on it as text), so a copy
/// is checked to be UTF-8 once, not per member. `None` if the plan was made for another
/// copy.
#[cfg(feature = "ssr")]
pub fn stitch_member_parts(html: &[u8], plan: &StitchPlan, info: &MemberInfo) -> Option<Vec<u8>> {
    use crate::ui::escape_text;
    if html.len() != plan.len {
        return None;
    }
    let mut edits: Vec<(Range<usize>, String)> = vec![(
        plan.account.clone(),
        format!(
            r#"<a href="/account" data-test="account-link" class="account-link">{}</a>"#,
            escape_text(&info.account)
        ),
    )];
    // The wishlist link's count, as the header shows it to a member with a list.
    if let Some(at) = plan.wishlist.clone().filter(|_| !info.saved.is_empty()) {
        edits.push((
            at,
            format!(
                r#" <span data-test="header-wishlist-count" class="count">{}</span>"#,
                info.saved.len()
            ),
        ));
    }
    if let Some(at) = plan.buy_now.clone() {
        edits.push((
            at,
            format!(
                r#"<button type="submit" formaction="/checkout/buy-now" formmethod="get" data-test="buy-now">{}</button>"#,
                escape_text(&info.buy_now)
            ),
        ));
    }
    // The save buttons of saved products, pressed.
    for (button, id) in &plan.saves {
        let id = std::str::from_utf8(html.get(id.clone())?).ok()?;
        if info.saved.binary_search_by(|s| s.as_str().cmp(id)).is_ok() {
            edits.push((
                button.clone(),
                format!(
                    r#"<button type="submit" aria-pressed="true" data-test="save" data-product="{}" class="save saved"><span aria-hidden="true">♥ </span>{}</button>"#,
                    id,
                    escape_text(&info.remove)
                ),
            ));
        }
    }
    edits.sort_by_key(|(range, _)| range.start);
    let mut page =
        Vec::with_capacity(html.len() + edits.iter().map(|(_, p)| p.len()).sum::<usize>());
    let mut copied = 0;
    for (range, part) in &edits {
        page.extend_from_slice(html.get(copied..range.start)?);
        page.extend_from_slice(part.as_bytes());
        copied = range.end;
    }
    page.extend_from_slice(html.get(copied..)?);
    Some(page)
}

/// Where the empty slot (the renderer's `<!>` for an absent optional part) that ends
/// the first element marked `open` (just before its `close`) is: `Some(None)` when there
/// is no such element, `None` when it has no such slot.
#[cfg(feature = "ssr")]
fn slot(html: &str, open: &str, close: &str) -> Option<Option<Range<usize>>> {
    const SLOT: &str = "<!>";
    let Some(from) = html.find(open) else {
        return Some(None);
    };
    let at = from + html[from..].find(close)?;
    html[..at]
        .ends_with(SLOT)
        .then(|| Some(at - SLOT.len()..at))
}

/// What the search field shows: the query on the search page, nothing elsewhere.
fn current_search() -> String {
    let location = use_location();
    if location.pathname.get_untracked() == "/search" {
        use_query_map()
            .read_untracked()
            .get("q")
            .unwrap_or_default()
    } else {
        String::new()
    }
}

/// `children`: the links capabilities put in the header (the wishlist's), composed by the
/// app so that `ui` needs no capability.
#[component]
pub fn SiteHeader(children: Children) -> impl IntoView {
    let nav = Resource::new(|| (), |_| nav_categories());
    view! {
        <a class="skip-link" href="#main">{t(Msg::SkipToContent)}</a>
        <header class="site-header">
            <div class="header-row">
                <a class="brand" href="/">{t(Msg::ShopName)}</a>
                // Phones: the categories fold into a menu beside the search (a disclosure,
                // so it opens without JavaScript); wider screens show them as a row.
                <details class="category-menu">
                    <summary>{t(Msg::Categories)}</summary>
                    <nav aria-label=t(Msg::MainNavigation)>{category_list(nav)}</nav>
                </details>
                <SearchBox
                    current=current_search()
                    text=SearchText {
                        label: t(Msg::SearchLabel).into(),
                        placeholder: t(Msg::SearchPlaceholder).into(),
                        button: t(Msg::SearchButton).into(),
                        suggestions: t(Msg::Suggestions).into(),
                    }
                />
                <div class="header-links">
                    {children()}
                    <AccountLink/>
                </div>
                <LanguageSwitcher place="header"/>
            </div>
            <nav class="category-nav" aria-label=t(Msg::MainNavigation)>
                {category_list(nav)}
            </nav>
        </header>
    }
}

fn category_list(
    nav: Resource<Result<Vec<crate::catalog::CategoryRef>, crate::error::AppError>>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let categories = nav.await.unwrap_or_default();
                view! {
                    <ul>
                        {categories
                            .into_iter()
                            .map(|c| { let url = c.url(); view! { <li><a href=url>{c.name}</a></li> } })
                            .collect_view()}
                    </ul>
                }
            })}
        </Suspense>
    }
}

/// "Sign in" for a guest, "My account" for a member.
#[component]
fn AccountLink() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await.ok().flatten() {
                    Some(_) => view! { <a class="account-link" href="/account" data-test="account-link">{t(Msg::AccountTitle)}</a> }.into_any(),
                    None => view! { <a class="account-link" href="/account/sign-in" data-test="account-link">{t(Msg::SignInTitle)}</a> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `children`: the customer-service links, composed by the app.
#[component]
pub fn SiteFooter(children: Children) -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="footer-columns">
                {children()}
                <div>
                    <p class="brand-line">{t(Msg::ShopName)}</p>
                    <p>{t(Msg::ShopTagline)}</p>
                    <p><a href="/journal" data-test="journal-link">{t(Msg::Journal)}</a></p>
                    <LanguageSwitcher place="footer"/>
                </div>
            </div>
            <p class="attribution" data-test="attribution-credit">{t(Msg::FooterData)}</p>
        </footer>
    }
}

/// Switches language with a plain form POST to `/lang`, which sets the cookie and sends
/// the shopper back to the page they were on; works the same with or without JavaScript
/// (`ui::nav` keeps the `data-current-url` field up to date after in-place updates).
///
/// It is in the footer everywhere and, on wider screens, in the header too (`place` keeps
/// their ids apart).
#[component]
fn LanguageSwitcher(place: &'static str) -> impl IntoView {
    let location = use_location();
    // The router's `search` has no leading `?` on the server.
    let search = location.search.get_untracked();
    let back = match search.trim_start_matches('?') {
        "" => location.pathname.get_untracked(),
        query => format!("{}?{query}", location.pathname.get_untracked()),
    };
    let current = i18n::current();
    view! {
        <form class=format!("lang-switch lang-{place}") method="post" action="/lang">
            <label for=format!("lang-select-{place}")>{t(Msg::Language)}</label>
            <select id=format!("lang-select-{place}") name="lang">
                {Locale::ALL
                    .into_iter()
                    .map(|l| view! { <option value=l.tag() selected=l == current lang=l.tag()>{l.native_name()}</option> })
                    .collect_view()}
            </select>
            <input type="hidden" name="back" value=back data-current-url=""/>
            <button type="submit">{t(Msg::ChangeLanguage)}</button>
        </form>
    }
}

/// The search box's words, translated on the server and handed to the island as props,
/// so the translation table stays out of the WASM.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SearchText {
    label: String,
    placeholder: String,
    button: String,
    suggestions: String,
}

/// The search field, an island. Without JavaScript it is a GET form to `/search`;
/// hydrated it also shows suggestions while the shopper types (debounced, newest answer
/// wins). `current` is the query of the search page being shown.
#[island]
fn SearchBox(current: String, text: SearchText) -> impl IntoView {
    let SearchText {
        label,
        placeholder,
        button,
        suggestions: list_label,
    } = text;
    let suggestions = RwSignal::new(Vec::<Suggestion>::new());
    let typed = RwSignal::new(0u64);

    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let ticket = typed.get_untracked() + 1;
        typed.set(ticket);
        if text.trim().chars().count() < 2 {
            suggestions.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            #[cfg(feature = "hydrate")]
            gloo_timers::future::TimeoutFuture::new(150).await;
            if typed.get_untracked() != ticket {
                return;
            }
            let found = suggest(text).await.unwrap_or_default();
            if typed.get_untracked() == ticket {
                suggestions.set(found);
            }
        });
    };
    // A submitted search (shown in place on the search page) closes the list.
    let on_submit = move |_| {
        typed.update(|t| *t += 1);
        suggestions.set(Vec::new());
    };

    view! {
        <form class="search-form" role="search" method="get" action="/search" on:submit=on_submit>
            <label for="search-input" class="visually-hidden">{label}</label>
            <input
                id="search-input"
                type="search"
                name="q"
                autocomplete="off"
                maxlength="200"
                placeholder=placeholder
                value=current
                on:input=on_input
            />
            <button type="submit">{button}</button>
            <div class="suggestions" aria-live="polite">
                <Show when=move || !suggestions.read().is_empty()>
                    <ul aria-label=list_label.clone() data-test="suggestions">
                        <For each=move || suggestions.get() key=|s| s.url.clone() let:s>
                            <li><a href=s.url>{s.title}</a></li>
                        </For>
                    </ul>
                </Show>
            </div>
        </form>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn info(saved: &[&str]) -> MemberInfo {
        MemberInfo {
            account: "My account".into(),
            saved: saved.iter().map(|s| s.to_string()).collect(),
            remove: "Remove from wishlist".into(),
            wishlist: "Wishlist".into(),
            buy_now: "Buy now".into(),
        }
    }

    fn save(id: &str) -> String {
        format!(
            r#"<form><button type="submit" aria-pressed="false" data-test="save" data-product="{id}" class="save"><span aria-hidden="true">♡ </span>Save</button></form>"#
        )
    }

    fn stitch(html: &str, info: &MemberInfo) -> Option<String> {
        let page = stitch_member_parts(html.as_bytes(), &stitch_plan(html)?, info)?;
        String::from_utf8(page).ok()
    }

    const HEADER: &str = r#"<header><a href="/wishlist" data-test="wishlist-link" class="header-link"><span class="link-text">Wishlist</span><!></a><a href="/account/sign-in" data-test="account-link" class="account-link">Sign in</a></header>"#;

    #[test]
    fn a_members_parts_replace_the_guests_in_the_shared_copy() {
        let page = format!(
            r#"{HEADER}<main><form data-test="add-to-cart-form" class="add-form"><button>Add</button><!></form>{}{}{}</main>"#,
            save("1"),
            save("2"),
            save("3")
        );
        let out = stitch(&page, &info(&["1", "3"])).expect("stitched");
        assert!(out.contains(
            r#"<a href="/account" data-test="account-link" class="account-link">My account</a>"#
        ));
        assert!(!out.contains("Sign in"));
        assert!(out.contains(r#"<span class="link-text">Wishlist</span> <span data-test="header-wishlist-count" class="count">2</span></a>"#));
        assert!(out.contains(r#"<button>Add</button><button type="submit" formaction="/checkout/buy-now" formmethod="get" data-test="buy-now">Buy now</button></form>"#));
        assert_eq!(out.matches(r#"aria-pressed="true""#).count(), 2);
        assert!(out.contains(r#"<button type="submit" aria-pressed="true" data-test="save" data-product="1" class="save saved"><span aria-hidden="true">♥ </span>Remove from wishlist</button>"#));
        assert!(
            out.contains(&save("2")),
            "an unsaved product's button stays as it was"
        );
        assert!(out
            .contains(r#"data-product="3" class="save saved"><span aria-hidden="true">♥ </span>"#));
        assert!(out.ends_with("</form></main>"));
    }

    #[test]
    fn an_empty_list_adds_no_count_and_a_page_without_a_form_no_buy_now() {
        let page = format!("{HEADER}<main>{}</main>", save("1"));
        let out = stitch(&page, &info(&[])).expect("stitched");
        assert!(!out.contains("header-wishlist-count"));
        assert!(!out.contains("buy-now"));
        assert!(out.contains(&save("1")));
        assert!(out.contains(r#"href="/account""#));
    }

    #[test]
    fn a_copy_without_the_guests_account_link_is_not_stitched() {
        assert_eq!(stitch("<main></main>", &info(&["1"])), None);
        let member_copy = HEADER.replace(r#"href="/account/sign-in""#, r#"href="/account""#);
        assert_eq!(stitch(&member_copy, &info(&[])), None);
        // A wishlist link that already shows a count has no slot for it.
        let counted = HEADER.replace("<!></a>", "<span>1</span></a>");
        assert_eq!(stitch(&counted, &info(&["1"])), None);
        // A plan is for the copy it was made from.
        let plan = stitch_plan(HEADER).expect("plan");
        assert_eq!(
            stitch_member_parts(format!("{HEADER} ").as_bytes(), &plan, &info(&[])),
            None
        );
    }
}
