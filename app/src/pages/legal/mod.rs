//! The mandatory pages of a French public website, linked from every page's footer: the accessibility
//! declaration (RGAA), the legal notice (loi n° 2004-575, article 6) and the personal data notice (RGPD,
//! articles 13 and 14). Their text is here; what depends on where the service runs (publisher, host, contacts,
//! retention periods) comes from the server's settings: written into the page when the server renders it,
//! fetched from `/api/v1/legal` when the page is reached from another one in the browser.

pub mod accessibilite;
pub mod donnees;
pub mod mentions;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::LegalInfo;
use crate::api::client;

/// A mandatory page: its title, then its text once the settings are known.
#[component]
pub fn LegalFrame(title: &'static str, text: fn(LegalInfo) -> AnyView) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let known = use_context::<LegalInfo>().and_then(|info| serde_json::to_string(&info).ok());
    #[cfg(not(feature = "ssr"))]
    let known = None::<String>;
    let settings = Resource::new_str(
        || (),
        move |()| {
            let known = known.clone();
            async move {
                match known {
                    Some(text) => text,
                    None => fetch().await,
                }
            }
        },
    );
    view! {
        <Title text=title />
        <div class="fr-container fr-my-6w legal">
            <h1>{title}</h1>
            <Suspense fallback=|| view! { <p aria-live="polite">"Chargement…"</p> }>
                {move || settings.get().map(|json| match client::parse_json::<LegalInfo>(&json) {
                    Some(info) => text(info),
                    None => view! {
                        <div class="fr-alert fr-alert--error" role="alert">
                            <p>"Cette page n'a pas pu être chargée. Vérifiez votre connexion puis rechargez la page."</p>
                        </div>
                    }
                    .into_any(),
                })}
            </Suspense>
        </div>
    }
}

/// The settings from the server, as JSON text ("" when they cannot be had).
#[cfg(feature = "hydrate")]
async fn fetch() -> String {
    // The browser's fetch is not `Send`; it runs on the page's one thread.
    send_wrapper::SendWrapper::new(client::legal_info())
        .await
        .unwrap_or_default()
}

#[cfg(not(feature = "hydrate"))]
async fn fetch() -> String {
    client::legal_info().await.unwrap_or_default()
}

/// A period of retention in words: "365 jours", "1 jour".
pub fn days(n: u32) -> String {
    if n == 1 {
        "1 jour".into()
    } else {
        format!("{n} jours")
    }
}
