//! An X-Request-ID sent to the API comes back and appears in the JSON log line of that request.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use test_support::{TestDatabase, free_port, unique_name, wait_for_status};

#[tokio::test]
async fn request_id_is_returned_and_logged() {
    let database = TestDatabase::create().await;
    let (api_port, metrics_port) = (free_port(), free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_api-gateway"))
        .env_clear()
        .env("API_PORT", api_port.to_string())
        .env("METRICS_PORT", metrics_port.to_string())
        .env("DATABASE_URL", database.url())
        .env("NATS_NAMESPACE", unique_name("t"))
        .env("LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    wait_for_status(
        &format!("http://127.0.0.1:{metrics_port}/health/ready"),
        200,
        Duration::from_secs(30),
    )
    .await;

    let request_id = unique_name("trace-me");
    let response = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{api_port}/api/v1/status"))
        .header("X-Request-ID", &request_id)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], request_id.as_str());

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
    let lines = lines.join().unwrap();
    let logged = lines
        .iter()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|entry| entry["request_id"] == request_id.as_str())
        .unwrap_or_else(|| panic!("no JSON log line carries {request_id}: {lines:#?}"));
    assert_eq!(logged["route"], "/api/v1/status");
    assert_eq!(logged["service"], "api-gateway");
    assert_eq!(logged["status"], 200);
    for key in ["timestamp", "level", "target", "message", "version"] {
        assert!(logged.get(key).is_some(), "log line lacks {key}: {logged}");
    }
}

#[tokio::test]
async fn a_missing_or_unusable_request_id_is_generated() {
    let app = crate::helpers::spawn_app(|_| {}).await;
    let client = reqwest::Client::new();
    for header in [None, Some("bad id with spaces")] {
        let mut request = client.get(format!("{}/api/v1/status", app.api_base));
        if let Some(value) = header {
            request = request.header("X-Request-ID", value);
        }
        let response = request.send().await.unwrap();
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(!id.is_empty() && Some(id.as_str()) != header);
    }
    app.stop().await;
}
