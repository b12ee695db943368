//! `/admin/demandes/{id}`: everything about one request, what the register says, related requests and
//! accounts, the history, and the decision (validate, or refuse with reasons).
//! The page mirrors the server's `review`: what is known (`detail`), the decision (`decide`) and the
//! applicant's rights (`rights`).

mod decide;
mod detail;
mod rights;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::admin::RegistrationDetail;
use crate::api::client::{self};
use crate::components::Load;
use crate::pages::admin::{AdminFrame, failure};

use self::detail::Detail;

#[component]
pub fn RequestPage() -> impl IntoView {
    view! {
        <AdminFrame title="Demande de compte API">
            <RequestView />
        </AdminFrame>
    }
}

#[component]
fn RequestView() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let detail = RwSignal::new(Load::<RegistrationDetail>::Loading);
    let reload = RwSignal::new(0u32);
    Effect::new(move |_| {
        reload.track();
        let Some(id) = id() else {
            detail.set(Load::Failed("Cette demande n'existe pas.".into()));
            return;
        };
        spawn_local(async move {
            detail.set(match client::admin::registration(id).await {
                Ok(d) => Load::Ready(d),
                Err(e) => Load::Failed(failure(&e)),
            });
        });
    });
    view! {
        <p><a class="fr-link" href="/admin"><span aria-hidden="true">"← "</span>"Retour aux demandes"</a></p>
        {move || match detail.get() {
            Load::Loading => view! { <p aria-live="polite">"Chargement…"</p> }.into_any(),
            Load::Failed(message) => view! { <div class="fr-alert fr-alert--error" role="alert"><p>{message}</p></div> }.into_any(),
            Load::Ready(d) => view! { <Detail detail=d reload /> }.into_any(),
        }}
    }
}
