//! The storefront server: configuration, start-up, middleware, the importer and the CLI's
//! commands. The pages and server functions live in the `app` crate.

pub mod accounts;
pub mod cleanup;
pub mod config;
pub mod db;
pub mod import;
pub mod mailer;
pub mod middleware;
pub mod page_cache;
pub mod payments;
pub mod recs;
pub mod routes;
pub mod startup;
