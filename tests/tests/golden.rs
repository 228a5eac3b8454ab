//! Golden cases from published sources (tests/golden/*.json), the same ones the Python and Kotlin
//! tests run. Each case cites its source in the JSON.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;

use chrono::NaiveDate;
use microcredit::pricing::{DatedAmount, UnitPeriodFlow, annualise, cost_of_flows, reg_z_apr};
use microcredit::spreadsheet::{self, NpvStyle, When};
use microcredit::{Annualisation, Convention, Frequency, LoanTerms, Schedule};
use microcredit_tests::{known_gaps, load_cases};
use rust_decimal::Decimal;
use serde_json::Value;

fn dec(v: &Value) -> Decimal {
    match v {
        Value::String(s) => Decimal::from_str(s).or_else(|_| Decimal::from_scientific(s)).unwrap(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).unwrap(),
        other => panic!("not a number: {other}"),
    }
}

/// The cases of a golden file that are not skipped (an `unsupported` setting or a known gap,
/// each reported), with their ids.
fn runnable(file: &str) -> Vec<(String, Value)> {
    load_cases(file)
        .into_iter()
        .filter_map(|case| {
            let id = case["id"].as_str().unwrap_or("?").to_string();
            match skipped(&case) {
                Some(reason) => {
                    eprintln!("skip {id}: {reason}");
                    None
                }
                None => Some((id, case)),
            }
        })
        .collect()
}

fn skipped(case: &Value) -> Option<String> {
    if let Some(u) = case.get("unsupported") {
        return Some(format!("unsupported: {u}"));
    }
    let id = case["id"].as_str().unwrap_or("");
    known_gaps().into_iter().find(|(g, _)| g == id).map(|(_, r)| r)
}

/// Compare a schedule with a case's expected installments; return the mismatches.
fn schedule_mismatches(case: &Value) -> Vec<String> {
    let terms = match LoanTerms::from_json(&case["terms"].to_string()) {
        Ok(t) => t,
        Err(e) => return vec![format!("terms rejected: {e}")],
    };
    let s = match Schedule::generate(&terms) {
        Ok(s) => s,
        Err(e) => return vec![format!("schedule failed: {e}")],
    };
    let mut out = Vec::new();
    let expected = case["expected"]["installments"].as_array().cloned().unwrap_or_default();
    if expected.len() != s.installments.len() {
        out.push(format!("{} installments, expected {}", s.installments.len(), expected.len()));
    }
    for (e, got) in expected.iter().zip(&s.installments) {
        let n = got.number;
        let fields: [(&str, Decimal); 6] = [
            ("principal", got.principal),
            ("interest", got.interest),
            ("fees", got.fees + got.insurance),
            ("total", got.total),
            ("balance", got.balance),
            ("number", Decimal::from(got.number)),
        ];
        for (k, v) in fields {
            if let Some(x) = e.get(k)
                && dec(x) != v
            {
                out.push(format!("#{n} {k}: got {v}, expected {x}"));
            }
        }
        if let Some(d) = e.get("due_date").and_then(|d| d.as_str())
            && d != got.due_date.to_string()
        {
            out.push(format!("#{n} due_date: got {}, expected {d}", got.due_date));
        }
    }
    for (k, v) in [("total_principal", s.totals.principal), ("total_interest", s.totals.interest)] {
        if let Some(x) = case["expected"].get(k)
            && dec(x) != v
        {
            out.push(format!("{k}: got {v}, expected {x}"));
        }
    }
    out
}

#[test]
fn fineract_schedules() {
    assert!(load_cases("schedules.json").len() >= 20, "the transcribed cases of schedules.json");
    let cases = runnable("schedules.json");
    let mut failures = Vec::new();
    let mut ran = 0;
    for (id, case) in &cases {
        ran += 1;
        let m = schedule_mismatches(case);
        if !m.is_empty() {
            failures.push(format!("{id}:\n    {}", m.into_iter().take(6).collect::<Vec<_>>().join("\n    ")));
        }
    }
    eprintln!("{ran} schedule cases ran");
    assert!(failures.is_empty(), "{} of {ran} cases differ:\n{}", failures.len(), failures.join("\n"));
}

