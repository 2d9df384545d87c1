//! The server's integration tests, one module per area, in one test binary: each binary
//! links the whole server (tens of megabytes), so fourteen binaries spent most of the
//! test build in the linker, and each built its own template databases. One binary links
//! once and builds one template per engine for all (see `common::template`).
//!
//! Run one area with `cargo test --release -p server --test it -- account::` (the module
//! path is the filter).

#[macro_use]
mod common;

mod account;
mod admin;
mod bad_input;
mod bulk;
mod cart;
mod categories;
mod checkout;
mod content;
mod crash;
mod editing;
mod import;
mod inventory;
mod kernel;
mod mail_tls;
mod media;
mod page_cache;
mod pages;
mod recent;
mod recs;
mod schema;
mod server_fns;
mod startup;
mod stress_ssr;
mod wishlist;
