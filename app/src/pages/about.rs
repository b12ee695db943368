//! `/apropos`: what an API account is for, who may ask for one, and the way to the form.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::layout::CONTACT_EMAIL;

#[component]
pub fn AboutPage() -> impl IntoView {
    view! {
        <Title text="À propos" />
        <div class="fr-container fr-my-6w">
            <h1>"Géo'DAE, la base nationale des défibrillateurs"</h1>
            <p class="fr-text--lead">
                "Géo'DAE recense les défibrillateurs automatisés externes (DAE) installés en France pour que chacun puisse "
                "trouver le plus proche en cas d'arrêt cardiaque."
            </p>
            <a class="fr-btn fr-btn--lg" href="/inscription">"S'inscrire"</a>

            <h2 class="fr-mt-6w">"Le compte avec un profil API"</h2>
            <p>
                "Un " <strong>"profil API"</strong> " correspond à un compte permettant de disposer des données publiques "
                "déclarées dans le portail Géo'DAE et de les rediffuser."
            </p>
            <h3>"Conditions"</h3>
            <p>"Vous êtes :"</p>
            <ul>
                <li>"une application citoyenne ;"</li>
                <li>"un site internet diffusant des données aux citoyens."</li>
            </ul>
            <h3>"Étapes"</h3>
            <ol>
                <li>"Vous remplissez le formulaire de création de compte : tous les champs marqués d'un astérisque * sont obligatoires."</li>
                <li>"Vous recevez d'ici quelques minutes un mail confirmant la transmission de votre demande aux administrateurs."</li>
                <li>"Un administrateur examine votre demande. S'il la valide, un second mail vous transmet un lien pour créer votre mot de passe ; s'il la refuse, le mail vous en donne les raisons et vous pouvez faire une nouvelle demande."</li>
            </ol>
            <h3>"Autres demandes"</h3>
            <p>
                "Pour les questions sur l'utilisation d'un DAE, son installation ou les obligations relatives à son acquisition, "
                "consultez la Foire aux Questions de Géo'DAE."
            </p>
            <p>
                "Pour toute autre question, vous pouvez contacter la Cellule Données à l'adresse suivante : "
                <a href=format!("mailto:{CONTACT_EMAIL}")>{CONTACT_EMAIL}</a>
            </p>
            <a class="fr-btn" href="/inscription">"S'inscrire"</a>
        </div>
    }
}
