//! The two front ends, and which page loads which.
//!
//! The public pages are the server's HTML; the registration form and the follow page carry islands
//! (`#[island]`), hydrated by the public pages' bundle, which has nothing else. The account and administrators'
//! pages are hydrated whole, with their router, by a bundle of their own that a public page never loads. Both
//! are built from this crate (`islands` or not) by the two projects of the workspace's `Cargo.toml`, with hashed
//! file names: a browser keeps them for good and never asks again.

/// The code a page loads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrontEnd {
    /// None: the page is complete as the server wrote it (about, the mandatory pages, not found).
    Static,
    /// The public pages' bundle, which hydrates the page's islands.
    Public,
    /// The account and administrators' bundle, which hydrates the whole page.
    BackOffice,
}

impl FrontEnd {
    /// The front end of the page at `path`. Every address under the account's and administrators' ones is the
    /// back office's, an unknown one included (its router shows « page non trouvée » as the server did).
    pub fn of(path: &str) -> Self {
        let path = match path.trim_end_matches('/') {
            "" => "/",
            trimmed => trimmed,
        };
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if path == "/connexion" || under("/compte") || under("/admin") {
            Self::BackOffice
        } else if path == "/inscription" || path == "/demande/suivi" {
            Self::Public
        } else {
            Self::Static
        }
    }
}

/// Tells the page's scripts and the browser journeys that the page is live.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}

#[cfg(feature = "ssr")]
pub use self::ssr::{Assets, Bundle, Scripts};

#[cfg(feature = "ssr")]
mod ssr {
    use leptos::WasmSplitManifest;
    use leptos::prelude::*;

    use super::FrontEnd;

    /// Loads the public pages' bundle and hydrates each island of the page, then marks the page live. Written
    /// after Leptos's own loader (`leptos/src/hydration/island_script.js`, MIT), which waits for the browser to
    /// be idle first: here the form's fields come alive as soon as the code is there.
    const ISLANDS_LOADER: &str = include_str!("front/islands.js");
    /// Loads the account and administrators' bundle, which hydrates the whole page itself.
    const HYDRATION_LOADER: &str = include_str!("front/hydrate.js");

    /// One bundle's files as served: their addresses, with the hashes of the build in their names.
    #[derive(Clone, Debug, Default)]
    pub struct Bundle {
        /// The JavaScript glue.
        pub js: String,
        /// The main WebAssembly module.
        pub wasm: String,
        /// The lazily loaded chunks, which a page rendered by the server preloads when it shows one.
        pub split: Option<WasmSplitManifest>,
    }

    /// The addresses of the files every page names: read from the builds once, when the server starts.
    #[derive(Clone, Debug, Default)]
    pub struct Assets {
        pub public: Bundle,
        pub back_office: Bundle,
        /// The application's style sheet.
        pub css: String,
        /// The DSFR's style sheet and the font every page uses (preloaded).
        pub dsfr_css: String,
        pub font: String,
        pub favicon: String,
    }

    /// The tags that load `front`'s bundle, in the document's head; nothing for a static page.
    #[component]
    pub fn Scripts(front: FrontEnd, assets: Assets) -> impl IntoView {
        let (bundle, loader) = match front {
            FrontEnd::Static => return None,
            FrontEnd::Public => (assets.public, ISLANDS_LOADER),
            FrontEnd::BackOffice => (assets.back_office, HYDRATION_LOADER),
        };
        if let Some(split) = bundle.split.clone() {
            provide_context(split);
        }
        if front == FrontEnd::Public {
            // Outside the islands, nothing is hydrated: resources are not sent for it.
            if let Some(context) = Owner::current_shared_context() {
                context.set_is_hydrating(false);
            }
        }
        let nonce = leptos::nonce::use_nonce();
        // One text: a marker between two parts of a script would be read as code.
        let script = format!("{loader}({:?}, {:?});", bundle.js, bundle.wasm);
        Some(view! {
            <link rel="modulepreload" href=bundle.js.clone() crossorigin="" />
            <link rel="preload" href=bundle.wasm.clone() r#as="fetch" type="application/wasm" crossorigin="" />
            <script type="module" nonce=nonce>{script}</script>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::FrontEnd;

    #[test]
    fn each_page_loads_the_bundle_of_its_kind() {
        for path in ["/inscription", "/inscription/", "/demande/suivi"] {
            assert_eq!(FrontEnd::of(path), FrontEnd::Public, "{path}");
        }
        for path in [
            "/connexion",
            "/compte",
            "/compte/mot-de-passe",
            "/admin",
            "/admin/",
            "/admin/demandes/12",
            "/admin/inconnue",
        ] {
            assert_eq!(FrontEnd::of(path), FrontEnd::BackOffice, "{path}");
        }
        for path in [
            "/",
            "/apropos",
            "/mentions-legales",
            "/accessibilite",
            "/donnees-personnelles",
            "/administrateurs",
            "/comptes",
            "/connexion/autre",
            "/demande",
        ] {
            assert_eq!(FrontEnd::of(path), FrontEnd::Static, "{path}");
        }
    }
}
