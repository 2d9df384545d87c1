//! The storefront's content: `/pages/{slug}`, `/journal` (by topic) and
//! `/journal/{slug}`. The same for every visitor, so cached like the catalogue's pages;
//! Open Graph on every entry, schema.org Article on articles.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{content_entry, journal_articles};
use super::{topic_label, Block, ContentView};
use crate::i18n::{t, tf, Msg};
use crate::ui::layout::absolute_url;
use crate::ui::{format_time, page_title, product_grid, when_loaded};

/// A date as `YYYY-MM-DD` (UTC).
fn date(ms: i64) -> String {
    format_time(ms).chars().take(10).collect()
}

/// A rendered body: HTML pieces, runs of product cards as one grid, video link cards.
pub fn body_view(blocks: Vec<Block>, back: &str) -> AnyView {
    let mut out: Vec<AnyView> = Vec::new();
    let mut cards = Vec::new();
    let no_action = |_: &crate::ui::card::ProductCard, _: String| ().into_any();
    let flush = |cards: &mut Vec<crate::ui::card::ProductCard>, out: &mut Vec<AnyView>| {
        if !cards.is_empty() {
            out.push(product_grid(
                std::mem::take(cards),
                "content-products",
                &no_action,
                back,
            ));
        }
    };
    for block in blocks {
        match block {
            Block::Product(card) => cards.push(card),
            Block::Html(html) => {
                flush(&mut cards, &mut out);
                out.push(view! { <div class="prose" inner_html=html></div> }.into_any());
            }
            Block::Video { url, host } => {
                flush(&mut cards, &mut out);
                out.push(
                    view! {
                        <p class="link-card" data-test="video-card">
                            <a href=url rel="nofollow noopener noreferrer" target="_blank">
                                <span class="link-card-kind">{t(Msg::VideoLink)}</span>
                                <span class="link-card-host">{host}</span>
                            </a>
                        </p>
                    }
                    .into_any(),
                );
            }
        }
    }
    flush(&mut cards, &mut out);
    view! { <div class="content-body" data-test="content-body">{out}</div> }.into_any()
}

/// schema.org Article as JSON-LD, safe inside `<script>`.
fn article_json_ld(c: &ContentView, url: &str, image: Option<&str>) -> String {
    let mut data = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": c.title,
        "description": c.description,
        "url": url,
        "mainEntityOfPage": url,
        "dateModified": crate::ui::iso_time(c.updated_at),
        "publisher": { "@type": "Organization", "name": t(Msg::ShopName) },
    });
    if let Some(at) = c.published_at {
        data["datePublished"] = serde_json::Value::String(crate::ui::iso_time(at));
    }
    if let Some(image) = image {
        data["image"] = serde_json::Value::String(image.to_string());
    }
    data.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// An entry with its head: title, description, canonical link, Open Graph, and for an
