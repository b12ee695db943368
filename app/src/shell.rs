//! The HTML document and the routes of the application.

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::layout::{Footer, Header};
use crate::pages::admin::{
    audit::AuditPage, connexion::SignInPage, dashboard::DashboardPage, outbox::OutboxPage,
    request::RequestPage, settings::AdminsPage, settings::PasswordPage, settings::ReasonsPage,
};
use crate::pages::compte::{
    account::AccountPage, password::PasswordSetupPage, recovery::ForgotLoginPage,
    recovery::ForgotPasswordPage, sign_in::AccountSignInPage,
};
use crate::pages::{apropos::AproposPage, inscription::InscriptionPage, not_found::NotFoundPage};

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
                        <li><a class="fr-link" href="#contenu">"Contenu"</a></li>
                    </ul>
                </nav>
            </div>
            <Header />
            <main id="contenu" role="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/apropos") view=AproposPage />
                    <Route path=path!("/inscription") view=InscriptionPage />
                    <Route path=path!("/connexion") view=AccountSignInPage />
                    <Route path=path!("/compte") view=AccountPage />
                    <Route path=path!("/compte/mot-de-passe") view=PasswordSetupPage />
                    <Route path=path!("/compte/mot-de-passe-oublie") view=ForgotPasswordPage />
                    <Route path=path!("/compte/identifiant-oublie") view=ForgotLoginPage />
                    <Route path=path!("/admin") view=DashboardPage />
                    <Route path=path!("/admin/connexion") view=SignInPage />
                    <Route path=path!("/admin/demandes/:id") view=RequestPage />
                    <Route path=path!("/admin/mails") view=OutboxPage />
                    <Route path=path!("/admin/journal") view=AuditPage />
                    <Route path=path!("/admin/administrateurs") view=AdminsPage />
                    <Route path=path!("/admin/motifs") view=ReasonsPage />
                    <Route path=path!("/admin/mot-de-passe") view=PasswordPage />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}
