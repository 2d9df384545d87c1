//! The shop's information pages: about, delivery and payment, returns, contact, at
//! `/pages/{slug}`. Their words are in the translation table for now; the content
//! editors' issue makes them editable at the same addresses.

pub mod pages;

/// An information page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InfoPage {
    About,
    Delivery,
    Returns,
    Contact,
}

impl InfoPage {
    pub const ALL: [InfoPage; 4] = [
        InfoPage::About,
        InfoPage::Delivery,
        InfoPage::Returns,
        InfoPage::Contact,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            InfoPage::About => "about",
            InfoPage::Delivery => "delivery",
            InfoPage::Returns => "returns",
            InfoPage::Contact => "contact",
        }
    }

    pub fn from_slug(slug: &str) -> Option<InfoPage> {
        InfoPage::ALL.into_iter().find(|p| p.slug() == slug)
    }

    pub fn url(self) -> String {
        format!("/pages/{}", self.slug())
    }
}

/// The shop's customer-service address and telephone (the 020 7946 0xxx range is kept
/// for fiction by Ofcom, so no real line is called).
pub const CONTACT_EMAIL: &str = "help@hearth-heart.example";
pub const CONTACT_PHONE: &str = "+44 20 7946 0123";
