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

/// What was typed in the fields `ids` while the page's code was still loading (a slow connection): hydration
/// sets every field to its initial value, so it is read before and written back by `restore` once the page is
/// live. Outside hydration (a page opened by a link within the application) there is nothing to keep.
pub fn keep_typed<I>(ids: I, restore: impl Fn(&'static str, String) + 'static)
where
    I: IntoIterator<Item = &'static str>,
{
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::*;
        use wasm_bindgen::JsCast;
        if !Owner::current_shared_context().is_some_and(|c| c.during_hydration()) {
            return;
        }
        let typed: Vec<(&'static str, String)> = ids
            .into_iter()
            .filter_map(|id| {
                let element = document().get_element_by_id(id)?;
                let value = if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
                    input.value()
                } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
                    select.value()
                } else {
                    element.dyn_ref::<web_sys::HtmlTextAreaElement>()?.value()
                };
                (!value.is_empty()).then_some((id, value))
            })
            .collect();
        if !typed.is_empty() {
            // Effects run once the view is hydrated: the page's structure matches the server's until then.
            Effect::new(move |_| {
                for (id, value) in &typed {
                    restore(id, value.clone());
                }
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ids.into_iter(), restore);
}

/// The secret `name` of a link received by email: in the address's fragment (`#jeton=…`, which the browser never
/// sends: no server or proxy logs it), or, for a link sent before, in its query (`?jeton=…`). `None` on the
/// server, which never sees a fragment.
pub fn link_secret(name: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let location = leptos::prelude::window().location();
        let prefix = format!("{name}=");
        [location.hash(), location.search()]
            .into_iter()
            .filter_map(Result::ok)
            .find_map(|part| {
                part.split(['#', '?', '&'])
                    .find_map(|pair| pair.strip_prefix(prefix.as_str()).map(str::to_string))
            })
            .filter(|value| !value.is_empty())
            .and_then(|value| js_sys::decode_uri_component(&value).ok().map(String::from))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = name;
        None
    }
}

/// Something loaded from the API.
#[derive(Clone, Debug, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(String),
}

/// Loads another page of the application.
pub fn go(url: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().set_href(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// Moves the focus to the element `id` once the render under way has put it in the page (an element a signal
/// just asked to show is not there yet).
pub fn focus_when_shown(id: &'static str) {
    leptos::prelude::request_animation_frame(move || focus(id));
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
