//! `/connexion`: API accounts sign in with their identifiant (or email) and password.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::AccountSignIn;
use crate::api::client::{self, CallError};
use crate::components::focus;
use crate::pages::admin::go;

#[component]
pub fn AccountSignInPage() -> impl IntoView {
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = AccountSignIn {
            login: login.get_untracked().trim().to_string(),
            password: password.get_untracked(),
        };
        if body.login.is_empty() || body.password.is_empty() {
            set_error.set(Some(
                "Saisissez votre identifiant (ou votre email) et votre mot de passe.".into(),
            ));
            focus(if body.login.is_empty() {
                "login"
            } else {
                "password"
            });
            return;
        }
        set_busy.set(true);
        spawn_local(async move {
            match client::account::sign_in(&body).await {
                Ok(()) => go("/compte"),
                Err(e) => {
                    set_busy.set(false);
                    password.set(String::new());
                    set_error.set(Some(match &e {
                        CallError::Api(_, b) => b.message.clone(),
                        CallError::Network => e.message(),
                    }));
                    focus("password");
                }
            }
        });
    };
    view! {
        <Title text="Connexion" />
        <div class="fr-container fr-my-6w">
            <div class="fr-grid-row fr-grid-row--center">
                <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                    <h1>"Connexion à votre compte API"</h1>
                    <div id="signin-error" aria-live="assertive">
                        {move || error.get().map(|e| view! { <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w"><p>{e}</p></div> })}
                    </div>
                    <form method="post" novalidate=true on:submit=submit aria-describedby="signin-error">
                        <fieldset class="fr-fieldset">
                            <div class="fr-fieldset__element">
                                <div class="fr-input-group">
                                    <label class="fr-label" for="login">"Identifiant"
                                        <span class="fr-hint-text">"Celui du mail de validation, par exemple mtest ; ou votre adresse email"</span>
                                    </label>
                                    <input class="fr-input" id="login" autocomplete="username" autocapitalize="none" spellcheck="false"
                                        prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev)) />
                                </div>
                            </div>
                            <div class="fr-fieldset__element">
                                <div class="fr-input-group">
                                    <label class="fr-label" for="password">"Mot de passe"</label>
                                    <input class="fr-input" id="password" type="password" autocomplete="current-password"
                                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                                </div>
                            </div>
                            <div class="fr-fieldset__element">
                                <button class="fr-btn" type="submit" disabled=move || busy.get()>"Se connecter"</button>
                            </div>
                        </fieldset>
                    </form>
                    <ul class="fr-links-group">
                        <li><a class="fr-link" href="/compte/mot-de-passe-oublie">"Mot de passe oublié"</a></li>
                        <li><a class="fr-link" href="/compte/identifiant-oublie">"Identifiant oublié"</a></li>
                        <li><a class="fr-link" href="/inscription">"Pas encore de compte ? S'inscrire"</a></li>
                    </ul>
                </div>
            </div>
        </div>
    }
}
