//! `/admin`: the requests, pending first and oldest first, with counts, a weekly chart, a status filter, one
//! search box and keyset pagination ("Afficher les suivantes").

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{AdminFrame, failure, status_badge};
use crate::api::admin::{
    RegistrationPage, RegistrationRow, RequestStatus, StatusCounts, WeekActivity,
};
use crate::api::client;
use crate::components::Load;
use crate::domain::dates;

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <AdminFrame title="Demandes de compte API">
            <Dashboard />
        </AdminFrame>
    }
}

#[component]
fn Dashboard() -> impl IntoView {
    let status = RwSignal::new("all".to_string());
    let search = RwSignal::new(String::new());
    let typed = RwSignal::new(String::new());
    let page = RwSignal::new(Load::<RegistrationPage>::Loading);
    let rows = RwSignal::new(Vec::<RegistrationRow>::new());
    let summary = RwSignal::new(None::<(StatusCounts, Vec<WeekActivity>, i64)>);
    let (more_busy, set_more_busy) = signal(false);

    let fetch = move |after: Option<String>| {
        let status = RequestStatus::parse(&status.get_untracked());
        let text = search.get_untracked();
        async move { client::admin::registrations(status, &text, after.as_deref()).await }
    };

    // The first page, again whenever the filter or the search changes.
    Effect::new(move |_| {
        status.track();
        search.track();
        page.set(Load::Loading);
        let first = fetch(None);
        spawn_local(async move {
            match first.await {
                Ok(p) => {
                    rows.set(p.items.clone());
                    summary.set(Some((
                        p.counts.clone(),
                        p.weeks.clone(),
                        p.overdue_after_days,
                    )));
                    page.set(Load::Ready(p));
                }
                Err(e) => page.set(Load::Failed(failure(&e))),
            }
        });
    });

    let next = move || {
        page.with(|p| match p {
            Load::Ready(p) => p.next.clone(),
            _ => None,
        })
    };
    let load_more = move |_| {
        let Some(after) = next() else { return };
        set_more_busy.set(true);
        let more = fetch(Some(after));
        spawn_local(async move {
            match more.await {
                Ok(p) => {
                    rows.update(|r| r.extend(p.items.clone()));
                    page.set(Load::Ready(p));
                }
                Err(e) => page.set(Load::Failed(failure(&e))),
            }
            set_more_busy.set(false);
        });
    };

    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        search.set(typed.get_untracked());
    };

    view! {
        {move || summary.get().map(|(counts, weeks, days)| view! { <Summary counts weeks overdue_after_days=days /> })}
        <div class="admin-filters fr-grid-row fr-grid-row--gutters fr-mb-2w">
            <div class="fr-col-12 fr-col-md-4">
                <div class="fr-select-group">
                    <label class="fr-label" for="filter-status">"Statut"</label>
                    <select class="fr-select" id="filter-status" prop:value=move || status.get()
                        on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="all">"Toutes (en attente d'abord)"</option>
                        <option value="pending">"En attente"</option>
                        <option value="completed">"Complétées par le demandeur"</option>
                        <option value="complement">"Complément demandé"</option>
                        <option value="approved">"Validées"</option>
                        <option value="refused">"Refusées"</option>
                        <option value="withdrawn">"Retirées par le demandeur"</option>
                        <option value="closed">"Classées sans suite"</option>
                    </select>
                </div>
            </div>
            <div class="fr-col-12 fr-col-md-8">
                <form method="post" role="search" on:submit=on_search class="admin-search">
                    <label class="fr-label" for="filter-search">
                        "Rechercher"
                        <span class="fr-hint-text">"Nom, email, SIREN, raison sociale ou référence"</span>
                    </label>
                    <div class="fr-search-bar">
                        <input class="fr-input" id="filter-search" type="search" prop:value=move || typed.get()
                            on:input=move |ev| typed.set(event_target_value(&ev)) />
                        <button class="fr-btn" type="submit" title="Rechercher">"Rechercher"</button>
                    </div>
                </form>
            </div>
        </div>
        <div aria-live="polite">
            {move || match page.get() {
                Load::Loading => view! { <p>"Chargement…"</p> }.into_any(),
                Load::Failed(message) => view! { <div class="fr-alert fr-alert--error fr-alert--sm" role="alert"><p>{message}</p></div> }.into_any(),
                Load::Ready(_) if rows.with(Vec::is_empty) => view! { <p>"Aucune demande ne correspond."</p> }.into_any(),
                Load::Ready(_) => view! { <RequestsTable rows=rows.read_only() /> }.into_any(),
            }}
        </div>
        <Show when=move || next().is_some()>
            <button type="button" class="fr-btn fr-btn--secondary" on:click=load_more disabled=move || more_busy.get()>
                "Afficher les suivantes"
            </button>
        </Show>
    }
}

