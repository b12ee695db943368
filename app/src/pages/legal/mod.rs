//! The mandatory pages of a French public website, linked from every page's footer: the accessibility
//! declaration (RGAA), the legal notice (loi n° 2004-575, article 6) and the personal data notice (RGPD,
//! articles 13 and 14). Their text is here; what depends on where the service runs (publisher, host, contacts,
//! retention periods) comes from the server's settings: the server renders the page with them and writes them
//! in the page (read back when it hydrates); a page reached from another one in the browser asks
//! `/api/v1/legal`.

pub mod accessibility;
pub mod legal_notice;
pub mod personal_data;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::LegalInfo;
use crate::api::client;

/// The settings and their JSON text, when known without asking: from the server's context while it renders,
/// from the page it rendered while the browser hydrates it.
fn known() -> Option<(LegalInfo, String)> {
    #[cfg(feature = "ssr")]
    {
        let info = use_context::<LegalInfo>()?;
        let json = serde_json::to_string(&info).ok()?;
        Some((info, json))
    }
    #[cfg(feature = "hydrate")]
    {
        if !Owner::current_shared_context().is_some_and(|c| c.during_hydration()) {
            return None;
        }
        let json = document()
            .get_element_by_id("legal-settings")?
            .get_attribute("data-settings")?;
        Some((client::parse_json(&json)?, json))
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    None
}

/// A mandatory page: its title, then its text once the settings are known.
#[component]
pub fn LegalFrame(title: &'static str, text: fn(LegalInfo) -> AnyView) -> impl IntoView {
    let (info, json) = known().unzip();
    let settings = RwSignal::new(info.map(Ok::<_, ()>));
    if settings.with_untracked(Option::is_none) {
        Effect::new(move |_| {
            spawn_local(async move {
                let answer = client::legal_info().await.ok();
                settings.set(Some(
                    answer.and_then(|json| client::parse_json(&json)).ok_or(()),
                ));
            });
        });
    }
    view! {
        <Title text=title />
        <div class="fr-container fr-my-6w legal" id="legal-settings" data-settings=json>
            <h1>{title}</h1>
            {move || match settings.get() {
                None => view! { <p aria-live="polite">"Chargement…"</p> }.into_any(),
                Some(Ok(info)) => text(info),
                Some(Err(())) => view! {
                    <div class="fr-alert fr-alert--error" role="alert">
                        <p>"Cette page n'a pas pu être chargée. Vérifiez votre connexion puis rechargez la page."</p>
                    </div>
                }
                .into_any(),
            }}
        </div>
    }
}
