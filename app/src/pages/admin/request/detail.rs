//! What is known of a request: the applicant, the register's view, points to check, related requests and
//! accounts, the history; what is left of an erased one.

use leptos::prelude::*;

use crate::api::CompanyState;
use crate::api::admin::{
    Exchange, ExchangeAuthor, RegistrationDetail, RelatedKind, RequestStatus, SirenCheck,
};
use crate::domain::PhoneNumber;
use crate::domain::dates;
use crate::pages::admin::{status_badge, status_label};

use super::decide::{AccountActions, Decide, Taking};
use super::rights::Rights;

fn yes_no(b: bool) -> &'static str {
    if b { "oui" } else { "non" }
}

#[component]
pub(super) fn Detail(detail: RegistrationDetail, reload: RwSignal<u32>) -> impl IntoView {
    if let Some(at) = detail.erased_at {
        return view! { <ErasedDetail detail at /> }.into_any();
    }
    let row = detail.row.clone();
    let kind = row.organisation_kind.label();
    let pending = row.status.is_open();
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
    let exchanges = detail.exchanges.clone();
    let waiting_since = (row.status == RequestStatus::Complement)
        .then(|| {
            exchanges
                .iter()
                .rev()
                .find(|e| e.author == ExchangeAuthor::Reviewer)
                .map(|e| e.at)
        })
        .flatten();
    view! {
        <h2 class="fr-h3">
            {row.reference.clone()} " " {status_badge(row.status.code())}
            {row.overdue.then(|| view! { " " <span class="fr-badge fr-badge--warning">"En retard"</span> })}
        </h2>
        <p>{format!("Reçue le {} — attente : {}", dates::date_time(row.created_at), dates::days(row.waited_days))}</p>
        {pending.then(|| view! { <Taking id=row.id taken_by=row.taken_by.clone() taken_at=detail.taken_at reload /> })}

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
                    <dt>"Profil"</dt><dd>{detail.profile.label()}</dd>
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
                            <dt>"État"</dt><dd>{if r.state == CompanyState::Active { "active" } else { "cessée" }}</dd>
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
                        let same = r.same.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ");
                        let label = match r.kind {
                            RelatedKind::Account => format!("Compte {}", r.label),
                            RelatedKind::Registration => format!("Demande {}", r.label),
                        };
                        let link = (r.kind == RelatedKind::Registration).then(|| format!("/admin/demandes/{}", r.id));
                        view! {
                            <li>
                                {match link { Some(href) => view! { <a href=href>{label}</a> }.into_any(), None => view! { <span>{label}</span> }.into_any() }}
                                {format!(" — {} — {} — {}", r.status.label(), same, dates::date(r.created_at))}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}

        {(!exchanges.is_empty()).then(|| view! {
            <h3 class="fr-h5 fr-mt-3w">"Échanges avec le demandeur"</h3>
            <Thread exchanges />
        })}

        <h3 class="fr-h5 fr-mt-3w">"Décision"</h3>
        {match decision {
            Some(d) => view! {
                <div class=if d.status == RequestStatus::Approved { "fr-alert fr-alert--success" } else { "fr-alert fr-alert--info" }>
                    <p>{match d.status {
                        RequestStatus::Withdrawn => format!("Retirée par le demandeur le {}.", dates::date_time(d.decided_at)),
                        RequestStatus::Closed => format!("Classée sans suite le {}.", dates::date_time(d.decided_at)),
                        status => format!("{} par {} le {}.", status.label(), d.decided_by.clone().unwrap_or_else(|| "un administrateur".into()), dates::date_time(d.decided_at)),
                    }}</p>
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
            None if row.status == RequestStatus::Complement => view! {
                <div class="fr-alert fr-alert--info" id="waiting-complement">
                    <p>{format!(
                        "Complément demandé le {} : la demande attend la réponse du demandeur, puis reviendra dans la file, « complétée ». Sans réponse, il reçoit un rappel, puis elle est classée sans suite.",
                        waiting_since.map(dates::date_time).unwrap_or_default()
                    )}</p>
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

        <Rights id=row.id file=format!("donnees-{}.json", row.reference) reload />
    }
    .into_any()
}

/// The exchange with the applicant: each message with its author and date; an answer with what it changed,
/// before → after.
#[component]
fn Thread(exchanges: Vec<Exchange>) -> impl IntoView {
    view! {
        <ol class="exchange">
            {exchanges.into_iter().map(|e| {
                let who = match e.author {
                    ExchangeAuthor::Reviewer => format!("{}, demande de complément", e.actor),
                    ExchangeAuthor::Applicant => "Réponse du demandeur".to_string(),
                };
                let changes = e.changes.clone();
                view! {
                    <li class=if e.author == ExchangeAuthor::Reviewer { "exchange__message" } else { "exchange__message exchange__message--applicant" }>
                        <p class="fr-text--sm fr-mb-1v"><strong>{who}</strong> {format!(" — {}", dates::date_time(e.at))}</p>
                        {if e.body.is_empty() {
                            view! { <p class="fr-text--sm"><em>"Sans message."</em></p> }.into_any()
                        } else {
                            view! { <p class="exchange__body">{e.body.clone()}</p> }.into_any()
                        }}
                        {(!changes.is_empty()).then(|| view! {
                            <div class="fr-table fr-table--sm fr-mb-0">
                                <table>
                                    <caption>"Ce que le demandeur a changé"</caption>
                                    <thead><tr><th scope="col">"Champ"</th><th scope="col">"Avant"</th><th scope="col">"Après"</th></tr></thead>
                                    <tbody>
                                        {changes.into_iter().map(|c| view! {
                                            <tr><th scope="row">{c.field}</th><td><del>{c.before}</del></td><td><ins>{c.after}</ins></td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// What is left of a request whose personal data was erased: an anonymous statistic.
#[component]
fn ErasedDetail(detail: RegistrationDetail, at: i64) -> impl IntoView {
    let row = detail.row;
    let kind = row.organisation_kind.label();
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
