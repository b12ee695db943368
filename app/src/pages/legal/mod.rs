//! The mandatory pages of a French public website, linked from every page's footer: the accessibility
//! declaration (RGAA), the legal notice (loi n° 2004-575, article 6) and the personal data notice (RGPD,
//! articles 13 and 14). Their text is here; what depends on where the service runs (publisher, host, contacts,
//! retention periods) comes from the server's settings. The server renders them whole: they carry no code
//! (`crate::front`), and read without JavaScript.

pub mod accessibility;
pub mod legal_notice;
pub mod personal_data;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::LegalInfo;

/// A mandatory page: its title, then its text with this installation's settings (given by the server).
#[component]
pub fn LegalFrame(title: &'static str, text: fn(LegalInfo) -> AnyView) -> impl IntoView {
    let settings = use_context::<LegalInfo>();
    view! {
        <Title text=title />
        <div class="fr-container fr-my-6w legal">
            <h1>{title}</h1>
            {match settings {
                Some(info) => text(info),
                None => view! {
                    <div class="fr-alert fr-alert--error" role="alert">
                        <p>"Cette page n'a pas pu être chargée. Rechargez la page."</p>
                    </div>
                }
                .into_any(),
            }}
        </div>
    }
}
