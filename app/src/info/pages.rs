//! `/pages/{slug}`: server-rendered text, the same for every visitor (cached like the
//! catalogue's pages).

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

use super::{InfoPage, CONTACT_EMAIL, CONTACT_PHONE};
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::ui::layout::absolute_url;
use crate::ui::{page_title, ErrorView};

#[component]
pub fn InfoPageView() -> impl IntoView {
    let params = use_params_map();
    let slug = params.read_untracked().get("slug").unwrap_or_default();
    let Some(page) = InfoPage::from_slug(&slug) else {
        return view! { <ErrorView error=AppError::NotFound/> }.into_any();
    };
    let (title, paragraphs): (Msg, &[Msg]) = match page {
        InfoPage::About => (Msg::AboutTitle, &[Msg::AboutText1, Msg::AboutText2]),
        InfoPage::Delivery => (
            Msg::DeliveryTitle,
            &[Msg::DeliveryText1, Msg::DeliveryText2],
        ),
        InfoPage::Returns => (Msg::ReturnsTitle, &[Msg::ReturnsText1, Msg::ReturnsText2]),
        InfoPage::Contact => (Msg::ContactTitle, &[Msg::ContactText1]),
    };
    let extra = match page {
        InfoPage::Delivery => Some(
            view! {
                <h2 id="payment">{t(Msg::PaymentTitle)}</h2>
                <p>{t(Msg::PaymentText)}</p>
            }
            .into_any(),
        ),
        InfoPage::Contact => Some(
            view! {
                <dl class="contact" data-test="contact">
                    <dt>{t(Msg::ContactEmail)}</dt>
                    <dd><a href=format!("mailto:{CONTACT_EMAIL}")>{CONTACT_EMAIL}</a></dd>
                    <dt>{t(Msg::ContactPhone)}</dt>
                    <dd><a href=format!("tel:{}", CONTACT_PHONE.replace(' ', ""))>{CONTACT_PHONE}</a></dd>
                </dl>
            }
            .into_any(),
        ),
        _ => None,
    };
    let first = t(paragraphs[0]);
    view! {
        <Title text=page_title(t(title))/>
        <Meta name="description" content=first/>
        <Link rel="canonical" href=absolute_url(&page.url())/>
        <article class="info-page">
            <h1 data-test="page-heading">{t(title)}</h1>
            {paragraphs.iter().map(|&p| view! { <p>{t(p)}</p> }).collect_view()}
            {extra}
        </article>
    }
    .into_any()
}

/// The links to the information pages, for the footer.
pub fn service_links() -> impl IntoView {
    let links = [
        (InfoPage::Delivery, Msg::DeliveryTitle),
        (InfoPage::Returns, Msg::ReturnsTitle),
        (InfoPage::Contact, Msg::ContactTitle),
        (InfoPage::About, Msg::AboutTitle),
    ];
    view! {
        <nav aria-labelledby="service-heading" class="service-links">
            <h2 id="service-heading">{t(Msg::CustomerService)}</h2>
            <ul data-test="service-links">
                {links
                    .into_iter()
                    .map(|(page, label)| view! { <li><a href=page.url()>{t(label)}</a></li> })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// The home page's trust line: delivery, returns, payment and help, each a link to the
/// page that says more.
pub fn trust_line() -> impl IntoView {
    let items = [
        (InfoPage::Delivery.url(), Msg::TrustDelivery),
        (InfoPage::Returns.url(), Msg::TrustReturns),
        (
            format!("{}#payment", InfoPage::Delivery.url()),
            Msg::TrustPayment,
        ),
        (InfoPage::Contact.url(), Msg::TrustHelp),
    ];
    view! {
        <section class="trust" aria-label=t(Msg::TrustLine)>
            <ul data-test="trust-line">
                {items
                    .into_iter()
                    .map(|(href, label)| view! { <li><a href=href>{t(label)}</a></li> })
                    .collect_view()}
            </ul>
        </section>
    }
}
