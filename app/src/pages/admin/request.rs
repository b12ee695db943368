//! `/admin/demandes/{id}`: everything about one request, what the register says, related requests and
//! accounts, the history, and the decision (validate, or refuse with reasons).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{AdminFrame, Load, Signed, failure, status_badge, status_label};
use crate::api::ErrorCode;
use crate::api::admin::{
    AccountAction, RefusalReason, RefuseRequest, RegistrationDetail, RequestStatus, RightsRequest,
    Role, SirenCheck,
};
use crate::api::client::{self, CallError};
use crate::components::{focus, focus_when_shown};
use crate::domain::dates;
use crate::domain::{OrganisationKind, PhoneNumber};

#[component]
pub fn RequestPage() -> impl IntoView {
    view! {
        <Title text="Demande de compte API" />
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

fn yes_no(b: bool) -> &'static str {
    if b { "oui" } else { "non" }
}

#[component]
fn Detail(detail: RegistrationDetail, reload: RwSignal<u32>) -> impl IntoView {
    if let Some(at) = detail.erased_at {
        return view! { <ErasedDetail detail at /> }.into_any();
    }
    let row = detail.row.clone();
    let kind = OrganisationKind::from_code(&row.organisation_kind)
        .map_or(row.organisation_kind.clone(), |k| k.label().to_string());
    let pending = row.status == RequestStatus::Pending;
    let points: Vec<String> = detail
        .mismatches
        .iter()
        .chain(detail.warnings.iter())
        .cloned()
        .collect();
    let register = detail.register.clone();
    let history = detail.history.clone();
    let related = detail.related.clone();
    let decision = detail.decision.clone();
    view! {
        <h2 class="fr-h3">
            {row.reference.clone()} " " {status_badge(row.status.code())}
            {row.overdue.then(|| view! { " " <span class="fr-badge fr-badge--warning">"En retard"</span> })}
        </h2>
        <p>{format!("Reçue le {} — attente : {}", dates::date_time(row.created_at), dates::days(row.waited_days))}</p>

        {(!points.is_empty()).then(|| view! {
            <div class="fr-alert fr-alert--warning fr-mb-3w">
                <h3 class="fr-alert__title">"Points d'attention"</h3>
                <ul>{points.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
            </div>
        })}

        <div class="fr-grid-row fr-grid-row--gutters">
            <div class="fr-col-12 fr-col-md-6">
                <h3 class="fr-h5">"Demandeur"</h3>
                <dl class="admin-facts">
                    <dt>"Nom"</dt><dd>{row.last_name.clone()}</dd>
                    <dt>"Prénom"</dt><dd>{row.first_name.clone()}</dd>
                    <dt>"Email"</dt><dd><a href=format!("mailto:{}", row.email)>{row.email.clone()}</a></dd>
                    <dt>"Téléphone"</dt><dd>{detail.phone.clone()} <span class="fr-text--xs">{
                        PhoneNumber::from_e164(&detail.phone).ok().map(|n| format!(" (au format national : {})", n.national()))
                    }</span></dd>
                    <dt>"Profil"</dt><dd>{if detail.profile == "api" { "API".to_string() } else { detail.profile.clone() }}</dd>
                    <dt>"Type de structure"</dt><dd>{kind}</dd>
                </dl>
            </div>
            <div class="fr-col-12 fr-col-md-6">
                <h3 class="fr-h5">"Structure"</h3>
                <dl class="admin-facts">
                    <dt>"Code SIREN"</dt><dd>{row.siren.clone()} " " {siren_check(detail.siren_check, detail.register_checked_at)}</dd>
                    <dt>"Code SIRET"</dt><dd>{detail.siret.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>"Raison sociale"</dt><dd>{row.company_name.clone()} <span class="fr-text--xs">{if detail.company_name_source == "register" { " (répertoire SIRENE)" } else { " (saisie par le demandeur)" }}</span></dd>
                </dl>
                <h4 class="fr-h6">"Répertoire SIRENE aujourd'hui"</h4>
                {match register {
                    None => view! { <p>"Le répertoire ne donne rien pour ce SIREN."</p> }.into_any(),
                    Some(r) => view! {
                        <dl class="admin-facts">
                            <dt>"Raison sociale"</dt><dd>{r.company_name.unwrap_or_else(|| "non diffusible".into())}</dd>
                            <dt>"État"</dt><dd>{if r.state == "active" { "active" } else { "cessée" }}</dd>
                            <dt>"Catégorie juridique"</dt><dd>{r.legal_category.unwrap_or_else(|| "—".into())}</dd>
                            <dt>"Diffusible"</dt><dd>{yes_no(r.diffusible)}</dd>
                        </dl>
                    }.into_any(),
                }}
            </div>
        </div>

        <h3 class="fr-h5 fr-mt-3w">"Demandes et comptes liés"</h3>
        {if related.is_empty() {
            view! { <p>"Aucune autre demande ni aucun compte avec cet email ou ce SIREN."</p> }.into_any()
        } else {
            view! {
                <ul>
                    {related.into_iter().map(|r| {
                        let same = r.same.iter().map(|s| if s == "email" { "même email" } else { "même SIREN" }).collect::<Vec<_>>().join(", ");
                        let label = if r.kind == "account" { format!("Compte {}", r.label) } else { format!("Demande {}", r.label) };
                        let link = (r.kind == "registration").then(|| format!("/admin/demandes/{}", r.id));
                        view! {
                            <li>
                                {match link { Some(href) => view! { <a href=href>{label}</a> }.into_any(), None => view! { <span>{label}</span> }.into_any() }}
                                {format!(" — {} — {} — {}", status_label(&r.status), same, dates::date(r.created_at))}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}

        <h3 class="fr-h5 fr-mt-3w">"Décision"</h3>
        {match decision {
            Some(d) => view! {
                <div class=if d.status == RequestStatus::Approved { "fr-alert fr-alert--success" } else { "fr-alert fr-alert--info" }>
                    <p>{format!("{} par {} le {}.", if d.status == RequestStatus::Approved { "Validée" } else { "Refusée" }, d.decided_by.clone().unwrap_or_else(|| "un administrateur".into()), dates::date_time(d.decided_at))}</p>
                    {d.login.clone().map(|l| view! { <p>{format!("Identifiant du compte : {l}")}</p> })}
                    {d.account_id.map(|account| view! { <AccountActions account disabled=d.account_disabled activated=d.account_activated reload /> })}
                    {d.api_usage.clone().map(|u| view! {
                        <p id="api-usage">{format!(
                            "Utilisation de l'API : {} aujourd'hui, {} sur 30 jours, dont refusés pour débit dépassé : {} ; dernier appel : {}.",
                            u.today,
                            u.last_30_days,
                            u.refused_30_days,
                            u.last_call_at.map_or_else(|| "aucun".to_string(), dates::date_time)
                        )}</p>
                    })}
                    {(!d.reasons.is_empty()).then(|| view! { <p>{format!("Motifs : {}", d.reasons.join(" ; "))}</p> })}
                    {d.message.map(|m| view! { <p>{format!("Message : {m}")}</p> })}
                </div>
            }.into_any(),
            None if pending => view! { <Decide id=row.id reload /> }.into_any(),
            None => view! { <p>"—"</p> }.into_any(),
        }}

        <h3 class="fr-h5 fr-mt-3w">"Historique"</h3>
        <ol class="admin-history">
            {history.into_iter().map(|h| view! {
                <li><strong>{dates::date_time(h.at)}</strong> {format!(" — {} — {}", h.actor, h.detail)}</li>
            }).collect_view()}
        </ol>

        <Rights id=row.id reference=row.reference.clone() reload />
    }
    .into_any()
}

/// What is left of a request whose personal data was erased: an anonymous statistic.
#[component]
fn ErasedDetail(detail: RegistrationDetail, at: i64) -> impl IntoView {
    let row = detail.row;
    let kind = OrganisationKind::from_code(&row.organisation_kind)
        .map_or(row.organisation_kind.clone(), |k| k.label().to_string());
    view! {
        <h2 class="fr-h3">{row.reference} " " <span class="fr-badge fr-badge--info">"Données effacées"</span></h2>
        <div class="fr-alert fr-alert--info fr-mb-3w" id="erased">
            <p>{format!("Les données personnelles de cette demande ont été effacées le {}. Il n'en reste qu'une statistique anonyme.", dates::date_time(at))}</p>
        </div>
        <dl class="admin-facts">
            <dt>"Type de structure"</dt><dd>{kind}</dd>
            <dt>"Reçue le"</dt><dd>{dates::date_time(row.created_at)}</dd>
            <dt>"Statut"</dt><dd>{status_label(row.status.code())}</dd>
            <dt>"Décidée le"</dt><dd>{row.decided_at.map_or_else(|| "—".to_string(), dates::date_time)}</dd>
        </dl>
    }
}

/// The applicant's rights (RGPD articles 15 and 17): a copy of everything held, or its erasure, each with
/// its reason in the audit trail. Copies for reviewers and administrators; erasure for administrators.
#[component]
fn Rights(id: i64, reference: String, reload: RwSignal<u32>) -> impl IntoView {
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
    let file = StoredValue::new(format!("donnees-{reference}.json"));
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

/// What the register said of the SIREN for this request, and when.
fn siren_check(check: SirenCheck, at: Option<i64>) -> impl IntoView {
    let when = at
        .map(|at| format!(" le {}", dates::date_time(at)))
        .unwrap_or_default();
    match check {
        SirenCheck::NotVerified => view! {
            <span class="fr-badge fr-badge--sm fr-badge--warning">"SIREN non vérifié"</span>
            <span class="fr-text--xs">" (nouvelle vérification automatique)"</span>
        }
        .into_any(),
        SirenCheck::Verified => view! {
            <span class="fr-badge fr-badge--sm fr-badge--success">"SIREN vérifié"</span>
            <span class="fr-text--xs">{format!(" au répertoire SIRENE{when}")}</span>
        }
        .into_any(),
        SirenCheck::Unknown => view! {
            <span class="fr-badge fr-badge--sm fr-badge--error">"SIREN inconnu"</span>
            <span class="fr-text--xs">{format!(" du répertoire SIRENE{when}")}</span>
        }
        .into_any(),
    }
}

/// Validate or refuse; only for reviewers and admins.
#[component]
fn Decide(id: i64, reload: RwSignal<u32>) -> impl IntoView {
    let signed = expect_context::<Signed>();
    let reasons = RwSignal::new(Load::<Vec<RefusalReason>>::Loading);
    let chosen = RwSignal::new(Vec::<String>::new());
    let message = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let confirm_approve = RwSignal::new(false);
    Effect::new(move |_| {
        spawn_local(async move {
            reasons.set(match client::admin::refusal_reasons().await {
                Ok(r) => Load::Ready(r),
                Err(e) => Load::Failed(failure(&e)),
            });
        });
    });
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
    let toggle = move |code: String, on: bool| {
        chosen.update(|c| {
            c.retain(|x| *x != code);
            if on {
                c.push(code);
            }
        });
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
                    <form method="post" on:submit=refuse novalidate=true>
                        <fieldset class="fr-fieldset" id="refusal-reasons" tabindex="-1" aria-describedby="decision-error">
                            <legend class="fr-fieldset__legend">"Refuser : motifs (au moins un)"</legend>
                            {move || match reasons.get() {
                                Load::Loading => view! { <p>"Chargement des motifs…"</p> }.into_any(),
                                Load::Failed(m) => view! { <p>{m}</p> }.into_any(),
                                Load::Ready(list) => list.into_iter().map(|r| {
                                    let input_id = format!("reason-{}", r.code);
                                    let code = r.code.clone();
                                    view! {
                                        <div class="fr-fieldset__element">
                                            <div class="fr-checkbox-group">
                                                <input type="checkbox" id=input_id.clone() name="reasons" value=r.code.clone()
                                                    on:change=move |ev| toggle(code.clone(), event_target_checked(&ev)) />
                                                <label class="fr-label" for=input_id>{r.label.clone()}
                                                    <span class="fr-hint-text">{r.body.clone()}</span>
                                                </label>
                                            </div>
                                        </div>
                                    }
                                }).collect_view().into_any(),
                            }}
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

/// Disable or re-enable the account, send a new password link.
#[component]
fn AccountActions(
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
