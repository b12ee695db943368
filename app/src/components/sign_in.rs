//! The sign-in form of every kind of principal (administrators, API accounts): identifiant and password,
//! an announced error, the focus on the field to fix, no double submission. The page gives the call to make
//! and where to go once signed in.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::focus;
use crate::api::Credentials;
use crate::api::client::CallError;

#[component]
pub fn SignInForm<F, Fut>(
    /// Signs in with the typed credentials.
    sign_in: F,
    /// Called once signed in.
    on_signed_in: Callback<()>,
    /// What to say when a field is left empty.
    empty_message: &'static str,
    /// The hint under "Identifiant".
    #[prop(optional)]
    login_hint: Option<&'static str>,
) -> impl IntoView
where
    F: Fn(Credentials) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<(), CallError>> + 'static,
{
    let ready = super::hydrated();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    super::keep_typed(["login", "password"], move |id, value| {
        if id == "login" {
            login.set(value);
        } else {
            password.set(value);
        }
    });
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let credentials = Credentials {
            login: login.get_untracked().trim().to_string(),
            password: password.get_untracked(),
        };
        if credentials.login.is_empty() || credentials.password.is_empty() {
            error.set(Some(empty_message.into()));
            focus(if credentials.login.is_empty() {
                "login"
            } else {
                "password"
            });
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match sign_in(credentials).await {
                Ok(()) => on_signed_in.run(()),
                Err(e) => {
                    busy.set(false);
                    password.set(String::new());
                    error.set(Some(e.message()));
                    focus("password");
                }
            }
        });
    };
    view! {
        <div id="signin-error" aria-live="assertive">
            {move || error.get().map(|e| view! {
                <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w"><p>{e}</p></div>
            })}
        </div>
        <form method="post" novalidate=true on:submit=submit aria-describedby="signin-error">
            <fieldset class="fr-fieldset">
                <div class="fr-fieldset__element">
                    <div class="fr-input-group">
                        <label class="fr-label" for="login">"Identifiant"
                            {login_hint.map(|hint| view! { <span class="fr-hint-text">{hint}</span> })}
                        </label>
                        <input class="fr-input" id="login" name="login" type="text" autocomplete="username"
                            autocapitalize="none" spellcheck="false" required=true
                            prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev)) />
                    </div>
                </div>
                <div class="fr-fieldset__element">
                    <div class="fr-input-group">
                        <label class="fr-label" for="password">"Mot de passe"</label>
                        <input class="fr-input" id="password" name="password" type="password"
                            autocomplete="current-password" required=true
                            prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                    </div>
                </div>
                <div class="fr-fieldset__element">
                    <button class="fr-btn" type="submit" disabled=move || !ready.get() || busy.get()>"Se connecter"</button>
                </div>
            </fieldset>
        </form>
    }
}
