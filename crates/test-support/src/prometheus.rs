//! Checks a `/metrics` exposition: it parses as Prometheus text format, every catalogued metric is present with
//! HELP and TYPE, histograms have buckets, and `promtool check metrics` accepts it when promtool is installed.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::{Command, Stdio};

use observability::catalog::Catalog;
use observability::metrics::MetricKind;

/// Parsed families: name -> (type, sample names seen).
pub fn parse(text: &str) -> BTreeMap<String, (String, BTreeSet<String>)> {
    let mut families: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    let mut helped = BTreeSet::new();
    for (number, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split_whitespace().next().unwrap_or_default();
            helped.insert(name.to_string());
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split_whitespace();
            let (name, kind) = (parts.next().unwrap(), parts.next().unwrap());
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "line {number}: bad type {kind}"
            );
            families.insert(name.to_string(), (kind.to_string(), BTreeSet::new()));
        } else if line.starts_with('#') {
            continue;
        } else {
            let name_end = line
                .find(['{', ' '])
                .unwrap_or_else(|| panic!("line {number}: no value: {line}"));
            let name = &line[..name_end];
            let value = line.rsplit(' ').next().unwrap();
            assert!(
                value.parse::<f64>().is_ok() || ["+Inf", "-Inf", "NaN"].contains(&value),
                "line {number}: bad value in {line}"
            );
            let family = ["_bucket", "_sum", "_count", "_total"]
                .iter()
                .filter_map(|suffix| name.strip_suffix(suffix))
                .find(|base| families.contains_key(*base))
                .unwrap_or(name);
            let entry = families
                .get_mut(family)
                .unwrap_or_else(|| panic!("line {number}: {name} has no TYPE"));
            entry.1.insert(name.to_string());
        }
    }
    for name in families.keys() {
        assert!(helped.contains(name), "{name} has no HELP");
    }
    families
}

/// Asserts the exposition carries every metric of `catalog` with the right type.
pub fn assert_catalog_exported(text: &str, catalog: &Catalog) {
    let families = parse(text);
    for def in catalog.all() {
        let (kind, samples) = families
            .get(def.name)
            .unwrap_or_else(|| panic!("{} is catalogued but not exported", def.name));
        let expected = match def.kind {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram => "histogram",
        };
        assert_eq!(kind, expected, "{} has the wrong type", def.name);
        if def.kind == MetricKind::Histogram {
            assert!(
                samples.contains(&format!("{}_bucket", def.name)),
                "{} has no _bucket lines",
                def.name
            );
        }
    }
    for process_metric in [
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_open_fds",
    ] {
        let base = process_metric
            .strip_suffix("_total")
            .unwrap_or(process_metric);
        assert!(
            families.contains_key(process_metric) || families.contains_key(base),
            "{process_metric} is not exported"
        );
    }
}

/// Runs `promtool check metrics` on the text when promtool is installed (`make test` installs it).
/// Returns false when promtool is absent.
pub fn promtool_check(text: &str) -> bool {
    let Ok(mut child) = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        return false;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool check metrics failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    true
}
