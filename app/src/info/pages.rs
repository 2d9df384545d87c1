//! The links to the service pages (the footer's list, the home page's trust line); the
//! pages themselves are content entries (`content::pages::ContentPage`).

use leptos::prelude::*;

use super::InfoPage;
use crate::i18n::{t, Msg};

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
