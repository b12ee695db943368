//! Deciding a request (validate, ask for a complement, or refuse with reasons), taking it (« Je m'en occupe »),
//! and acting on the account it created.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ErrorCode;
use crate::api::admin::{
    AccountAction, ComplementRequest, ReadyMade, RefusalReason, RefuseRequest,
};
use crate::api::client::{self, CallError};
use crate::components::Load;
use crate::components::{focus, focus_when_shown};
use crate::domain::dates;
use crate::pages::admin::{Signed, failure};

/// Validate or refuse; only for reviewers and admins.
#[component]
pub(super) fn Decide(id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let signed = expect_context::<Signed>();
    let chosen = RwSignal::new(Vec::<String>::new());
    let message = RwSignal::new(String::new());
    let asked = RwSignal::new(Vec::<String>::new());
    let ask_message = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let confirm_approve = RwSignal::new(false);
    let outcome = move |result: Result<crate::api::admin::Decided, CallError>| {
        set_busy.set(false);
        match result {
            Ok(_) => reload.update(|n| *n += 1),
            Err(e) => {
                set_error.set(Some(failure(&e)));
                if matches!(
                    e.code(),
                    Some(ErrorCode::AlreadyDecided | ErrorCode::AlreadyRegistered)
                ) {
                    reload.update(|n| *n += 1);
                }
            }
        }
    };
    let approve = move |_| {
        if !confirm_approve.get_untracked() {
            confirm_approve.set(true);
            // Shown at the next render.
            focus_when_shown("confirm-approve");
            return;
        }
        set_busy.set(true);
        let csrf = signed.csrf();
        spawn_local(async move { outcome(client::admin::approve(id, &csrf).await) });
    };
    let refuse = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = RefuseRequest {
            reasons: chosen.get_untracked(),
            message: message.get_untracked(),
        };
        if body.reasons.is_empty() {
            set_error.set(Some(
                "Motifs de refus : choisissez au moins un motif.".into(),
            ));
            focus("refusal-reasons");
            return;
        }
        set_busy.set(true);
        let csrf = signed.csrf();
        spawn_local(async move { outcome(client::admin::refuse(id, &body, &csrf).await) });
    };
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ComplementRequest {
            messages: asked.get_untracked(),
            message: ask_message.get_untracked(),
        };
        if body.messages.is_empty() && body.message.trim().is_empty() {
            set_error.set(Some(
                "Demande de complément : choisissez au moins un message ou écrivez le vôtre."
                    .into(),
            ));
            focus("complement-messages");
            return;
        }
        set_busy.set(true);
        let csrf = signed.csrf();
        spawn_local(async move { outcome(client::admin::ask_complement(id, &body, &csrf).await) });
    };
    view! {
        <div id="decision-error" aria-live="assertive">
            {move || error.get().map(|e| view! { <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w"><p>{e}</p></div> })}
        </div>
        <Show when=move || signed.can_decide() fallback=|| view! { <p>"En attente de décision. Votre rôle (lecteur) ne permet pas de décider."</p> }>
            <div class="fr-grid-row fr-grid-row--gutters">
                <div class="fr-col-12 fr-col-md-5">
                    <h4 class="fr-h6">"Valider"</h4>
                    <p class="fr-text--sm">"Crée le compte et envoie au demandeur son identifiant et le lien pour créer son mot de passe."</p>
                    <button type="button" class="fr-btn" id="approve" on:click=approve disabled=move || busy.get()>
                        {move || if confirm_approve.get() { "Confirmer la validation" } else { "Valider la demande" }}
                    </button>
                    <Show when=move || confirm_approve.get()>
                        <p class="fr-text--sm fr-mt-1w" id="confirm-approve" tabindex="-1">"Cliquez à nouveau pour confirmer. "
                            <button type="button" class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm" on:click=move |_| confirm_approve.set(false)>"Annuler"</button>
                        </p>
                    </Show>
                </div>
                <div class="fr-col-12 fr-col-md-7">
                    <form method="post" on:submit=ask novalidate=true>
                        <fieldset class="fr-fieldset" id="complement-messages" tabindex="-1" aria-describedby="decision-error">
                            <legend class="fr-fieldset__legend">"Demander un complément"
                                <span class="fr-hint-text">"Plutôt que de refuser : le demandeur reçoit le message par mail et corrige sa demande depuis son lien de suivi. Elle revient alors dans la file, « complétée »."</span>
                            </legend>
                            <ReadyMadeChoices kind=ReadyMade::Complement chosen=asked />
                            <div class="fr-fieldset__element">
                                <div class="fr-input-group">
                                    <label class="fr-label" for="complement-message">"Votre message (facultatif si un message est choisi)"
                                        <span class="fr-hint-text">"Ajouté au mail, après les messages choisis. 2000 caractères au plus."</span>
                                    </label>
                                    <textarea class="fr-input" id="complement-message" maxlength="2000" rows="3"
                                        prop:value=move || ask_message.get() on:input=move |ev| ask_message.set(event_target_value(&ev))></textarea>
                                </div>
                            </div>
                            <div class="fr-fieldset__element">
                                <button type="submit" class="fr-btn fr-btn--secondary" id="ask-complement" disabled=move || busy.get()>"Demander un complément"</button>
                            </div>
                        </fieldset>
                    </form>
                </div>
                <div class="fr-col-12">
                    <form method="post" on:submit=refuse novalidate=true>
                        <fieldset class="fr-fieldset" id="refusal-reasons" tabindex="-1" aria-describedby="decision-error">
                            <legend class="fr-fieldset__legend">"Refuser : motifs (au moins un)"</legend>
                            <ReadyMadeChoices kind=ReadyMade::Refusal chosen />
                            <div class="fr-fieldset__element">
                                <div class="fr-input-group">
                                    <label class="fr-label" for="refusal-message">"Message au demandeur (facultatif)"
                                        <span class="fr-hint-text">"Ajouté au mail, après les motifs. 2000 caractères au plus."</span>
                                    </label>
                                    <textarea class="fr-input" id="refusal-message" maxlength="2000" rows="3"
                                        prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev))></textarea>
                                </div>
                            </div>
                            <div class="fr-fieldset__element">
                                <button type="submit" class="fr-btn fr-btn--secondary" disabled=move || busy.get()>"Refuser la demande"</button>
                            </div>
                        </fieldset>
                    </form>
                </div>
            </div>
        </Show>
    }
}

