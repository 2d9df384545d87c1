//! The frame around every page: header (brand, search, categories, language) and footer.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::catalog::api::nav_categories;
use crate::catalog::Suggestion;
use crate::i18n::{self, t, Locale, Msg};
use crate::search::api::suggest;

/// The shop's public origin (`SHOP_PUBLIC_URL`), for absolute URLs in meta tags.
#[derive(Clone, Debug)]
pub struct SiteOrigin(pub String);

/// `path` as an absolute URL on the shop's public origin.
pub fn absolute_url(path: &str) -> String {
    let origin = use_context::<SiteOrigin>().map(|o| o.0).unwrap_or_default();
    format!("{origin}{path}")
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    let nav = Resource::new(|| (), |_| nav_categories());
    view! {
        <a class="skip-link" href="#main">{t(Msg::SkipToContent)}</a>
        <header class="site-header">
            <div class="header-row">
                <a class="brand" href="/">{t(Msg::ShopName)}</a>
                <SearchBox/>
                <LanguageSwitcher/>
            </div>
            <nav class="category-nav" aria-label=t(Msg::MainNavigation)>
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
            </nav>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>{t(Msg::ShopTagline)}</p>
            <p class="attribution">{t(Msg::FooterData)}</p>
        </footer>
    }
}

/// Switches language with a plain form POST to `/lang`, which sets the cookie and sends
/// the shopper back to the page they were on; works the same with or without JavaScript.
#[component]
fn LanguageSwitcher() -> impl IntoView {
    let location = use_location();
    let back = move || format!("{}{}", location.pathname.get(), location.search.get());
    let current = i18n::current();
    view! {
        <form class="lang-switch" method="post" action="/lang">
            <label for="lang-select">{t(Msg::Language)}</label>
            <select id="lang-select" name="lang">
                {Locale::ALL
                    .into_iter()
                    .map(|l| view! { <option value=l.tag() selected=l == current lang=l.tag()>{l.native_name()}</option> })
                    .collect_view()}
            </select>
            <input type="hidden" name="back" prop:value=back value=back/>
            <button type="submit">{t(Msg::ChangeLanguage)}</button>
        </form>
    }
}

/// The search field. Without JavaScript it is a GET form to `/search`; hydrated it also
/// shows suggestions while the shopper types (debounced, newest answer wins).
#[component]
fn SearchBox() -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    // Keep the field showing the current search on the search page.
    let current = move || {
        if location.pathname.get() == "/search" {
            query.read().get("q").unwrap_or_default()
        } else {
            String::new()
        }
    };
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
    // Close the list when navigating.
    Effect::new(move |_| {
        location.pathname.track();
        location.search.track();
        suggestions.set(Vec::new());
    });

    view! {
        <form class="search-form" role="search" method="get" action="/search">
            <label for="search-input" class="visually-hidden">{t(Msg::SearchLabel)}</label>
            <input
                id="search-input"
                type="search"
                name="q"
                autocomplete="off"
                maxlength="200"
                placeholder=t(Msg::SearchPlaceholder)
                prop:value=current
                value=current
                on:input=on_input
            />
            <button type="submit">{t(Msg::SearchButton)}</button>
            <div class="suggestions" aria-live="polite">
                <Show when=move || !suggestions.read().is_empty()>
                    <ul aria-label=t(Msg::Suggestions) data-test="suggestions">
                        <For each=move || suggestions.get() key=|s| s.url.clone() let:s>
                            <li><a href=s.url>{s.title}</a></li>
                        </For>
                    </ul>
                </Show>
            </div>
        </form>
    }
}
