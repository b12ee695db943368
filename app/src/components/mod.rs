//! Reusable widgets; none of them calls the API.

pub mod combobox;
pub mod field;
pub mod layout;
pub mod modal;
pub mod phone_field;
pub mod sign_in;

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