/// The ready-made texts of `kind` as checkboxes; `chosen` holds the codes ticked, in the order ticked.
#[component]
fn ReadyMadeChoices(kind: ReadyMade, chosen: RwSignal<Vec<String>>) -> impl IntoView {
    let list = RwSignal::new(Load::<Vec<RefusalReason>>::Loading);
    Effect::new(move |_| {
        spawn_local(async move {
            list.set(match client::admin::ready_made(kind).await {
                Ok(r) => Load::Ready(r),
                Err(e) => Load::Failed(failure(&e)),
            });
        });
    });
    let toggle = move |code: String, on: bool| {
        chosen.update(|c| {
            c.retain(|x| *x != code);
            if on {
                c.push(code);
            }
        });
    };
    let prefix = match kind {
        ReadyMade::Refusal => "reason",
        ReadyMade::Complement => "complement",
    };
    move || {
        match list.get() {
        Load::Loading => view! { <p>"Chargement…"</p> }.into_any(),
        Load::Failed(m) => view! { <p>{m}</p> }.into_any(),
        Load::Ready(list) => list
            .into_iter()
            .map(|r| {
                let input_id = format!("{prefix}-{}", r.code);
                let code = r.code.clone();
                view! {
                    <div class="fr-fieldset__element">
                        <div class="fr-checkbox-group">
                            <input type="checkbox" id=input_id.clone() value=r.code.clone()
                                on:change=move |ev| toggle(code.clone(), event_target_checked(&ev)) />
                            <label class="fr-label" for=input_id>{r.label.clone()}
                                <span class="fr-hint-text">{r.body.clone()}</span>
                            </label>
                        </div>
                    </div>
                }
            })
            .collect_view()
            .into_any(),
    }
    }
}

