//! `/admin/journal`: the audit trail, newest first.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AdminFrame, failure};
use crate::api::admin::AuditEntry;
use crate::api::client;
use crate::components::Load;
use crate::domain::dates;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <AdminFrame title="Journal des actions">
            <Audit />
        </AdminFrame>
    }
}

#[component]
fn Audit() -> impl IntoView {
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let state = RwSignal::new(Load::<bool>::Loading);
    let load = move |before: Option<i64>| {
        spawn_local(async move {
            match client::admin::audit(before).await {
                Ok(list) => {
                    let full = list.len() == 100;
                    entries.update(|e| e.extend(list));
                    state.set(Load::Ready(full));
                }
                Err(e) => state.set(Load::Failed(failure(&e))),
            }
        });
    };
    Effect::new(move |_| load(None));
    view! {
        {move || match state.get() {
            Load::Loading => view! { <p>"Chargement…"</p> }.into_any(),
            Load::Failed(m) => view! { <div class="fr-alert fr-alert--error fr-alert--sm" role="alert"><p>{m}</p></div> }.into_any(),
            Load::Ready(_) => view! {
                <div class="fr-table fr-table--no-caption admin-table">
                    <table>
                        <caption>"Journal"</caption>
                        <thead><tr>
                            <th scope="col">"Date"</th><th scope="col">"Qui"</th><th scope="col">"Action"</th>
                            <th scope="col">"Cible"</th><th scope="col">"Détail"</th><th scope="col">"Adresse IP"</th>
                        </tr></thead>
                        <tbody>
                            <For each=move || entries.get() key=|e| e.id let:e>
                                <tr>
                                    <td>{dates::date_time(e.at)}</td>
                                    <td>{e.actor.clone()}</td>
                                    <td>{e.action.label()}</td>
                                    <td>{match e.target.clone() {
                                        Some(t) if t.starts_with("registration ") => {
                                            let id = t.trim_start_matches("registration ").to_string();
                                            view! { <a href=format!("/admin/demandes/{id}")>{format!("Demande {id}")}</a> }.into_any()
                                        }
                                        Some(t) => view! { <span>{t}</span> }.into_any(),
                                        None => view! { <span>"—"</span> }.into_any(),
                                    }}</td>
                                    <td class="fr-text--xs admin-detail">{e.detail.clone()}</td>
                                    <td class="fr-text--xs">{e.ip.clone().unwrap_or_default()}</td>
                                </tr>
                            </For>
                        </tbody>
                    </table>
                </div>
            }.into_any(),
        }}
        <Show when=move || matches!(state.get(), Load::Ready(true))>
            <button type="button" class="fr-btn fr-btn--secondary"
                on:click=move |_| load(entries.with_untracked(|e| e.last().map(|l| l.id)))>"Afficher les plus anciennes"</button>
        </Show>
    }
}