#[component]
fn Summary(
    counts: StatusCounts,
    weeks: Vec<WeekActivity>,
    overdue_after_days: i64,
) -> impl IntoView {
    let tile = |label: &'static str, n: i64, class: &'static str| {
        view! {
            <div class="fr-col-6 fr-col-md-3">
                <div class=format!("admin-count {class}")>
                    <p class="admin-count__number">{n}</p>
                    <p class="admin-count__label">{label}</p>
                </div>
            </div>
        }
    };
    view! {
        <div class="fr-grid-row fr-grid-row--gutters fr-mb-3w admin-counts">
            {tile("en attente", counts.pending, "")}
            {tile("complétées, à revoir", counts.completed, "")}
            {tile("en retard", counts.overdue, if counts.overdue > 0 { "admin-count--late" } else { "" })}
            {tile("complément demandé", counts.complement, "")}
            {tile("validées", counts.approved, "")}
            {tile("refusées", counts.refused, "")}
            {tile("retirées", counts.withdrawn, "")}
            {tile("classées sans suite", counts.closed, "")}
        </div>
        <p class="fr-hint-text">{format!("Une demande en attente ou complétée depuis {} est en retard.", dates::days(overdue_after_days))}</p>
        <WeeklyChart weeks />
    }
}

/// Received and decided requests per week: bars for the eye, the same figures in a table for screen readers.
#[component]
fn WeeklyChart(weeks: Vec<WeekActivity>) -> impl IntoView {
    let max = weeks
        .iter()
        .map(|w| w.received.max(w.decided))
        .max()
        .unwrap_or(0)
        .max(1);
    // Whole pixels, rounded to the nearest, in integers.
    let height: i64 = 80;
    let bar = |n: i64| (2 * n * height + max) / (2 * max);
    let short = |week: &str| {
        let parts: Vec<&str> = week.split('-').collect();
        match parts.as_slice() {
            [_, m, d] => format!("{d}/{m}"),
            _ => week.to_string(),
        }
    };
    let bars = weeks
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let x = i64::try_from(i).unwrap_or(0) * 48 + 8;
            let (r, d) = (bar(w.received), bar(w.decided));
            view! {
                <g>
                    <rect x=x y=height - r + 4 width="16" height=r class="chart-received" />
                    <rect x=x + 18 y=height - d + 4 width="16" height=d class="chart-decided" />
                    <text x=x + 17 y=height + 20 text-anchor="middle" class="chart-label">{short(&w.week)}</text>
                </g>
            }
        })
        .collect_view();
    let rows = weeks
        .iter()
        .map(|w| view! { <tr><td>{short(&w.week)}</td><td>{w.received}</td><td>{w.decided}</td></tr> })
        .collect_view();
    view! {
        <figure class="admin-chart fr-mb-4w">
            <figcaption>"Demandes reçues " <span class="legend legend--received"></span> " et décidées " <span class="legend legend--decided"></span> " par semaine (12 dernières semaines)"</figcaption>
            <svg viewBox="0 0 580 110" role="img" aria-hidden="true" focusable="false">{bars}</svg>
            <table class="fr-sr-only">
                <caption>"Demandes reçues et décidées par semaine"</caption>
                <thead><tr><th scope="col">"Semaine du"</th><th scope="col">"Reçues"</th><th scope="col">"Décidées"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
}

#[component]
fn RequestsTable(rows: ReadSignal<Vec<RegistrationRow>>) -> impl IntoView {
    view! {
        <div class="fr-table fr-table--no-caption admin-table">
            <table>
                <caption>"Demandes"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Référence"</th>
                        <th scope="col">"Demandeur"</th>
                        <th scope="col">"Structure"</th>
                        <th scope="col">"Reçue le"</th>
                        <th scope="col">"Attente"</th>
                        <th scope="col">"Statut"</th>
                        <th scope="col">"Points d'attention"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|row| row.id let:row>
                        <tr class:admin-row--late=row.overdue>
                            <td><a href=format!("/admin/demandes/{}", row.id)>{row.reference.clone()}</a></td>
                            {if row.email.is_empty() {
                                // Erased (retention or the applicant's request): only the statistic is left.
                                view! { <td colspan="2"><em>"Données effacées"</em></td> }.into_any()
                            } else {
                                view! {
                                    <td>{format!("{} {}", row.first_name, row.last_name)}<br /><span class="fr-text--xs">{row.email.clone()}</span></td>
                                    <td>{row.company_name.clone()}<br /><span class="fr-text--xs">{format!("SIREN {}", row.siren)}</span></td>
                                }.into_any()
                            }}
                            <td>{dates::date(row.created_at)}</td>
                            <td>
                                {dates::days(row.waited_days)}
                                {row.overdue.then(|| view! { " " <span class="fr-badge fr-badge--sm fr-badge--warning">"En retard"</span> })}
                            </td>
                            <td>
                                {status_badge(row.status.code())}
                                {row.taken_by.clone().map(|login| view! { <br /><span class="fr-text--xs">{format!("Pris en charge par {login}")}</span> })}
                            </td>
                            <td>{if row.flags == 0 { "—".to_string() } else { row.flags.to_string() }}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </div>
    }
}
