//! Géo'DAE API accounts: the browser application and the contract it shares with the server.
//!
//! `domain` holds the field rules (pure Rust), `api` the wire types and the HTTP client, `pages` one module per
//! route and `components` the reusable widgets. Built as a native library with `ssr` for the server, which
//! renders every page, and as two WebAssembly bundles (`front` says which page loads which):
//! - `hydrate` and `islands`: the public pages' bundle. Only their interactive parts (`#[island]`: the
//!   registration form, the follow page) run in the browser; the rest of a public page is the server's HTML.
//! - `hydrate` alone: the account and administrators' bundle, the application hydrated whole with its router.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod front;
pub mod pages;
#[cfg(not(feature = "islands"))]
mod shell;

#[cfg(not(feature = "islands"))]
pub use shell::App;
#[cfg(feature = "ssr")]
pub use shell::shell;

/// Entry point of the account and administrators' bundle: hydrates the server-rendered page, once the chunk of
/// its page (loaded lazily) has arrived.
#[cfg(all(feature = "hydrate", not(feature = "islands")))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::document;
    // A panic's message on the console while developing; a release build leaves the hook out (its formatting
    // code weighs on every page).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body, App).await.forget();
        front::mark_hydrated();
    });
}

/// Entry point of the public pages' bundle: prepares the reactive system; the loader (`front::ISLANDS_LOADER`)
/// then hydrates each island of the page.
#[cfg(feature = "islands")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
