//! The shop's service pages: about, delivery and payment, returns, contact, at
//! `/pages/{slug}`. They are content entries (`content`), seeded on the first start from
//! the words in the translation table and edited in `/admin/content`; this module names
//! them for the links every page carries.

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
