//! `/donnees-personnelles`: the information owed to the people whose data the service holds (RGPD, articles 13
//! and 14): what is collected, why, on which legal basis, for whom, for how long, and their rights.

use leptos::prelude::*;

use super::LegalFrame;
use crate::api::{CONTACT_EMAIL, LegalInfo};
use crate::domain::dates;

#[component]
pub fn PersonalDataPage() -> impl IntoView {
    view! { <LegalFrame title="Données personnelles" text=notice /> }
}

fn notice(info: LegalInfo) -> AnyView {
    let r = info.retention;
    let days = |n: u32| dates::days(i64::from(n));
    let periods = [
        (
            "Demande en cours (en attente d'examen, en attente d'un complément ou complétée), avec les échanges avec les administrateurs",
            "jusqu'à la décision d'un administrateur ; une demande de complément restée sans réponse est classée sans suite à la date que donne son mail".to_string(),
        ),
        (
            "Demande refusée, retirée ou classée sans suite (identité, coordonnées, structure, motif du refus, échanges)",
            format!(
                "{} après le refus, le retrait ou le classement ; seule en reste une statistique anonyme (date, type de structure, décision)",
                days(r.refused_days)
            ),
        ),
        (
            "Demande validée dont le compte n'a jamais été activé",
            format!(
                "{} après la validation, si aucun mot de passe n'a été créé",
                days(r.unactivated_days)
            ),
        ),
        (
            "Compte API actif et sa demande",
            "tant que le compte est actif".to_string(),
        ),
        (
            "Compte API désactivé et sa demande",
            format!("{} après la désactivation", days(r.disabled_days)),
        ),
        (
            "Liens à usage unique, sessions et jetons de l'API",
            format!(
                "{} après leur utilisation ou leur expiration",
                days(r.ended_days)
            ),
        ),
        (
            "Traces de protection contre les abus (adresse IP, nombre de tentatives)",
            "le temps de leur fenêtre de limitation, au plus 24 heures".to_string(),
        ),
        (
            "Mails envoyés (copie conservée dans la file d'envoi)",
            format!("{} après leur envoi", days(r.mail_days)),
        ),
        (
            "Journal des actions (connexions, décisions, modifications, avec l'adresse IP)",
            days(r.audit_days),
        ),
    ];
    view! {
        <p class="fr-text--lead">
            "Cette page décrit les données personnelles que traite Géo'DAE – comptes API, pourquoi, pendant combien de "
            "temps, et comment exercer vos droits."
        </p>
        <h2>"Responsable du traitement"</h2>
        <p>{info.publisher} ", " {info.publisher_address} "."</p>
        <h2>"Données traitées"</h2>
        <ul>
            <li>
                <strong>"Demande de compte : "</strong>
                "nom, prénom, adresse email et numéro de téléphone du demandeur ; type, numéro SIREN (et SIRET), "
                "raison sociale de la structure ; messages échangés avec les administrateurs et modifications apportées "
                "à la demande ; décision et motif d'un refus."
            </li>
            <li>
                <strong>"Compte API : "</strong>
                "identifiant, adresse email, mot de passe (conservé sous une forme irréversible, jamais en clair), "
                "nombre d'appels à l'API de données par jour."
            </li>
            <li>
                <strong>"Sécurité : "</strong>
                "adresse IP et heure des connexions, des tentatives échouées et des envois de formulaire ; sessions ; "
                "journal des actions des comptes et des administrateurs."
            </li>
            <li>
                <strong>"Mails : "</strong>
                "copie des mails qui vous sont envoyés (accusé de réception, demande de complément, validation, refus, "
                "liens de mot de passe et de suivi)."
            </li>
        </ul>
        <p>
            "Le numéro SIREN est vérifié dans le répertoire SIRENE de l'Insee. Un seul cookie est déposé, lorsque vous "
            "vous connectez : nécessaire à votre session, il ne demande pas de consentement. Aucune mesure d'audience, "
            "aucun cookie de publicité."
        </p>
        <h2>"Finalités et base légale"</h2>
        <p>
            "Ces données servent à instruire les demandes de compte avec un profil API, à créer et gérer les comptes, "
            "à donner accès aux données publiques des défibrillateurs, et à protéger le service contre les abus. Ce "
            "traitement est nécessaire à l'exécution d'une mission d'intérêt public dont est investi le ministère "
            "(article 6, paragraphe 1, point e du règlement général sur la protection des données, RGPD) : la base "
            "nationale des défibrillateurs automatisés externes prévue par l'article L. 5233-1 du code de la santé "
            "publique."
        </p>
        <h2>"Destinataires"</h2>
        <p>
            "Seuls les administrateurs de Géo'DAE (Cellule Données du ministère) consultent les demandes et les comptes. "
            "L'hébergeur (" {info.host} ") les stocke pour le compte du ministère. Aucune donnée n'est cédée, vendue ni "
            "transférée hors de l'Union européenne."
        </p>
        <h2>"Durées de conservation"</h2>
        <p>"Les données sont supprimées chaque jour au terme de ces durées :"</p>
        <div class="fr-table">
            <table id="retention">
                <caption>"Durée de conservation de chaque donnée"</caption>
                <thead>
                    <tr><th scope="col">"Données"</th><th scope="col">"Conservées"</th></tr>
                </thead>
                <tbody>
                    {periods.into_iter().map(|(what, how_long)| view! {
                        <tr><th scope="row">{what}</th><td>{how_long}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2>"Vos droits"</h2>
        <p>
            "Vous pouvez accéder à vos données et en obtenir une copie, les faire rectifier ou effacer, demander la "
            "limitation de leur traitement ou vous y opposer (articles 15 à 21 du RGPD). Écrivez à la Cellule Données, "
            <a href=format!("mailto:{CONTACT_EMAIL}")>{CONTACT_EMAIL}</a>
            ", depuis l'adresse email de votre demande ou en indiquant sa référence. Une réponse vous est donnée dans un "
            "délai d'un mois."
        </p>
        <p>
            "Délégué à la protection des données : " {info.dpo}
            {info.dpo_email.map(|email| view! { " – " <a href=format!("mailto:{email}")>{email.clone()}</a> })}
            "."
        </p>
        <p>
            "Si vous estimez, après nous avoir contactés, que vos droits ne sont pas respectés, vous pouvez adresser une "
            "réclamation à la Commission nationale de l'informatique et des libertés (CNIL) : "
            <a href="https://www.cnil.fr/fr/adresser-une-plainte" rel="noopener" target="_blank" title="Adresser une plainte à la CNIL - nouvelle fenêtre">
                "www.cnil.fr/fr/adresser-une-plainte"
            </a>
            ", ou 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07."
        </p>
    }
    .into_any()
}
