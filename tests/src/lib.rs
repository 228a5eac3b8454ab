//! Shared helpers for the integration tests: loading the golden cases under `tests/golden/`,
//! which the Python and Kotlin tests read too.

// A test-only crate: a missing or malformed golden file must stop the test run loudly.
#![allow(clippy::panic)]

use std::path::PathBuf;

use serde_json::Value;

/// Path of a file under `tests/golden/`.
pub fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden").join(name)
}

/// The cases of a golden file.
pub fn load_cases(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(golden_path(name)).unwrap_or_else(|e| panic!("read {name}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {name}: {e}"));
    v["cases"].as_array().cloned().unwrap_or_default()
}

/// Ids of cases that the engine does not match yet, with the reason (`known_gaps.json`).
pub fn known_gaps() -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(golden_path("known_gaps.json")) else { return Vec::new() };
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    v["cases"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| (c["id"].as_str().unwrap_or("").to_string(), c["reason"].as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}
