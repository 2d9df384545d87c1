//! The browser bundle. The pages are server-rendered HTML; only the islands (the search
//! box with its suggestions and the in-place navigation of listings and variants) are
//! WASM. `island_script.js`, which `HydrationScripts islands=true` puts in the page,
//! calls `hydrate()` and then each island's own hydrate function, exported from `app`.

// The islands' exported hydrate functions live in `app`; this keeps the crate linked.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
