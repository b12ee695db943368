//! `/compte/mot-de-passe#jeton=…`: the page of the guide where the validated applicant sees their
//! identifiant and chooses a password. Opening it never uses the link up; only "Valider" does. The rules
//! show live as a checklist, with the same parser as the server.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::client::{self, CallError};
use crate::api::{ErrorCode, NewPassword, PasswordSetup};
use crate::components::{focus, hydrated, link_secret};
use crate::domain::password::{Rule, check};

#[derive(Clone, Debug, PartialEq)]
enum Link {
    Loading,
    Ready(PasswordSetup),
    Expired(String),
    Unknown(String),
    Failed(String),
    Done,
}

#[component]
pub fn PasswordSetupPage() -> impl IntoView {
    // The link's secret is read in the browser (from the fragment, never sent to a server).
    let secret = StoredValue::new(String::new());
    let token = move || secret.get_value();
    let link = RwSignal::new(Link::Loading);
    Effect::new(move |_| {
        let token = link_secret("jeton").unwrap_or_default();
        secret.set_value(token.clone());
        spawn_local(async move {
            link.set(match client::account::setup_info(&token).await {
                Ok(info) => Link::Ready(info),
                Err(CallError::Api(_, body)) if body.code == ErrorCode::LinkExpired => {
                    Link::Expired(body.message)
                }
                Err(CallError::Api(_, body)) if body.code == ErrorCode::LinkUnknown => {
                    Link::Unknown(body.message)
                }
                Err(e) => Link::Failed(e.message()),
            });
        });
    });
    view! {
        <Title text="Créer votre mot de passe" />
        <div class="fr-container fr-my-6w">
            <div class="fr-grid-row fr-grid-row--center">
                <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                    <h1>"Veuillez saisir votre nouveau mot de passe"</h1>
                    {move || match link.get() {
                        Link::Loading => view! { <p aria-live="polite">"Chargement…"</p> }.into_any(),
                        Link::Ready(info) => view! { <PasswordForm info token=token() link /> }.into_any(),
                        Link::Expired(message) => view! { <Expired message token=token() /> }.into_any(),
                        Link::Unknown(message) => view! {
                            <div class="fr-alert fr-alert--error" role="alert"><p>{message}</p></div>
                            <p class="fr-mt-2w"><a class="fr-link" href="/compte/mot-de-passe-oublie">"Mot de passe oublié"</a></p>
                        }.into_any(),
                        Link::Failed(message) => view! { <div class="fr-alert fr-alert--error" role="alert"><p>{message}</p></div> }.into_any(),
                        Link::Done => view! {
                            <div class="fr-alert fr-alert--success" role="status" id="password-success">
                                <h2 class="fr-alert__title">"Succès"</h2>
                                <p>"Vos identifiants de connexion ont été modifiés avec succès !"</p>
                            </div>
                            <p class="fr-mt-3w"><a class="fr-btn" href="/connexion">"Retour au site"</a></p>
                        }.into_any(),
                    }}
                </div>
            </div>
        </div>
    }
}

