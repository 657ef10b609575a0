//! Carries `X-Request-ID` and a W3C `traceparent` in NATS message headers, so one candle's path can be followed
//! through every service's logs. (Custom headers must not start with `Nats-`: those are reserved.)

use async_nats::{HeaderMap, HeaderName, HeaderValue};
use rand::RngExt;

pub const REQUEST_ID: &str = "X-Request-ID";
pub const TRACEPARENT: &str = "traceparent";

/// The header names resolved at compile time: parsing a name for every message (validation, the standard-name
/// lookup, a copy) costs more than the rest of a small header map on the per-message paths.
pub const REQUEST_ID_NAME: HeaderName = HeaderName::from_static(REQUEST_ID);
pub const TRACEPARENT_NAME: HeaderName = HeaderName::from_static(TRACEPARENT);

/// The correlation context of one unit of work (a candle, an alert).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    pub request_id: String,
    /// 32 lower-case hex digits, never all zero.
    pub trace_id: String,
    /// 16 lower-case hex digits, never all zero: the span that sent the message.
    pub span_id: String,
}

impl TraceContext {
    /// A new trace, started where a unit of work enters the system (the collector, an API request).
    pub fn new_root(request_id: Option<String>) -> Self {
        let trace_id = hex_id(new_trace_id(), 32);
        let span_id = hex_id(u128::from(new_span_id()), 16);
        let request_id = request_id.unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        Self {
            request_id,
            trace_id,
            span_id,
        }
    }

    /// The same trace and request id, with a new span id for the next hop.
    pub fn child(&self) -> Self {
        Self {
            span_id: hex_id(u128::from(new_span_id()), 16),
            ..self.clone()
        }
    }

    pub fn traceparent(&self) -> String {
        traceparent_of(&self.trace_id, &self.span_id)
    }

    /// Writes both headers.
    pub fn inject(&self, headers: &mut HeaderMap) {
        headers.insert(REQUEST_ID_NAME, HeaderValue::from(self.request_id.clone()));
        headers.insert(TRACEPARENT_NAME, HeaderValue::from(self.traceparent()));
    }

    /// Writes the headers of the next hop: this request id and trace with a new span id, without building the
    /// child context first (the per-message path of a service relaying work).
    pub fn inject_child(&self, headers: &mut HeaderMap) {
        let span_id = hex_id(u128::from(new_span_id()), 16);
        headers.insert(REQUEST_ID_NAME, HeaderValue::from(self.request_id.clone()));
        headers.insert(
            TRACEPARENT_NAME,
            HeaderValue::from(traceparent_of(&self.trace_id, &span_id)),
        );
    }

    /// Reads the context a message carries; a malformed `traceparent` starts a new trace but keeps the request
    /// id, so logs still correlate.
    pub fn extract(headers: Option<&HeaderMap>) -> Option<Self> {
        let headers = headers?;
        let request_id = headers.get(REQUEST_ID).map(|v| v.as_str().to_string());
        let parsed = headers
            .get(TRACEPARENT)
            .and_then(|v| parse_traceparent(v.as_str()));
        match (request_id, parsed) {
            (request_id, Some((trace_id, span_id))) => Some(Self {
                request_id: request_id.unwrap_or_else(|| trace_id.clone()),
                trace_id,
                span_id,
            }),
            (Some(request_id), None) => Some(Self::new_root(Some(request_id))),
            (None, None) => None,
        }
    }
}

/// A `traceparent` value of a new trace: `00-<32 hex trace id>-<16 hex span id>-01`, never all-zero ids.
pub fn new_traceparent() -> String {
    let mut out = String::with_capacity(55);
    out.push_str("00-");
    push_hex(&mut out, new_trace_id(), 32);
    out.push('-');
    push_hex(&mut out, u128::from(new_span_id()), 16);
    out.push_str("-01");
    out
}

fn new_trace_id() -> u128 {
    rand::rng().random_range(1..=u128::MAX)
}

fn new_span_id() -> u64 {
    rand::rng().random_range(1..=u64::MAX)
}

