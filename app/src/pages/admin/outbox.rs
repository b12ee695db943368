//! `/admin/mails`: the emails of the outbox (sent, waiting, failed) and resending failed ones.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AdminFrame, Signed, failure, status_badge};
use crate::api::admin::{OutboxItem, OutboxStatus};
use crate::api::client;
use crate::components::Load;
use crate::domain::dates;

#[component]
pub fn OutboxPage() -> impl IntoView {
    view! {
        <AdminFrame title="Mails envoyés">
            <Outbox />
        </AdminFrame>
    }
}

#[component]
fn Outbox() -> impl IntoView {
    let signed = expect_context::<Signed>();
    let status = RwSignal::new("all".to_string());
    let items = RwSignal::new(Load::<Vec<OutboxItem>>::Loading);
    let reload = RwSignal::new(0u32);
    let (notice, set_notice) = signal(None::<String>);
    Effect::new(move |_| {
        reload.track();
        let status = OutboxStatus::parse(&status.get());
        spawn_local(async move {
            items.set(match client::admin::outbox(status).await {
                Ok(list) => Load::Ready(list),
                Err(e) => Load::Failed(failure(&e)),
            });
        });
    });
    let resend = move |id: i64| {
        let csrf = signed.csrf();
        spawn_local(async move {
            set_notice.set(Some(match client::admin::resend(id, &csrf).await {
                Ok(()) => "Le mail est remis dans la file d'envoi.".to_string(),
                Err(e) => failure(&e),
            }));
            reload.update(|n| *n += 1);
        });
    };
    view! {
        <div class="fr-select-group">
            <label class="fr-label" for="outbox-status">"Statut"</label>
            <select class="fr-select" id="outbox-status" on:change=move |ev| status.set(event_target_value(&ev))>
                <option value="all">"Tous"</option>
                <option value="failed">"En échec"</option>
                <option value="waiting">"En attente d'envoi"</option>
                <option value="sent">"Envoyés"</option>
            </select>
        </div>
        <div aria-live="polite">{move || notice.get().map(|n| view! { <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-2w"><p>{n}</p></div> })}</div>
        {move || match items.get() {
            Load::Loading => view! { <p>"Chargement…"</p> }.into_any(),
            Load::Failed(m) => view! { <div class="fr-alert fr-alert--error fr-alert--sm" role="alert"><p>{m}</p></div> }.into_any(),
            Load::Ready(list) if list.is_empty() => view! { <p>"Aucun mail."</p> }.into_any(),
            Load::Ready(list) => view! {
                <div class="fr-table fr-table--no-caption admin-table">
                    <table>
                        <caption>"Mails"</caption>
                        <thead><tr>
                            <th scope="col">"Créé le"</th><th scope="col">"Type"</th><th scope="col">"Destinataire"</th>
                            <th scope="col">"Objet"</th><th scope="col">"Statut"</th><th scope="col">"Tentatives"</th>
                            <th scope="col">"Dernière erreur"</th><th scope="col">"Action"</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|m| {
                                let id = m.id;
                                let failed = m.status == OutboxStatus::Failed;
                                view! {
                                    <tr>
                                        <td>{dates::date_time(m.created_at)}</td>
                                        <td>{m.kind.label()}</td>
                                        <td>{m.recipient.clone()}</td>
                                        <td>{m.subject.clone()}</td>
                                        <td>{status_badge(m.status.code())}{m.sent_at.map(|t| view! { <br /><span class="fr-text--xs">{dates::date_time(t)}</span> })}</td>
                                        <td>{m.attempts}</td>
                                        <td class="fr-text--xs">{m.last_error.clone().unwrap_or_default()}</td>
                                        <td>{(failed && signed.can_decide()).then(|| view! {
                                            <button type="button" class="fr-btn fr-btn--sm fr-btn--secondary" on:click=move |_| resend(id)>"Renvoyer"</button>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any(),
        }}
    }
}
