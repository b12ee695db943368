//! `/admin/mot-de-passe`: every administrator's own password.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AdminFrame, Signed, failure, outcome_view};
use crate::api::admin::PasswordChange;
use crate::api::client;

#[component]
pub fn PasswordPage() -> impl IntoView {
    view! {
        <AdminFrame title="Mon mot de passe">
            <OwnPassword />
        </AdminFrame>
    }
}

#[component]
fn OwnPassword() -> impl IntoView {
    let signed = expect_context::<Signed>();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let (outcome, set_outcome) = signal(None::<Result<String, String>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if new.get_untracked() != confirm.get_untracked() {
            set_outcome.set(Some(Err(
                "Confirmer le mot de passe : les deux saisies diffèrent.".into(),
            )));
            return;
        }
        let body = PasswordChange {
            current: current.get_untracked(),
            new: new.get_untracked(),
        };
        let csrf = signed.csrf();
        spawn_local(async move {
            set_outcome.set(Some(
                match client::admin::change_password(&body, &csrf).await {
                    Ok(()) => {
                        current.set(String::new());
                        new.set(String::new());
                        confirm.set(String::new());
                        Ok("Mot de passe changé. Vos autres sessions sont fermées.".to_string())
                    }
                    Err(e) => Err(failure(&e)),
                },
            ));
        });
    };
    let field = |id: &'static str,
                 label: &'static str,
                 hint: Option<&'static str>,
                 value: RwSignal<String>,
                 autocomplete: &'static str| {
        view! {
            <div class="fr-input-group">
                <label class="fr-label" for=id>{label}{hint.map(|h| view! { <span class="fr-hint-text">{h}</span> })}</label>
                <input class="fr-input" id=id type="password" autocomplete=autocomplete prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    view! {
        <div aria-live="polite">{move || outcome_view(outcome.get())}</div>
        <form method="post" on:submit=submit class="fr-col-md-6">
            {field("current-password", "Mot de passe actuel", None, current, "current-password")}
            {field("new-password", "Nouveau mot de passe", Some("12 caractères au moins"), new, "new-password")}
            {field("confirm-password", "Confirmer le mot de passe", None, confirm, "new-password")}
            <button class="fr-btn" type="submit">"Changer mon mot de passe"</button>
        </form>
    }
}
