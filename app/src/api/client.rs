//! The typed HTTP client of the browser (gloo-net). Under server rendering nothing calls it: the functions
//! exist on both sides so that components need no `cfg`, and answer "unavailable" on the server.

use super::{CompanyLookup, ErrorBody, RegistrationCreated, RegistrationRequest};

/// Why a call did not give its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The server answered an error body.
    Api(u16, ErrorBody),
    /// No answer (offline, server down) or an unreadable one.
    Network,
}

impl CallError {
    pub fn message(&self) -> String {
        match self {
            Self::Api(_, body) => body.message.clone(),
            Self::Network => {
                "Le service ne répond pas. Vérifiez votre connexion puis réessayez.".to_string()
            }
        }
    }
}

pub async fn lookup_siren(siren: &str) -> Result<CompanyLookup, CallError> {
    imp::get_json(&format!("/api/v1/sirene/{siren}")).await
}

pub async fn submit_registration(
    request: &RegistrationRequest,
) -> Result<RegistrationCreated, CallError> {
    imp::post_json("/api/v1/registrations", request).await
}

#[cfg(feature = "hydrate")]
mod imp {
    use gloo_net::http::{Request, Response};
    use serde::{Serialize, de::DeserializeOwned};

    use super::{CallError, ErrorBody};

    pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, CallError> {
        let response = Request::get(url)
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
            .json(body)
            .map_err(|_| CallError::Network)?
            .send()
            .await
            .map_err(|_| CallError::Network)?;
        decode(response).await
    }

    async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, CallError> {
        if response.ok() {
            response.json().await.map_err(|_| CallError::Network)
        } else {
            let status = response.status();
            let body: ErrorBody = response.json().await.map_err(|_| CallError::Network)?;
            Err(CallError::Api(status, body))
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

    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        _url: &str,
        _body: &B,
    ) -> Result<T, CallError> {
        Err(CallError::Network)
    }
}
