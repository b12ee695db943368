//! Form fields in the DSFR markup, wired for assistive technologies: the label is tied to the input, the hint
//! and the messages are referenced by `aria-describedby`, `aria-invalid` follows the error, and the message area
//! is a polite live region so that errors are announced as they appear.

use leptos::prelude::*;

/// Ids of the hint and messages of a field, derived from its id.
fn hint_id(id: &str) -> String {
    format!("{id}-hint")
}

fn messages_id(id: &str) -> String {
    format!("{id}-messages")
}

/// The messages under a field: an error, or else a warning, or else an information.
#[component]
pub fn FieldMessages(
    id: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into, optional)] warning: Signal<Option<String>>,
    #[prop(into, optional)] info: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="fr-messages-group" id=messages_id(id) aria-live="polite">
            {move || match (error.get(), warning.get(), info.get()) {
                (Some(e), _, _) => Some(view! { <p class="fr-message fr-message--error" id=format!("{id}-error")>{e}</p> }.into_any()),
                (None, Some(w), _) => Some(view! { <p class="fr-message fr-message--warning">{w}</p> }.into_any()),
                (None, None, Some(i)) => Some(view! { <p class="fr-message fr-message--info">{i}</p> }.into_any()),
                _ => None,
            }}
        </div>
    }
}

fn group_class(base: &'static str, error: Option<String>, warning: Option<String>) -> String {
    match (error, warning) {
        (Some(_), _) => format!("{base} {base}--error"),
        (None, Some(_)) => format!("{base} {base}--warning"),
        _ => base.to_string(),
    }
}

/// A text input with its label, hint and messages.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
    #[prop(optional)] on_blur: Option<Callback<()>>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into, optional)] warning: Signal<Option<String>>,
    #[prop(into, optional)] info: Signal<Option<String>>,
    #[prop(into, optional)] readonly: Signal<bool>,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    let described_by = match hint {
        Some(_) => format!("{} {}", hint_id(id), messages_id(id)),
        None => messages_id(id),
    };
    view! {
        <div class=move || group_class("fr-input-group", error.get(), warning.get())>
            <label class="fr-label" for=id>
                {label}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
                {hint.map(|h| view! { <span class="fr-hint-text" id=hint_id(id)>{h}</span> })}
            </label>
            <input
                class=move || {
                    if error.get().is_some() { "fr-input fr-input--error" } else { "fr-input" }
                }
                id=id
                name=id
                type=input_type.unwrap_or("text")
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                required=required
                aria-required=required.then_some("true")
                readonly=move || readonly.get()
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
                on:blur=move |_| {
                    if let Some(cb) = on_blur {
                        cb.run(());
                    }
                }
            />
            <FieldMessages id error warning info />
        </div>
    }
}

/// A native select with its label, hint and messages; `options` are (value, label) pairs.
#[component]
pub fn SelectField(
    id: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    options: Vec<(&'static str, &'static str)>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(into)] value: Signal<String>,
    on_change: Callback<String>,
    #[prop(optional)] on_blur: Option<Callback<()>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let described_by = match hint {
        Some(_) => format!("{} {}", hint_id(id), messages_id(id)),
        None => messages_id(id),
    };
    view! {
        <div class=move || group_class("fr-select-group", error.get(), None)>
            <label class="fr-label" for=id>
                {label}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
                {hint.map(|h| view! { <span class="fr-hint-text" id=hint_id(id)>{h}</span> })}
            </label>
            <select
                class=move || if error.get().is_some() { "fr-select fr-select--error" } else { "fr-select" }
                id=id
                name=id
                required=required
                aria-required=required.then_some("true")
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
                prop:value=move || value.get()
                on:change=move |ev| on_change.run(event_target_value(&ev))
                on:blur=move |_| {
                    if let Some(cb) = on_blur {
                        cb.run(());
                    }
                }
            >
                {placeholder.map(|p| view! { <option value="" disabled=true selected=move || value.get().is_empty()>{p}</option> })}
                {options
                    .into_iter()
                    .map(|(v, l)| view! { <option value=v selected=move || value.get() == v>{l}</option> })
                    .collect_view()}
            </select>
            <FieldMessages id error />
        </div>
    }
}
