//! `/admin/administrateurs` (role `admin`): the administrators, their roles, their creation with a first
//! password shown once, disabling them.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AdminFrame, Signed, failure, outcome_view};
use crate::api::admin::{AdminChange, AdminView, NewAdmin, Role};
use crate::api::client;
use crate::components::Load;
use crate::domain::dates;

#[component]
pub fn AdminsPage() -> impl IntoView {
    view! {
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
