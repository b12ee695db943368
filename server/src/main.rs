//! The `server` command: serves the application, or imports INSEE's StockUniteLegale file.

#![recursion_limit = "256"]

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use server::admins::{self, Role};
use server::config::Config;
use server::sirene::{LocalDirectory, import};
use server::store::Db;
use tracing_subscriber::EnvFilter;

const USAGE: &str = "Usage:
  server                        serve the application (configuration from the environment, see README)
  server sirene import [--json] FILE
                                load INSEE's StockUniteLegale file (CSV or ZIP) into the SIRENE directory,
                                replacing it once complete; --json prints the summary as JSON
  server sirene generate ROWS FILE
                                write a synthetic StockUniteLegale file of ROWS rows (35 columns), to try
                                the import or measure it
  server dae import FILE        load Géo'DAE's national export (CSV or GeoJSON, data.gouv.fr) in place of the
                                defibrillators, in one transaction; prints the rows refused and why
  server purge [--dry-run]      erase the personal data past its retention period (GEODAE_RETENTION_*_DAYS), as
                                the server does every day; --dry-run counts without erasing
  server backup FILE            write a consistent copy of the SQLite database to FILE while the server runs
                                (restore: stop the server, put FILE in place of the database, start it)
  server admin create --login LOGIN --email EMAIL [--role admin|reviewer|viewer]
                                create an administrator (role reviewer by default); the password is read
                                from the terminal, or from the first line of stdin when it is not a terminal";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info")),
        )
        // Logs go to stderr: stdout is for what a command prints (an import's summary, its JSON).
        .with_writer(std::io::stderr)
        .init();
    // What the server writes (database, mail files, backups) is its user's only.
    server::files::private_from_now();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        [] | ["serve"] => serve().await,
        ["sirene", "import", file] => sirene_import(PathBuf::from(file), false).await,
        ["sirene", "import", "--json", file] => sirene_import(PathBuf::from(file), true).await,
        ["backup", file] => backup(PathBuf::from(file)).await,
        ["purge"] => purge(false).await,
        ["purge", "--dry-run"] => purge(true).await,
        ["dae", "import", file] => dae_import(PathBuf::from(file)).await,
        ["sirene", "generate", rows, file] => sirene_generate(rows, PathBuf::from(file)).await,
        ["admin", "create", options @ ..] => match AdminOptions::parse(options) {
            Some(options) => admin_create(options).await,
            None => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        },
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
    let mut running = server::startup::start(config).await?;
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    tokio::select! {
        result = &mut running.server => return Ok(result.context("the server task failed")??),
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    // SIGTERM (a deployment, systemd) or Ctrl-C: finish what is under way, accept nothing new.
    tracing::info!("stopping: answering the requests in flight, finishing the email being sent");
    running.stop().await?;
    tracing::info!("stopped");
    Ok(())
}

async fn purge(dry_run: bool) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let db = Db::connect(&config.database_url).await?;
    let retention = config.legal.retention;
    let purged =
        server::retention::purge(&db, &retention, server::store::now_ms(), dry_run).await?;
    let days = |n: u32| format!("{n} j");
    let rows = [
        (
            "Demandes refusées",
            purged.refused,
            days(retention.refused_days),
        ),
        (
            "Comptes jamais activés",
            purged.unactivated,
            days(retention.unactivated_days),
        ),
        (
            "Comptes désactivés",
            purged.disabled,
            days(retention.disabled_days),
        ),
        (
            "Liens à usage unique",
            purged.links,
            days(retention.ended_days),
        ),
        (
            "Sessions terminées",
            purged.sessions,
            days(retention.ended_days),
        ),
        (
            "Jetons de l'API",
            purged.api_tokens,
            days(retention.ended_days),
        ),
        ("Compteurs anti-abus", purged.throttles, "24 h".to_string()),
        ("Mails envoyés", purged.emails, days(retention.mail_days)),
        (
            "Entrées du journal",
            purged.audit,
            days(retention.audit_days),
        ),
    ];
    println!(
        "{}",
        if dry_run {
            "Purge à blanc : rien n'est effacé."
        } else {
            "Purge des données personnelles :"
        }
    );
    for (what, n, period) in rows {
        println!("  {what:<26} {n:>8}  (au-delà de {period})");
    }
    println!("  {:<26} {:>8}", "Total", purged.total());
    tracing::info!(
        dry_run,
        ?purged,
        "retention: purge run from the command line"
    );
    Ok(())
}