/// article its date, topic and schema.org Article.
fn entry_view(c: ContentView) -> AnyView {
    let canonical = absolute_url(&c.url);
    let image = c.social_image.as_deref().map(absolute_url);
    let article = c.kind == "article";
    let json_ld = article.then(|| article_json_ld(&c, &canonical, image.as_deref()));
    let fallback = c.fallback.then(|| {
        view! { <p class="notice" data-test="translation-missing">{t(Msg::NotTranslated)}</p> }
    });
    let lang = c.fallback.then_some("en");
    let byline = article.then(|| {
        let topic = (!c.topic.is_empty()).then(|| {
            let href = format!("/journal?topic={}", c.topic);
            view! { " · " <a href=href data-test="topic">{topic_label(&c.topic)}</a> }
        });
        view! {
            <p class="byline">
                {c.published_at.map(|at| view! { <time datetime=crate::ui::iso_time(at)>{date(at)}</time> })}
                {topic}
            </p>
        }
    });
    let crumbs = if article {
        vec![
            (t(Msg::Home).to_string(), "/".to_string()),
            (t(Msg::Journal).to_string(), "/journal".to_string()),
        ]
    } else {
        vec![(t(Msg::Home).to_string(), "/".to_string())]
    };
    let og_type = if article { "article" } else { "website" };
    let back = c.url.clone();
    view! {
        <Title text=page_title(&c.seo_title)/>
        <Meta name="description" content=c.description.clone()/>
        <Link rel="canonical" href=canonical.clone()/>
        <Meta property="og:type" content=og_type/>
        <Meta property="og:title" content=c.seo_title.clone()/>
        <Meta property="og:description" content=c.description.clone()/>
        <Meta property="og:url" content=canonical/>
        {image.map(|src| view! { <Meta property="og:image" content=src/> })}
        <Meta property="og:site_name" content=t(Msg::ShopName)/>
        {crate::ui::breadcrumbs(crumbs, c.title.clone())}
        <article class="info-page content-entry" lang=lang data-test="content-entry">
            <h1 data-test="page-heading">{c.title.clone()}</h1>
            {fallback}
            {byline}
            {body_view(c.blocks, &back)}
        </article>
        {json_ld.map(|j| view! { <script type="application/ld+json" inner_html=j></script> })}
    }
    .into_any()
}

/// `/pages/{slug}`: a free page (the service pages among them).
#[component]
pub fn ContentPage() -> impl IntoView {
    let params = use_params_map();
    let slug = params.read_untracked().get("slug").unwrap_or_default();
    let data = Resource::new(move || slug.clone(), |s| content_entry("page".into(), s));
    view! { {when_loaded(data, entry_view)} }
}

/// `/journal/{slug}`: an article.
#[component]
pub fn ArticlePage() -> impl IntoView {
    let params = use_params_map();
    let slug = params.read_untracked().get("slug").unwrap_or_default();
    let data = Resource::new(move || slug.clone(), |s| content_entry("article".into(), s));
    view! { {when_loaded(data, entry_view)} }
}

/// `/journal`: the articles, newest first, by topic.
#[component]
pub fn JournalPage() -> impl IntoView {
    let query = use_query_map();
    let topic = query.read_untracked().get("topic").unwrap_or_default();
    let page: u32 = query
        .read_untracked()
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let data = Resource::new(
        move || (topic.clone(), page),
        |(t, p)| journal_articles(t, p),
    );
    view! {
        {when_loaded(data, |j| {
            let heading = if j.topic.is_empty() {
                t(Msg::Journal).to_string()
            } else {
                format!("{} · {}", t(Msg::Journal), topic_label(&j.topic))
            };
            let canonical = if j.topic.is_empty() {
                "/journal".to_string()
            } else {
                format!("/journal?topic={}", j.topic)
            };
            let topics = j.topics.iter().map(|topic| {
                let current = (*topic == j.topic).then_some("page");
                let href = format!("/journal?topic={topic}");
                view! { <li><a href=href aria-current=current>{topic_label(topic)}</a></li> }
            }).collect_view();
            let all_current = j.topic.is_empty().then_some("page");
            let pages = j.total.div_ceil(super::JOURNAL_PAGE).max(1);
            let link = {
                let topic = j.topic.clone();
                move |p: u32| if topic.is_empty() { format!("/journal?page={p}") } else { format!("/journal?topic={topic}&page={p}") }
            };
            let prev = (j.page > 1).then(|| view! { <a rel="prev" href=link(j.page - 1)>{t(Msg::PreviousPage)}</a> });
            let next = (j.page < pages).then(|| view! { <a rel="next" href=link(j.page + 1)>{t(Msg::NextPage)}</a> });
            let empty = j.articles.is_empty().then(|| view! { <p data-test="journal-empty">{t(Msg::JournalEmpty)}</p> });
            let articles = j.articles.into_iter().map(|a| {
                let fallback = a.fallback.then(|| view! { <span class="badge">{t(Msg::InEnglish)}</span> });
                let lang = a.fallback.then_some("en");
                view! {
                    <li class="article-summary" data-test="article" lang=lang>
                        <h2><a href=a.url>{a.title}</a></h2>
                        <p class="byline">
                            {a.published_at.map(|at| view! { <time datetime=crate::ui::iso_time(at)>{date(at)}</time> })}
                            {(!a.topic.is_empty()).then(|| format!(" · {}", topic_label(&a.topic)))}
                            " "{fallback}
                        </p>
                        <p>{a.summary}</p>
                    </li>
                }
            }).collect_view();
            view! {
                <Title text=page_title(&heading)/>
                <Meta name="description" content=t(Msg::JournalIntro)/>
                <Link rel="canonical" href=absolute_url(&canonical)/>
                <Meta property="og:type" content="website"/>
                <Meta property="og:title" content=heading.clone()/>
                <Meta property="og:url" content=absolute_url(&canonical)/>
                <h1 data-test="page-heading">{heading.clone()}</h1>
                <p>{t(Msg::JournalIntro)}</p>
                <nav aria-label=t(Msg::Topics) class="topics">
                    <ul data-test="topics">
                        <li><a href="/journal" aria-current=all_current>{t(Msg::AllTopics)}</a></li>
                        {topics}
                    </ul>
                </nav>
                {empty}
                <ul class="journal" data-test="journal">{articles}</ul>
                <nav class="pager" aria-label=t(Msg::Pagination)>
                    <p class="page-of">{tf(Msg::PageOf, &[("page", &j.page.to_string()), ("pages", &pages.to_string())])}</p>
                    {prev}" "{next}
                </nav>
            }
            .into_any()
        })}
    }
}