/// « Je m'en occupe »: who has the request, and the reviewer's button to take it or let it go.
#[component]
pub(super) fn Taking(
    id: i64,
    taken_by: Option<String>,
    taken_at: Option<i64>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let signed = expect_context::<Signed>();
    let (error, set_error) = signal(None::<String>);
    let mine = taken_by.as_deref() == Some(signed.login().as_str());
    let act = move |take: bool| {
        let csrf = signed.csrf();
        spawn_local(async move {
            match client::admin::take(id, take, &csrf).await {
                Ok(()) => reload.update(|n| *n += 1),
                Err(e) => set_error.set(Some(failure(&e))),
            }
        });
    };
    let holder = match (taken_by, taken_at) {
        (Some(_), at) if mine => format!(
            "Vous vous occupez de cette demande{}.",
            at.map(|at| format!(" depuis le {}", dates::date_time(at)))
                .unwrap_or_default()
        ),
        (Some(login), at) => format!(
            "{login} s'occupe de cette demande{} : voyez avec lui ou elle avant de décider.",
            at.map(|at| format!(" depuis le {}", dates::date_time(at)))
                .unwrap_or_default()
        ),
        (None, _) => "Personne ne s'occupe encore de cette demande.".to_string(),
    };
    view! {
        <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w taking" id="taking">
            <p>
                {holder}
                <Show when=move || signed.can_decide()>
                    {if mine {
                        view! { <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary fr-ml-2w" on:click=move |_| act(false)>"Ne plus m'en occuper"</button> }.into_any()
                    } else {
                        view! { <button type="button" class="fr-btn fr-btn--sm fr-btn--secondary fr-ml-2w" id="take" on:click=move |_| act(true)>"Je m'en occupe"</button> }.into_any()
                    }}
                </Show>
            </p>
        </div>
        <p aria-live="polite">{move || error.get()}</p>
    }
}

/// Disable or re-enable the account, send a new password link.
#[component]
pub(super) fn AccountActions(
    account: i64,
    disabled: bool,
    activated: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let signed = expect_context::<Signed>();
    let (notice, set_notice) = signal(None::<String>);
    let act = move |action: AccountAction, done: &'static str| {
        let csrf = signed.csrf();
        spawn_local(async move {
            match client::admin::account_action(account, action, &csrf).await {
                Ok(()) => {
                    set_notice.set(Some(done.to_string()));
                    if action != AccountAction::PasswordLink {
                        reload.update(|n| *n += 1);
                    }
                }
                Err(e) => set_notice.set(Some(failure(&e))),
            }
        });
    };
    view! {
        <p>
            {if disabled { "Compte désactivé." } else if activated { "Compte actif : mot de passe créé." } else { "Compte actif : mot de passe pas encore créé." }}
        </p>
        <Show when=move || signed.can_decide()>
            <ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
                {if disabled {
                    view! { <li><button type="button" class="fr-btn fr-btn--secondary" on:click=move |_| act(AccountAction::Enable, "Compte réactivé.")>"Réactiver le compte"</button></li> }.into_any()
                } else {
                    view! {
                        <li><button type="button" class="fr-btn fr-btn--secondary" on:click=move |_| act(AccountAction::PasswordLink, "Un nouveau lien de mot de passe est envoyé au demandeur.")>"Renvoyer un lien de mot de passe"</button></li>
                        <li><button type="button" class="fr-btn fr-btn--tertiary" on:click=move |_| act(AccountAction::Disable, "Compte désactivé : ses sessions sont fermées.")>"Désactiver le compte"</button></li>
                    }.into_any()
                }}
            </ul>
        </Show>
        <p aria-live="polite">{move || notice.get()}</p>
    }
}
