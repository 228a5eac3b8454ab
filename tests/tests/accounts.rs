//! Loan-account scenarios (tests/golden/accounts.json, shared with the Python and Kotlin tests):
//! each case's events are recorded on an account, and the state on each date asked about must
//! hold the fields the case lists. Refused events must fail with their code and leave the state
//! as it was.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use microcredit::LoanTerms;
use microcredit::account::{Account, AccountRules, Event, Outcome};
use microcredit_tests::load_cases;
use serde_json::Value;

/// Where `expected` (a JSON subset) differs from `actual`: objects by key, lists of objects by
/// their `event` or `number` key, everything else by equality.
fn mismatches(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                match a.get(k) {
                    Some(av) => mismatches(v, av, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, item) in e.iter().enumerate() {
                let key = ["event", "number"].into_iter().find(|k| item.get(k).is_some());
                let found = match key {
                    Some(k) => a.iter().find(|x| x.get(k) == item.get(k)),
                    None => a.get(i),
                };
                match found {
                    Some(av) => mismatches(item, av, &format!("{path}[{i}]"), out),
                    None => out.push(format!("{path}[{i}]: no entry matching {item}")),
                }
            }
        }
        _ if expected != actual => out.push(format!("{path}: expected {expected}, got {actual}")),
        _ => {}
    }
}

fn account_of(case: &Value) -> Account {
    let terms = LoanTerms::from_json(&case["terms"].to_string()).unwrap();
    let rules = match case.get("rules") {
        Some(r) => AccountRules::from_json(&r.to_string()).unwrap(),
        None => AccountRules::default(),
    };
    let events: Vec<Event> =
        case["events"].as_array().unwrap().iter().map(|e| Event::from_json(&e.to_string()).unwrap()).collect();
    Account::with_events(terms, rules, events).unwrap()
}

fn state_json(account: &Account, on: &str) -> Value {
    let date: NaiveDate = on.parse().unwrap();
    serde_json::to_value(account.state_on(date).unwrap()).unwrap()
}

