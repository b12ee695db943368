//! `/demande/suivi#cle=…`: the applicant follows the request from the private link of the emails — what was
//! sent, its course as a dated timeline, what comes next, the exchange with the reviewers — completes it when a
//! reviewer asks (the form's own fields and checks), and may withdraw it while it is under way. Without a
//! working link, « J'ai perdu le lien » sends a new one. The key is read from the fragment, which the browser
//! never sends, and given to the API in a body.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::admin::{Exchange, ExchangeAuthor, RequestStatus};
use crate::api::client::{self, CallError};
use crate::api::follow::FollowView;
use crate::api::{CONTACT_EMAIL, ErrorCode, RegistrationRequest};
use crate::components::{focus, focus_when_shown, hydrated, link_secret};
use crate::domain::{Email, Field, dates};
use crate::pages::registration::form::FormState;
use crate::pages::registration::{ErrorSummary, RegistrationFields, field_errors};

#[derive(Clone, Debug, PartialEq)]
enum Followed {
    Loading,
    Ready(Box<FollowView>),
    /// No key in the address, or one no request has.
    Lost(Option<String>),
    Failed(String),
}

#[component]
pub fn FollowPage() -> impl IntoView {
    view! {
        <Title text="Suivre ma demande" />
        <Follow />
    }
}

/// The page's island, in a chunk of its own: the registration form's visitors never load it.
#[island(lazy)]
fn Follow() -> impl IntoView {
    let secret = StoredValue::new(String::new());
    let followed = RwSignal::new(Followed::Loading);
    Effect::new(move |_| {
        let Some(key) = link_secret("cle") else {
            followed.set(Followed::Lost(None));
            return;
        };
        secret.set_value(key.clone());
        spawn_local(async move {
            followed.set(match client::follow::view(&key).await {
                Ok(view) => Followed::Ready(Box::new(view)),
                Err(CallError::Api(_, body)) if body.code == ErrorCode::LinkUnknown => {
                    Followed::Lost(Some(body.message))
                }
                Err(e) => Followed::Failed(e.message()),
            });
        });
    });
    view! {
        <div class="fr-container fr-my-6w">
            <div class="fr-grid-row fr-grid-row--center">
                <div class="fr-col-12 fr-col-lg-8">
                    <h1>"Suivre ma demande de compte API"</h1>
                    {move || match followed.get() {
                        Followed::Loading => view! { <p aria-live="polite">"Chargement…"</p> }.into_any(),
                        Followed::Ready(view) => view! { <Request view=*view secret followed /> }.into_any(),
                        Followed::Lost(message) => view! {
                            {message.map(|m| view! { <div class="fr-alert fr-alert--error fr-mb-3w" role="alert"><p>{m}</p></div> })}
                            <LostLink />
                        }.into_any(),
                        Followed::Failed(message) => view! { <div class="fr-alert fr-alert--error" role="alert"><p>{message}</p></div> }.into_any(),
                    }}
                </div>
            </div>
        </div>
    }
}

/// What happens next, for each status.
fn next_step(view: &FollowView) -> String {
    match view.status {
        RequestStatus::Pending | RequestStatus::Completed => format!(
            "Un administrateur examine les demandes dans un délai de {} environ. Vous recevrez un mail à chaque étape : si votre compte est validé, il contiendra un lien pour créer votre mot de passe ; si la demande est refusée, il en donnera les raisons.",
            dates::days(view.review_target_days)
        ),
        RequestStatus::Complement => "Un administrateur vous demande de compléter votre demande : lisez son message ci-dessous, corrigez votre demande et répondez-lui. Elle reviendra alors dans la file d'examen. Sans réponse, elle sera classée sans suite.".to_string(),
        RequestStatus::Approved if view.password_set => "Votre compte est actif : connectez-vous pour utiliser l'API.".to_string(),
        RequestStatus::Approved => "Votre compte est validé : créez votre mot de passe depuis le lien reçu par mail. S'il a expiré, demandez-en un nouveau.".to_string(),
        RequestStatus::Refused => "Votre demande a été refusée pour les raisons ci-dessous. Vous pouvez déposer une nouvelle demande corrigée, préremplie avec celle-ci.".to_string(),
        RequestStatus::Withdrawn => "Vous avez retiré cette demande : elle ne sera pas examinée. Vous pouvez en déposer une nouvelle à tout moment.".to_string(),
        RequestStatus::Closed => "Faute de réponse, cette demande a été classée sans suite. Vous pouvez en déposer une nouvelle à tout moment.".to_string(),
    }
}

