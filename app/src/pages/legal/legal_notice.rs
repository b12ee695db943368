//! `/mentions-legales`: who publishes the service, who is responsible for it and who hosts it.

use leptos::prelude::*;

use super::LegalFrame;
use crate::api::{CONTACT_EMAIL, LegalInfo};

#[component]
pub fn LegalNoticePage() -> impl IntoView {
    view! { <LegalFrame title="Mentions légales" text=notice /> }
}

fn notice(info: LegalInfo) -> AnyView {
    view! {
        <h2>"Éditeur"</h2>
        <p>
            {info.publisher} <br /> {info.publisher_address} <br />
            "Contact : " <a href=format!("mailto:{CONTACT_EMAIL}")>{CONTACT_EMAIL}</a>
        </p>
        <p>
            "Géo'DAE – comptes API (" {info.site_url} ") permet aux organisations qui diffusent aux citoyens les "
            "données des défibrillateurs automatisés externes de demander un compte avec un profil API, et aux "
            "titulaires de ces comptes d'utiliser l'API de données de la base nationale Géo'DAE."
        </p>
        <h2>"Directeur de la publication"</h2>
        <p>{info.publication_director}</p>
        <h2>"Hébergement"</h2>
        <p>{info.host} <br /> {info.host_address} <br /> "Téléphone : " {info.host_phone}</p>
        <h2>"Accessibilité"</h2>
        <p>
            "L'état de conformité du service au référentiel général d'amélioration de l'accessibilité (RGAA) est "
            "décrit dans la " <a href="/accessibilite">"déclaration d'accessibilité"</a> "."
        </p>
        <h2>"Données personnelles et cookies"</h2>
        <p>
            "Le traitement des données personnelles, leurs durées de conservation et vos droits sont décrits sur la page "
            <a href="/donnees-personnelles">"Données personnelles"</a> ". Le service ne dépose qu'un cookie, "
            "nécessaire à son fonctionnement, lorsque vous vous connectez : aucun cookie de mesure d'audience ni de publicité."
        </p>
        <h2>"Réutilisation des données"</h2>
        <p>
            "Les données publiques des défibrillateurs diffusées par l'API sont réutilisables dans les conditions de "
            "la Licence Ouverte / Open Licence version 2.0 d'Etalab, en mentionnant leur source : Géo'DAE, base "
            "nationale des défibrillateurs automatisés externes."
        </p>
        <h2>"Système de design de l'État"</h2>
        <p>
            "L'apparence du service et ses composants accessibles sont ceux du Système de design de l'État (DSFR) ; "
            "la police Marianne et le bloc-marque sont réservés aux sites de l'État."
        </p>
    }
    .into_any()
}
