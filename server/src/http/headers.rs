//! The security headers of every answer, pages and API alike: no MIME sniffing, no framing, no referrer sent to
//! other sites (the password page's address carries its one-time token; `same-origin` rather than
//! `no-referrer`, under which browsers send `Origin: null` with a plain form post and the same-origin check
//! would refuse it), no powerful browser features, a window of its own, HTTPS pinned when the service is public
//! over HTTPS; and answers that may carry personal data or a session are never stored by a browser or a proxy.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Directives that constrain framing, forms and the base URL; scripts and styles are left to the pages.
const CONTENT_SECURITY_POLICY: &str =
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
     accelerometer=(), gyroscope=(), magnetometer=(), browsing-topics=()";
/// Two years, the preload lists' minimum.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Adds the headers; `https` when the public address is HTTPS (HSTS is only sent then).
pub async fn middleware(https: bool, request: Request, next: Next) -> Response {
    let private = carries_personal_data(request.uri().path());
    let immutable = super::assets::immutable(request.uri().path(), request.uri().query());
    let mut response = next.run(request).await;
    let success = response.status().is_success();
    let headers = response.headers_mut();
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    // What governs a document is sent with anything a browser could show as one; a style sheet, a script, a
    // WebAssembly module or a font never is one (a page's first visit fetches a dozen of them).
    if !is_subresource(headers) {
        set(headers, header::X_FRAME_OPTIONS, "DENY");
        set(headers, "permissions-policy", PERMISSIONS_POLICY);
        set(headers, "cross-origin-opener-policy", "same-origin");
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            set(
                headers,
                header::CONTENT_SECURITY_POLICY,
                CONTENT_SECURITY_POLICY,
            );
        }
    }
    if https {
        set(headers, header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    if private || headers.contains_key(header::SET_COOKIE) {
        set(headers, header::CACHE_CONTROL, "no-store");
    } else if !headers.contains_key(header::CACHE_CONTROL) {
        // A file whose address changes with its content is kept for good, never asked again; public pages
        // and other files are kept but checked on each use (a "304 Not Modified", never a stale page).
        let page = headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|kind| kind.as_bytes().starts_with(b"text/html"));
        let rule = if immutable && success && !page {
            super::assets::IMMUTABLE
        } else {
            "no-cache"
        };
        set(headers, header::CACHE_CONTROL, rule);
    }
    response
}

/// Every API answer but the public documents, and the account and administration pages (and the password
/// page, whose address holds a token).
fn carries_personal_data(path: &str) -> bool {
    let public_api = [
        "/api/v1/openapi.json",
        "/api/v1/health",
        "/api/v1/health/live",
        "/api/v1/health/ready",
    ];
    (path.starts_with("/api/") && !public_api.contains(&path))
        || path == "/admin"
        || path.starts_with("/admin/")
        || path == "/compte"
        || path.starts_with("/compte/")
}

/// A style sheet, a script, a WebAssembly module or a font, by its type.
fn is_subresource(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| {
            let kind = kind.split(';').next().unwrap_or_default().trim();
            matches!(
                kind,
                "text/css" | "text/javascript" | "application/javascript" | "application/wasm"
            ) || kind.starts_with("font/")
        })
}

fn set(headers: &mut HeaderMap, name: impl header::IntoHeaderName, value: &'static str) {
    headers.insert(name, HeaderValue::from_static(value));
}

#[cfg(test)]
mod tests {
    use super::carries_personal_data;

    #[test]
    fn personal_answers_are_recognised_by_their_path() {
        for path in [
            "/api/v1/admin/registrations",
            "/api/v1/registrations",
            "/api/v1/sirene/356000000",
            "/admin",
            "/admin/demandes/3",
            "/compte/mot-de-passe",
        ] {
            assert!(carries_personal_data(path), "{path}");
        }
        for path in [
            "/apropos",
            "/inscription",
            "/api/v1/openapi.json",
            "/api/v1/health",
            "/pkg/geodae.wasm",
        ] {
            assert!(!carries_personal_data(path), "{path}");
        }
    }
}
