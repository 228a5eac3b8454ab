//! Bad input: each case is a typed error naming the field and the value, never a panic.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use microcredit::{Error, LoanTerms, Money};

fn base() -> serde_json::Value {
    serde_json::json!({
        "principal": "1000.00", "currency": "USD", "rate": {"percent": "24", "per": "year"},
        "installments": 12, "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-01-15"
    })
}

fn with(key: &str, value: serde_json::Value) -> Result<LoanTerms, Error> {
    let mut v = base();
    v[key] = value;
    LoanTerms::from_json(&v.to_string())
}

fn assert_field(r: Result<LoanTerms, Error>, field: &str, value: &str) {
    let e = r.expect_err("must be rejected");
    assert_eq!(e.field(), Some(field), "{e}");
    assert!(e.to_string().contains(value), "{e} should name {value}");
}

#[test]
fn zero_or_negative_principal() {
    assert_field(with("principal", "0".into()), "principal", "0");
    assert_field(with("principal", "-5".into()), "principal", "-5");
}

#[test]
fn negative_rate_or_above_1000_percent() {
    assert_field(with("rate", serde_json::json!({"percent": "-1"})), "rate.percent", "-1");
    assert_field(with("rate", serde_json::json!({"percent": "1000.01"})), "rate.percent", "1000.01");
    assert_field(with("rate", serde_json::json!({"percent": "90", "per": "month"})), "rate.percent", "90");
    assert!(with("rate", serde_json::json!({"percent": "1000"})).is_ok());
}

#[test]
fn zero_installments() {
    assert_field(with("installments", 0.into()), "installments", "0");
}

#[test]
fn first_repayment_on_or_before_disbursement() {
    assert_field(with("first_repayment_date", "2025-01-15".into()), "first_repayment_date", "2025-01-15");
    assert_field(with("first_repayment_date", "2024-12-01".into()), "first_repayment_date", "2024-12-01");
}

#[test]
fn grace_as_long_as_the_term() {
    assert_field(with("grace_on_principal", 12.into()), "grace_on_principal", "12");
    assert_field(with("grace_on_interest_payment", 13.into()), "grace_on_interest_payment", "13");
    assert_field(with("interest_free_periods", 12.into()), "interest_free_periods", "12");
}

#[test]
fn unknown_currency() {
    let e = with("currency", "XYZ".into()).unwrap_err();
    assert!(matches!(e, Error::Json { .. }) || e.kind() == "unknown_currency", "{e}");
    assert!(e.to_string().contains("XYZ"), "{e}");
    assert_eq!(Money::parse("1", "XYZ").unwrap_err().kind(), "unknown_currency");
}

#[test]
fn more_decimals_than_the_currency_allows() {
    assert_field(with("principal", "1000.005".into()), "principal", "1000.005");
    let mut v = base();
    v["currency"] = "UGX".into();
    v["principal"] = "1000.5".into();
    assert_field(LoanTerms::from_json(&v.to_string()), "principal", "1000.5");
    assert_eq!(Money::parse("1.001", "USD").unwrap_err().kind(), "too_many_decimals");
}

#[test]
fn day_count_contradicting_the_frequency() {
    let mut v = base();
    v["frequency"] = serde_json::json!({"unit": "days", "every": 15});
    v["interest_basis"] = "actual_days".into();
    v["day_count"] = "30_360".into();
    assert_field(LoanTerms::from_json(&v.to_string()), "day_count", "30_360");
}

#[test]
fn fees_that_leave_nothing_and_bad_fee_shapes() {
    assert_field(
        with("fees", serde_json::json!([{"kind": "upfront", "amount": "1000.00"}]))
            .and_then(|t| microcredit::Schedule::generate(&t).map(|_| t)),
        "fees",
        "1000.00",
    );
    assert_field(with("fees", serde_json::json!([{"kind": "upfront", "percent": "101"}])), "fees[0].percent", "101");
    assert_field(with("fees", serde_json::json!([{"kind": "upfront"}])), "fees[0].amount", "neither");
}

#[test]
fn malformed_json_is_an_error_not_a_panic() {
    for text in ["", "{", "[]", "{\"principal\": 5}", "null", "{\"principal\": \"1\", \"currency\": \"USD\"}"] {
        assert_eq!(LoanTerms::from_json(text).unwrap_err().kind(), "json", "{text}");
    }
    assert_eq!(with("unknown_field", 1.into()).unwrap_err().kind(), "json");
}

