//! The I/O half of the SSRF guard: webhook hosts are resolved once, by a resolver that refuses blocked
//! addresses, and the connection goes to exactly the addresses it returned (no second lookup to rebind).
//! IP-literal hosts never reach a resolver, so [`check_url`] judges them before any request.

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use super::ip_policy::{Blocked, classify};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("webhook URL {0:?} is not an http(s) URL with a host")]
    InvalidUrl(String),
    #[error("webhook target {ip} is a {} address; refused (WEBHOOK_ALLOW_PRIVATE=true allows it)", reason.as_str())]
    Refused {
        ip: std::net::IpAddr,
        reason: Blocked,
    },
    #[error("webhook host {host:?} does not resolve: {message}")]
    Unresolvable { host: String, message: String },
}

impl TargetError {
    /// A refused or invalid target stays refused: retrying cannot help. DNS failures may be transient.
    pub fn is_permanent(&self) -> bool {
        !matches!(self, TargetError::Unresolvable { .. })
    }
}

/// Parses the URL and refuses an IP-literal host the policy blocks. Host names are checked at resolution.
pub fn check_url(text: &str, allow_private: bool) -> Result<Url, TargetError> {
    let url = Url::parse(text).map_err(|_| TargetError::InvalidUrl(text.to_owned()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(TargetError::InvalidUrl(text.to_owned()));
    }
    let ip = match url.host() {
        Some(Host::Ipv4(ip)) => std::net::IpAddr::V4(ip),
        Some(Host::Ipv6(ip)) => std::net::IpAddr::V6(ip),
        Some(Host::Domain(_)) => return Ok(url),
        None => return Err(TargetError::InvalidUrl(text.to_owned())),
    };
    check_ip(ip, allow_private)?;
    Ok(url)
}

pub fn check_ip(ip: std::net::IpAddr, allow_private: bool) -> Result<(), TargetError> {
    match classify(ip) {
        Some(reason) if !allow_private => Err(TargetError::Refused { ip, reason }),
        _ => Ok(()),
    }
}

/// reqwest's resolver for webhook clients: an answer containing any blocked address is refused as a whole
/// (a name that mixes public and private answers is an attack, not a misconfiguration).
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| TargetError::Unresolvable {
                    host: host.clone(),
                    message: e.to_string(),
                })?
                .collect();
            if addrs.is_empty() {
                return Err(TargetError::Unresolvable {
                    host,
                    message: "no addresses".into(),
                }
                .into());
            }
            for addr in &addrs {
                check_ip(addr.ip(), allow_private)?;
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Finds a [`TargetError`] in a reqwest error's cause chain.
pub fn target_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a TargetError> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<TargetError>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_hosts_are_judged_before_any_request() {
        for (url, allowed) in [
            ("http://127.0.0.1:8080/hook", false),
            ("http://[::1]/hook", false),
            ("http://[::ffff:10.0.0.1]/hook", false),
            ("http://169.254.169.254/latest/meta-data", false),
            ("https://8.8.8.8/hook", true),
            ("https://example.com/hook", true),
        ] {
            assert_eq!(check_url(url, false).is_ok(), allowed, "{url}");
            assert!(check_url(url, true).is_ok(), "{url} with allow_private");
        }
        assert!(matches!(
            check_url("ftp://example.com", true),
            Err(TargetError::InvalidUrl(_))
        ));
    }

    #[tokio::test]
    async fn resolver_refuses_names_that_resolve_to_blocked_addresses() {
        let name: Name = "localhost".parse().unwrap();
        let refused = GuardedResolver {
            allow_private: false,
        }
        .resolve(name)
        .await;
        let error = refused.err().expect("localhost is loopback");
        assert!(matches!(
            target_error(error.as_ref()),
            Some(TargetError::Refused { .. })
        ));
        let name: Name = "localhost".parse().unwrap();
        let allowed = GuardedResolver {
            allow_private: true,
        }
        .resolve(name)
        .await;
        assert!(allowed.is_ok());
    }
}
