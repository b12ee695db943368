//! `/admin/connexion`: the administrators' sign-in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::client;
use crate::components::go;
use crate::components::sign_in::SignInForm;

/// The only pages a sign-in returns to.
const RETURN_UNDER: &str = "/admin";

/// Where to go after signing in: a page of this site under `/admin`, never another site, whatever a browser
/// would make of the target. It must be plainly such a path, as typed and once its escapes are decoded: no
/// control character (a browser drops tabs and newlines: `/%09/evil.example` is `//evil.example`), no backslash
/// (read as a slash), no empty or dot segment (`//host`, `/admin/../`), no scheme (`https:host`). In the browser,
/// the target resolved against the page must then keep its origin and stay under `/admin`.
fn safe_return(target: Option<String>) -> String {
    target
        .filter(|t| plain_local_path(t) && stays_on_this_site(t))
        .unwrap_or_else(|| RETURN_UNDER.to_string())
}

fn plain_local_path(target: &str) -> bool {
    let Some(rest) = target.strip_prefix(RETURN_UNDER) else {
        return false;
    };
    if !(rest.is_empty() || rest.starts_with(['/', '?', '#'])) {
        return false;
    }
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let unsafe_char = |text: &str| text.chars().any(|c| c.is_control() || c == '\\');
    // Every segment named, the last one possibly empty (`/admin/`), none `.` or `..`.
    let plain_segments = |path: &str| {
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        segments.iter().enumerate().all(|(i, segment)| {
            !matches!(*segment, "." | "..") && (!segment.is_empty() || i + 1 == segments.len())
        })
    };
    let path_decoded = decoded(path);
    !unsafe_char(target)
        && !unsafe_char(&path_decoded)
        && plain_segments(path)
        && plain_segments(&path_decoded)
}

/// A path with its `%XX` escapes decoded (an invalid escape stays as it is).
fn decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'%'));
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// In the browser: the target, resolved against the page as the browser will resolve it, keeps the page's
/// origin and stays under `/admin`.
fn stays_on_this_site(target: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        let location = leptos::prelude::window().location();
        let (Ok(origin), Ok(here)) = (location.origin(), location.href()) else {
            return false;
        };
        web_sys::Url::new_with_base(target, &here).is_ok_and(|url| {
            url.origin() == origin
                && (url.pathname() == RETURN_UNDER
                    || url.pathname().starts_with(&format!("{RETURN_UNDER}/")))
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = target;
        true
    }
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
        for kept in [
            "/admin",
            "/admin/demandes/3",
            "/admin/demandes?statut=pending&q=la%20poste",
            "/admin/#haut",
        ] {
            assert_eq!(safe_return(Some(kept.into())), kept, "{kept}");
        }
        assert_eq!(safe_return(None), "/admin");
    }

    #[test]
    fn the_known_ways_out_of_the_site_are_refused() {
        for bypass in [
            "https://ailleurs.example",
            "//ailleurs.example",
            "/%09/evil.example",
            "/\t/evil.example",
            "\t//evil.example",
            "/admin\t/../../evil",
            "/admin\n//evil.example",
            "/\\evil.example",
            "/admin\\..\\..\\evil",
            "\\\\evil.example",
            "/%2F%2Fevil.example",
            "/admin/%2F%2Fevil.example",
            "/admin/%2e%2e/%2e%2e/evil",
            "/admin/..%2f..%2fevil",
            "/admin/../compte",
            "/admin//evil.example",
            "/admin%2f..%2f..%2fevil",
            "/admin@evil.example",
            "/adminevil",
            "https:evil.example",
            "javascript:alert(1)",
            " //evil.example",
            "/admin/%5c%5cevil",
        ] {
            assert_eq!(safe_return(Some(bypass.into())), "/admin", "{bypass:?}");
        }
    }
}
