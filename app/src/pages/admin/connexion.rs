//! `/admin/connexion`: the administrators' sign-in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::go;
use crate::api::client;
use crate::components::sign_in::SignInForm;

/// Where to go after signing in: a local path only, never another site.
fn safe_return(target: Option<String>) -> String {
    target
        .filter(|t| t.starts_with('/') && !t.starts_with("//") && !t.contains('\\'))
        .unwrap_or_else(|| "/admin".to_string())
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let target = move || safe_return(query.with_untracked(|q| q.get("retour")));
    view! {
        <Title text="Connexion à l'administration" />
        <div class="fr-container fr-my-6w">
            <div class="fr-grid-row fr-grid-row--center">
                <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
                    <h1>"Connexion à l'administration"</h1>
                    <p>"Espace réservé aux administrateurs de Géo'DAE qui examinent les demandes de compte API."</p>
                    <SignInForm
                        sign_in=|credentials| async move { client::admin::sign_in(&credentials).await }
                        on_signed_in=Callback::new(move |()| go(&target()))
                        empty_message="Saisissez votre identifiant et votre mot de passe."
                    />
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
