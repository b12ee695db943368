//! Assembling the application: database, register, mail worker, API and pages on one listener.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::handler::Handler;
use axum::response::Redirect;
use axum::routing::get;
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

use app::{App, shell};

use crate::AppContext;
use crate::config::Config;
use crate::http::{self, error, request_id};
use crate::mail::{transport::Mailer, worker};
use crate::sirene::online::chain::Chain;
use crate::sirene::{LocalDirectory, import};
use crate::store::Db;

/// A started application.
pub struct Running {
    pub addr: SocketAddr,
    pub context: AppContext,
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
    /// The mail worker; it ends after [`Running::stop`], once the email being sent is recorded.
    pub worker: tokio::task::JoinHandle<()>,
    /// Writes the data API's counts; it ends after [`Running::stop`], once the last ones are written.
    pub usage: tokio::task::JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Running {
    /// Stops gracefully: no new connection is accepted, the requests in flight are answered, the mail worker
    /// finishes the email it is sending; returns once all of that is done.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.stop.send_replace(true);
        self.server.await.context("the server task failed")??;
        self.worker.await.context("the mail worker failed")?;
        self.usage.await.context("the data API's counter failed")?;
        Ok(())
    }
}

/// Opens the database (running migrations), seeds the directory, starts the mail worker and serves.
pub async fn start(config: Config) -> anyhow::Result<Running> {
    crate::files::private_from_now();
    crate::files::private_dir(&config.data_dir)?;
    let db = Db::connect(&config.database_url).await?;
    let directory = Arc::new(LocalDirectory::new(
        &db,
        &config.database_url,
        &config.data_dir,
    )?);
    if config.sirene_seed
        && let Some(report) = import::seed_if_empty(&db, &directory, &config.database_url)
            .await
            .context("cannot load the shipped SIRENE extract")?
    {
        tracing::info!(
            units = report.units(),
            "SIRENE directory loaded from the shipped extract"
        );
    }
    if let Some(report) = crate::dae::import::seed_if_never_imported(&db)
        .await
        .context("cannot load the shipped defibrillators")?
    {
        tracing::info!(
            accepted = report.accepted,
            rejected = report.rejected.len(),
            "defibrillators loaded from the shipped extract"
        );
    }
    // The audit trail's triggers keep every entry younger than its retention period.
    crate::retention::set_audit_period(
        &mut *db.acquire().await?,
        config.legal.retention.audit_days,
    )
    .await?;
    // Emails queued by an older version with their link whole: no secret rests in the outbox.
    let redacted = crate::mail::outbox::redact_stored_secrets(&db)
        .await
        .context("cannot take the links' secrets out of the outbox")?;
    if redacted > 0 {
        tracing::info!(emails = redacted, "links' secrets taken out of the outbox");
    }
    crate::auth::password::prepare();
    let first_email = config
        .admin_emails
        .first()
        .cloned()
        .unwrap_or_else(|| app::api::CONTACT_EMAIL.to_string());
    if let Some((login, password)) =
        crate::admins::bootstrap(&db, &config.first_admin, &first_email).await?
    {
        // Handed over once, in a file only its owner reads, never in the logs; only its hash is kept.
        let file = write_first_password(&config.data_dir, &login, &password)?;
        tracing::warn!(
            "First administrator « {login} » created: its password is in {} (read it, sign in at {}/admin/connexion, delete the file, then create named administrators with server admin create).",
            file.display(),
            config.public_url
        );
    }
    let mailer = Arc::new(Mailer::new(&config.mail)?);
    let context = AppContext {
        config: Arc::new(config.clone()),
        register: Arc::new(Chain::new(&config.sirene, db.clone(), &directory)?),
        directory,
        db: db.clone(),
        mail_wake: Arc::new(Notify::new()),
        usage: Arc::new(crate::dae::usage::Usage::new(config.api_rate)),
        link_key: Arc::new(tokio::sync::OnceCell::new()),
        lookups: Arc::new(crate::bucket::Buckets::new(
            config.guards.sirene_per_address,
        )),
        exports: Arc::new(crate::dae::export::Exports::new(
            config.guards.exports_at_once,
        )),
    };
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(worker::run(
        db,
        context.config.clone(),
        mailer,
        context.mail_wake.clone(),
        stopping.clone(),
    ));
    let usage = tokio::spawn(crate::dae::usage::run(
        context.usage.clone(),
        context.db.clone(),
        stopping.clone(),
    ));
    tokio::spawn(crate::retention::run(
        context.db.clone(),
        config.legal.retention,
        stopping.clone(),
    ));
    tokio::spawn(crate::review::complement::run(
        context.clone(),
        stopping.clone(),
    ));
    tokio::spawn(crate::registration::reverify::run(
        context.clone(),
        config.sirene.reverify_every,
    ));

    let listener = TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let addr = listener.local_addr()?;
    let router = router(&config, addr, context.clone());
    tracing::info!("Géo'DAE comptes listening on http://{addr}");
    let mut stopping_server = stopping;
    let guards = config.guards.clone();
    let server = tokio::spawn(async move {
        http::serve::serve(listener, router, &guards, async move {
            // Without a `Running` to stop it (dropped), the server runs as long as its task.
            if stopping_server.wait_for(|stop| *stop).await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
    });
    Ok(Running {
        addr,
        context,
        server,
        worker,
        usage,
        stop,
    })
}

fn router(config: &Config, addr: SocketAddr, context: AppContext) -> Router {
    let options = LeptosOptions::builder()
        .output_name("geodae")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let routes = generate_route_list(App);
    let back_office_root = http::assets::back_office_root(&config.site_root);
    let assets = http::assets::load(&config.site_root, &back_office_root);
    let https = config.secure_cookies();
    let request_limit = config.guards.request_timeout;
    let (api, _) = http::api(context);
    // Static files, the public build's then the back office's: the brotli or gzip copy made at build time when
    // the browser takes it (their cache rule: `http::assets`); anything else is the application's "page not
    // found".
    let not_found = leptos_axum::file_and_error_handler::<LeptosOptions, _>({
        let assets = assets.clone();
        move |options| shell(options, assets.clone())
    })
    .with_state(options.clone());
    let back_office_files = ServeDir::new(&back_office_root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_found);
    let files = ServeDir::new(&config.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(back_office_files);
    let pages = Router::new()
        .route("/", get(|| async { Redirect::permanent("/apropos") }))
        // The mandatory pages are rendered with this installation's settings.
        .leptos_routes_with_context(
            &options,
            routes,
            {
                let legal = config.legal.clone();
                move || provide_context(legal.clone())
            },
            {
                let options = options.clone();
                move || shell(options.clone(), assets.clone())
            },
        )
        .fallback_service(files)
        .with_state(options);
    pages
        .merge(api)
        // Pages and JSON compressed on the fly (a precompressed file already carries its encoding).
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(|_| {
            error::internal_response(&request_id::current())
        }))
        .layer(axum::middleware::from_fn(move |request, next| {
            http::headers::middleware(https, request, next)
        }))
        .layer(axum::middleware::from_fn(move |request, next| {
            http::serve::request_timeout(request_limit, request, next)
        }))
        .layer(axum::middleware::from_fn(request_id::middleware))
}

/// Writes the first administrator's credentials to `premier-administrateur.txt` in the data folder, readable by
/// its owner only.
fn write_first_password(
    folder: &std::path::Path,
    login: &str,
    password: &str,
) -> anyhow::Result<std::path::PathBuf> {
    use std::io::Write;
    crate::files::private_dir(folder)?;
    let path = folder.join("premier-administrateur.txt");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    writeln!(file, "identifiant : {login}\nmot de passe : {password}")?;
    file.sync_all()?;
    Ok(path)
}
