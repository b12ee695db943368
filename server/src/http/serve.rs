//! Serving the connections (HTTP/1.1, hyper), each bounded in time so that no client holds one for ever: a
//! request's headers must arrive within `header_timeout` of the connection or of the previous answer (a
//! half-sent request, and an idle connection, are closed), and a client that takes nothing of an answer for
//! `stalled_write_timeout` is disconnected. A request's own deadline is [`request_timeout`], a middleware.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt;

use super::error::ApiError;
use crate::config::Guards;
use app::api::ErrorCode;

/// Serves `router` on `listener` until `stop` completes, then answers the requests under way and returns
/// once every connection is closed.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    guards: &Guards,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(guards.header_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, a connection reset before it was accepted…: wait, go on.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let mut stream = TimeoutStream::new(stream);
        stream.set_write_timeout(Some(guards.stalled_write_timeout));
        let router = router.clone();
        let service = tower::service_fn(move |mut request: Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = http.serve_connection(
            TokioIo::new(Box::pin(stream)),
            TowerToHyperService::new(service),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection closed");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Answers 408 when a request (its body read, its answer started) takes longer than `limit`: a client sending
/// its body a byte at a time holds nothing for long.
pub async fn request_timeout(limit: Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let mut response = ApiError::client(
                StatusCode::REQUEST_TIMEOUT,
                ErrorCode::RequestTimeout,
                "La requête n'est pas arrivée entière à temps : réessayez.",
            )
            .into_response();
            // The rest of its body is not waited for: the connection ends with the answer.
            response.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
            response
        }
    }
}
