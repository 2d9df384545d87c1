//! The server side of the kernel. Every capability's `ssr` code reaches the request, the
//! database and the shared rules through here.

pub mod audit;
pub mod clock;
pub mod csp;
pub mod db;
pub mod form;
pub mod guard;
pub mod hooks;
pub mod outbox;
pub mod request;
pub mod throttle;
pub mod token;
pub mod upload;

pub use audit::{audit, audit_self};
pub use clock::{now_ms, Clock};
pub use db::{begin_write, Backend, Conn, Tx};
pub use form::{finish_form, stale_as_version_field, take_flash};
pub use guard::{current_user, require, RequestUser};
pub use outbox::enqueue_email;
pub use request::{
    add_cookie, attachment, client_address, moved_permanently, request_cookie, request_header,
    secure_attr, see_other, user_agent, wants_html, GuestList,
};
