//! The shared table of bad inputs (`tests/golden/bad_inputs.json`), also run by the Python and
//! Kotlin tests: every case fails with the same kind, code, field and error kind in all three.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use microcredit::spreadsheet::{self, NpvStyle, When};
use microcredit::{Decimal, Error, Lang, LoanTerms, Schedule};
use microcredit_tests::golden_path;
use serde_json::Value;

/// The table: its valid base terms and its cases.
fn table() -> (Value, Vec<Value>) {
    let text = std::fs::read_to_string(golden_path("bad_inputs.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    (v["base"].clone(), v["cases"].as_array().cloned().unwrap())
}

/// The terms JSON of a case: raw `json`, or the base with the keys of `set` replaced.
fn terms_json(base: &Value, case: &Value) -> String {
    if let Some(raw) = case["json"].as_str() {
        return raw.to_string();
    }
    let mut terms = base.clone();
    for (k, v) in case["set"].as_object().unwrap() {
        terms[k] = v.clone();
    }
    terms.to_string()
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

fn decs(v: &Value) -> Vec<Decimal> {
    v.as_array().unwrap().iter().map(dec).collect()
}

/// The error a case ends in (a success is a failed test).
fn run(base: &Value, case: &Value) -> Error {
    let args = &case["args"];
    let outcome = match case["call"].as_str() {
        None => LoanTerms::from_json(&terms_json(base, case)).and_then(|t| Schedule::generate(&t)).map(|_| ()),
        Some("pmt") => {
            spreadsheet::pmt(dec(&args["rate"]), dec(&args["nper"]), dec(&args["pv"]), Decimal::ZERO, When::End)
                .map(|_| ())
        }
        Some("irr") => spreadsheet::irr(&decs(&args["values"])).map(|_| ()),
        Some("npv") => spreadsheet::npv(dec(&args["rate"]), &decs(&args["values"]), NpvStyle::Numpy).map(|_| ()),
        // Rust terms hold a `Currency`: an unknown code fails where the code is read.
        Some("currency") => microcredit::Currency::from_code(args["code"].as_str().unwrap()).map(|_| ()),
        Some(other) => panic!("unknown call {other}"),
    };
    outcome.expect_err(&format!("{}: must be rejected", case["id"]))
}

/// How a case's error differs from the table (`None` when it matches).
fn mismatch(base: &Value, case: &Value) -> Option<String> {
    let id = case["id"].as_str().unwrap_or("?");
    let e = run(base, case);
    let got = (e.kind(), e.code(), e.field(), e.error_kind().name());
    let want = (
        case["kind"].as_str().unwrap_or(""),
        case["code"].as_str().unwrap_or(""),
        case["field"].as_str(),
        case["error_kind"].as_str().unwrap_or(""),
    );
    if got != want {
        return Some(format!("{id}: got {got:?}, want {want:?} ({e})"));
    }
    if let Some(params) = case["params"].as_object() {
        let all = e.params();
        for (k, v) in params {
            let found = all.iter().find(|(name, _)| name == k).map(|(_, value)| value.as_str());
            if found != v.as_str() {
                return Some(format!("{id}: param {k} is {found:?}, want {v} (all: {all:?})"));
            }
        }
    }
    for (key, lang) in [("message_en", Lang::En), ("message_es", Lang::Es)] {
        if let Some(text) = case[key].as_str()
            && e.message(lang) != text
        {
            return Some(format!("{id}: {key} is {:?}, want {text:?}", e.message(lang)));
        }
    }
    // Every error has a Spanish message of its own.
    if e.message(Lang::Es) == e.message(Lang::En) {
        return Some(format!("{id}: no Spanish message ({e})"));
    }
    None
}

#[test]
fn every_bad_input_fails_the_same_way() {
    let (base, cases) = table();
    assert!(cases.len() >= 25, "the table has {} cases", cases.len());
    let wrong: Vec<String> = cases.iter().filter_map(|c| mismatch(&base, c)).collect();
    assert!(wrong.is_empty(), "{} of {} cases differ:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
}

#[test]
fn one_error_in_english_and_spanish() {
    let (base, cases) = table();
    let case = cases.iter().find(|c| c["id"] == "principal-zero").unwrap();
    let e = run(&base, case);
    assert_eq!(e.message(Lang::En), "invalid principal: 0 (must be greater than zero)");
    assert_eq!(e.message(Lang::Es), "valor no válido en principal: 0 (debe ser mayor que cero)");
}
