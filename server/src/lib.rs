//! Géo'DAE API accounts, the server: the JSON API, persistence, the company register, mail, and the Leptos
//! application served with server-side rendering.

#![recursion_limit = "256"]

pub mod accounts;
pub mod admins;
pub mod audit;
pub mod auth;
pub mod bucket;
pub mod config;
pub mod dae;
pub mod files;
pub mod flood;
pub mod http;
pub mod links;
pub mod mail;
pub mod principal;
pub mod registration;
pub mod retention;
pub mod review;
pub mod sirene;
pub mod startup;
pub mod store;

use std::sync::Arc;

use tokio::sync::Notify;

/// What every request handler may use.
#[derive(Clone)]
pub struct AppContext {
    pub config: Arc<config::Config>,
    pub db: store::Db,
    pub register: Arc<dyn sirene::CompanyRegister>,
    /// The local directory, for the search by name.
    pub directory: Arc<sirene::LocalDirectory>,
    /// Wakes the mail worker when a message is queued.
    pub mail_wake: Arc<Notify>,
    /// The data API's rate limiter and call counter.
    pub usage: Arc<dae::usage::Usage>,
    /// The installation's link-signing key, read from the database once.
    pub link_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
    /// The public SIRENE lookups and searches of each client address (they spend the online registers' quota).
    pub lookups: Arc<bucket::Buckets<String>>,
    /// The exports of the defibrillators streaming now.
    pub exports: Arc<dae::export::Exports>,
}

impl AppContext {
    pub async fn link_key(&self) -> anyhow::Result<Vec<u8>> {
        self.link_key
            .get_or_try_init(|| links::signing_key(&self.db))
            .await
            .cloned()
    }
}