fn traceparent_of(trace_id: &str, span_id: &str) -> String {
    let mut out = String::with_capacity(55);
    out.push_str("00-");
    out.push_str(trace_id);
    out.push('-');
    out.push_str(span_id);
    out.push_str("-01");
    out
}

fn hex_id(value: u128, digits: u32) -> String {
    let mut out = String::with_capacity(digits as usize);
    push_hex(&mut out, value, digits);
    out
}

/// The low `digits` hex digits of `value`, lower case, zero-padded (`format!("{:0digits$x}")` without the
/// formatting machinery).
fn push_hex(out: &mut String, value: u128, digits: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for i in (0..digits).rev() {
        out.push(char::from(HEX[((value >> (i * 4)) & 0xf) as usize]));
    }
}

/// Parses `00-<trace id>-<parent id>-<flags>` per W3C Trace Context, rejecting all-zero ids.
pub fn parse_traceparent(value: &str) -> Option<(String, String)> {
    let mut parts = value.trim().split('-');
    let (version, trace_id, span_id, flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let hex = |s: &str, len: usize| {
        s.len() == len
            && s.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    };
    let valid = parts.next().is_none()
        && hex(version, 2)
        && version != "ff"
        && hex(trace_id, 32)
        && hex(span_id, 16)
        && hex(flags, 2)
        && trace_id.bytes().any(|b| b != b'0')
        && span_id.bytes().any(|b| b != b'0');
    valid.then(|| (trace_id.to_string(), span_id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids_match_the_formatting_machinery() {
        for value in [1_u128, 0xabc, u128::from(u64::MAX), u128::MAX] {
            assert_eq!(hex_id(value, 32), format!("{value:032x}"));
        }
        assert_eq!(hex_id(0xfe, 16), format!("{:016x}", 0xfe));
        let traceparent = new_traceparent();
        assert!(parse_traceparent(&traceparent).is_some(), "{traceparent}");
    }

    #[test]
    fn an_injected_child_continues_the_trace_with_a_new_span() {
        let ctx = TraceContext::new_root(Some("req-7".into()));
        let mut headers = HeaderMap::new();
        ctx.inject_child(&mut headers);
        let child = TraceContext::extract(Some(&headers)).unwrap();
        assert_eq!(
            (child.request_id.as_str(), child.trace_id.as_str()),
            ("req-7", ctx.trace_id.as_str())
        );
        assert_ne!(child.span_id, ctx.span_id);
    }

    #[test]
    fn headers_round_trip() {
        let ctx = TraceContext::new_root(Some("req-42".into()));
        let mut headers = HeaderMap::new();
        ctx.inject(&mut headers);
        assert_eq!(TraceContext::extract(Some(&headers)), Some(ctx));
    }

    #[test]
    fn child_keeps_trace_and_request_id_with_a_new_span() {
        let ctx = TraceContext::new_root(None);
        let child = ctx.child();
        assert_eq!(
            (child.trace_id.as_str(), child.request_id.as_str()),
            (ctx.trace_id.as_str(), ctx.request_id.as_str())
        );
        assert_ne!(child.span_id, ctx.span_id);
    }

    #[test]
    fn malformed_traceparent_keeps_the_request_id() {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, "abc");
        headers.insert(
            TRACEPARENT,
            "00-00000000000000000000000000000000-0000000000000000-01",
        );
        let ctx = TraceContext::extract(Some(&headers)).unwrap();
        assert_eq!(ctx.request_id, "abc");
        assert_eq!(
            parse_traceparent(&ctx.traceparent()),
            Some((ctx.trace_id.clone(), ctx.span_id.clone()))
        );
    }

    #[test]
    fn traceparent_parsing_follows_the_spec() {
        let good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert!(parse_traceparent(good).is_some());
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            assert!(parse_traceparent(bad).is_none(), "{bad:?} accepted");
        }
    }

    #[test]
    fn no_headers_no_context() {
        assert_eq!(TraceContext::extract(None), None);
        assert_eq!(TraceContext::extract(Some(&HeaderMap::new())), None);
    }
}
