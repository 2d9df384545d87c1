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
