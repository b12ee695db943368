//! The `server` process under a submit load stopped by SIGTERM: it accepts nothing new, answers every request
//! it accepted, finishes the email it is sending; after a restart every email is sent once. The set of stored
//! requests is exactly the set answered 201.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_answers_what_it_accepted_and_loses_nothing() {
    let folder = tempfile::tempdir().expect("folder");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let mut server = start(folder.path(), port);
    wait_ready(&client, &base).await;

    // A submit load, stopped by SIGTERM while it runs.
    let load: Vec<_> = (0..80)
        .map(|i| {
            let client = client.clone();
            let base = base.clone();
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
    terminate(&server);
    let mut created = BTreeSet::new();
    let mut refused = 0;
    for task in load {
        match task.await.expect("task") {
            (i, Ok(201)) => {
                created.insert(format!("arret{i}@exemple.fr"));
            }
            (i, Ok(status)) => panic!("request {i} answered {status} during the stop"),
            (_, Err(_)) => refused += 1,
        }
    }
    eprintln!(
        "{} requests answered 201 before the stop, {refused} refused once it began",
        created.len()
    );
    let status = wait_exit(&mut server);
    assert!(status.success(), "a clean exit: {status}");
    assert!(
        !created.is_empty() && refused > 0,
        "{} created, {refused} refused: the stop came mid-load",
        created.len()
    );

    // Restarted on the same database: every request answered 201 is there once, nothing else is; every email
    // queued is sent once.
    let mut server = start(folder.path(), port);
    wait_ready(&client, &base).await;
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(&format!(
        "sqlite://{}",
        folder.path().join("geodae.db").display()
    ))
    .await
    .expect("database");
    let stored: Vec<(String,)> = sqlx::query_as("SELECT email FROM registrations")
        .fetch_all(&db)
        .await
        .expect("rows");
    let stored: Vec<String> = stored.into_iter().map(|(e,)| e).collect();
    assert_eq!(stored.len(), created.len(), "each stored once");
    assert_eq!(stored.into_iter().collect::<BTreeSet<_>>(), created);
    for _ in 0..100 {
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
    terminate(&server);
    assert!(wait_exit(&mut server).success());
    let files: Vec<String> = std::fs::read_dir(folder.path().join("mail"))
        .expect("mail folder")
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    for email in &created {
        let acknowledgements = files
            .iter()
            .filter(|f| f.contains(&format!("To: {email}")))
            .count();
        assert_eq!(acknowledgements, 1, "{email}");
    }
    assert_eq!(
        files.len(),
        2 * created.len(),
        "one acknowledgement and one notice per request"
    );
}
