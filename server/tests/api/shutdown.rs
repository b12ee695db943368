//! The `server` process under a submit load, stopped by SIGTERM: it accepts nothing new, answers every request
//! it accepted, finishes the email it is sending; the set of stored requests is exactly the set answered 202.
//! Killed by SIGKILL: every request answered 202 is kept. Either way, after a restart every email is sent once.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start(folder: &Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .env("GEODAE_ADDR", format!("127.0.0.1:{port}"))
        .env("GEODAE_DATA_DIR", folder)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", folder.join("geodae.db").display()),
        )
        .env("GEODAE_MAIL_TRANSPORT", "file")
        .env("GEODAE_ADMIN_EMAILS", "ministere@exemple.fr")
        // The load comes from one address, faster than a person: above the flood limits.
        .env("GEODAE_FLOOD_REGISTRATIONS", "10000/min,10000/min")
        .env("GEODAE_MINISTRY_NOTICES", "10000/min")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server binary starts")
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if client
            .get(format!("{base}/api/v1/health/ready"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become ready");
}

fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    for _ in 0..300 {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("the server did not stop within 30 s of SIGTERM");
}

fn request(i: usize) -> serde_json::Value {
    json!({
        "profile": "api", "last_name": "Test", "first_name": "Marie",
        "email": format!("arret{i}@exemple.fr"),
        "organisation_kind": "entreprise_association", "siren": "356000000", "siret": "",
        "company_name": "", "phone_prefix": "+33", "phone_number": "01 23 45 67 89"
    })
}

/// Sends `n` requests, one every 5 ms, while `stop` is applied to the server 150 ms in; returns the addresses
/// of the requests answered 202 and how many got no answer.
async fn load_and_stop(
    client: &reqwest::Client,
    base: &str,
    n: usize,
    stop: impl FnOnce(),
) -> (BTreeSet<String>, usize) {
    let load: Vec<_> = (0..n)
        .map(|i| {
            let client = client.clone();
            let base = base.to_string();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(5 * i as u64)).await;
                let answer = client
                    .post(format!("{base}/api/v1/registrations"))
                    .json(&request(i))
                    .send()
                    .await;
                (i, answer.map(|r| r.status().as_u16()))
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(150)).await;
    stop();
    let mut created = BTreeSet::new();
    let mut unanswered = 0;
    for task in load {
        match task.await.expect("task") {
            (i, Ok(202)) => {
                created.insert(format!("arret{i}@exemple.fr"));
            }
            (i, Ok(status)) => panic!("request {i} answered {status} during the stop"),
            (_, Err(_)) => unanswered += 1,
        }
    }
    assert!(
        !created.is_empty() && unanswered > 0,
        "{} created, {unanswered} unanswered: the stop came mid-load",
        created.len()
    );
    (created, unanswered)
}

/// Restarts the server on the same folder, waits until the outbox is empty, stops it, and returns the addresses
/// of the stored requests (each once) and the `.eml` files written.
async fn restart_and_drain(
    client: &reqwest::Client,
    folder: &Path,
    port: u16,
) -> (Vec<String>, Vec<String>) {
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(folder, port);
    wait_ready(client, &base).await;
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(&format!("sqlite://{}", folder.join("geodae.db").display()))
        .await
        .expect("database");
    let stored: Vec<(String,)> = sqlx::query_as("SELECT email FROM registrations")
        .fetch_all(&db)
        .await
        .expect("rows");
    // A message claimed when the server died is taken over once its lease (10 s for files) is over.
    for _ in 0..300 {
        let (waiting,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")
                .fetch_one(&db)
                .await
                .expect("outbox");
        if waiting == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (queued,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox")
        .fetch_one(&db)
        .await
        .expect("outbox");
    db.close().await;
    terminate(&server);
    assert!(wait_exit(&mut server).success());
    let files: Vec<String> = std::fs::read_dir(folder.join("mail"))
        .expect("mail folder")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".eml"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    assert_eq!(
        usize::try_from(queued).expect("count"),
        files.len(),
        "every queued email written, once"
    );
    (stored.into_iter().map(|(e,)| e).collect(), files)
}

/// Every stored request has its acknowledgement once, and the ministry one notice per request.
fn each_email_once(stored: &[String], files: &[String]) {
    for email in stored {
        let acknowledgements = files
            .iter()
            .filter(|f| f.contains(&format!("To: {email}")))
            .count();
        assert_eq!(acknowledgements, 1, "{email}");
    }
    assert_eq!(
        files.len(),
        2 * stored.len(),
        "one acknowledgement and one notice per request"
    );
}

/// A server process on a new folder and a free port, ready, and a client that opens a connection per request.
struct Launched {
    folder: tempfile::TempDir,
    port: u16,
    base: String,
    client: reqwest::Client,
    server: Child,
}

async fn launch() -> Launched {
    let folder = tempfile::tempdir().expect("folder");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let server = start(folder.path(), port);
    wait_ready(&client, &base).await;
    Launched {
        folder,
        port,
        base,
        client,
        server,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_answers_what_it_accepted_and_loses_nothing() {
    let Launched {
        folder,
        port,
        base,
        client,
        mut server,
    } = launch().await;

    let (created, refused) = load_and_stop(&client, &base, 80, || terminate(&server)).await;
    eprintln!(
        "SIGTERM: {} requests answered 202 before the stop, {refused} refused once it began",
        created.len()
    );
    let status = wait_exit(&mut server);
    assert!(status.success(), "a clean exit: {status}");

    // Restarted on the same database: every request answered 202 is there once, nothing else is (no request
    // in flight was dropped); every email queued is sent once.
    let (stored, files) = restart_and_drain(&client, folder.path(), port).await;
    assert_eq!(stored.len(), created.len(), "each stored once");
    assert_eq!(stored.iter().cloned().collect::<BTreeSet<_>>(), created);
    each_email_once(&stored, &files);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_keeps_every_acknowledged_request_and_sends_each_email_once() {
    let Launched {
        folder,
        port,
        base,
        client,
        mut server,
    } = launch().await;

    let (created, unanswered) = load_and_stop(&client, &base, 80, || {
        server.kill().expect("SIGKILL");
    })
    .await;
    let _ = server.wait();

    // Every request answered 202 is stored, once; a request cut by the kill is stored whole or not at all
    // (its sender, without an answer, sends it again and gets the stored one back).
    let (stored, files) = restart_and_drain(&client, folder.path(), port).await;
    let stored_set: BTreeSet<String> = stored.iter().cloned().collect();
    assert_eq!(stored_set.len(), stored.len(), "each stored once");
    assert!(created.is_subset(&stored_set), "every 202 kept");
    eprintln!(
        "SIGKILL: {} requests answered 202, {unanswered} unanswered, {} stored after the restart, {} emails written once each",
        created.len(),
        stored.len(),
        files.len()
    );
    each_email_once(&stored, &files);
}
