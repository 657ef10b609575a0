//! Carries `X-Request-ID` and a W3C `traceparent` in NATS message headers, so one candle's path can be followed
//! through every service's logs. (Custom headers must not start with `Nats-`: those are reserved.)

use async_nats::HeaderMap;
use rand::RngExt;

pub const REQUEST_ID: &str = "X-Request-ID";
pub const TRACEPARENT: &str = "traceparent";

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
        let mut rng = rand::rng();
        let trace_id = format!("{:032x}", rng.random_range(1..=u128::MAX));
        let span_id = format!("{:016x}", rng.random_range(1..=u64::MAX));
        let request_id = request_id.unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        Self {
            request_id,
            trace_id,
            span_id,
        }
    }

    /// The same trace and request id, with a new span id for the next hop.
    pub fn child(&self) -> Self {
        let span_id = format!("{:016x}", rand::rng().random_range(1..=u64::MAX));
        Self {
            span_id,
            ..self.clone()
        }
    }

    pub fn traceparent(&self) -> String {
        format!("00-{}-{}-01", self.trace_id, self.span_id)
    }

    /// Writes both headers.
    pub fn inject(&self, headers: &mut HeaderMap) {
        headers.insert(REQUEST_ID, self.request_id.as_str());
        headers.insert(TRACEPARENT, self.traceparent().as_str());
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