/// The home page's hero banner and promotion tiles, as editors scheduled them (the
/// shop's own promise when no banner is live). A failure costs the slots, not the page.
#[component]
pub fn HomeBanner() -> impl IntoView {
    let slots = Resource::new(|| (), |_| super::api::home_slots());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let slots = slots.await.unwrap_or_default();
                let hero = match slots.hero {
                    Some(h) => {
                        let image = h.image.map(|src| view! { <img class="hero-image" src=src alt="" loading="eager" decoding="async"/> });
                        view! {
                            <section class="hero banner" data-test="hero">
                                {image}
                                <h1 data-test="hero-title">{h.title}</h1>
                                {(!h.text.is_empty()).then(|| view! { <p>{h.text}</p> })}
                                <a class="cta" href=h.url data-test="hero-link">{t(Msg::HeroCta)}</a>
                            </section>
                        }
                        .into_any()
                    }
                    None => view! {
                        <section class="hero" data-test="hero">
                            <h1>{t(Msg::HomePromise)}</h1>
                            <p>{t(Msg::HomePromiseText)}</p>
                            <a class="cta" href="#featured-heading">{t(Msg::FeaturedCategories)}</a>
                        </section>
                    }
                    .into_any(),
                };
                let tiles = (!slots.tiles.is_empty()).then(|| {
                    let items = slots.tiles.into_iter().map(|s| {
                        let image = s.image.map(|src| view! { <img src=src alt="" width="320" height="160" loading="lazy" decoding="async"/> });
                        view! {
                            <li class="promo-tile">
                                <a href=s.url>
                                    {image}
                                    <span class="tile-name">{s.title}</span>
                                    {(!s.text.is_empty()).then(|| view! { <span class="tile-text">{s.text}</span> })}
                                </a>
                            </li>
                        }
                    }).collect_view();
                    view! {
                        <section aria-labelledby="promotions-heading">
                            <h2 id="promotions-heading">{t(Msg::Promotions)}</h2>
                            <ul class="promo-tiles" data-test="promo-tiles">{items}</ul>
                        </section>
                    }
                });
                view! { {hero}{tiles} }.into_any()
            })}
        </Suspense>
    }
}
