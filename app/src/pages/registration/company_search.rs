//! "Vous ne connaissez pas votre SIREN ? Recherchez par nom": the search of the register by name, under the
//! SIREN field. Picking a result fills the SIREN, and the usual lookup fills the raison sociale.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::client::{CallError, CompanySearcher};
use crate::api::{CompanyMatch, ErrorCode};
use crate::components::combobox::{ComboOption, Combobox};
use crate::components::{focus, focus_when_shown};

/// Typing pauses this long before a search leaves.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// Fewer letters would match too much of the register (the server refuses them too).
const MIN_CHARS: usize = 3;

const RESULTS: usize = 10;

/// The SIREN grouped by three, as people read it.
fn spaced(siren: &str) -> String {
    siren
        .as_bytes()
        .chunks(3)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\u{a0}")
}

/// The button and the panel it opens. The search itself is a part of the WebAssembly of its own, fetched the
/// first time the panel opens: most applicants know their SIREN, and the form's first load stays light.
#[component]
pub fn CompanySearchPanel(
    /// Called with the picked unit.
    on_found: Callback<CompanyMatch>,
) -> impl IntoView {
    let (expanded, set_expanded) = signal(false);
    // Once opened, the search stays in the page (closed, it keeps what was typed and found).
    let (opened, set_opened) = signal(false);
    let close = Callback::new(move |()| set_expanded.set(false));

    let toggle = move |_| {
        let open = !expanded.get_untracked();
        set_expanded.set(open);
        if open && opened.get_untracked() {
            // Once the panel is shown.
            focus_when_shown("company-search");
        }
        set_opened.set(true);
    };

    view! {
        <div class="company-search">
            <button
                type="button"
                class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm company-search__toggle"
                aria-expanded=move || if expanded.get() { "true" } else { "false" }
                aria-controls="company-search-panel"
                on:click=toggle
            >
                "Vous ne connaissez pas votre SIREN ? Recherchez par nom"
            </button>
            <div id="company-search-panel" class="company-search__panel" hidden=move || !expanded.get()>
                {move || opened.get().then(|| Suspend::new(async move { company_search(on_found, close).await }))}
            </div>
        </div>
    }
}

#[lazy]
fn company_search(on_found: Callback<CompanyMatch>, close: Callback<()>) -> AnyView {
    view! { <CompanySearch on_found close /> }.into_any()
}

/// The search box and its list; `close` closes the panel once a unit is picked.
#[component]
fn CompanySearch(on_found: Callback<CompanyMatch>, close: Callback<()>) -> impl IntoView {
    let (results, set_results) = signal(Vec::<CompanyMatch>::new());
    let (status, set_status) = signal(String::new());
    let searcher = StoredValue::new_local(CompanySearcher::default());
    let timer = StoredValue::new(None::<TimeoutHandle>);
    // Answers to an older text are dropped even if they arrive (an abort may come too late).
    let generation = StoredValue::new(0u64);

    let on_query = Callback::new(move |text: String| {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        generation.update_value(|g| *g += 1);
        let current = generation.get_value();
        searcher.with_value(CompanySearcher::cancel);
        let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
        if letters < MIN_CHARS {
            set_results.set(Vec::new());
            set_status.set(if text.trim().is_empty() {
                String::new()
            } else {
                format!("Saisissez au moins {MIN_CHARS} lettres du nom.")
            });
            return;
        }
        set_status.set("Recherche en cours…".to_string());
        let handle = set_timeout_with_handle(
            move || {
                let searcher = searcher.get_value();
                spawn_local(async move {
                    let answer = searcher.search(&text, RESULTS).await;
                    if generation.get_value() != current {
                        return;
                    }
                    match answer {
                        Ok(found) => {
                            let count = found.results.len();
                            set_status.set(match count {
                                0 => format!(
                                    "Aucune structure active dont le nom contient « {} ». Vérifiez l'orthographe ou saisissez le code SIREN.",
                                    text.trim()
                                ),
                                1 => "1 structure trouvée : flèche bas pour la sélectionner, Entrée pour la choisir.".to_string(),
                                n => format!(
                                    "{n} structures trouvées : flèches haut et bas pour les parcourir, Entrée pour choisir."
                                ),
                            });
                            set_results.set(found.results);
                        }
                        Err(CallError::Api(_, body)) if body.code == ErrorCode::InvalidQuery => {
                            set_results.set(Vec::new());
                            set_status.set(body.message);
                        }
                        Err(_) => {
                            set_results.set(Vec::new());
                            set_status.set(
                                "La recherche par nom ne répond pas pour le moment : saisissez le code SIREN."
                                    .to_string(),
                            );
                        }
                    }
                });
            },
            DEBOUNCE,
        );
        timer.set_value(handle.ok());
    });

    let options = Signal::derive(move || {
        results.with(|r| {
            r.iter()
                .map(|m| ComboOption {
                    label: m.company_name.clone(),
                    detail: format!("SIREN {}", spaced(&m.siren)),
                })
                .collect()
        })
    });

    let on_pick = Callback::new(move |index: usize| {
        let Some(found) = results.with_untracked(|r| r.get(index).cloned()) else {
            return;
        };
        set_status.set(format!(
            "{} choisie : son code SIREN {} est rempli.",
            found.company_name, found.siren
        ));
        set_results.set(Vec::new());
        close.run(());
        on_found.run(found);
        focus("siren");
    });

    // Shown for the first time: the box takes the focus, as the button promised.
    Effect::new(move |_| focus("company-search"));

    view! {
        <Combobox
            id="company-search"
            label="Nom de la structure"
            hint="Au moins 3 lettres. Seules les structures actives dont le nom est public sont proposées."
            on_query
            options
            on_pick
            status
        />
    }
}

#[cfg(test)]
mod tests {
    use super::spaced;

    #[test]
    fn sirens_are_shown_by_groups_of_three() {
        assert_eq!(spaced("356000000"), "356\u{a0}000\u{a0}000");
    }
}
