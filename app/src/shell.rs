//! The HTML document and the routes of the application.
//!
//! The server renders every page from `App`. The account and administrators' bundle hydrates `App` whole, with
//! the same routes; there the public pages are not compiled in, and following a link to one loads it from the
//! server (`FullLoad`), as the public pages' bundle holds their code.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, lazy_route, path};

use crate::components::layout::{Footer, Header};
use crate::pages::account::{
    overview::AccountPage, password::PasswordSetupPage, recovery::ForgotLoginPage,
    recovery::ForgotPasswordPage, sign_in::AccountSignInPage,
};
use crate::pages::admin::{
    admins::AdminsPage, audit::AuditPage, dashboard::DashboardPage, outbox::OutboxPage,
    password::PasswordPage, reasons::ReasonsPage, request::RequestPage, sign_in::SignInPage,
};
use crate::pages::not_found::NotFoundPage;
#[cfg(feature = "ssr")]
use crate::pages::{
    about::AboutPage, follow::FollowPage, legal::accessibility::AccessibilityPage,
    legal::legal_notice::LegalNoticePage, legal::personal_data::PersonalDataPage,
    registration::RegistrationFormPage,
};
#[cfg(not(feature = "ssr"))]
use public::*;

/// The scripts and styles a page may run: its own files, the inline scripts the server wrote with this
/// response's nonce (the bundle's loader), WebAssembly compiled by the browser, and nothing inline otherwise.
/// The server's `Content-Security-Policy` header adds what a `<meta>` cannot say (`frame-ancestors`); both
/// apply.
#[cfg(feature = "ssr")]
fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'"
    )
}

/// The document rendered by the server around the application, with the files of the page's front end.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions, assets: crate::front::Assets) -> impl IntoView {
    use crate::front::{FrontEnd, Scripts};
    // A fresh nonce for each response, put on the loader's script and named by the policy.
    leptos::nonce::provide_nonce();
    let policy = leptos::nonce::use_nonce().map(|nonce| content_security_policy(&nonce));
    let front = use_context::<http::request::Parts>()
        .map_or(FrontEnd::Static, |parts| FrontEnd::of(parts.uri.path()));
    view! {
        <!DOCTYPE html>
        <html lang="fr" data-fr-scheme="light">
            <head>
                <meta charset="utf-8" />
                // First in the document, so that it governs every script and style after it.
                {policy.map(|policy| view! { <meta http-equiv="Content-Security-Policy" content=policy /> })}
                <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
                <meta name="format-detection" content="telephone=no" />
                <link rel="icon" href=assets.favicon.clone() type="image/svg+xml" />
                <link rel="stylesheet" href=assets.dsfr_css.clone() />
                <link rel="stylesheet" href=assets.css.clone() />
                <link rel="preload" href=assets.font.clone() r#as="font" type="font/woff2" crossorigin="anonymous" />
                <AutoReload options />
                <Scripts front assets />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The public pages in the account and administrators' bundle: a link to one loads it from the server.
#[cfg(not(feature = "ssr"))]
mod public {
    pub(super) use super::FullLoad as AboutPage;
    pub(super) use super::FullLoad as AccessibilityPage;
    pub(super) use super::FullLoad as FollowPage;
    pub(super) use super::FullLoad as LegalNoticePage;
    pub(super) use super::FullLoad as PersonalDataPage;
    pub(super) use super::FullLoad as RegistrationFormPage;
}

/// Loads the address the router was just taken to from the server: a public page, whose code this bundle does
/// not have (the links to them say `rel="external"`, which the router leaves to the browser; this is for any
/// other way there).
#[cfg(not(feature = "ssr"))]
#[component]
fn FullLoad() -> impl IntoView {
    // The router's address: the browser's changes once the new page is shown, which this one never is.
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        let search = location.search.get_untracked();
        let hash = location.hash.get_untracked();
        let target = format!(
            "{}{}{search}{}{hash}",
            location.pathname.get_untracked(),
            if search.is_empty() || search.starts_with('?') {
                ""
            } else {
                "?"
            },
            if hash.is_empty() || hash.starts_with('#') {
                ""
            } else {
                "#"
            },
        );
        let _ = window().location().set_href(&target);
    });
    view! { <p class="fr-container fr-my-6w" aria-live="polite">"Chargement…"</p> }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| format!("{page} - Géo'DAE") />
        <Router>
            <div class="fr-skiplinks">
                <nav class="fr-container" role="navigation" aria-label="Accès rapide">
                    <ul class="fr-skiplinks__list">
                        // Where the page is hydrated, the router takes the click: the focus is moved to the content
                        // here (on a public page, the browser follows the anchor itself).
                        <li><a class="fr-link" href="#contenu" on:click=|ev| {
                            ev.prevent_default();
                            crate::components::focus("contenu");
                        }>"Contenu"</a></li>
                    </ul>
                </nav>
            </div>
            <Header />
            <main id="contenu" role="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/apropos") view=AboutPage />
                    <Route path=path!("/inscription") view=RegistrationFormPage />
                    <Route path=path!("/accessibilite") view=AccessibilityPage />
                    <Route path=path!("/mentions-legales") view=LegalNoticePage />
                    <Route path=path!("/donnees-personnelles") view=PersonalDataPage />
                    <Route path=path!("/demande/suivi") view=FollowPage />
                    // The account's sign-in is in the bundle's main module: the page most visitors of this bundle
                    // open first, without the dozens of chunks a lazy page's code is split into.
                    <Route path=path!("/connexion") view=AccountSignInPage />
                    <Route path=path!("/compte") view={Lazy::<Account>::new()} />
                    <Route path=path!("/compte/mot-de-passe") view={Lazy::<PasswordSetup>::new()} />
                    <Route path=path!("/compte/mot-de-passe-oublie") view={Lazy::<ForgotPassword>::new()} />
                    <Route path=path!("/compte/identifiant-oublie") view={Lazy::<ForgotLogin>::new()} />
                    <Route path=path!("/admin") view={Lazy::<Dashboard>::new()} />
                    <Route path=path!("/admin/connexion") view={Lazy::<AdminSignIn>::new()} />
                    <Route path=path!("/admin/demandes/:id") view={Lazy::<Request>::new()} />
                    <Route path=path!("/admin/mails") view={Lazy::<Outbox>::new()} />
                    <Route path=path!("/admin/journal") view={Lazy::<Audit>::new()} />
                    <Route path=path!("/admin/administrateurs") view={Lazy::<Admins>::new()} />
                    <Route path=path!("/admin/motifs") view={Lazy::<Reasons>::new()} />
                    <Route path=path!("/admin/mot-de-passe") view={Lazy::<AdminPassword>::new()} />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

/// Declares a route whose page is lazily loaded: built with `cargo leptos build --split`, its code leaves the
/// main WebAssembly module for a chunk the browser fetches when the page is first shown (the server names it in
/// a preload link when it renders that page).
macro_rules! lazy_pages {
    ($($route:ident => $page:ident,)*) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    Account => AccountPage,
    PasswordSetup => PasswordSetupPage,
    ForgotPassword => ForgotPasswordPage,
    ForgotLogin => ForgotLoginPage,
    Dashboard => DashboardPage,
    AdminSignIn => SignInPage,
    Request => RequestPage,
    Outbox => OutboxPage,
    Audit => AuditPage,
    Admins => AdminsPage,
    Reasons => ReasonsPage,
    AdminPassword => PasswordPage,
}