#[component]
fn Expired(message: String, token: String) -> impl IntoView {
    let (sent, set_sent) = signal(None::<String>);
    let token = StoredValue::new(token);
    let renew = move |_| {
        let token = token.get_value();
        spawn_local(async move {
            set_sent.set(Some(match client::account::renew(&token).await {
                Ok(()) => "Si ce lien correspond à un compte, un nouveau lien vient d'être envoyé à son adresse email. Pensez à vérifier vos courriers indésirables.".to_string(),
                Err(e) => e.message(),
            }));
        });
    };
    view! {
        <div class="fr-alert fr-alert--warning"><p>{message}</p></div>
        <div aria-live="polite" class="fr-mt-2w">
            {move || match sent.get() {
                Some(text) => view! { <div class="fr-alert fr-alert--info fr-alert--sm" id="renew-sent"><p>{text}</p></div> }.into_any(),
                None => view! { <button type="button" class="fr-btn fr-mt-2w" on:click=renew>"Recevoir un nouveau lien"</button> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn PasswordForm(info: PasswordSetup, token: String, link: RwSignal<Link>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let (shown, set_shown) = signal(false);
    let (server_error, set_server_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let policy = info.policy;
    let (login, email) = (info.login.clone(), info.email.clone());
    let rules = {
        let (login, email) = (login.clone(), email.clone());
        Memo::new(move |_| {
            check(
                &policy,
                &password.get(),
                &confirmation.get(),
                &login,
                &email,
            )
        })
    };
    let passes = move |rule: Rule| rules.with(|r| r.iter().any(|(x, ok)| *x == rule && *ok));
    let typed = move || !password.with(String::is_empty);
    let token = StoredValue::new(token);
    let ready = hydrated();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if rules.with_untracked(|r| r.iter().any(|(_, ok)| !ok)) {
            set_server_error.set(Some(
                "Le mot de passe ne respecte pas encore toutes les règles de la liste.".into(),
            ));
            focus(
                if passes(Rule::Length) && passes(Rule::Classes) && passes(Rule::NotIdentity) {
                    "confirmation"
                } else {
                    "password"
                },
            );
            return;
        }
        set_busy.set(true);
        let body = NewPassword {
            token: token.get_value(),
            password: password.get_untracked(),
            confirmation: confirmation.get_untracked(),
        };
        spawn_local(async move {
            match client::account::set_password(&body).await {
                Ok(()) => link.set(Link::Done),
                Err(CallError::Api(_, b)) if b.code == ErrorCode::LinkExpired => {
                    link.set(Link::Expired(b.message));
                }
                Err(CallError::Api(_, b)) => {
                    set_busy.set(false);
                    let detail = b.fields.values().cloned().collect::<Vec<_>>().join(" ");
                    set_server_error.set(Some(if detail.is_empty() { b.message } else { detail }));
                }
                Err(e) => {
                    set_busy.set(false);
                    set_server_error.set(Some(e.message()));
                }
            }
        });
    };
    let invalid = move || {
        typed() && !(passes(Rule::Length) && passes(Rule::Classes) && passes(Rule::NotIdentity))
    };
    let confirmation_invalid =
        move || !confirmation.with(String::is_empty) && !passes(Rule::Confirmation);
    view! {
        <div id="password-error" aria-live="assertive">
            {move || server_error.get().map(|e| view! { <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w"><p>{e}</p></div> })}
        </div>
        <form method="post" novalidate=true on:submit=submit>
            <fieldset class="fr-fieldset">
                <div class="fr-fieldset__element">
                    <div class="fr-input-group">
                        <label class="fr-label" for="login">"Identifiant"</label>
                        <input class="fr-input" id="login" name="username" autocomplete="username" readonly=true value=login.clone() />
                    </div>
                </div>
                <div class="fr-fieldset__element">
                    <div class="fr-input-group" class:fr-input-group--error=invalid>
                        <label class="fr-label" for="password">"Mot de passe"</label>
                        <input class="fr-input" id="password" name="password" autocomplete="new-password" required=true
                            type=move || if shown.get() { "text" } else { "password" }
                            aria-invalid=move || if invalid() { "true" } else { "false" }
                            aria-describedby="password-rules"
                            prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                        <div class="fr-checkbox-group fr-checkbox-group--sm fr-mt-1w">
                            <input type="checkbox" id="show-password" on:change=move |ev| set_shown.set(event_target_checked(&ev)) />
                            <label class="fr-label" for="show-password">"Afficher le mot de passe"</label>
                        </div>
                    </div>
                </div>
                <div class="fr-fieldset__element">
                    <div class="fr-input-group" class:fr-input-group--error=confirmation_invalid>
                        <label class="fr-label" for="confirmation">"Confirmer le mot de passe"</label>
                        <input class="fr-input" id="confirmation" name="confirmation" autocomplete="new-password" required=true
                            type=move || if shown.get() { "text" } else { "password" }
                            aria-invalid=move || if confirmation_invalid() { "true" } else { "false" }
                            aria-describedby="password-rules"
                            prop:value=move || confirmation.get() on:input=move |ev| confirmation.set(event_target_value(&ev)) />
                    </div>
                </div>
                <div class="fr-fieldset__element">
                    <p class="fr-text--sm fr-mb-1w" id="password-rules-title">"Votre mot de passe doit respecter :"</p>
                    <ul class="password-rules" id="password-rules" aria-labelledby="password-rules-title" aria-live="polite">
                        {Rule::ALL.into_iter().map(|rule| {
                            let label = rule.label(&policy);
                            view! {
                                <li class=move || if passes(rule) { "password-rule password-rule--ok" } else if typed() { "password-rule password-rule--ko" } else { "password-rule" }
                                    data-rule=format!("{rule:?}").to_lowercase()>
                                    <span aria-hidden="true">{move || if passes(rule) { "✓ " } else { "✗ " }}</span>
                                    {label}
                                    <span class="fr-sr-only">{move || if passes(rule) { " : respecté" } else { " : non respecté" }}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
                <div class="fr-fieldset__element">
                    <button class="fr-btn" type="submit" disabled=move || !ready.get() || busy.get()>"Valider"</button>
                </div>
            </fieldset>
        </form>
    }
}
