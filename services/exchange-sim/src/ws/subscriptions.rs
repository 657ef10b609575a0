//! The streams one connection is subscribed to, changed by live control requests with Binance's replies.

use std::time::Instant;

use serde_json::Value;

use crate::state::Shared;
use crate::stats::Violation;
use crate::ws::control::{self, Request};
use crate::ws::feed::Feed;
use crate::ws::names::{self, Resolved};

#[derive(Debug)]
pub struct Subscriptions {
    /// In subscription order (LIST_SUBSCRIPTIONS answers in this order).
    pub feeds: Vec<Feed>,
    /// Wrap payloads in the combined-stream envelope.
    pub combined: bool,
}

impl Subscriptions {
    /// Applies one control request and returns Binance's reply.
    pub fn apply(&mut self, shared: &Shared, text: &str) -> String {
        let (id, request) = match control::parse(text) {
            Ok(parsed) => parsed,
            Err(bad) => return bad.reply(),
        };
        match request {
            Request::Subscribe(requested) => self.subscribe(shared, &id, &requested),
            Request::Unsubscribe(names) => {
                self.feeds.retain(|f| !names.contains(&f.name));
                control::result_reply(&id, Value::Null)
            }
            Request::ListSubscriptions => {
                let names: Vec<Value> = self
                    .feeds
                    .iter()
                    .map(|f| Value::from(f.name.as_str()))
                    .collect();
                control::result_reply(&id, Value::Array(names))
            }
            Request::SetCombined(combined) => {
                self.combined = combined;
                control::result_reply(&id, Value::Null)
            }
            Request::GetCombined => control::result_reply(&id, Value::Bool(self.combined)),
        }
    }

    /// All or nothing: one unknown name or too many streams rejects the whole request.
    fn subscribe(&mut self, shared: &Shared, id: &Value, requested: &[String]) -> String {
        let mut new: Vec<Resolved> = Vec::new();
        for name in requested {
            if self.feeds.iter().any(|f| f.name == *name) || new.iter().any(|r| r.name == *name) {
                continue;
            }
            match names::resolve(shared, name) {
                Some(r) => new.push(r),
                None => {
                    return control::error_reply(
                        id,
                        2,
                        &format!("Invalid request: unknown stream name `{name}`"),
                    );
                }
            }
        }
        let max = shared.config.limits.max_streams_per_connection;
        if self.feeds.len() + new.len() > max {
            shared.stats.violation(Violation::StreamLimit);
            let msg = format!("Invalid request: too many streams, at most {max} per connection");
            return control::error_reply(id, 2, &msg);
        }
        let now = Instant::now();
        self.feeds
            .extend(new.into_iter().map(|r| Feed::new(shared, r, now)));
        control::result_reply(id, Value::Null)
    }
}
