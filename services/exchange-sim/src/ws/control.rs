//! Live control requests (`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`)
//! parsed into typed requests, and Binance's reply and error objects.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Subscribe(Vec<String>),
    Unsubscribe(Vec<String>),
    ListSubscriptions,
    SetCombined(bool),
    GetCombined,
}

/// A request that could not be understood, with the id to answer to (null when unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct BadRequest {
    pub id: Value,
    pub code: i64,
    pub msg: String,
}

impl BadRequest {
    fn new(id: &Value, code: i64, msg: impl Into<String>) -> Self {
        Self {
            id: id.clone(),
            code,
            msg: msg.into(),
        }
    }

    pub fn reply(&self) -> String {
        error_reply(&self.id, self.code, &self.msg)
    }
}

/// Written by hand because Binance puts `error`/`result` before `id` and serde_json sorts keys.
pub fn error_reply(id: &Value, code: i64, msg: &str) -> String {
    format!(
        r#"{{"error":{{"code":{code},"msg":{}}},"id":{id}}}"#,
        Value::from(msg)
    )
}

pub fn result_reply(id: &Value, result: Value) -> String {
    format!(r#"{{"result":{result},"id":{id}}}"#)
}

const METHODS: &str =
    "`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`";

fn stream_params(id: &Value, params: Option<&Value>) -> Result<Vec<String>, BadRequest> {
    let Some(Value::Array(items)) = params else {
        return Err(BadRequest::new(
            id,
            2,
            "Invalid request: params must be an array of stream names",
        ));
    };
    items
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| BadRequest::new(id, 2, "Invalid request: stream names must be strings"))
}

/// Parses one text frame. Ids may be unsigned integers, strings or null, and are echoed back as given.
pub fn parse(text: &str) -> Result<(Value, Request), BadRequest> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| BadRequest::new(&Value::Null, 3, format!("Invalid JSON: {e}")))?;
    let Value::Object(obj) = value else {
        return Err(BadRequest::new(
            &Value::Null,
            2,
            "Invalid request: expected a JSON object",
        ));
    };
    let id = obj.get("id").cloned().unwrap_or(Value::Null);
    let id_ok = match &id {
        Value::Null => true,
        Value::Number(n) => n.is_u64(),
        Value::String(s) => s.len() <= 36,
        _ => false,
    };
    if !id_ok {
        return Err(BadRequest::new(
            &Value::Null,
            2,
            "Invalid request: request ID must be an unsigned integer",
        ));
    }
    if let Some(key) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "method" | "params" | "id"))
    {
        return Err(BadRequest::new(&id, 0, format!("Unknown property: {key}")));
    }
    let method = match obj.get("method") {
        Some(Value::String(m)) => m.as_str(),
        Some(_) => {
            return Err(BadRequest::new(
                &id,
                2,
                "Invalid request: method must be a string",
            ));
        }
        None => {
            return Err(BadRequest::new(
                &id,
                2,
                "Invalid request: missing field `method`",
            ));
        }
    };
    let params = obj.get("params");
    let request = match method {
        "SUBSCRIBE" => Request::Subscribe(stream_params(&id, params)?),
        "UNSUBSCRIBE" => Request::Unsubscribe(stream_params(&id, params)?),
        "LIST_SUBSCRIPTIONS" => Request::ListSubscriptions,
        "SET_PROPERTY" => match params.and_then(Value::as_array).map(Vec::as_slice) {
            Some([Value::String(p), Value::Bool(b)]) if p == "combined" => Request::SetCombined(*b),
            Some([Value::String(p), _]) if p == "combined" => {
                return Err(BadRequest::new(
                    &id,
                    1,
                    "Invalid value type: expected Boolean",
                ));
            }
            _ => return Err(BadRequest::new(&id, 0, "Unknown property")),
        },
        "GET_PROPERTY" => match params.and_then(Value::as_array).map(Vec::as_slice) {
            Some([Value::String(p)]) if p == "combined" => Request::GetCombined,
            _ => return Err(BadRequest::new(&id, 0, "Unknown property")),
        },
        other => {
            return Err(BadRequest::new(
                &id,
                2,
                format!("Invalid request: unknown variant `{other}`, expected one of {METHODS}"),
            ));
        }
    };
    Ok((id, request))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_binance_requests() {
        let (id, r) =
            parse(r#"{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":1}"#).unwrap();
        assert_eq!(
            (id, r),
            (
                json!(1),
                Request::Subscribe(vec!["btcusdt@kline_1m".into()])
            )
        );
        let (_, r) = parse(r#"{"method":"LIST_SUBSCRIPTIONS","id":"a"}"#).unwrap();
        assert_eq!(r, Request::ListSubscriptions);
        let (_, r) =
            parse(r#"{"method":"SET_PROPERTY","params":["combined",true],"id":5}"#).unwrap();
        assert_eq!(r, Request::SetCombined(true));
    }

    #[test]
    fn bad_requests_get_binance_error_codes() {
        assert_eq!(parse("{nope").unwrap_err().code, 3);
        let e = parse(r#"{"method":"FOO","id":7}"#).unwrap_err();
        assert_eq!((e.code, e.id.clone()), (2, json!(7)));
        assert!(
            e.reply()
                .starts_with(r#"{"error":{"code":2,"msg":"Invalid request: unknown variant `FOO`"#)
        );
        assert_eq!(
            parse(r#"{"method":"SUBSCRIBE","params":"x","id":1}"#)
                .unwrap_err()
                .code,
            2
        );
        assert_eq!(
            parse(r#"{"method":"SUBSCRIBE","params":[],"id":-1}"#)
                .unwrap_err()
                .code,
            2
        );
        assert_eq!(
            parse(r#"{"method":"SET_PROPERTY","params":["combined",1],"id":1}"#)
                .unwrap_err()
                .code,
            1
        );
    }

    #[test]
    fn replies_look_like_binance() {
        assert_eq!(
            result_reply(&json!(1), Value::Null),
            r#"{"result":null,"id":1}"#
        );
    }
}
