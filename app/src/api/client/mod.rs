//! The typed HTTP client of the browser (gloo-net). Under server rendering nothing calls it: the functions
//! exist on both sides so that components need no `cfg`, and answer "unavailable" on the server.

use super::admin::{
    AccountAction, AdminChange, AdminSession, AdminView, AuditEntry, ComplementRequest,
    CreatedAdmin, Decided, Erased, NewAdmin, OutboxItem, OutboxStatus, PasswordChange, ReadyMade,
    ReasonUpdate, RefusalReason, RefuseRequest, RegistrationDetail, RegistrationPage,
    RequestStatus, RightsRequest,
};
use super::{
    CompanyLookup, CompanySearch, Credentials, ErrorBody, ErrorCode, LinkToken,
    RegistrationReceived, RegistrationRequest,
};

/// Why a call did not give its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The server answered an error body.
    Api(u16, ErrorBody),
    /// No answer (offline, server down).
    Network,
    /// An answer that does not have the shape of the contract (a client older than the server, a proxy's page).
    Contract,
}

impl CallError {
    /// The error body's code, when the server answered one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api(_, body) => Some(body.code),
            Self::Network | Self::Contract => None,
        }
    }

    /// What to tell the user.
    pub fn message(&self) -> String {
        match self {
            Self::Api(_, body) => body.message.clone(),
            Self::Network => {
                "Le service ne répond pas. Vérifiez votre connexion puis réessayez.".to_string()
            }
            Self::Contract => {
                "La réponse du service n'a pas la forme attendue : rechargez la page.".to_string()
            }
        }
    }
}

/// `GET /api/v1/sirene/{siren}`: what the register says of a SIREN.
pub async fn lookup_siren(siren: &str) -> Result<CompanyLookup, CallError> {
    imp::get_json(&format!("/api/v1/sirene/{siren}")).await
}

/// Searches the register by name; starting a search aborts the one still under way, so that a slow answer to
/// an older text never replaces the newer one's.
#[derive(Clone, Default)]
pub struct CompanySearcher {
    #[cfg(feature = "hydrate")]
    pending: std::rc::Rc<std::cell::RefCell<Option<web_sys::AbortController>>>,
}

impl CompanySearcher {
    /// `GET /api/v1/sirene?q=&limit=`: units by name, best first.
    pub async fn search(&self, query: &str, limit: usize) -> Result<CompanySearch, CallError> {
        let limit = limit.to_string();
        let url = format!(
            "/api/v1/sirene?{}",
            query_string(&[("q", Some(query)), ("limit", Some(&limit))])
        );
        #[cfg(feature = "hydrate")]
        {
            imp::get_json_latest(&url, &self.pending).await
        }
        #[cfg(not(feature = "hydrate"))]
        {
            imp::get_json(&url).await
        }
    }

    /// Aborts the search under way, if any.
    pub fn cancel(&self) {
        #[cfg(feature = "hydrate")]
        if let Some(previous) = self.pending.borrow_mut().take() {
            previous.abort();
        }
    }
}

/// `POST /api/v1/registrations`: sends the request.
pub async fn submit_registration(
    request: &RegistrationRequest,
) -> Result<RegistrationReceived, CallError> {
    imp::post_json("/api/v1/registrations", request).await
}

/// `POST /api/v1/registrations/reprise`: the refused request's data, from the re-application link of a refusal
/// email.
pub async fn reapply(link: &str) -> Result<RegistrationRequest, CallError> {
    imp::post_json(
        "/api/v1/registrations/reprise",
        &LinkToken {
            token: link.to_string(),
        },
    )
    .await
}

