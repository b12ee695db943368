//! `/accessibilite`: the accessibility declaration, on the model of the RGAA (référentiel général
//! d'amélioration de l'accessibilité) 4.1.2. Its state follows the RGAA's rule: without an audit of
//! conformity, a service is declared non-compliant, whatever its automated checks say.

use leptos::prelude::*;

use super::LegalFrame;
use crate::api::{CONTACT_EMAIL, LegalInfo};
use crate::components::layout::ACCESSIBILITY_STATE as STATE;

/// What the checks run on every version of the service verify, with the RGAA criteria they bear on.
const CHECKS: [(&str, &str); 6] = [
    (
        "aucune erreur d'impact sérieux ou critique relevée par axe-core (règles WCAG 2.1 niveaux A et AA), sur chaque page visitée par les parcours",
        "1.1, 3.2, 5.6, 5.7, 8.2, 8.3, 8.5, 9.1, 11.1, 11.2, 12.7",
    ),
    (
        "pas de défilement horizontal sur un écran de 320 pixels de large, ni avec le texte agrandi à 200 %",
        "10.4, 10.11",
    ),
    (
        "formulaire d'inscription parcouru au clavier seul : ordre de tabulation, focus visible, lien d'évitement",
        "10.7, 12.7, 12.8",
    ),
    (
        "envoi refusé : focus sur un récapitulatif des erreurs, relié à chaque champ en erreur ; erreurs annoncées",
        "11.10, 11.11",
    ),
    (
        "recherche d'une structure par son nom et aide des indicatifs utilisables au clavier, résultats annoncés",
        "7.1, 7.3, 7.5",
    ),
    (
        "fenêtre de confirmation : focus placé dans la fenêtre puis rendu au formulaire",
        "7.1, 12.8",
    ),
];

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    view! { <LegalFrame title="Déclaration d'accessibilité" text=declaration /> }
}

fn declaration(info: LegalInfo) -> AnyView {
    view! {
        <p>
            {info.publisher} " s'engage à rendre ses services en ligne accessibles, conformément à l'article 47 de la "
            "loi n° 2005-102 du 11 février 2005."
        </p>
        <p>
            "Cette déclaration d'accessibilité s'applique à Géo'DAE – comptes API (" {info.site_url} ")."
        </p>
        <h2>"État de conformité"</h2>
        <p id="conformity">
            <strong>"Géo'DAE – comptes API est " {STATE} " avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1.2"</strong>
            ", car il n'a pas encore fait l'objet d'un audit de conformité. Les vérifications décrites ci-dessous ne "
            "remplacent pas cet audit."
        </p>
        <h2>"Résultats des tests"</h2>
        <p>
            "Chaque version du service est vérifiée avant sa mise en ligne, dans le navigateur Chromium, sur les pages "
            "des demandeurs, des titulaires de compte et des administrateurs :"
        </p>
        <div class="fr-table">
            <table>
                <caption>"Vérifications automatiques et critères du RGAA concernés"</caption>
                <thead><tr><th scope="col">"Vérification"</th><th scope="col">"Critères du RGAA"</th></tr></thead>
                <tbody>
                    {CHECKS.iter().map(|(check, criteria)| view! { <tr><td>{*check}</td><td>{*criteria}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2>"Contenus non accessibles"</h2>
        <p>"Non-conformités connues :"</p>
        <ul>
            <li>"un audit des 106 critères du RGAA, avec des lecteurs d'écran, reste à mener : les vérifications automatiques n'en couvrent qu'une partie ;"</li>
            <li>"les parcours des administrateurs ne sont pas encore vérifiés au clavier seul (critère 12.8) ;"</li>
            <li>"le graphique du tableau de bord des administrateurs est doublé d'un tableau de données, mais sa restitution par les lecteurs d'écran n'a pas été testée avec eux (critère 1.8)."</li>
        </ul>
        <h2>"Établissement de cette déclaration"</h2>
        <p>"Cette déclaration a été établie le 29 novembre 2026."</p>
        <p>"Technologies utilisées pour la réalisation du service : HTML5, CSS, WAI-ARIA, JavaScript, WebAssembly."</p>
        <p>
            "Environnement des vérifications : Chromium sous Linux avec axe-core 4.14, aux largeurs d'écran de 1280 et "
            "320 pixels."
        </p>
        <h2>"Retour d'information et contact"</h2>
        <p>
            "Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter la Cellule Données, "
            <a href=format!("mailto:{CONTACT_EMAIL}")>{CONTACT_EMAIL}</a>
            ", pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme."
        </p>
        <h2>"Voies de recours"</h2>
        <p>
            "Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou à une fonctionnalité du "
            "service, que vous nous l'avez signalé et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez :"
        </p>
        <ul>
            <li>
                "écrire un message au Défenseur des droits ("
                <a href="https://formulaire.defenseurdesdroits.fr/" rel="noopener" target="_blank" title="Formulaire du Défenseur des droits - nouvelle fenêtre">"formulaire en ligne"</a>
                ") ;"
            </li>
            <li>
                "contacter le délégué du Défenseur des droits dans votre région ("
                <a href="https://www.defenseurdesdroits.fr/saisir/delegues" rel="noopener" target="_blank" title="Délégués du Défenseur des droits - nouvelle fenêtre">"liste des délégués"</a>
                ") ;"
            </li>
            <li>"envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07."</li>
        </ul>
    }
    .into_any()
}
