//! `/admin/connexion`: the administrators' sign-in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::go;
use crate::api::admin::SignIn;
use crate::api::client::{self, CallError};
use crate::components::focus;

/// Where to go after signing in: a local path only, never another site.
fn safe_return(target: Option<String>) -> String {
    target
        .filter(|t| t.starts_with('/') && !t.starts_with("//") && !t.contains('\\'))
        .unwrap_or_else(|| "/admin".to_string())
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let (login, set_login) = signal(String::new());
    let (password, set_password) = signal(String::new());
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let body = SignIn {
            login: login.get_untracked().trim().to_string(),
            password: password.get_untracked(),
        };
        if body.login.is_empty() || body.password.is_empty() {
            set_error.set(Some(
                "Saisissez votre identifiant et votre mot de passe.".into(),
            ));
            focus(if body.login.is_empty() {
                "login"
            } else {
                "password"
            });
            return;
        }
        set_busy.set(true);
        let target = safe_return(query.with_untracked(|q| q.get("retour")));
        spawn_local(async move {
            match client::admin::sign_in(&body).await {
                Ok(()) => go(&target),
                Err(e) => {
                    set_busy.set(false);
                    set_password.set(String::new());
                    set_error.set(Some(match &e {
                        CallError::Api(_, body) => body.message.clone(),
                        CallError::Network => e.message(),
                    }));
                    focus("password");
                }
            }
        });
    };

    view! {
        <Title text="Connexion à l'administration" />
        <div class="fr-container fr-my-6w">
            <div class="fr-grid-row fr-grid-row--center">
                <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                    <h1>"Connexion à l'administration"</h1>
                    <p>"Espace réservé aux administrateurs de Géo'DAE qui examinent les demandes de compte API."</p>
                    <div id="signin-error" aria-live="assertive">
                        {move || error.get().map(|e| view! {
                            <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w"><p>{e}</p></div>
                        })}
                    </div>
                    <form method="post" novalidate=true on:submit=on_submit aria-describedby="signin-error">
                        <fieldset class="fr-fieldset">
                            <div class="fr-fieldset__element">
                                <div class="fr-input-group">
                                    <label class="fr-label" for="login">"Identifiant"</label>
                                    <input class="fr-input" id="login" name="login" type="text" autocomplete="username"
                                        autocapitalize="none" spellcheck="false" required=true
                                        prop:value=login on:input=move |ev| set_login.set(event_target_value(&ev)) />
                                </div>
                            </div>
                            <div class="fr-fieldset__element">
                                <div class="fr-input-group">
                                    <label class="fr-label" for="password">"Mot de passe"</label>
                                    <input class="fr-input" id="password" name="password" type="password"
                                        autocomplete="current-password" required=true
                                        prop:value=password on:input=move |ev| set_password.set(event_target_value(&ev)) />
                                </div>
                            </div>
                            <div class="fr-fieldset__element">
                                <button class="fr-btn" type="submit" disabled=move || busy.get()>"Se connecter"</button>
                            </div>
                        </fieldset>
                    </form>
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::safe_return;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_return(Some("/admin/demandes/3".into())),
            "/admin/demandes/3"
        );
        assert_eq!(
            safe_return(Some("https://ailleurs.example".into())),
            "/admin"
        );
        assert_eq!(safe_return(Some("//ailleurs.example".into())), "/admin");
        assert_eq!(safe_return(None), "/admin");
    }
}
