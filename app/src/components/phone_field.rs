//! The telephone field: the guide's 8 prefixes, the number as people write it, and an information button that
//! shows the table of prefixes.

use leptos::prelude::*;

use super::field::FieldMessages;
use crate::domain::PhonePrefix;

#[component]
pub fn PhoneField(
    #[prop(into)] prefix: Signal<String>,
    on_prefix: Callback<String>,
    #[prop(into)] number: Signal<String>,
    on_number: Callback<String>,
    on_blur: Callback<()>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let (show_table, set_show_table) = signal(false);
    let example = move || {
        PhonePrefix::from_code(&prefix.get())
            .map(|p| {
                format!(
                    "Un numéro pérenne de la structure, pas celui d'une personne. Exemple : {}",
                    p.example()
                )
            })
            .unwrap_or_default()
    };
    view! {
        <div class=move || if error.get().is_some() { "fr-input-group fr-input-group--error" } else { "fr-input-group" }>
            <div class="phone-label-row">
                <label class="fr-label" for="phone_number">
                    "Numéro de téléphone avec indicatif"
                    <span class="required" aria-hidden="true">" *"</span>
                    <span class="fr-hint-text" id="phone_number-hint">{example}</span>
                </label>
                <button
                    type="button"
                    class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm info-button"
                    aria-expanded=move || if show_table.get() { "true" } else { "false" }
                    aria-controls="phone-prefixes"
                    title="Informations sur les indicatifs"
                    on:click=move |_| set_show_table.update(|s| *s = !*s)
                    on:keydown=move |ev| if ev.key() == "Escape" { set_show_table.set(false) }
                >
                    <span class="fr-sr-only">"Informations sur les indicatifs"</span>
                </button>
            </div>
            <div id="phone-prefixes" class="fr-table fr-table--no-caption phone-prefixes" hidden=move || !show_table.get()>
                <table>
                    <caption>"Indicatifs acceptés"</caption>
                    <thead><tr><th scope="col">"Territoire"</th><th scope="col">"Indicatif"</th></tr></thead>
                    <tbody>
                        {PhonePrefix::ALL
                            .iter()
                            .map(|p| view! { <tr><td>{p.label()}</td><td>{p.code()}</td></tr> })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="phone-inputs">
                <select
                    class="fr-select phone-prefix"
                    id="phone_prefix"
                    name="phone_prefix"
                    aria-label="Indicatif"
                    required=true
                    prop:value=move || prefix.get()
                    on:change=move |ev| on_prefix.run(event_target_value(&ev))
                >
                    {PhonePrefix::ALL
                        .iter()
                        .map(|p| {
                            let code = p.code();
                            view! {
                                <option value=code selected=move || prefix.get() == code>{format!("{} {}", p.label(), code)}</option>
                            }
                        })
                        .collect_view()}
                </select>
                <input
                    class=move || if error.get().is_some() { "fr-input fr-input--error" } else { "fr-input" }
                    id="phone_number"
                    name="phone_number"
                    type="tel"
                    autocomplete="tel-national"
                    inputmode="tel"
                    maxlength="25"
                    required=true
                    aria-required="true"
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                    aria-describedby="phone_number-hint phone_number-messages"
                    prop:value=move || number.get()
                    on:input=move |ev| on_number.run(event_target_value(&ev))
                    on:blur=move |_| on_blur.run(())
                />
            </div>
            <FieldMessages id="phone_number" error />
        </div>
    }
}
