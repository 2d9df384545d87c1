//! The hydrate bundle: it only wakes the server-rendered page up.

// The pages' view types are deep; type erasure (`into_any`) keeps them in check, this the rest.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
