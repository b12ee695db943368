//! The `admin` role's settings: administrators (`/admin/administrateurs`), refusal reasons (`/admin/motifs`),
//! and everyone's own password (`/admin/mot-de-passe`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use super::{AdminFrame, Load, Signed, failure};
use crate::api::admin::Role;
use crate::api::admin::{AdminChange, AdminView, NewAdmin, PasswordChange, RefusalReason};
use crate::api::client;
use crate::domain::dates;

/// A message after an action: success or error, announced.
fn outcome_view(outcome: Option<Result<String, String>>) -> impl IntoView {
    outcome.map(|o| match o {
        Ok(text) => view! { <div class="fr-alert fr-alert--success fr-alert--sm fr-mb-2w"><p>{text}</p></div> }.into_any(),
        Err(text) => view! { <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w"><p>{text}</p></div> }.into_any(),
    })
}

#[component]
pub fn AdminsPage() -> impl IntoView {
    view! {
        <Title text="Administrateurs" />
        <AdminFrame title="Administrateurs">
            <Admins />
        </AdminFrame>
    }
}

#[component]
fn Admins() -> impl IntoView {
    let signed = expect_context::<Signed>();
    let list = RwSignal::new(Load::<Vec<AdminView>>::Loading);
    let reload = RwSignal::new(0u32);
    let (outcome, set_outcome) = signal(None::<Result<String, String>>);
    let new = RwSignal::new(NewAdmin::reviewer());
    Effect::new(move |_| {
        reload.track();
        spawn_local(async move {
            list.set(match client::admin::admins().await {
                Ok(l) => Load::Ready(l),
                Err(e) => Load::Failed(failure(&e)),
            });
        });
    });
    let change = move |id: i64, body: AdminChange, done: &'static str| {
        let csrf = signed.csrf();
        spawn_local(async move {
            set_outcome.set(Some(
                match client::admin::change_admin(id, &body, &csrf).await {
                    Ok(()) => Ok(done.to_string()),
                    Err(e) => Err(failure(&e)),
                },
            ));
            reload.update(|n| *n += 1);
        });
    };
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = new.get_untracked();
        let csrf = signed.csrf();
        spawn_local(async move {
            set_outcome.set(Some(match client::admin::create_admin(&body, &csrf).await {
                Ok(created) => {
                    new.set(NewAdmin::reviewer());
                    Ok(format!(
                        "Administrateur « {} » créé. Son premier mot de passe, affiché une seule fois : {} — à lui transmettre par un canal sûr ; il le changera à sa première connexion (« Mon mot de passe »).",
                        created.admin.login, created.password
                    ))
                }
                Err(e) => Err(failure(&e)),
            }));
            reload.update(|n| *n += 1);
        });
    };
    view! {
        <div aria-live="polite">{move || outcome_view(outcome.get())}</div>
        {move || match list.get() {
            Load::Loading => view! { <p>"Chargement…"</p> }.into_any(),
            Load::Failed(m) => view! { <div class="fr-alert fr-alert--error fr-alert--sm" role="alert"><p>{m}</p></div> }.into_any(),
            Load::Ready(admins) => view! {
                <div class="fr-table fr-table--no-caption admin-table">
                    <table>
                        <caption>"Administrateurs"</caption>
                        <thead><tr>
                            <th scope="col">"Identifiant"</th><th scope="col">"Email"</th><th scope="col">"Rôle"</th>
                            <th scope="col">"État"</th><th scope="col">"Créé le"</th><th scope="col">"Actions"</th>
                        </tr></thead>
                        <tbody>
                            {admins.into_iter().map(|a| {
                                let id = a.id;
                                let select_id = format!("role-{id}");
                                let disabled = a.disabled;
                                view! {
                                    <tr>
                                        <td>{a.login.clone()}</td>
                                        <td>{a.email.clone()}</td>
                                        <td>
                                            <label class="fr-sr-only" for=select_id.clone()>{format!("Rôle de {}", a.login)}</label>
                                            <select class="fr-select" id=select_id prop:value=a.role.code()
                                                on:change=move |ev| change(id, AdminChange { role: Role::parse(&event_target_value(&ev)), disabled: None }, "Rôle modifié.")>
                                                {role_options()}
                                            </select>
                                        </td>
                                        <td>{if disabled { "Désactivé" } else { "Actif" }}</td>
                                        <td>{dates::date(a.created_at)}</td>
                                        <td>
                                            <button type="button" class="fr-btn fr-btn--sm fr-btn--secondary"
                                                on:click=move |_| change(id, AdminChange { role: None, disabled: Some(!disabled) },
                                                    if disabled { "Administrateur réactivé." } else { "Administrateur désactivé : ses sessions sont fermées." })>
                                                {if disabled { "Réactiver" } else { "Désactiver" }}
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any(),
        }}
        <h2 class="fr-h4">"Ajouter un administrateur"</h2>
        <form method="post" on:submit=create>
            <div class="fr-grid-row fr-grid-row--gutters">
                <div class="fr-col-12 fr-col-md-4 fr-input-group">
                    <label class="fr-label" for="new-login">"Identifiant" <span class="fr-hint-text">"minuscules sans accent, chiffres, points, tirets"</span></label>
                    <input class="fr-input" id="new-login" required=true prop:value=move || new.with(|n| n.login.clone())
                        on:input=move |ev| new.update(|n| n.login = event_target_value(&ev)) />
                </div>
                <div class="fr-col-12 fr-col-md-4 fr-input-group">
                    <label class="fr-label" for="new-email">"Email" <span class="fr-hint-text">"adresse professionnelle"</span></label>
                    <input class="fr-input" id="new-email" type="email" required=true prop:value=move || new.with(|n| n.email.clone())
                        on:input=move |ev| new.update(|n| n.email = event_target_value(&ev)) />
                </div>
                <div class="fr-col-12 fr-col-md-4 fr-select-group">
                    <label class="fr-label" for="new-role">"Rôle" <span class="fr-hint-text">"lecteur, instructeur ou administrateur"</span></label>
                    <select class="fr-select" id="new-role" prop:value=move || new.with(|n| n.role.code())
                        on:change=move |ev| new.update(|n| n.role = Role::parse(&event_target_value(&ev)).unwrap_or(Role::Reviewer))>
                        {Role::ALL.iter().map(|role| view! {
                            <option value=role.code()>{format!("{} ({})", role.label(), role_scope(*role))}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <button class="fr-btn fr-mt-2w" type="submit">"Créer l'administrateur"</button>
        </form>
    }
}

#[component]
pub fn ReasonsPage() -> impl IntoView {
    view! {
        <Title text="Motifs de refus" />
        <AdminFrame title="Motifs de refus">
            <Reasons />
        </AdminFrame>
    }
}

#[component]
fn Reasons() -> impl IntoView {
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
            list.set(match client::admin::refusal_reasons().await {
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
                match client::admin::save_reason(&reason, &csrf).await {
                    Ok(saved) => Ok(format!("Motif « {} » enregistré.", saved.label)),
                    Err(e) => Err(failure(&e)),
                },
            ));
            load();
        });
    };
    view! {
        <p>"Le texte de chaque motif est celui que lit le demandeur dans le mail de refus. Un motif désactivé n'est plus proposé ; les refus passés le gardent."</p>
        <div aria-live="polite">{move || outcome_view(outcome.get())}</div>
        {move || match list.get() {
            Load::Loading => view! { <p>"Chargement…"</p> }.into_any(),
            Load::Failed(m) => view! { <div class="fr-alert fr-alert--error fr-alert--sm" role="alert"><p>{m}</p></div> }.into_any(),
            Load::Ready(reasons) => reasons.into_iter().map(|reason| {
                let code = reason.with_untracked(|r| r.code.clone());
                let (label_id, body_id, active_id) = (format!("label-{code}"), format!("body-{code}"), format!("active-{code}"));
                view! {
                    <form method="post" class="fr-mb-4w" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); save(reason.get_untracked()); }>
                        <fieldset class="fr-fieldset">
                            <legend class="fr-fieldset__legend">{format!("Motif {code}")}</legend>
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
        <h2 class="fr-h4">"Nouveau motif"</h2>
        <form method="post" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); save(new.get_untracked()); }>
            <div class="fr-input-group">
                <label class="fr-label" for="new-code">"Code" <span class="fr-hint-text">"minuscules, chiffres et tirets bas, par exemple usage_commercial"</span></label>
                <input class="fr-input" id="new-code" prop:value=move || new.with(|r| r.code.clone()) on:input=move |ev| new.update(|r| r.code = event_target_value(&ev)) />
            </div>
            <div class="fr-input-group">
                <label class="fr-label" for="new-label">"Libellé"</label>
                <input class="fr-input" id="new-label" maxlength="100" prop:value=move || new.with(|r| r.label.clone()) on:input=move |ev| new.update(|r| r.label = event_target_value(&ev)) />
            </div>
            <div class="fr-input-group">
                <label class="fr-label" for="new-body">"Texte lu par le demandeur"</label>
                <textarea class="fr-input" id="new-body" maxlength="1000" rows="2" prop:value=move || new.with(|r| r.body.clone()) on:input=move |ev| new.update(|r| r.body = event_target_value(&ev))></textarea>
            </div>
            <button class="fr-btn" type="submit">"Ajouter le motif"</button>
        </form>
    }
}

#[component]
pub fn PasswordPage() -> impl IntoView {
    view! {
        <Title text="Mon mot de passe" />
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

/// One option per role, for a role's select.
fn role_options() -> impl IntoView {
    Role::ALL
        .iter()
        .map(|role| view! { <option value=role.code()>{role.label()}</option> })
        .collect_view()
}

/// What a role may do, in a few words.
fn role_scope(role: Role) -> &'static str {
    match role {
        Role::Viewer => "lit les demandes",
        Role::Reviewer => "décide",
        Role::Admin => "gère aussi les administrateurs et les motifs",
    }
}
