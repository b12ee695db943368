//! The applicant's rights on their request's page: a copy of everything held, or its erasure.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::admin::{RightsRequest, Role};
use crate::api::client::{self};
use crate::components::{focus, focus_when_shown};
use crate::pages::admin::{Signed, failure};

/// The applicant's rights (RGPD articles 15 and 17): a copy of everything held, or its erasure, each with
/// its reason in the audit trail. Copies for reviewers and administrators; erasure for administrators.
/// `file` names the copy the browser saves.
#[component]
pub(super) fn Rights(id: i64, file: String, reload: RwSignal<u32>) -> impl IntoView {
    let signed = expect_context::<Signed>();
    let admin = move || {
        signed
            .0
            .with(|s| s.as_ref().is_some_and(|s| s.role == Role::Admin))
    };
    let reason = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<String>);
    let (notice, set_notice) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let confirm = RwSignal::new(false);
    let file = StoredValue::new(file);
    let request = move || {
        let body = RightsRequest {
            reason: reason.get_untracked().trim().to_string(),
        };
        if body.reason.chars().count() < 3 {
            set_error.set(Some("Motif : indiquez qui a fait la demande, quand et comment (par exemple « mail du demandeur du 3 mars »).".into()));
            focus("rights-reason");
            return None;
        }
        set_error.set(None);
        set_notice.set(None);
        Some(body)
    };
    let export = move |_| {
        let Some(body) = request() else { return };
        set_busy.set(true);
        let csrf = signed.csrf();
        let file = file.get_value();
        spawn_local(async move {
            match client::admin::export(id, &body, &csrf).await {
                Ok(json) => {
                    save(&file, &json);
                    set_notice.set(Some(format!(
                        "Copie des données enregistrée dans le fichier {file}."
                    )));
                }
                Err(e) => set_error.set(Some(failure(&e))),
            }
            set_busy.set(false);
        });
    };
    let erase = move |_| {
        let Some(body) = request() else { return };
        if !confirm.get_untracked() {
            confirm.set(true);
            focus_when_shown("confirm-erase");
            return;
        }
        set_busy.set(true);
        let csrf = signed.csrf();
        spawn_local(async move {
            match client::admin::erase(id, &body, &csrf).await {
                Ok(erased) if erased.deleted => {
                    set_notice.set(Some(
                        "La demande, en attente, a été supprimée avec ses données.".into(),
                    ));
                    confirm.set(false);
                }
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => set_error.set(Some(failure(&e))),
            }
            set_busy.set(false);
        });
    };
    view! {
        <Show when=move || signed.can_decide()>
            <h3 class="fr-h5 fr-mt-3w" id="rights">"Droits du demandeur"</h3>
            <p class="fr-text--sm">
                "À la demande de la personne (articles 15 et 17 du RGPD) : une copie de tout ce qui est conservé sur cette "
                "demande et son compte, ou leur effacement. Chaque action est inscrite au journal avec son motif."
            </p>
            <div class=move || if error.get().is_some() { "fr-input-group fr-input-group--error" } else { "fr-input-group" }>
                <label class="fr-label" for="rights-reason">"Motif"
                    <span class="fr-hint-text">"Qui l'a demandé, quand et comment, par exemple « mail du demandeur du 3 mars »."</span>
                </label>
                <input class="fr-input" id="rights-reason" type="text" maxlength="500"
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                    aria-describedby="rights-error"
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                <div class="fr-messages-group" id="rights-error" aria-live="polite">
                    {move || error.get().map(|e| view! { <p class="fr-message fr-message--error">{e}</p> })}
                </div>
            </div>
            <ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
                <li><button type="button" class="fr-btn fr-btn--secondary" on:click=export disabled=move || busy.get()>"Exporter les données (JSON)"</button></li>
                <Show when=admin>
                    <li><button type="button" class="fr-btn fr-btn--tertiary" on:click=erase disabled=move || busy.get()>
                        {move || if confirm.get() { "Confirmer l'effacement" } else { "Effacer les données" }}
                    </button></li>
                </Show>
            </ul>
            <Show when=move || confirm.get()>
                <p class="fr-text--sm" id="confirm-erase" tabindex="-1">
                    "L'effacement est définitif : le compte est supprimé, ses sessions et ses liens prennent fin ; une demande "
                    "examinée ne reste que comme statistique anonyme, une demande en attente est supprimée. Cliquez à nouveau pour confirmer. "
                    <button type="button" class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm" on:click=move |_| confirm.set(false)>"Annuler"</button>
                </p>
            </Show>
            <p aria-live="polite" id="rights-notice">{move || notice.get()}</p>
        </Show>
    }
}

/// Offers `text` to the browser as a file to save.
fn save(name: &str, text: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/json");
        let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
            return;
        };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
            return;
        };
        if let Ok(link) = document().create_element("a") {
            let link: web_sys::HtmlAnchorElement = link.unchecked_into();
            link.set_href(&url);
            link.set_download(name);
            link.click();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, text);
}
