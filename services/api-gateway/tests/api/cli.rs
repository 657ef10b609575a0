//! `create-api-key` prints the key alone; `list-api-keys` never shows it; `revoke-api-key` makes it a 401.

use std::process::Command;

use crate::helpers::ready_app;

fn run(database_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_api-gateway"))
        .env_clear()
        .env("DATABASE_URL", database_url)
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test]
async fn api_keys_are_created_listed_and_revoked_from_the_command_line() {
    let app = ready_app().await;
    let created = run(&app.database_url, &["create-api-key", "dashboard"]);
    assert!(created.status.success(), "{created:?}");
    let key = String::from_utf8(created.stdout).unwrap();
    let key = key.trim_end();
    assert!(
        key.starts_with("csk_") && !key.contains(char::is_whitespace),
        "{key:?}"
    );
    assert_eq!(app.get("/api/v1/alerts", Some(key)).await.0, 200);

    let stored: String =
        sqlx::query_scalar("SELECT key_hash FROM api_keys WHERE name = 'dashboard'")
            .fetch_one(&app.pool().await)
            .await
            .unwrap();
    assert_eq!(
        stored,
        api_gateway::keys::hash_key(key),
        "only the SHA-256 is stored"
    );

    let listed = String::from_utf8(run(&app.database_url, &["list-api-keys"]).stdout).unwrap();
    assert!(listed.contains("dashboard") && !listed.contains(key));
    assert!(
        !run(&app.database_url, &["create-api-key", "dashboard"])
            .status
            .success(),
        "names are unique"
    );

    assert!(
        run(&app.database_url, &["revoke-api-key", "dashboard"])
            .status
            .success()
    );
    assert!(
        !run(&app.database_url, &["revoke-api-key", "dashboard"])
            .status
            .success()
    );
    app.stop().await;
}
