//! `/compte`: the signed-in API account: identifiant, organisation, the request's history, and how to use
//! the data API.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::client;
use crate::api::{AccountView, ErrorCode};
use crate::domain::dates;
use crate::pages::admin::{Load, go};

#[component]
pub fn AccountPage() -> impl IntoView {
    let account = RwSignal::new(Load::<AccountView>::Loading);
    Effect::new(move |_| {
        spawn_local(async move {
            match client::account::session().await {
                Ok(a) => account.set(Load::Ready(a)),
                Err(e) if e.code() == Some(ErrorCode::Unauthenticated) => go("/connexion"),
                Err(e) => account.set(Load::Failed(e.message())),
            }
        });
    });
    let sign_out = move |_| {
        let csrf = account.with_untracked(|a| match a {
            Load::Ready(a) => a.csrf_token.clone(),
            _ => String::new(),
        });
        spawn_local(async move {
            let _ = client::account::sign_out(&csrf).await;
            go("/connexion");
        });
    };
    view! {
        <Title text="Mon compte" />
        <div class="fr-container fr-my-6w">
            <h1>"Mon compte API"</h1>
            {move || match account.get() {
                Load::Loading => view! { <p aria-live="polite">"Chargement…"</p> }.into_any(),
                Load::Failed(m) => view! { <div class="fr-alert fr-alert--error" role="alert"><p>{m}</p></div> }.into_any(),
                Load::Ready(a) => view! {
                    <dl class="admin-facts fr-mb-4w" id="account-facts">
                        <dt>"Identifiant"</dt><dd>{a.login.clone()}</dd>
                        <dt>"Email"</dt><dd>{a.email.clone()}</dd>
                        <dt>"Structure"</dt><dd>{format!("{} (SIREN {})", a.company_name, a.siren)}</dd>
                        <dt>"Demande"</dt><dd>{format!("{} — compte créé le {}", a.reference, dates::date(a.created_at))}</dd>
                    </dl>
                    <h2 class="fr-h4">"Utiliser l'API"</h2>
                    <p>"Votre compte donne accès à l'API de données de Géo'DAE, qui diffuse les défibrillateurs déclarés (format du schéma national « schema-dae »). Les jetons d'accès se gèrent depuis cette page dès l'ouverture de ce service ; la documentation de l'API y sera publiée."</p>
                    <h2 class="fr-h4">"Historique de votre demande"</h2>
                    <ol class="admin-history">
                        {a.history.into_iter().map(|h| view! { <li><strong>{dates::date_time(h.at)}</strong>{format!(" — {} — {}", h.actor, h.detail)}</li> }).collect_view()}
                    </ol>
                    <button type="button" class="fr-btn fr-btn--secondary fr-mt-3w" on:click=sign_out>"Se déconnecter"</button>
                }.into_any(),
            }}
        </div>
    }
}
