//! Checks on the rule's plain fields: name and webhook URL.

use crate::limits::{MAX_NAME_CHARS, MAX_URL_CHARS};
use crate::{ErrorKind, ValidationError};
use url::Url;

pub(crate) fn name(name: &str) -> Result<(), ValidationError> {
    if name.trim().is_empty() {
        return Err(ValidationError::new(
            ErrorKind::InvalidValue,
            "name",
            "name must not be empty",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(ValidationError::new(
            ErrorKind::InvalidValue,
            "name",
            format!("name must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Syntax only: resolving the host and refusing private addresses (SSRF) is the service's job.
pub(crate) fn webhook_url(text: &str) -> Result<Url, ValidationError> {
    let invalid =
        |message: String| ValidationError::new(ErrorKind::InvalidUrl, "webhook_url", message);
    if text.len() > MAX_URL_CHARS {
        return Err(invalid(format!(
            "must be at most {MAX_URL_CHARS} characters"
        )));
    }
    let url = Url::parse(text).map_err(|e| invalid(format!("not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "scheme must be http or https, got \"{}\"",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("URL must have a host".to_owned()));
    }
    Ok(url)
}

/// A close known name, so `rsi14` gets "did you mean rsi_14?" instead of a list of thirty fields.
pub(crate) fn suggest<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(unknown, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let known = ["rsi_14", "ema_12", "close"];
        assert_eq!(suggest("rsi14", &known), Some("rsi_14"));
        assert_eq!(suggest("clsoe", &known), Some("close"));
        assert_eq!(suggest("banana", &known), None);
    }
}