/// A query string of the parameters that have a value, each percent-encoded.
pub fn query_string(pairs: &[(&str, Option<&str>)]) -> String {
    pairs
        .iter()
        .filter_map(|(name, value)| value.map(|v| format!("{name}={}", encode(v))))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query or path value.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// API accounts: the password link, sign-in, recovery.
pub mod account;

/// The administrators' API. State-changing calls carry the session's CSRF token.
pub mod admin;

/// Following a request with its private link.
pub mod follow;

#[cfg(feature = "hydrate")]
mod imp {
    use gloo_net::http::{Method, Request, RequestBuilder, Response};
    use serde::{Serialize, de::DeserializeOwned};

    use super::{CallError, ErrorBody};

    /// JSON goes through the browser's own `JSON.parse` and `JSON.stringify`: a JSON parser in the WebAssembly
    /// would weigh on every page.
    fn to_json<B: Serialize>(body: &B) -> Result<String, CallError> {
        let value = body
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|_| CallError::Contract)?;
        js_sys::JSON::stringify(&value)
            .map(String::from)
            .map_err(|_| CallError::Contract)
    }

    async fn from_json<T: DeserializeOwned>(response: Response) -> Result<T, CallError> {
        let text = response.text().await.map_err(|_| CallError::Network)?;
        let value = js_sys::JSON::parse(&text).map_err(|_| CallError::Contract)?;
        serde_wasm_bindgen::from_value(value).map_err(|_| CallError::Contract)
    }

    pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, CallError> {
        let response = Request::get(url)
            .send()
            .await
            .map_err(|_| CallError::Network)?;
        decode(response).await
    }

    /// A POST of JSON with the CSRF token whose successful answer is kept as text.
    pub async fn post_text<B: Serialize>(
        url: &str,
        body: &B,
        csrf: &str,
    ) -> Result<String, CallError> {
        let response = Request::post(url)
            .header("Content-Type", "application/json")
            .header("X-CSRF-Token", csrf)
            .body(to_json(body)?)
            .map_err(|_| CallError::Network)?
            .send()
            .await
            .map_err(|_| CallError::Network)?;
        text(response).await
    }

    /// A GET that aborts the previous one kept in `pending`, and is kept there until the next.
    pub async fn get_json_latest<T: DeserializeOwned>(
        url: &str,
        pending: &std::cell::RefCell<Option<web_sys::AbortController>>,
    ) -> Result<T, CallError> {
        let controller = web_sys::AbortController::new().ok();
        if let Some(previous) = pending.replace(controller.clone()) {
            previous.abort();
        }
        let signal = controller.as_ref().map(web_sys::AbortController::signal);
        let response = Request::get(url)
            .abort_signal(signal.as_ref())
            .send()
            .await
            .map_err(|_| CallError::Network)?;
        decode(response).await
    }

    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        url: &str,
        body: &B,
    ) -> Result<T, CallError> {
        let response = Request::post(url)
            .header("Content-Type", "application/json")
            .body(to_json(body)?)
            .map_err(|_| CallError::Network)?
            .send()
            .await
            .map_err(|_| CallError::Network)?;
        decode(response).await
    }

    /// Any method, an optional JSON body and CSRF token; `None` for a 204 answer.
    pub async fn send<B: Serialize, T: DeserializeOwned>(
        method: &str,
        url: &str,
        body: Option<&B>,
        csrf: Option<&str>,
    ) -> Result<Option<T>, CallError> {
        let method = match method {
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "DELETE" => Method::DELETE,
            "PATCH" => Method::PATCH,
            _ => Method::GET,
        };
        let mut builder = RequestBuilder::new(url).method(method);
        if let Some(token) = csrf {
            builder = builder.header("X-CSRF-Token", token);
        }
        let request = match body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(to_json(body)?),
            None => builder.build(),
        }
        .map_err(|_| CallError::Network)?;
        let response = request.send().await.map_err(|_| CallError::Network)?;
        if matches!(response.status(), 202 | 204) {
            return Ok(None);
        }
        decode(response).await.map(Some)
    }

    async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, CallError> {
        if response.ok() {
            from_json(response).await
        } else {
            Err(refusal(response).await)
        }
    }

    /// A successful answer kept as text (JSON to save or to read later).
    async fn text(response: Response) -> Result<String, CallError> {
        if response.ok() {
            response.text().await.map_err(|_| CallError::Network)
        } else {
            Err(refusal(response).await)
        }
    }

    /// The error body of an answer that is not a success.
    async fn refusal(response: Response) -> CallError {
        let status = response.status();
        match from_json::<ErrorBody>(response).await {
            Ok(body) => CallError::Api(status, body),
            Err(error) => error,
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use serde::{Serialize, de::DeserializeOwned};

    use super::CallError;

    pub async fn get_json<T: DeserializeOwned>(_url: &str) -> Result<T, CallError> {
        Err(CallError::Network)
    }

    pub async fn post_text<B: Serialize>(
        _url: &str,
        _body: &B,
        _csrf: &str,
    ) -> Result<String, CallError> {
        Err(CallError::Network)
    }

    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        _url: &str,
        _body: &B,
    ) -> Result<T, CallError> {
        Err(CallError::Network)
    }

    pub async fn send<B: Serialize, T: DeserializeOwned>(
        _method: &str,
        _url: &str,
        _body: Option<&B>,
        _csrf: Option<&str>,
    ) -> Result<Option<T>, CallError> {
        Err(CallError::Network)
    }
}

#[cfg(test)]
mod tests {
    use super::query_string;

    #[test]
    fn a_query_holds_the_parameters_with_a_value_encoded() {
        assert_eq!(
            query_string(&[
                ("q", Some("la poste & co")),
                ("after", None),
                ("limit", Some("50"))
            ]),
            "q=la%20poste%20%26%20co&limit=50"
        );
        assert_eq!(query_string(&[("before", None)]), "");
    }
}
