//! The DSFR header and footer shared by every page.
//!
//! A link to a public page says `rel="external"`: on an account or administrators' page, the router leaves it
//! to the browser, which loads the page from the server (its code is not in that bundle: `crate::front`).

use leptos::prelude::*;

pub use crate::api::CONTACT_EMAIL;

/// The accessibility state, in the footer of every page and at the head of the declaration (`/accessibilite`):
/// without an audit of conformity, the RGAA declares a service non-compliant, whatever its automated checks say.
pub const ACCESSIBILITY_STATE: &str = "non conforme";

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header role="banner" class="fr-header">
            <div class="fr-header__body">
                <div class="fr-container">
                    <div class="fr-header__body-row">
                        <div class="fr-header__brand fr-enlarge-link">
                            <div class="fr-header__brand-top">
                                <div class="fr-header__logo">
                                    <p class="fr-logo">"Ministère" <br /> "de la santé" <br /> "et de l'accès" <br /> "aux soins"</p>
                                </div>
                            </div>
                            <div class="fr-header__service">
                                <a rel="external" href="/apropos" title="Accueil - Géo'DAE">
                                    <p class="fr-header__service-title">"Géo'DAE"</p>
                                </a>
                                <p class="fr-header__service-tagline">"Déclarer, Localiser, Sauver"</p>
                            </div>
                        </div>
                        <div class="fr-header__tools">
                            <div class="fr-header__tools-links">
                                <ul class="fr-btns-group">
                                    <li><a class="fr-btn" href="/connexion">"Mon compte API"</a></li>
                                </ul>
                            </div>
                        </div>
                    </div>
                </div>
            </div>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="fr-footer" role="contentinfo" id="footer">
            <div class="fr-container">
                <div class="fr-footer__body">
                    <div class="fr-footer__brand fr-enlarge-link">
                        <a rel="external" href="/apropos" title="Retour à l'accueil - Géo'DAE">
                            <p class="fr-logo">"Ministère" <br /> "de la santé" <br /> "et de l'accès" <br /> "aux soins"</p>
                        </a>
                    </div>
                    <div class="fr-footer__content">
                        <p class="fr-footer__content-desc">
                            "Géo'DAE, la base nationale des défibrillateurs automatisés externes. Pour toute question, écrivez à la Cellule Données : "
                            <a href=format!("mailto:{CONTACT_EMAIL}")>{CONTACT_EMAIL}</a>
                        </p>
                    </div>
                </div>
                <div class="fr-footer__bottom">
                    <ul class="fr-footer__bottom-list">
                        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" rel="external" href="/apropos">"À propos"</a></li>
                        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" rel="external" href="/accessibilite">"Accessibilité : " {ACCESSIBILITY_STATE}</a></li>
                        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" rel="external" href="/mentions-legales">"Mentions légales"</a></li>
                        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" rel="external" href="/donnees-personnelles">"Données personnelles"</a></li>
                        <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="/admin">"Espace administrateurs"</a></li>
                    </ul>
                </div>
            </div>
        </footer>
    }
}
