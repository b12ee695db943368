//! The administrators' pages: sign-in, dashboard, one request, the outbox and the audit trail. Data is loaded
//! in the browser with the session cookie (SameSite=Strict, so it is never sent from another site); the
//! server renders the frame and a loading state.

pub mod admins;
pub mod audit;
pub mod dashboard;
pub mod outbox;
pub mod password;
pub mod reasons;
pub mod request;
pub mod sign_in;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::ErrorCode;
use crate::api::admin::{AdminSession, Role};
use crate::api::client::{self, CallError};
use crate::components::go;

/// The signed-in administrator, provided to the pages under the gate.
#[derive(Clone, Copy)]
pub struct Signed(pub RwSignal<Option<AdminSession>>);

impl Signed {
    pub fn csrf(&self) -> String {
        self.0
            .with_untracked(|s| s.as_ref().map(|s| s.csrf_token.clone()))
            .unwrap_or_default()
    }

    /// The identifiant of the signed-in administrator.
    pub fn login(&self) -> String {
        self.0
            .with_untracked(|s| s.as_ref().map(|s| s.login.clone()))
            .unwrap_or_default()
    }

    /// Reviewers and admins decide; viewers only read.
    pub fn can_decide(&self) -> bool {
        self.0
            .with(|s| s.as_ref().is_some_and(|s| s.role != Role::Viewer))
    }
}

/// Sends to the sign-in page, coming back here afterwards.
pub fn to_sign_in() {
    #[cfg(feature = "hydrate")]
    {
        let location = leptos::prelude::window().location();
        let back = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        go(&format!(
            "/admin/connexion?retour={}",
            client::encode(&back)
        ));
    }
}

/// Handles an API error of an administrators' page: an ended session leads to the sign-in page.
pub fn failure(error: &CallError) -> String {
    if error.code() == Some(ErrorCode::Unauthenticated) {
        to_sign_in();
    }
    error.message()
}

/// The frame of every administrators' page: its title (the tab's and the heading), the session loaded (or the
/// way to sign-in), the navigation, then the page.
#[component]
pub fn AdminFrame(title: &'static str, children: ChildrenFn) -> impl IntoView {
    let session = RwSignal::new(None::<AdminSession>);
    provide_context(Signed(session));
    let (error, set_error) = signal(None::<String>);
    Effect::new(move |_| {
        spawn_local(async move {
            match client::admin::session().await {
                Ok(s) => session.set(Some(s)),
                Err(e) => set_error.set(Some(failure(&e))),
            }
        });
    });
    let sign_out = move |_| {
        let csrf = Signed(session).csrf();
        spawn_local(async move {
            let _ = client::admin::sign_out(&csrf).await;
            go("/admin/connexion");
        });
    };
    let children = StoredValue::new(children);
    view! {
        <Title text=title />
        <div class="fr-container fr-my-4w admin">
            <nav class="fr-nav admin-nav" role="navigation" aria-label="Administration">
                <ul class="fr-nav__list">
                    <li class="fr-nav__item"><a class="fr-nav__link" href="/admin">"Demandes"</a></li>
                    <li class="fr-nav__item"><a class="fr-nav__link" href="/admin/mails">"Mails"</a></li>
                    <li class="fr-nav__item"><a class="fr-nav__link" href="/admin/journal">"Journal"</a></li>
                    <Show when=move || session.with(|s| s.as_ref().is_some_and(|s| s.role == Role::Admin))>
                        <li class="fr-nav__item"><a class="fr-nav__link" href="/admin/motifs">"Motifs et messages"</a></li>
                        <li class="fr-nav__item"><a class="fr-nav__link" href="/admin/administrateurs">"Administrateurs"</a></li>
                    </Show>
                    <li class="fr-nav__item"><a class="fr-nav__link" href="/admin/mot-de-passe">"Mon mot de passe"</a></li>
                </ul>
                <p class="admin-nav__who">
                    {move || session.with(|s| s.as_ref().map(|s| format!("{} ({})", s.login, s.role.label())))}
                    " "
                    <button type="button" class="fr-btn fr-btn--tertiary fr-btn--sm" on:click=sign_out>"Se déconnecter"</button>
                </p>
            </nav>
            <h1>{title}</h1>
            {move || error.get().map(|e| view! { <div class="fr-alert fr-alert--error fr-alert--sm" role="alert"><p>{e}</p></div> })}
            <Show when=move || session.with(Option::is_some) fallback=|| view! { <p class="admin-loading" aria-live="polite">"Chargement…"</p> }>
                {children.read_value()()}
            </Show>
        </div>
    }
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "pending" => "En attente",
        "approved" => "Validée",
        "refused" => "Refusée",
        "withdrawn" => "Retirée",
        "complement" => "Complément demandé",
        "completed" => "Complétée",
        "closed" => "Classée sans suite",
        "waiting" => "En attente d'envoi",
        "sent" => "Envoyé",
        "failed" => "En échec",
        "active" => "Actif",
        "disabled" => "Désactivé",
        _ => "Autre",
    }
}

/// The DSFR badge of a status.
pub fn status_badge(status: &str) -> impl IntoView + use<> {
    let class = match status {
        "pending" | "waiting" => "fr-badge fr-badge--sm fr-badge--new",
        "approved" | "sent" | "active" => "fr-badge fr-badge--sm fr-badge--success",
        "refused" | "failed" => "fr-badge fr-badge--sm fr-badge--error",
        _ => "fr-badge fr-badge--sm",
    };
    view! { <span class=class>{status_label(status)}</span> }
}

/// A message after an action: success or error, announced.
pub fn outcome_view(outcome: Option<Result<String, String>>) -> impl IntoView {
    outcome.map(|o| match o {
        Ok(text) => view! { <div class="fr-alert fr-alert--success fr-alert--sm fr-mb-2w"><p>{text}</p></div> }.into_any(),
        Err(text) => view! { <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w"><p>{text}</p></div> }.into_any(),
    })
}
