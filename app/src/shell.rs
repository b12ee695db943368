//! The HTML document and the routes of the application.

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Stylesheet, Title, provide_meta_context};
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
use crate::pages::legal::{
    accessibility::AccessibilityPage, legal_notice::LegalNoticePage,
    personal_data::PersonalDataPage,
};
use crate::pages::{
    about::AboutPage, follow::FollowPage, not_found::NotFoundPage,
    registration::RegistrationFormPage,
};

/// The scripts and styles a page may run: its own files, the inline scripts the server wrote with this
/// response's nonce (hydration), WebAssembly compiled by the browser, and nothing inline otherwise. The
/// server's `Content-Security-Policy` header adds what a `<meta>` cannot say (`frame-ancestors`); both apply.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'"
    )
}

/// The document rendered by the server around the application.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // A fresh nonce for each response, put on the hydration scripts by Leptos and named by the policy.
    #[cfg(feature = "ssr")]
    leptos::nonce::provide_nonce();
    let policy = leptos::nonce::use_nonce().map(|nonce| content_security_policy(&nonce));
    view! {
        <!DOCTYPE html>
        <html lang="fr" data-fr-scheme="light">
            <head>
                <meta charset="utf-8" />
                // First in the document, so that it governs every script and style after it.
                {policy.map(|policy| view! { <meta http-equiv="Content-Security-Policy" content=policy /> })}
                <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
                <meta name="format-detection" content="telephone=no" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href="/dsfr/css/dsfr.min.css" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="geodae" href="/pkg/geodae.css" />
        <Link rel="preload" href="/dsfr/fonts/Marianne-Regular.woff2" as_="font" type_="font/woff2" crossorigin="anonymous" />
        <Title formatter=|page: String| format!("{page} - Géo'DAE") />
        <Router>
            <div class="fr-skiplinks">
                <nav class="fr-container" role="navigation" aria-label="Accès rapide">
                    <ul class="fr-skiplinks__list">
                        // The router takes the click: the focus is moved to the content here (without the
                        // page's code, the browser follows the anchor itself).
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
                    <Route path=path!("/accessibilite") view={Lazy::<Accessibility>::new()} />
                    <Route path=path!("/mentions-legales") view={Lazy::<LegalNotice>::new()} />
                    <Route path=path!("/donnees-personnelles") view={Lazy::<PersonalData>::new()} />
                    <Route path=path!("/demande/suivi") view={Lazy::<Follow>::new()} />
                    <Route path=path!("/connexion") view={Lazy::<AccountSignIn>::new()} />
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
/// a `modulepreload` link when it renders that page). The registration pages stay in the main module.
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
    Accessibility => AccessibilityPage,
    LegalNotice => LegalNoticePage,
    PersonalData => PersonalDataPage,
    Follow => FollowPage,
    AccountSignIn => AccountSignInPage,
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
