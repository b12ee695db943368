//! A search box that offers a list of choices, in the WAI-ARIA 1.2 combobox pattern with a listbox popup.
//!
//! The input keeps the focus; the option being visited is named by `aria-activedescendant`. Down and Up arrows
//! visit the options (opening the list when it is closed), Enter picks the visited one, Escape closes the list
//! (and, when it is already closed, clears the box), Home and End move to the first and last options. The
//! status line is a polite live region: the number of results, "searching", "nothing found", is announced.
//! The widget calls no API: the page runs the search on `on_query` and gives the options back.

use leptos::prelude::*;

/// One choice of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComboOption {
    pub label: String,
    /// A second line (an identifier, a category).
    pub detail: String,
}

#[component]
pub fn Combobox(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    /// Called with the text each time it changes.
    on_query: Callback<String>,
    #[prop(into)] options: Signal<Vec<ComboOption>>,
    /// Called with the index of the picked option.
    on_pick: Callback<usize>,
    /// What the live region says (results found, searching, nothing found).
    #[prop(into)]
    status: Signal<String>,
) -> impl IntoView {
    let listbox_id = format!("{id}-listbox");
    let status_id = format!("{id}-status");
    let hint_id = format!("{id}-hint");
    let option_id = move |i: usize| format!("{id}-option-{i}");
    let (text, set_text) = signal(String::new());
    let (open, set_open) = signal(false);
    let (active, set_active) = signal(None::<usize>);

    // New options: the list opens when there are some, nothing is visited yet.
    Effect::new(move |_| {
        let count = options.with(Vec::len);
        set_active.set(None);
        set_open.set(count > 0);
    });

    let pick = move |index: usize| {
        if index < options.with_untracked(Vec::len) {
            set_open.set(false);
            set_active.set(None);
            on_pick.run(index);
        }
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = options.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" | "ArrowUp" => {
                ev.prevent_default();
                if count == 0 {
                    return;
                }
                set_open.set(true);
                let down = ev.key() == "ArrowDown";
                set_active.update(|a| {
                    *a = Some(match (*a, down) {
                        (None, true) => 0,
                        (None, false) => count - 1,
                        (Some(i), true) => (i + 1) % count,
                        (Some(i), false) => (i + count - 1) % count,
                    });
                });
            }
            "Home" | "End" if open.get_untracked() && count > 0 => {
                ev.prevent_default();
                set_active.set(Some(if ev.key() == "Home" { 0 } else { count - 1 }));
            }
            "Enter" => {
                // Never submits the surrounding form from the search box.
                ev.prevent_default();
                if let Some(index) = active.get_untracked().filter(|_| open.get_untracked()) {
                    pick(index);
                }
            }
            "Escape" => {
                if open.get_untracked() {
                    ev.prevent_default();
                    set_open.set(false);
                    set_active.set(None);
                } else if !text.get_untracked().is_empty() {
                    ev.prevent_default();
                    set_text.set(String::new());
                    on_query.run(String::new());
                }
            }
            _ => {}
        }
    };

    view! {
        <div class="fr-input-group combobox">
            <label class="fr-label" for=id>
                {label}
                <span class="fr-hint-text" id=hint_id.clone()>{hint}</span>
            </label>
            <input
                class="fr-input"
                id=id
                type="text"
                role="combobox"
                autocomplete="off"
                spellcheck="false"
                aria-autocomplete="list"
                aria-controls=listbox_id.clone()
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-activedescendant=move || active.get().filter(|_| open.get()).map(option_id)
                aria-describedby=format!("{hint_id} {status_id}")
                prop:value=move || text.get()
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    set_text.set(value.clone());
                    on_query.run(value);
                }
                on:keydown=on_keydown
                on:blur=move |_| set_open.set(false)
                on:focus=move |_| set_open.set(options.with_untracked(|o| !o.is_empty()))
            />
            <ul
                class="combobox__listbox"
                id=listbox_id
                role="listbox"
                aria-label=label
                hidden=move || !open.get()
            >
                {move || {
                    options
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, option)| {
                            let selected = move || active.get() == Some(i);
                            view! {
                                <li
                                    id=option_id(i)
                                    role="option"
                                    class="combobox__option"
                                    class:combobox__option--active=selected
                                    aria-selected=move || if selected() { "true" } else { "false" }
                                    // Keeps the focus in the input, so that the pick is the input's.
                                    on:mousedown=move |ev| ev.prevent_default()
                                    on:click=move |_| pick(i)
                                >
                                    <span class="combobox__label">{option.label}</span>
                                    <span class="combobox__detail">{option.detail}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="fr-hint-text combobox__status" id=status_id aria-live="polite">{move || status.get()}</p>
        </div>
    }
}