async fn backup(file: PathBuf) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let db = Db::connect(&config.database_url).await?;
    let started = std::time::Instant::now();
    let bytes = db.backup(&file).await?;
    println!(
        "Copie de la base écrite dans {} ({} octets, {:.1} s).",
        file.display(),
        import::thousands(bytes),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn sirene_import(file: PathBuf, json: bool) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let config = Config::from_env()?;
    let db = Db::connect(&config.database_url).await?;
    let directory = LocalDirectory::new(&db, &config.database_url, &config.data_dir)?;
    let progress = std::sync::Arc::new(import::Progress::default());
    let reporter = tokio::spawn(import::report_progress(
        progress.clone(),
        std::io::stderr().is_terminal(),
    ));
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let result = import::import(
        &db,
        &directory,
        &config.database_url,
        import::Source::File(file.clone()),
        progress,
        stop,
    )
    .await;
    reporter.abort();
    let report = result.map_err(|e| {
        e.context(format!(
            "import of {} failed; the SIRENE directory in place is unchanged",
            file.display()
        ))
    })?;
    if json {
        println!("{}", report.to_json());
    } else {
        println!("{}", import::describe(&report));
    }
    Ok(())
}

async fn dae_import(file: PathBuf) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let db = Db::connect(&config.database_url).await?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let report = server::dae::import::import(&db, &name, &bytes)
        .await
        .map_err(|e| {
            e.context(format!(
                "import of {} failed; the defibrillators in place are unchanged",
                file.display()
            ))
        })?;
    println!("{}", report.describe());
    Ok(())
}

async fn sirene_generate(rows: &str, file: PathBuf) -> anyhow::Result<()> {
    let rows: u64 = rows
        .replace('_', "")
        .parse()
        .context("ROWS must be a number")?;
    let out = std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(&file)
            .with_context(|| format!("cannot create {}", file.display()))?,
    );
    tokio::task::spawn_blocking(move || {
        server::sirene::synthetic::Generator::new(rows, 1).write(rows, out)
    })
    .await??;
    Ok(())
}

struct AdminOptions {
    login: String,
    email: String,
    role: Role,
}

impl AdminOptions {
    fn parse(args: &[&str]) -> Option<Self> {
        let (mut login, mut email, mut role) = (None, None, Role::Reviewer);
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let value = args.next()?;
            match *flag {
                "--login" => login = Some(value.to_string()),
                "--email" => email = Some(value.to_string()),
                "--role" => role = Role::parse(value)?,
                _ => return None,
            }
        }
        Some(Self {
            login: login?,
            email: email?,
            role,
        })
    }
}

/// The password never comes from the command line (it would stay in the shell history and `ps`).
fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Mot de passe : ")?;
        let second = rpassword::prompt_password("Confirmer le mot de passe : ")?;
        anyhow::ensure!(first == second, "les deux mots de passe diffèrent");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

async fn admin_create(options: AdminOptions) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let password = read_password()?;
    let db = Db::connect(&config.database_url).await?;
    let actor = server::audit::Actor {
        kind: "cli",
        id: None,
        login: std::env::var("USER").ok(),
        address: None,
    };
    match admins::create(
        &db,
        &actor,
        &options.login,
        &options.email,
        options.role,
        &password,
    )
    .await
    {
        Ok(admin) => {
            println!(
                "Administrateur « {} » créé (rôle {}).",
                admin.login,
                admin.role.code()
            );
            Ok(())
        }
        Err(admins::CreateError::Invalid(message)) => anyhow::bail!(message),
        Err(admins::CreateError::Taken(login)) => {
            anyhow::bail!("l'identifiant « {login} » est déjà pris")
        }
        Err(admins::CreateError::Internal(error)) => Err(error),
    }
}
