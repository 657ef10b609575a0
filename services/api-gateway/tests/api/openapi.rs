//! The OpenAPI document is 3.1, covers every route, and describes what the endpoints really return.

use serde_json::Value;

use crate::helpers::ready_app;

#[tokio::test]
async fn the_document_covers_every_route_and_error() {
    let app = ready_app().await;
    let (status, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for (method, route) in api_gateway::api::ROUTES {
        let operation = &doc["paths"][route][method.to_lowercase()];
        assert!(operation.is_object(), "{method} {route} is not documented");
        let responses = operation["responses"].as_object().unwrap();
        if *route != "/api/openapi.json" && *route != "/ws" {
            for code in ["400", "401", "429"] {
                assert!(
                    responses.contains_key(code),
                    "{method} {route} lacks {code}"
                );
            }
        }
    }
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
    app.stop().await;
}

/// Every required property of the documented snapshot schema is present in a real screener item.
#[tokio::test]
async fn screener_items_match_the_documented_snapshot_schema() {
    let app = ready_app().await;
    let nats = app.nats().await;
    let s = crate::fixtures::snapshot(
        "BTCUSDT",
        market_model::Interval::Min1,
        crate::fixtures::recent_hour(0),
        1.0,
    );
    crate::fixtures::publish(&nats, &app.subjects, &s).await;
    let body = app
        .wait_for("/api/v1/screener?interval=1m", |b| b["total"] == 1)
        .await;
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let schema = &doc["components"]["schemas"]["Snapshot"];
    let item = body["items"][0].as_object().unwrap();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for name in &required {
        assert!(item.contains_key(*name), "response lacks documented {name}");
    }
    for name in item.keys() {
        assert!(
            schema["properties"].get(name).is_some(),
            "{name} is not documented"
        );
    }
    let _: &Value = &doc["paths"]["/api/v1/screener"]["get"]["parameters"];
    app.stop().await;
}

/// The documented rule example is accepted, and the documented interval pattern admits exactly the intervals.
#[tokio::test]
async fn documented_examples_and_patterns_match_the_code() {
    let app = ready_app().await;
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let example = &doc["components"]["schemas"]["RuleInput"]["examples"][0];
    let key = app.api_key("docs").await;
    let (status, created) = app
        .send(reqwest::Method::POST, "/api/v1/alerts", &key, Some(example))
        .await;
    assert_eq!(status, 201, "{created}");

    let parameters = doc["paths"]["/api/v1/screener"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let interval = parameters.iter().find(|p| p["name"] == "interval").unwrap();
    let pattern = interval["schema"]["pattern"].as_str().unwrap();
    let names: Vec<&str> = market_model::Interval::ALL
        .iter()
        .map(|i| i.as_str())
        .collect();
    assert_eq!(pattern, format!("^({})$", names.join("|")));
    app.stop().await;
}
