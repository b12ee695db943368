//! The page for unknown addresses; answers 404 when rendered by the server.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page non trouvée" />
        <div class="fr-container fr-my-7w">
            <h1>"Page non trouvée"</h1>
            <p class="fr-text--lead">"La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée."</p>
            <p>"Si vous avez tapé l'adresse dans le navigateur, vérifiez qu'elle est correcte."</p>
            <a class="fr-btn" href="/apropos">"Page d'accueil"</a>
        </div>
    }
}
