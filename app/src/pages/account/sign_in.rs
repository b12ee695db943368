//! `/connexion`: API accounts sign in with their identifiant (or email) and password.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::client;
use crate::components::go;
use crate::components::sign_in::SignInForm;

#[component]
pub fn AccountSignInPage() -> impl IntoView {
    view! {
        <Title text="Connexion" />
        <div class="fr-container fr-my-6w">
            <div class="fr-grid-row fr-grid-row--center">
                <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                    <h1>"Connexion à votre compte API"</h1>
                    <SignInForm
                        sign_in=|credentials| async move { client::account::sign_in(&credentials).await }
                        on_signed_in=Callback::new(|()| go("/compte"))
                        empty_message="Saisissez votre identifiant (ou votre email) et votre mot de passe."
                        login_hint="Celui du mail de validation, par exemple mtest ; ou votre adresse email"
                    />
                    <ul class="fr-links-group">
                        <li><a class="fr-link" href="/compte/mot-de-passe-oublie">"Mot de passe oublié"</a></li>
                        <li><a class="fr-link" href="/compte/identifiant-oublie">"Identifiant oublié"</a></li>
                        <li><a class="fr-link" rel="external" href="/inscription">"Pas encore de compte ? S'inscrire"</a></li>
                    </ul>
                </div>
            </div>
        </div>
    }
}
