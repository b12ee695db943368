//! `/demande/suivi#cle=…`: the applicant follows the request from the private link of the emails — what was
//! sent, its course as a dated timeline, what comes next — and may withdraw it while it is under way. Without a
//! working link, « J'ai perdu le lien » sends a new one. The key is read from the fragment, which the browser
//! never sends, and given to the API in a body.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::admin::RequestStatus;
use crate::api::client::{self, CallError};
use crate::api::follow::FollowView;
use crate::api::{CONTACT_EMAIL, ErrorCode};
use crate::components::{focus, focus_when_shown, hydrated, link_secret};
use crate::domain::{Email, dates};

#[derive(Clone, Debug, PartialEq)]
enum Followed {
    Loading,
    Ready(FollowView),
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
                Ok(view) => Followed::Ready(view),
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
                        Followed::Ready(view) => view! { <Request view secret followed /> }.into_any(),
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
        RequestStatus::Complement => "Un administrateur vous demande de compléter votre demande : le mail reçu vous dit quoi corriger.".to_string(),
        RequestStatus::Approved if view.password_set => "Votre compte est actif : connectez-vous pour utiliser l'API.".to_string(),
        RequestStatus::Approved => "Votre compte est validé : créez votre mot de passe depuis le lien reçu par mail. S'il a expiré, demandez-en un nouveau.".to_string(),
        RequestStatus::Refused => "Votre demande a été refusée : le mail reçu en donne les raisons. Vous pouvez déposer une nouvelle demande corrigée, préremplie avec celle-ci.".to_string(),
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
    let badge_class = match status {
        RequestStatus::Approved => "fr-badge fr-badge--success",
        RequestStatus::Refused | RequestStatus::Closed => "fr-badge fr-badge--error",
        RequestStatus::Withdrawn => "fr-badge",
        _ => "fr-badge fr-badge--new",
    };
    view! {
        <p class="fr-text--lg">
            "Référence " <strong>{view.reference.clone()}</strong> ", envoyée le " {dates::date_time(view.created_at)} " : "
            <span class=badge_class id="follow-status">{status.label()}</span>
        </p>
        <div class="fr-callout fr-mb-4w">
            <h2 class="fr-callout__title fr-h5">"Et ensuite ?"</h2>
            <p class="fr-callout__text">{next_step(&view)}</p>
            {action.map(|(href, label)| view! { <p class="fr-mt-2w"><a class="fr-btn fr-btn--secondary" href=href>{label}</a></p> })}
        </div>
        <h2 class="fr-h4">"Étapes"</h2>
        <ol class="follow-steps">{steps}</ol>
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
                    followed.set(Followed::Ready(view));
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