fn arg(args: &Value, k: &str) -> Decimal {
    args.get(k).map(dec).unwrap_or(Decimal::ZERO)
}

fn when(args: &Value) -> When {
    match args.get("when").and_then(|w| w.as_str()) {
        Some("begin") | Some("1") => When::Begin,
        _ => When::End,
    }
}

fn excel_value(case: &Value) -> microcredit::Result<Decimal> {
    let a = &case["args"];
    let f = case["function"].as_str().unwrap_or("");
    let values = || a["values"].as_array().map(|v| v.iter().map(dec).collect::<Vec<_>>()).unwrap_or_default();
    match f {
        "pmt" => spreadsheet::pmt(arg(a, "rate"), arg(a, "nper"), arg(a, "pv"), arg(a, "fv"), when(a)),
        "ipmt" => spreadsheet::ipmt(arg(a, "rate"), arg(a, "per"), arg(a, "nper"), arg(a, "pv"), arg(a, "fv"), when(a)),
        "ppmt" => spreadsheet::ppmt(arg(a, "rate"), arg(a, "per"), arg(a, "nper"), arg(a, "pv"), arg(a, "fv"), when(a)),
        "rate" => spreadsheet::rate(arg(a, "nper"), arg(a, "pmt"), arg(a, "pv"), arg(a, "fv"), when(a)),
        "irr" => spreadsheet::irr(&values()),
        "npv" => {
            let style = match case.get("npv_style").and_then(|s| s.as_str()) {
                Some("excel") => NpvStyle::Excel,
                _ => NpvStyle::Numpy,
            };
            spreadsheet::npv(arg(a, "rate"), &values(), style)
        }
        "xirr" => {
            let dates: Vec<NaiveDate> = a["dates"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| NaiveDate::parse_from_str(d.as_str().unwrap(), "%Y-%m-%d").unwrap())
                .collect();
            spreadsheet::xirr(&values(), &dates)
        }
        other => panic!("unknown function {other}"),
    }
}

#[test]
fn spreadsheet_functions() {
    assert!(load_cases("excel.json").len() >= 20, "the transcribed cases of excel.json");
    let cases = runnable("excel.json");
    let mut failures = Vec::new();
    for (id, case) in &cases {
        let expected = dec(&case["expected"]);
        let tol = case.get("tolerance").map(dec).unwrap_or(Decimal::new(1, 9));
        match excel_value(case) {
            Ok(v) if (v - expected).abs() <= tol => {}
            Ok(v) => failures.push(format!("{id}: got {v}, expected {expected} ± {tol}")),
            Err(e) => failures.push(format!("{id}: error {e}")),
        }
    }
    assert!(failures.is_empty(), "{} differ:\n{}", failures.len(), failures.join("\n"));
}

fn frequency_of(case: &Value) -> Frequency {
    let unit = case["periods"].get("unit_period").and_then(|u| u.as_str()).unwrap_or("");
    let every = unit.split_whitespace().next().and_then(|n| n.parse::<u32>().ok()).unwrap_or(1);
    let ppy = case.get("periods_per_year").and_then(|p| p.as_f64());
    if unit.contains("semimonth") || ppy == Some(24.0) {
        Frequency::SemiMonthly { days: [1, 16] }
    } else if unit.contains("week") || ppy == Some(52.0) {
        Frequency::Weeks { every }
    } else if unit.contains("quarter") {
        Frequency::Months { every: 3, month_end: Default::default() }
    } else if unit.contains("year") {
        Frequency::Months { every: 12, month_end: Default::default() }
    } else {
        Frequency::Months { every, month_end: Default::default() }
    }
}

/// Reg Z cases given on the unit-period grid: each payment line is `count` equal payments at
/// t, t+1, ... whole unit periods with odd fraction f_days / f_denominator.
fn unit_period_apr(periods: &Value) -> Option<microcredit::Result<Decimal>> {
    let ppy = periods.get("unit_periods_per_year")?.as_str()?.parse::<f64>().ok()?;
    let mut flows = Vec::new();
    for (key, sign) in [("advances", Decimal::ONE), ("payments", -Decimal::ONE)] {
        for line in periods.get(key)?.as_array()? {
            let count = line.get("count").and_then(|c| c.as_u64()).unwrap_or(1) as u32;
            let t = line["t"].as_u64()? as u32;
            let odd = dec(&line["f_days"]).to_string().parse::<f64>().ok()?
                / dec(&line["f_denominator"]).to_string().parse::<f64>().ok()?;
            for k in 0..count {
                flows.push(UnitPeriodFlow { amount: sign * dec(&line["amount"]), t: t + k, odd });
            }
        }
    }
    Some(reg_z_apr(&flows, ppy))
}

