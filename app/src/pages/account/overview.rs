//! `/compte`: the signed-in API account: identifiant, organisation, the request's history, and how to use
//! the data API.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::client;
use crate::api::{AccountView, ApiUsage, ErrorCode};
use crate::components::{Load, go};
use crate::domain::dates;

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
                    <UseTheApi login=a.login.clone() usage=a.api_usage.clone() />
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

/// This site's address, as the browser sees it (for the examples).
fn origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        window().location().origin().unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// "Utiliser l'API": how to get a token and call the data API with this account, and its use.
#[component]
fn UseTheApi(login: String, usage: ApiUsage) -> impl IntoView {
    let origin = origin();
    let token = format!(
        "curl -s -X POST {origin}/api/login \\\n  -H 'Content-Type: application/json' \\\n  -d '{{\"username\": \"{login}\", \"password\": \"VOTRE_MOT_DE_PASSE\"}}'"
    );
    let list = format!(
        "curl -s -G {origin}/api/dae \\\n  -H 'Authorization: Bearer VOTRE_JETON' \\\n  --data-urlencode 'limit=20' --data-urlencode 'sort_by=com_nom:asc' \\\n  --data-urlencode '_where=and(eq(com_nom,Luceau),eq(etat_fonct,En fonctionnement))'"
    );
    let near = format!(
        "curl -s -G {origin}/api/v1/dae \\\n  -H 'Authorization: Bearer VOTRE_JETON' -H 'Accept: application/geo+json' \\\n  --data-urlencode 'near=47.7163,0.39855' --data-urlencode 'radius=2000'"
    );
    let calls = |n: i64| format!("{n} appel{}", if n > 1 { "s" } else { "" });
    view! {
        <h2 class="fr-h4" id="utiliser-api">"Utiliser l'API"</h2>
        <p>"Votre compte donne accès à l'API de données de Géo'DAE : les défibrillateurs déclarés, avec les champs publics du schéma national « schema-dae ». Les appels sont ceux de l'API de Géo'DAE : un client écrit pour elle fonctionne tel quel."</p>
        <ol class="api-steps">
            <li>
                <p>"Obtenez un jeton avec votre identifiant (" <strong>{login.clone()}</strong> ") ou votre email, et votre mot de passe. La réponse " <code>"{\"token\": \"…\"}"</code> " donne un jeton valable 30 minutes :"</p>
                <CodeBlock id="api-example-token" code=token />
            </li>
            <li>
                <p>"Listez les défibrillateurs avec ce jeton (filtre " <code>"_where"</code> ", tri " <code>"sort_by"</code> ", pages " <code>"offset"</code> " et " <code>"limit"</code> ", 1 000 au plus) :"</p>
                <CodeBlock id="api-example-list" code=list />
            </li>
            <li>
                <p>"Ou les plus proches d'un point, du plus proche au plus lointain, en GeoJSON :"</p>
                <CodeBlock id="api-example-near" code=near />
            </li>
        </ol>
        <p><a class="fr-link" href="/api/v1/openapi.json">"La documentation de l'API (OpenAPI) : tous les paramètres, les réponses et les erreurs"</a></p>
        <h3 class="fr-h5">"Votre utilisation de l'API"</h3>
        <dl class="admin-facts fr-mb-4w" id="api-usage">
            <dt>"Aujourd'hui"</dt><dd>{calls(usage.today)}</dd>
            <dt>"Sur 30 jours"</dt><dd>{calls(usage.last_30_days)}</dd>
            <dt>"Refusés (débit dépassé), sur 30 jours"</dt><dd>{calls(usage.refused_30_days)}</dd>
            <dt>"Dernier appel"</dt><dd>{usage.last_call_at.map_or_else(|| "aucun pour l'instant".to_string(), dates::date_time)}</dd>
            <dt>"Débit autorisé"</dt><dd>{usage.rate}</dd>
        </dl>
    }
}

/// A command to copy: the text, and a button that puts it on the clipboard (the text can also be selected).
#[component]
fn CodeBlock(id: &'static str, code: String) -> impl IntoView {
    let (said, set_said) = signal(String::new());
    let copy = {
        let code = code.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            {
                let promise = window().navigator().clipboard().write_text(&code);
                leptos::task::spawn_local(async move {
                    set_said.set(match wasm_bindgen_futures::JsFuture::from(promise).await {
                        Ok(_) => "Commande copiée.".to_string(),
                        Err(_) => "Copie impossible ici : sélectionnez la commande pour la copier."
                            .to_string(),
                    });
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&code, set_said);
        }
    };
    view! {
        <div class="code-block">
            <pre><code id=id>{code}</code></pre>
            <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" aria-describedby=id on:click=copy>"Copier"</button>
            <span class="fr-hint-text" aria-live="polite">{said}</span>
        </div>
    }
}