#[component]
fn Request(
    view: FollowView,
    secret: StoredValue<String>,
    followed: RwSignal<Followed>,
) -> impl IntoView {
    let status = view.status;
    let steps = view
        .steps
        .iter()
        .map(|s| {
            view! {
                <li class="follow-step">
                    <p class="follow-step__label">{s.step.label()}</p>
                    <p class="fr-hint-text">{dates::date_time(s.at)}</p>
                </li>
            }
        })
        .collect_view();
    let sent = view
        .sent
        .iter()
        .map(|(label, value)| view! { <dt>{label.clone()}</dt><dd>{value.clone()}</dd> })
        .collect_view();

    // What the applicant can do now, if anything: one link.
    let action: Option<(String, &'static str)> = match status {
        RequestStatus::Approved if view.password_set => {
            Some(("/connexion".to_string(), "Se connecter"))
        }
        RequestStatus::Approved => Some((
            "/compte/mot-de-passe-oublie".to_string(),
            "Recevoir un nouveau lien de mot de passe",
        )),
        RequestStatus::Refused | RequestStatus::Withdrawn | RequestStatus::Closed => Some((
            view.reapply_url
                .clone()
                .unwrap_or_else(|| "/inscription".to_string()),
            "Déposer une nouvelle demande",
        )),
        _ => None,
    };
    let reasons = view.reasons.clone();
    let refusal_message = view.message.clone();
    let exchanges = view.exchanges.clone();
    let form = view.form.clone();
    let asked = exchanges
        .iter()
        .rev()
        .find(|e| e.author == ExchangeAuthor::Reviewer)
        .map(|e| e.body.clone());
    let badge_class = match status {
        RequestStatus::Approved => "fr-badge fr-badge--success",
        RequestStatus::Refused | RequestStatus::Closed => "fr-badge fr-badge--error",
        RequestStatus::Withdrawn => "fr-badge",
        _ => "fr-badge fr-badge--new",
    };
    view! {
        <p class="fr-text--lg">
            "Référence " <strong>{view.reference.clone()}</strong> ", envoyée le " {dates::date_time(view.created_at)} " : "
            <span class=badge_class id="follow-status" tabindex="-1">{status.label()}</span>
        </p>
        <div class="fr-alert fr-alert--info fr-mb-4w" id="next-step">
            <h2 class="fr-alert__title">"Et ensuite ?"</h2>
            <p>{next_step(&view)}</p>
            {action.map(|(href, label)| view! { <p class="fr-mt-2w"><a class="fr-btn fr-btn--secondary" href=href>{label}</a></p> })}
        </div>
        {(!reasons.is_empty() || refusal_message.is_some()).then(|| view! {
            <h2 class="fr-h4">"Raisons du refus"</h2>
            <ul class="fr-mb-2w" id="refusal-reasons">{reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            {refusal_message.map(|m| view! { <p class="exchange__body">{m}</p> })}
        })}
        {form.map(|form| view! { <Complete form asked=asked.unwrap_or_default() secret followed /> })}
        <h2 class="fr-h4">"Étapes"</h2>
        <ol class="follow-steps">{steps}</ol>
        {(!exchanges.is_empty() && status != RequestStatus::Complement).then(|| view! {
            <h2 class="fr-h4">"Échanges avec l'administrateur"</h2>
            <Exchanges exchanges />
        })}
        <h2 class="fr-h4">"Ce que vous avez envoyé"</h2>
        <dl class="follow-sent">{sent}</dl>
        {status.is_open().then(|| view! { <Withdraw secret followed /> })}
        <p class="fr-mt-4w fr-text--sm">
            "Une question ? Écrivez à la Cellule Données : "
            <a class="fr-link" href=format!("mailto:{CONTACT_EMAIL}")>{CONTACT_EMAIL}</a>
            ", en rappelant la référence de votre demande."
        </p>
    }
}

/// The exchange with the reviewers, oldest first.
#[component]
fn Exchanges(exchanges: Vec<Exchange>) -> impl IntoView {
    view! {
        <ol class="exchange">
            {exchanges.into_iter().map(|e| {
                let who = match e.author {
                    ExchangeAuthor::Reviewer => "Message de l'administrateur",
                    ExchangeAuthor::Applicant => "Votre réponse",
                };
                let changed: Vec<String> = e.changes.iter().map(|c| format!("{} : {} → {}", c.field, c.before, c.after)).collect();
                view! {
                    <li class="exchange__message">
                        <p class="fr-text--sm fr-mb-1v"><strong>{who}</strong> {format!(" — {}", dates::date_time(e.at))}</p>
                        {(!e.body.is_empty()).then(|| view! { <p class="exchange__body">{e.body.clone()}</p> })}
                        {(!changed.is_empty()).then(|| view! {
                            <p class="fr-text--sm fr-mb-1v">"Modifié :"</p>
                            <ul class="fr-text--sm">{changed.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// Completing the request a reviewer asked to complete: the reviewer's message, the form's own fields filled
/// with the request (same live checks, same register lookup), an answer, and the send.
#[component]
fn Complete(
    form: RegistrationRequest,
    asked: String,
    secret: StoredValue<String>,
    followed: RwSignal<Followed>,
) -> impl IntoView {
    let state = FormState::new();
    state.load(&form);
    state.touched.set(Field::ALL.into_iter().collect());
    let answer = RwSignal::new(String::new());
    let summary = RwSignal::new(Vec::<(Field, String)>::new());
    let (alert, set_alert) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let ready = hydrated();
    let show_errors = move |errors: &std::collections::BTreeMap<Field, String>| {
        summary.set(errors.iter().map(|(f, m)| (*f, m.clone())).collect());
        if !errors.is_empty() {
            focus_when_shown("error-summary");
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        set_alert.set(None);
        let errors = state.errors();
        show_errors(&errors.0);
        if !errors.0.is_empty() {
            return;
        }
        set_busy.set(true);
        let (key, request, text) = (secret.get_value(), state.request(), answer.get_untracked());
        spawn_local(async move {
            match client::follow::complete(&key, &request, &text).await {
                Ok(view) => {
                    followed.set(Followed::Ready(Box::new(view)));
                    focus_when_shown("follow-status");
                }
                Err(CallError::Api(_, body)) if !body.fields.is_empty() => {
                    let errors = field_errors(&body);
                    show_errors(&errors);
                    state.server_errors.set(errors);
                    set_busy.set(false);
                }
                Err(e) => {
                    set_alert.set(Some(e.message()));
                    focus_when_shown("complete-alert");
                    set_busy.set(false);
                }
            }
        });
    };
    view! {
        <h2 class="fr-h4">"Compléter ma demande"</h2>
        <div class="fr-alert fr-alert--info fr-mb-3w" id="complement-message">
            <h3 class="fr-alert__title">"Message de l'administrateur"</h3>
            <p class="exchange__body">{asked}</p>
        </div>
        <p>"Corrigez les champs concernés (ils sont vérifiés comme lors de votre demande), puis répondez à l'administrateur si besoin."</p>
        <ErrorSummary errors=summary />
        <form method="post" novalidate=true on:submit=on_submit aria-describedby="complete-alert">
            <RegistrationFields state />
            <div class="fr-input-group">
                <label class="fr-label" for="complement-answer">"Votre réponse à l'administrateur (facultative si vous avez corrigé un champ)"
                    <span class="fr-hint-text">"2000 caractères au plus."</span>
                </label>
                <textarea class="fr-input" id="complement-answer" maxlength="2000" rows="4"
                    prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
            </div>
            <div id="complete-alert" tabindex="-1" aria-live="assertive">
                {move || alert.get().map(|a| view! { <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w"><p>{a}</p></div> })}
            </div>
            <button class="fr-btn" type="submit" id="complete-send" disabled=move || !ready.get() || busy.get()>
                {move || if busy.get() { "Envoi en cours…" } else { "Envoyer ma demande complétée" }}
            </button>
        </form>
    }
}

/// « Retirer ma demande », confirmed before it is sent.
#[component]
fn Withdraw(secret: StoredValue<String>, followed: RwSignal<Followed>) -> impl IntoView {
    let (asking, set_asking) = signal(false);
    let (busy, set_busy) = signal(false);
    let (error, set_error) = signal(None::<String>);
    let confirm = move |_| {
        set_busy.set(true);
        let key = secret.get_value();
        spawn_local(async move {
            match client::follow::withdraw(&key).await {
                Ok(view) => {
                    followed.set(Followed::Ready(Box::new(view)));
                    focus_when_shown("follow-status");
                }
                Err(e) => {
                    set_error.set(Some(e.message()));
                    set_busy.set(false);
                }
            }
        });
    };
    view! {
        <h2 class="fr-h4 fr-mt-4w">"Retirer ma demande"</h2>
        <p>"Si vous n'avez plus besoin de ce compte, retirez votre demande : elle ne sera pas examinée."</p>
        <div aria-live="polite">{move || error.get().map(|e| view! { <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w"><p>{e}</p></div> })}</div>
        <Show when=move || asking.get() fallback=move || view! {
            <button type="button" class="fr-btn fr-btn--secondary" on:click=move |_| { set_asking.set(true); focus_when_shown("withdraw-confirm"); }>"Retirer ma demande"</button>
        }>
            <div class="fr-alert fr-alert--warning fr-mb-2w" role="alert">
                <p>"Retirer la demande est définitif : pour obtenir un compte ensuite, il faudra en déposer une nouvelle."</p>
            </div>
            <ul class="fr-btns-group fr-btns-group--inline-md">
                <li><button type="button" class="fr-btn" id="withdraw-confirm" on:click=confirm disabled=move || busy.get()>"Confirmer le retrait"</button></li>
                <li><button type="button" class="fr-btn fr-btn--tertiary" on:click=move |_| set_asking.set(false)>"Annuler"</button></li>
            </ul>
        </Show>
    }
}

/// « J'ai perdu le lien »: a new link by email, the same answer whether a request exists or not.
#[component]
fn LostLink() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let ready = hydrated();
    let (error, set_error) = signal(None::<String>);
    let (done, set_done) = signal(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = email.get_untracked();
        if let Err(e) = Email::parse(&typed) {
            set_error.set(Some(format!("Email : {e}")));
            focus("lost-email");
            return;
        }
        set_error.set(None);
        spawn_local(async move {
            match client::follow::lost(typed.trim()).await {
                Ok(()) => set_done.set(true),
                Err(e) => set_error.set(Some(e.message())),
            }
        });
    };
    view! {
        <h2 class="fr-h4">"J'ai perdu le lien"</h2>
        <p>"Le lien pour suivre votre demande figure dans le mail d'accusé de réception. Indiquez l'adresse email de votre demande : vous recevrez un nouveau lien."</p>
        <div aria-live="polite">{move || done.get().then(|| view! {
            <div class="fr-alert fr-alert--info fr-mb-3w" id="lost-sent"><p>"Si une demande a été envoyée avec cette adresse, vous allez recevoir un mail dans quelques minutes. Pensez à vérifier vos courriers indésirables."</p></div>
        })}</div>
        <form method="post" novalidate=true on:submit=submit>
            <div class="fr-input-group" class:fr-input-group--error=move || error.with(Option::is_some)>
                <label class="fr-label" for="lost-email">"Email"</label>
                <input class="fr-input" id="lost-email" type="email" autocomplete="email"
                    aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                    aria-describedby="lost-email-error"
                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                <p class="fr-error-text" id="lost-email-error" aria-live="polite" class:fr-hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
            </div>
            <button class="fr-btn" type="submit" disabled=move || !ready.get()>"Recevoir un nouveau lien"</button>
        </form>
    }
}
