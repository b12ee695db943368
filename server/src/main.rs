//! The `server` command: serves the application, or imports INSEE's StockUniteLegale file.

#![recursion_limit = "256"]

use std::path::PathBuf;
use std::process::ExitCode;

use server::config::Config;
use server::sirene::import;
use server::store::Db;
use tracing_subscriber::EnvFilter;

const USAGE: &str = "Usage:
  server                        serve the application (configuration from the environment, see README)
  server sirene import FILE     load INSEE's StockUniteLegale file (CSV or ZIP) into the SIRENE directory";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info")),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        [] | ["serve"] => serve().await,
        ["sirene", "import", file] => sirene_import(PathBuf::from(file)).await,
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let running = server::startup::start(config).await?;
    tokio::select! {
        result = running.server => result??,
        _ = tokio::signal::ctrl_c() => tracing::info!("stopping"),
    }
    Ok(())
}

async fn sirene_import(file: PathBuf) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let db = Db::connect(&config.database_url).await?;
    let started = std::time::Instant::now();
    let units = import::import_file(&db, &file).await?;
    tracing::info!(
        units,
        seconds = started.elapsed().as_secs_f64(),
        "SIRENE directory imported from {}",
        file.display()
    );
    Ok(())
}
