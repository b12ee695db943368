//! Géo'DAE API accounts: the browser application and the contract it shares with the server.
//!
//! `domain` holds the field rules (pure Rust), `api` the wire types and the HTTP client, `pages` one module per
//! route and `components` the reusable widgets. Built as WebAssembly with `hydrate`, and as a native library
//! with `ssr` for the server.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod pages;
mod shell;

pub use shell::{App, shell};

/// Entry point of the WebAssembly module: hydrates the server-rendered page, once the chunk of a lazily
/// loaded page (an account or administrators' page) has arrived.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::document;
    // A panic's message on the console while developing; a release build leaves the hook out (its formatting
    // code weighs on every public page).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body, App).await.forget();
        // Marks the page interactive (the browser journeys wait for it before typing).
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