#[test]
fn mixing_currencies_is_an_error() {
    let a = Money::parse("1", "USD").unwrap();
    let b = Money::parse("1", "PEN").unwrap();
    assert_eq!(a.checked_add(&b).unwrap_err().kind(), "currency_mismatch");
}

#[test]
fn solvers_return_errors_not_nan() {
    use microcredit::spreadsheet::{irr, xirr};
    let d = |s: &str| s.parse().unwrap();
    assert_eq!(irr(&[d("100"), d("10")]).unwrap_err().kind(), "no_rate");
    assert_eq!(irr(&[]).unwrap_err().kind(), "no_rate");
    assert!(xirr(&[d("-1")], &[]).is_err());
}

mod never_panics {
    use microcredit::{LoanTerms, Quote};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

        /// Any text is either terms or a typed error; never a panic.
        #[test]
        fn arbitrary_text(text in ".{0,200}") {
            let _ = LoanTerms::from_json(&text);
        }

        /// Extreme but well-formed numbers and dates — up to chrono's and Decimal's real limits
        /// (years +262142 and -262143, 28-digit amounts) — end in a schedule or a typed error,
        /// never a panic; a schedule never has a due date on or before the disbursement.
        #[test]
        fn extreme_values(
            principal in prop_oneof![Just("0.01"), Just("1000000000000"), Just("999999999999.99"), Just("1e3"), Just("-0"),
                                     Just("00001"), Just("79228162514264337593543950335"), Just("1e27")],
            percent in prop_oneof![Just("0"), Just("1000"), Just("999.9999999999"), Just("0.0000000001"), Just("83.33")],
            per in prop_oneof![Just("year"), Just("month"), Just("week"), Just("day"), Just("whole_term")],
            n in prop_oneof![Just(1u32), Just(2), Just(1200), Just(1201)],
            frequency in prop_oneof![
                Just(serde_json::json!({"unit": "days", "every": 1})),
                Just(serde_json::json!({"unit": "weeks", "every": 366})),
                Just(serde_json::json!({"unit": "months", "every": 367})),
                Just(serde_json::json!({"unit": "months", "every": 1, "month_end": "last_day"})),
                Just(serde_json::json!({"unit": "semi_monthly", "days": [15, 31]})),
            ],
            date in prop_oneof![Just("0001-01-01"), Just("2024-02-29"), Just("9999-12-31"), Just("+262000-01-01"),
                                Just("+262142-12-17"), Just("+262142-12-29"), Just("+262142-12-31"), Just("-262143-01-01"),
                                Just("-262143-01-02")],
            first in prop_oneof![Just(None), Just(Some("+262142-12-30")), Just(Some("+262142-12-31"))],
            rule in prop_oneof![Just(None), Just(Some("next")), Just(Some("previous")), Just(Some("next_meeting_day"))],
            amount in prop_oneof![Just("0"), Just("1e27"), Just("79228162514264337593543950335"), Just("999999999999.99")],
            flat in any::<bool>(),
        ) {
            let mut json = serde_json::json!({
                "principal": principal, "currency": "USD", "rate": {"percent": percent, "per": per},
                "installments": n, "frequency": frequency, "disbursement_date": date,
                "interest_method": if flat { "flat" } else { "declining_balance" },
                "fees": [{"kind": "per_installment", "amount": amount}],
                "savings": {"per_installment": amount},
                "installment_multiple": if amount == "0" { serde_json::Value::Null } else { amount.into() },
            });
            if let Some(first) = first {
                json["first_repayment_date"] = first.into();
            }
            if let Some(rule) = rule {
                json["business_days"] = serde_json::json!({"non_working_weekdays": ["Sat", "Sun"], "rule": rule});
            }
            if let Ok(t) = LoanTerms::from_json(&json.to_string()) {
                match Quote::new(&t) {
                    Ok(q) => {
                        prop_assert!(q.schedule.installments.iter().all(|i| i.due_date > t.disbursement_date));
                    }
                    Err(e) => prop_assert!(!e.kind().is_empty()),
                }
            }
        }
    }
}
