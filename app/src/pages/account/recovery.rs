//! `/compte/mot-de-passe-oublie` and `/compte/identifiant-oublie`: the answer is the same whether the address
//! has an account or not.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::client;
use crate::components::{focus, hydrated};
use crate::domain::Email;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    view! { <Recovery what="password" title="Mot de passe oublié" explanation="Indiquez l'adresse email de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe." /> }
}

#[component]
pub fn ForgotLoginPage() -> impl IntoView {
    view! { <Recovery what="login" title="Identifiant oublié" explanation="Indiquez l'adresse email de votre compte : vous recevrez votre identifiant par mail." /> }
}

#[component]
fn Recovery(what: &'static str, title: &'static str, explanation: &'static str) -> impl IntoView {
    let email = RwSignal::new(String::new());
    crate::components::keep_typed(["email"], move |_, value| email.set(value));
    let ready = hydrated();
    let (error, set_error) = signal(None::<String>);
    let (done, set_done) = signal(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = email.get_untracked();
        if let Err(e) = Email::parse(&typed) {
            set_error.set(Some(format!("Email : {e}")));
            focus("email");
            return;
        }
        set_error.set(None);
        spawn_local(async move {
            match client::account::forgot(what, typed.trim()).await {
                Ok(()) => set_done.set(Some(
                    "Si un compte correspond à cette adresse, vous allez recevoir un mail dans quelques minutes. Pensez à vérifier vos courriers indésirables.".into(),
                )),
                Err(e) => set_error.set(Some(e.message())),
            }
        });
    };
    view! {
        <Title text=title />
        <div class="fr-container fr-my-6w">
            <div class="fr-grid-row fr-grid-row--center">
                <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                    <h1>{title}</h1>
                    <p>{explanation}</p>
                    <div aria-live="polite">{move || done.get().map(|d| view! { <div class="fr-alert fr-alert--info fr-mb-3w" id="recovery-sent"><p>{d}</p></div> })}</div>
                    <form method="post" novalidate=true on:submit=submit>
                        <div class="fr-input-group" class:fr-input-group--error=move || error.with(Option::is_some)>
                            <label class="fr-label" for="email">"Email"</label>
                            <input class="fr-input" id="email" type="email" autocomplete="email"
                                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                                aria-describedby="email-error"
                                prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                            <p class="fr-error-text" id="email-error" aria-live="polite" class:fr-hidden=move || error.with(Option::is_none)>{move || error.get()}</p>
                        </div>
                        <button class="fr-btn" type="submit" disabled=move || !ready.get()>"Envoyer"</button>
                    </form>
                    <p class="fr-mt-3w"><a class="fr-link" href="/connexion">"Retour à la connexion"</a></p>
                </div>
            </div>
        </div>
    }
}
