//! Request weight per IP per rolling window (a minute, as on Binance, unless configured), with Binance's
//! escalation: over the limit = 429 with `Retry-After`; calling again before that time = 418 (a ban).
//! `X-MBX-USED-WEIGHT-1M` on every response.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::Limits;
use crate::rest::error::ApiError;
use crate::state::Shared;
use crate::stats::Stats;

#[derive(Debug, Default)]
struct IpWeight {
    spent: VecDeque<(Instant, u32)>,
    used: u32,
    /// After a 429: calls before this instant escalate to a ban.
    retry_at: Option<Instant>,
    banned_until: Option<Instant>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Charge {
    Ok { used: u32 },
    TooMany { used: u32, retry_after: Duration },
    Banned { used: u32, retry_after: Duration },
}

#[derive(Debug, Default)]
pub struct WeightLimiter {
    ips: Mutex<HashMap<IpAddr, IpWeight>>,
}

impl WeightLimiter {
    pub fn charge(&self, ip: IpAddr, weight: u32, limits: &Limits, now: Instant) -> Charge {
        let (limit, window, ban) = (
            limits.weight_limit,
            limits.weight_window,
            limits.ban_duration,
        );
        let mut map = self.ips.lock().unwrap_or_else(PoisonError::into_inner);
        let s = map.entry(ip).or_default();
        while let Some(&(at, w)) = s.spent.front() {
            if now.duration_since(at) < window {
                break;
            }
            s.spent.pop_front();
            s.used -= w;
        }
        if let Some(until) = s.banned_until.filter(|u| *u > now) {
            return Charge::Banned {
                used: s.used,
                retry_after: until - now,
            };
        }
        if s.retry_at.is_some_and(|r| r > now) {
            s.banned_until = Some(now + ban);
            return Charge::Banned {
                used: s.used,
                retry_after: ban,
            };
        }
        if s.used + weight > limit {
            let retry_after = s.spent.front().map_or(window, |(at, _)| {
                (*at + window).saturating_duration_since(now)
            });
            s.retry_at = Some(now + retry_after);
            return Charge::TooMany {
                used: s.used,
                retry_after,
            };
        }
        s.spent.push_back((now, weight));
        s.used += weight;
        Charge::Ok { used: s.used }
    }
}

/// Binance's documented weights.
pub fn weight_of(path: &str, query: Option<&str>) -> u32 {
    let has =
        |key: &str| query.is_some_and(|q| q.split('&').any(|kv| kv.split('=').next() == Some(key)));
    match path {
        "/api/v3/exchangeInfo" => 20,
        "/api/v3/klines" => 2,
        "/api/v3/ticker/24hr" if has("symbol") => 2,
        "/api/v3/ticker/24hr" if has("symbols") => {
            let n = query.map_or(0, |q| q.matches("%2C").count() + q.matches(',').count() + 1);
            match n {
                0..=20 => 2,
                21..=100 => 40,
                _ => 80,
            }
        }
        "/api/v3/ticker/24hr" => 80,
        _ => 1,
    }
}

fn with_used(mut response: Response, used: u32) -> Response {
    response
        .headers_mut()
        .insert("x-mbx-used-weight-1m", HeaderValue::from(used));
    response
}

fn refusal(status: StatusCode, msg: String, used: u32, retry_after: Duration) -> Response {
    let err = ApiError {
        status,
        code: -1003,
        msg,
    };
    let mut response = with_used(err.into_response(), used);
    let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
    response
        .headers_mut()
        .insert("retry-after", HeaderValue::from(secs.max(1)));
    response
}

pub async fn limit(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let weight = weight_of(request.uri().path(), request.uri().query());
    let limits = &shared.config.limits;
    let stats = &shared.stats;
    Stats::inc(&stats.rest_requests);
    match shared
        .weights
        .charge(addr.ip(), weight, limits, Instant::now())
    {
        Charge::Ok { used } => with_used(next.run(request).await, used),
        Charge::TooMany { used, retry_after } => {
            Stats::inc(&stats.rest_429);
            let window = if limits.weight_window == Duration::from_secs(60) {
                "1 MINUTE".to_owned()
            } else {
                format!("{} SECONDS", limits.weight_window.as_secs_f64())
            };
            let limit = limits.weight_limit;
            let msg = format!(
                "Too much request weight used; current limit is {limit} request weight per {window}. Please use WebSocket Streams for live updates to avoid polling the API."
            );
            refusal(StatusCode::TOO_MANY_REQUESTS, msg, used, retry_after)
        }
        Charge::Banned { used, retry_after } => {
            Stats::inc(&stats.rest_418);
            let until = chrono::Utc::now().timestamp_millis() + retry_after.as_millis() as i64;
            let msg = format!(
                "Way too much request weight used; IP banned until {until}. Please use WebSocket Streams for live updates to avoid bans."
            );
            refusal(StatusCode::IM_A_TEAPOT, msg, used, retry_after)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_the_limit_gives_429_then_418_until_the_ban_ends() {
        let l = WeightLimiter::default();
        let ip = IpAddr::from([1, 2, 3, 4]);
        let limits = Limits {
            weight_limit: 30,
            ban_duration: Duration::from_secs(120),
            ..Limits::default()
        };
        let t0 = Instant::now();
        assert_eq!(l.charge(ip, 20, &limits, t0), Charge::Ok { used: 20 });
        assert!(matches!(
            l.charge(ip, 20, &limits, t0),
            Charge::TooMany { used: 20, .. }
        ));
        assert!(matches!(
            l.charge(ip, 1, &limits, t0),
            Charge::Banned { .. }
        ));
        assert!(matches!(
            l.charge(ip, 1, &limits, t0 + Duration::from_secs(100)),
            Charge::Banned { .. }
        ));
        assert_eq!(
            l.charge(ip, 1, &limits, t0 + Duration::from_secs(121)),
            Charge::Ok { used: 1 }
        );
    }

    #[test]
    fn the_window_is_configurable_and_retry_after_ends_with_it() {
        let l = WeightLimiter::default();
        let ip = IpAddr::from([1, 2, 3, 4]);
        let limits = Limits {
            weight_limit: 10,
            weight_window: Duration::from_secs(2),
            ..Limits::default()
        };
        let t0 = Instant::now();
        assert_eq!(l.charge(ip, 10, &limits, t0), Charge::Ok { used: 10 });
        let later = t0 + Duration::from_millis(500);
        assert_eq!(
            l.charge(ip, 1, &limits, later),
            Charge::TooMany {
                used: 10,
                retry_after: Duration::from_millis(1500)
            }
        );
        // Waiting exactly as long as told frees the window: no ban.
        assert_eq!(
            l.charge(ip, 1, &limits, later + Duration::from_millis(1500)),
            Charge::Ok { used: 1 }
        );
    }

    #[test]
    fn weights_follow_binance() {
        assert_eq!(weight_of("/api/v3/ticker/24hr", None), 80);
        assert_eq!(weight_of("/api/v3/ticker/24hr", Some("symbol=BTCUSDT")), 2);
        assert_eq!(weight_of("/api/v3/exchangeInfo", None), 20);
        assert_eq!(weight_of("/api/v3/klines", Some("symbol=X")), 2);
        assert_eq!(weight_of("/api/v3/time", None), 1);
    }
}