#[test]
fn account_scenarios_hold() {
    let cases = load_cases("accounts.json");
    assert!(cases.len() >= 10, "the scenarios file lost its cases");
    let mut failures = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        assert!(case["source"].as_str().is_some_and(|s| !s.is_empty()), "{id}: every case cites its source");
        let mut account = account_of(case);
        for expect in case["expect"].as_array().unwrap() {
            let on = expect["on"].as_str().unwrap();
            let mut out = Vec::new();
            let mut wanted = expect.clone();
            wanted.as_object_mut().unwrap().remove("on");
            mismatches(&wanted, &state_json(&account, on), on, &mut out);
            failures.extend(out.into_iter().map(|m| format!("{id} {m}")));
        }
        let last_on = case["expect"].as_array().unwrap().last().unwrap()["on"].as_str().unwrap().to_string();
        let before = state_json(&account, &last_on);
        for refused in case.get("refused").and_then(Value::as_array).into_iter().flatten() {
            let event = Event::from_json(&refused["event"].to_string());
            let err = match event {
                Err(e) => e,
                Ok(event) => match account.record(event) {
                    Err(e) => e,
                    Ok(r) => {
                        failures.push(format!("{id}: {} was recorded ({r:?})", refused["event"]));
                        continue;
                    }
                },
            };
            if err.code() != refused["code"].as_str().unwrap() {
                failures.push(format!(
                    "{id}: {} failed with {} ({err}), not {}",
                    refused["event"],
                    err.code(),
                    refused["code"]
                ));
            }
            if let Some(field) = refused.get("field").and_then(Value::as_str)
                && err.field() != Some(field)
            {
                failures.push(format!("{id}: {err} names {:?}, not {field}", err.field()));
            }
            assert_eq!(state_json(&account, &last_on), before, "{id}: a refused event changed the state");
        }
        for again in case.get("already_recorded").and_then(Value::as_array).into_iter().flatten() {
            let r = account.record(Event::from_json(&again.to_string()).unwrap()).unwrap();
            assert_eq!(r.outcome, Outcome::AlreadyRecorded, "{id}: {again}");
            assert_eq!(state_json(&account, &last_on), before, "{id}: a repeated event changed the state");
        }
        for (key, list) in [("installments_count", "installments"), ("penalties_count", "penalties_charged")] {
            for (on, count) in case.get(key).and_then(Value::as_object).into_iter().flatten() {
                let got = state_json(&account, on)[list].as_array().unwrap().len();
                if Some(got as u64) != count.as_u64() {
                    failures.push(format!("{id} {on}: {got} {list}, expected {count}"));
                }
            }
        }
        if let Some(then) = case.get("then") {
            account.record(Event::from_json(&then["event"].to_string()).unwrap()).unwrap();
            let mut out = Vec::new();
            mismatches(&then["expect"], &state_json(&account, then["on"].as_str().unwrap()), "then", &mut out);
            failures.extend(out.into_iter().map(|m| format!("{id} {m}")));
        }
        if let Some(changed) = case.get("changed_by_last_event") {
            let mut events = account.events().to_vec();
            let last = events.pop().unwrap();
            let mut shorter =
                Account::with_events(account.terms().unwrap().clone(), account.rules().clone(), events).unwrap();
            let r = shorter.record(last).unwrap();
            let got: Vec<String> = r.changed.iter().map(ToString::to_string).collect();
            let want: Vec<String> =
                changed.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
            if got != want {
                failures.push(format!("{id}: the last event changed {got:?}, expected {want:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

/// Hostile amounts (found from Kotlin: 7.9e26 was accepted, then the state panicked) are refused
/// when recorded or merged, and the account stays usable.
#[test]
fn amounts_beyond_the_limit_are_refused_and_the_account_stays_usable() {
    use microcredit::account::{EventId, EventKind};
    use microcredit::{Currency, Decimal, Money};
    let case = &load_cases("accounts.json")[0];
    let mut account = account_of(case);
    let on: NaiveDate = "2025-03-01".parse().unwrap();
    let before = account.state_on(on).unwrap();
    for amount in [
        Decimal::MAX,
        Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950, 2),
        Decimal::new(1_000_000_000_001, 0),
    ] {
        let big = Money::new(amount, Currency::USD).unwrap();
        for kind in [
            EventKind::repayment(big, None),
            EventKind::Disbursement { amount: big },
            EventKind::Charge { charge: microcredit::account::ChargeKind::Fee, amount: big, name: None },
        ] {
            let e = Event::new(EventId::from_u128(u128::MAX), on, kind);
            assert_eq!(account.record(e.clone()).unwrap_err().code(), "too_large");
            let merged = account.clone().merging(vec![e]);
            assert_eq!(merged.unwrap_err().code(), "too_large");
        }
    }
    assert_eq!(account.state_on(on).unwrap(), before);
}

/// A daily penalty without a cap, asked about centuries later: the replay stays bounded (at most
/// 100,000 penalties, then a `too_many` problem), and settled installments cost nothing per day.
#[test]
fn penalties_far_in_the_future_stay_bounded() {
    let case = &load_cases("accounts.json")[0];
    let rules = AccountRules::from_json(
        r#"{"penalties": [{"amount": {"kind": "flat", "amount": "0.01"}, "frequency": {"every_days": 1}}]}"#,
    )
    .unwrap();
    let terms = LoanTerms::from_json(&case["terms"].to_string()).unwrap();
    let first: Vec<Event> = vec![Event::from_json(&case["events"][0].to_string()).unwrap()];
    let unpaid = Account::with_events(terms.clone(), rules.clone(), first.clone()).unwrap();
    let far: NaiveDate = "+262000-01-01".parse().unwrap();
    let t0 = std::time::Instant::now();
    let s = unpaid.state_on(far).unwrap();
    assert_eq!(s.penalties_charged.len(), 100_000);
    assert!(s.problems.iter().any(|p| p.code == "too_many"));
    let paid = account_of(case); // every installment paid on time: no penalty, whatever the date
    assert!(paid.state_on(far).unwrap().penalties_charged.is_empty());
    let settled = Account::with_events(terms, rules, paid.events().to_vec()).unwrap();
    assert!(settled.state_on(far).unwrap().penalties_charged.is_empty());
    assert!(t0.elapsed().as_secs() < 20, "took {:?}", t0.elapsed());
}
