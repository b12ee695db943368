//! Reusable widgets; none of them calls the API.

pub mod combobox;
pub mod field;
pub mod layout;
pub mod modal;
pub mod phone_field;
pub mod sign_in;

/// `false` while the page is only what the server rendered, `true` once the WebAssembly runs it (effects only
/// run in the browser). Submit buttons wait for it: a form is never sent by the browser itself, which would put
/// what was typed where it does not belong.
pub fn hydrated() -> leptos::prelude::Signal<bool> {
    use leptos::prelude::*;
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    ready.into()
}

/// Moves the keyboard focus to the element with this id (the first field in error after a submission).
pub fn focus(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(element) = leptos::prelude::document().get_element_by_id(id)
            && let Ok(element) = element.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = element.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
