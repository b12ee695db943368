//! A modal notification in the DSFR style: focus moves to its button when it opens, Escape and the button close
//! it, and it is announced as an alert dialog.

use leptos::html;
use leptos::prelude::*;

#[component]
pub fn Notification(
    #[prop(into)] open: Signal<bool>,
    title: &'static str,
    on_close: Callback<()>,
    children: ChildrenFn,
) -> impl IntoView {
    let button = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if open.get()
            && let Some(b) = button.get()
        {
            let _ = b.focus();
        }
    });
    let children = StoredValue::new(children);
    view! {
        <Show when=move || open.get()>
            <div class="modal-backdrop" on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }>
                <div
                    class="fr-modal__body notification"
                    role="alertdialog"
                    aria-modal="true"
                    aria-labelledby="notification-title"
                    aria-describedby="notification-content"
                >
                    <div class="fr-modal__content">
                        <h1 id="notification-title" class="fr-modal__title">{title}</h1>
                        <div id="notification-content">{children.read_value()()}</div>
                    </div>
                    <div class="fr-modal__footer">
                        <button class="fr-btn" node_ref=button on:click=move |_| on_close.run(())>"OK"</button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
