//! `/admin/motifs` (role `admin`): the reviewers' ready-made texts — the reasons of a refusal and the messages
//! of a request for a complement —, their wording and whether they are offered.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AdminFrame, Signed, failure, outcome_view};
use crate::api::admin::{ReadyMade, RefusalReason};
use crate::api::client;
use crate::components::Load;

#[component]
pub fn ReasonsPage() -> impl IntoView {
    view! {
        <AdminFrame title="Motifs de refus et messages de complément">
            <h2 class="fr-h4">"Motifs de refus"</h2>
            <Reasons kind=ReadyMade::Refusal />
            <h2 class="fr-h4 fr-mt-6w">"Messages de demande de complément"</h2>
            <Reasons kind=ReadyMade::Complement />
        </AdminFrame>
    }
}

#[component]
fn Reasons(kind: ReadyMade) -> impl IntoView {
    // Ids unique on the page, which lists both kinds.
    let prefix = match kind {
        ReadyMade::Refusal => "reason",
        ReadyMade::Complement => "complement",
    };
    let (what, where_read) = match kind {
        ReadyMade::Refusal => ("Motif", "le mail de refus"),
        ReadyMade::Complement => (
            "Message",
            "le mail de demande de complément et sur sa page de suivi",
        ),
    };
    let signed = expect_context::<Signed>();
    let list = RwSignal::new(Load::<Vec<RwSignal<RefusalReason>>>::Loading);
    let (outcome, set_outcome) = signal(None::<Result<String, String>>);
    let new = RwSignal::new(RefusalReason {
        code: String::new(),
        label: String::new(),
        body: String::new(),
        active: true,
    });
    let load = move || {
        spawn_local(async move {
            list.set(match client::admin::ready_made(kind).await {
                Ok(l) => Load::Ready(l.into_iter().map(RwSignal::new).collect()),
                Err(e) => Load::Failed(failure(&e)),
            });
        });
    };
    Effect::new(move |_| load());
    let save = move |reason: RefusalReason| {
        let csrf = signed.csrf();
        spawn_local(async move {
            set_outcome.set(Some(
                match client::admin::save_ready_made(kind, &reason, &csrf).await {
                    Ok(saved) => Ok(format!("{what} « {} » enregistré.", saved.label)),
                    Err(e) => Err(failure(&e)),
                },
            ));
            load();
        });
    };
    view! {
        <p>{format!("Le texte de chacun est celui que lit le demandeur dans {where_read}. Désactivé, il n'est plus proposé ; les mails déjà envoyés le gardent.")}</p>
        <div aria-live="polite">{move || outcome_view(outcome.get())}</div>
        {move || match list.get() {
            Load::Loading => view! { <p>"Chargement…"</p> }.into_any(),
            Load::Failed(m) => view! { <div class="fr-alert fr-alert--error fr-alert--sm" role="alert"><p>{m}</p></div> }.into_any(),
            Load::Ready(reasons) => reasons.into_iter().map(|reason| {
                let code = reason.with_untracked(|r| r.code.clone());
                let (label_id, body_id, active_id) = (format!("{prefix}-label-{code}"), format!("{prefix}-body-{code}"), format!("{prefix}-active-{code}"));
                view! {
                    <form method="post" class="fr-mb-4w" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); save(reason.get_untracked()); }>
                        <fieldset class="fr-fieldset">
                            <legend class="fr-fieldset__legend">{format!("{what} {code}")}</legend>
                            <div class="fr-fieldset__element fr-input-group">
                                <label class="fr-label" for=label_id.clone()>"Libellé (vu par les administrateurs)"</label>
                                <input class="fr-input" id=label_id maxlength="100" prop:value=move || reason.with(|r| r.label.clone())
                                    on:input=move |ev| reason.update(|r| r.label = event_target_value(&ev)) />
                            </div>
                            <div class="fr-fieldset__element fr-input-group">
                                <label class="fr-label" for=body_id.clone()>"Texte lu par le demandeur"</label>
                                <textarea class="fr-input" id=body_id maxlength="1000" rows="2" prop:value=move || reason.with(|r| r.body.clone())
                                    on:input=move |ev| reason.update(|r| r.body = event_target_value(&ev))></textarea>
                            </div>
                            <div class="fr-fieldset__element fr-checkbox-group">
                                <input type="checkbox" id=active_id.clone() prop:checked=move || reason.with(|r| r.active)
                                    on:change=move |ev| reason.update(|r| r.active = event_target_checked(&ev)) />
                                <label class="fr-label" for=active_id>"Proposé aux instructeurs"</label>
                            </div>
                            <div class="fr-fieldset__element">
                                <button class="fr-btn fr-btn--sm" type="submit">"Enregistrer"</button>
                            </div>
                        </fieldset>
                    </form>
                }
            }).collect_view().into_any(),
        }}
        <h3 class="fr-h5">{format!("Nouveau {}", what.to_lowercase())}</h3>
        <form method="post" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); save(new.get_untracked()); }>
            <div class="fr-input-group">
                <label class="fr-label" for=format!("{prefix}-new-code")>"Code" <span class="fr-hint-text">"minuscules, chiffres et tirets bas, par exemple usage_commercial"</span></label>
                <input class="fr-input" id=format!("{prefix}-new-code") prop:value=move || new.with(|r| r.code.clone()) on:input=move |ev| new.update(|r| r.code = event_target_value(&ev)) />
            </div>
            <div class="fr-input-group">
                <label class="fr-label" for=format!("{prefix}-new-label")>"Libellé"</label>
                <input class="fr-input" id=format!("{prefix}-new-label") maxlength="100" prop:value=move || new.with(|r| r.label.clone()) on:input=move |ev| new.update(|r| r.label = event_target_value(&ev)) />
            </div>
            <div class="fr-input-group">
                <label class="fr-label" for=format!("{prefix}-new-body")>"Texte lu par le demandeur"</label>
                <textarea class="fr-input" id=format!("{prefix}-new-body") maxlength="1000" rows="2" prop:value=move || new.with(|r| r.body.clone()) on:input=move |ev| new.update(|r| r.body = event_target_value(&ev))></textarea>
            </div>
            <button class="fr-btn" type="submit">{format!("Ajouter le {}", what.to_lowercase())}</button>
        </form>
    }
}