fn pricing_value(case: &Value) -> Vec<(String, microcredit::Result<Decimal>, Decimal)> {
    let hundred = Decimal::ONE_HUNDRED;
    // Expected values are in percent unless the case says "fraction".
    let scale = if case.get("unit").and_then(|u| u.as_str()) == Some("fraction") { Decimal::ONE } else { hundred };
    let mut out = Vec::new();
    if let Some(r) = case.get("periodic_rate") {
        let m = case["periods_per_year"].as_f64().unwrap();
        if let Some(e) = case.get("expected_apr") {
            out.push(("apr".into(), annualise(dec(r), m, Annualisation::Nominal).map(|x| x * hundred), dec(e)));
        }
        if let Some(e) = case.get("expected_eir") {
            out.push(("eir".into(), annualise(dec(r), m, Annualisation::Effective).map(|x| x * scale), dec(e)));
        }
    } else if let Some(flows) = case.get("periodic_flows").and_then(|f| f.as_array()) {
        let values: Vec<Decimal> = flows.iter().map(dec).collect();
        let m = case["periods_per_year"].as_f64().unwrap();
        let r = spreadsheet::irr(&values);
        if let Some(e) = case.get("expected_apr") {
            let v = r.clone().and_then(|r| annualise(r, m, Annualisation::Nominal)).map(|x| x * scale);
            out.push(("apr".into(), v, dec(e)));
        }
        if let Some(e) = case.get("expected_eir") {
            let v = r.and_then(|r| annualise(r, m, Annualisation::Effective)).map(|x| x * scale);
            out.push(("eir".into(), v, dec(e)));
        }
    } else if let Some(flows) = case.get("flows").and_then(|f| f.as_array()) {
        let flows: Vec<DatedAmount> = flows
            .iter()
            .map(|f| DatedAmount {
                date: NaiveDate::parse_from_str(f["date"].as_str().unwrap(), "%Y-%m-%d").unwrap(),
                amount: dec(&f["amount"]),
            })
            .collect();
        let conv = Convention::by_name(case["convention"].as_str().unwrap()).unwrap();
        let v = cost_of_flows(&flows, frequency_of(case), &conv).map(|c| c.annual_rate * scale);
        out.push((format!("{} (dated flows)", conv.name), v, dec(&case["expected"])));
    }
    if let Some(v) = case.get("periods").and_then(unit_period_apr) {
        out.push(("us_reg_z (unit periods)".into(), v.map(|x| x * hundred), dec(&case["expected"])));
    }
    out
}

#[test]
fn true_cost_of_credit() {
    assert!(load_cases("pricing.json").len() >= 15, "the transcribed cases of pricing.json");
    let cases = runnable("pricing.json");
    let gaps = known_gaps();
    let mut failures = Vec::new();
    let mut ran = 0;
    for (id, case) in &cases {
        let tol = case.get("tolerance").map(dec).unwrap_or(Decimal::new(5, 3));
        let checks = pricing_value(case);
        if checks.is_empty() {
            failures.push(format!("{id}: no runnable form"));
        }
        for (what, got, expected) in checks {
            if let Some((_, reason)) = gaps.iter().find(|(g, r)| g == &format!("{id} {what}") && !r.is_empty()) {
                eprintln!("skip {id} {what}: {reason}");
                continue;
            }
            ran += 1;
            match got {
                Ok(v) if (v - expected).abs() <= tol => {}
                Ok(v) => failures.push(format!("{id} {what}: got {}, expected {expected} ± {tol}", v.round_dp(6))),
                Err(e) => failures.push(format!("{id} {what}: error {e}")),
            }
        }
    }
    eprintln!("{ran} pricing checks ran");
    assert!(failures.is_empty(), "{} differ:\n{}", failures.len(), failures.join("\n"));
}
