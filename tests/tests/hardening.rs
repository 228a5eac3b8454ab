//! Regression tests for the crashes and silent nonsense of issue 14 ("Hardening"), one per
//! finding whose path runs through the core: each failed (a panic, an abort or a wrong answer)
//! before its fix. The Python and Kotlin suites hold the same findings in their languages.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use microcredit::spreadsheet::{NpvStyle, When, fv, ipmt, irr, npv, pmt};
use microcredit::{Convention, Error, Frequency, LoanTerms, Quote, Schedule};
use microcredit_tables::batch::{BatchOptions, schedule_batch};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn terms(json: serde_json::Value) -> Result<LoanTerms, Error> {
    LoanTerms::from_json(&json.to_string())
}

fn loan(extra: serde_json::Value) -> serde_json::Value {
    let mut v = serde_json::json!({
        "principal": "1000.00", "currency": "USD", "rate": {"percent": "24", "per": "year"},
        "installments": 12, "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-01-15"
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

/// Finding 2: dates near chrono's limit panicked in the calendar (`NaiveDate + Duration`), in
/// validation and in the schedule. They are typed errors now, or schedules within the calendar.
#[test]
fn dates_near_the_calendars_end_are_errors_not_panics() {
    let weekly = loan(serde_json::json!({"frequency": {"unit": "weeks", "every": 1},
        "disbursement_date": "+262142-12-29", "first_repayment_date": "+262142-12-30"}));
    let e = terms(weekly).and_then(|t| Quote::new(&t).map(|_| t)).unwrap_err();
    assert_eq!(e.kind(), "invalid_field", "{e}");
    for start in ["+262142-12-17", "+262142-12-30", "+262142-12-31"] {
        let semi = loan(serde_json::json!({"frequency": {"unit": "semi_monthly", "days": [15, 31]},
            "disbursement_date": start, "installments": 1}));
        let e = terms(semi).and_then(|t| Schedule::generate(&t).map(|_| t)).unwrap_err();
        assert_eq!(e.kind(), "invalid_field", "{start}: {e}");
    }
    let meeting = loan(serde_json::json!({"frequency": {"unit": "weeks", "every": 1}, "installments": 2,
        "disbursement_date": "+262142-12-10",
        "business_days": {"non_working_weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri"], "rule": "next_meeting_day"}}));
    assert_eq!(terms(meeting).and_then(|t| Schedule::generate(&t)).unwrap_err().kind(), "invalid_field");
    let max = NaiveDate::MAX;
    assert!(Frequency::Days { every: 1 }.due_date(max, 1).is_err());
    assert!(Frequency::Weeks { every: 1 }.due_date(NaiveDate::MIN, u32::MAX).is_err());
    assert!(Frequency::SemiMonthly { days: [1, 16] }.first_due_date(max).is_err());
}

/// Finding 3: a per-installment fee or savings of 1e27 overflowed the 96-bit decimal inside the
/// schedule (a guarded panic); the spreadsheet functions at Decimal::MAX too. Now each is an error
/// with a kind: the amount is refused by validation, the functions report an overflow.
#[test]
fn huge_amounts_are_refused_or_overflow_with_a_kind() {
    let fee = loan(serde_json::json!({"fees": [{"kind": "per_installment", "amount": "1e27"}]}));
    let e = terms(fee).unwrap_err();
    assert_eq!((e.kind(), e.field()), ("invalid_field", Some("fees[0].amount")), "{e}");
    let savings = loan(serde_json::json!({"savings": {"per_installment": "1e27"}}));
    assert_eq!(terms(savings).unwrap_err().field(), Some("savings.per_installment"));
    let max = Decimal::MAX;
    for r in [
        pmt(d("0"), d("1"), max, max, When::End),
        fv(d("0"), max, max, d("0"), When::End),
        pmt(max, d("1"), d("1"), d("0"), When::End),
        npv(max, &[d("1"), d("2")], NpvStyle::Numpy),
        ipmt(max, d("1"), d("1"), d("1"), d("0"), When::End),
    ] {
        assert_eq!(r.unwrap_err().kind(), "overflow");
    }
}

/// Finding 4: one loan near the calendar's end made the whole batch fail; it is that loan's error.
#[test]
fn one_bad_loan_is_its_own_error_row() {
    let good = terms(loan(serde_json::json!({}))).unwrap();
    let mut bad = good.clone();
    bad.frequency = Frequency::SemiMonthly { days: [15, 31] };
    bad.disbursement_date = NaiveDate::from_ymd_opt(262_142, 12, 20).unwrap();
    let b = schedule_batch(&[good.clone(), bad, good], BatchOptions::default()).unwrap();
    assert!(b.loans[0].is_ok() && b.loans[2].is_ok());
    assert_eq!(b.loans[1].as_ref().unwrap_err().kind(), "invalid_field");
    assert_eq!(b.rows(), 24);
}

/// Finding 6: a trailing positive flow (savings returned) left the old fixed bracket without a
/// sign change. numpy-financial: `irr([900] + [-2] * 599 + [10])` = 0.000981.
#[test]
fn irr_finds_the_rate_numpy_financial_finds() {
    let mut values = vec![d("900")];
    values.extend(std::iter::repeat_n(d("-2"), 599));
    values.push(d("10"));
    let r = irr(&values).unwrap();
    assert_eq!(r.round_dp(6), d("0.000981"), "{r}");
}

/// Finding 6, the loan: 600 daily installments with 10 % savings withheld at disbursement and
/// returned at the end. XIRR was 33.73 %; the MFT APR did not converge. Both are rates now.
#[test]
fn a_loan_with_savings_returned_at_the_end_is_priced() {
    let t = terms(loan(serde_json::json!({"frequency": {"unit": "days", "every": 1}, "installments": 600,
        "rate": {"percent": "30", "per": "year"},
        "savings": {"at_disbursement_percent": "10"}})))
    .unwrap();
    let q = Quote::new(&t).unwrap();
    let (apr, xirr) = (q.cost(&Convention::MFT_APR).unwrap().percent, q.cost(&Convention::XIRR).unwrap().percent);
    assert!(apr > d("30") && xirr > apr, "APR {apr} %, XIRR {xirr} %");
}

/// Finding 7: a daily loan disbursed Wed 2025-01-15, Sunday the only working day, rule
/// `previous`: installments 1-3 fell on Sunday 2025-01-12, before the money was lent. A due date
/// that `previous` would move onto or before the disbursement goes to the next working day.
#[test]
fn no_due_date_on_or_before_the_disbursement() {
    let t = terms(loan(serde_json::json!({"frequency": {"unit": "days", "every": 1}, "installments": 14,
        "business_days": {"non_working_weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"], "rule": "previous"}})))
    .unwrap();
    let s = Schedule::generate(&t).unwrap();
    let sunday = |day| NaiveDate::from_ymd_opt(2025, 1, day).unwrap();
    assert!(s.installments.iter().all(|i| i.due_date > t.disbursement_date));
    // Thursday 16 to Saturday 25: Sunday 19 (the 16th-18th would go back to the 12th); Sunday
    // 26 to Wednesday 29: Sunday 26.
    for (k, i) in s.installments.iter().enumerate() {
        assert_eq!(i.due_date, if k < 10 { sunday(19) } else { sunday(26) }, "installment {}", i.number);
    }
}

/// Finding 8: `installment_multiple = 1000` rounded an 88.85 installment to 0 (every installment
/// interest only, the last the whole principal). A multiple larger than the installment is refused.
#[test]
fn a_multiple_larger_than_the_installment_is_refused() {
    let t = terms(loan(serde_json::json!({"installment_multiple": "1000"}))).unwrap();
    let e = Schedule::generate(&t).unwrap_err();
    assert_eq!(e.field(), Some("installment_multiple"), "{e}");
    assert!(e.to_string().contains("94.56"), "{e}"); // the installment it would round
    let flat = terms(loan(serde_json::json!({"installment_multiple": "1000", "interest_method": "flat"}))).unwrap();
    assert_eq!(Schedule::generate(&flat).unwrap_err().field(), Some("installment_multiple"));
    let fine = terms(loan(serde_json::json!({"installment_multiple": "5"}))).unwrap();
    assert!(Schedule::generate(&fine).is_ok());
}

/// Finding 9: `pmt(-2, 0.5, 1)` returned 1 and `fv(-2, 0.5, 0, -1)` −1: (1 + rate) is negative,
/// and a negative number has no real power of 0.5 (numpy-financial gives NaN).
#[test]
fn undefined_powers_are_errors() {
    let e = pmt(d("-2"), d("0.5"), d("1"), d("0"), When::End).unwrap_err();
    assert_eq!(e.field(), Some("rate"), "{e}");
    assert_eq!(fv(d("-2"), d("0.5"), d("0"), d("-1"), When::End).unwrap_err().field(), Some("rate"));
    // A whole number of periods is defined: (1 - 2)^2 = 1 has no payment, (1 - 2)^3 = -1 has.
    assert!(pmt(d("-2"), d("3"), d("1"), d("0"), When::End).is_ok());
}

/// Finding 10: decimal text past 28 significant digits was rounded by one binding; the core's
/// parser, which every binding uses, refuses it. Echoed values are bounded (a 100 MB currency
/// code is not copied into the error).
#[test]
fn decimal_text_is_exact_and_echoes_are_bounded() {
    use microcredit::money::parse_decimal;
    let e = parse_decimal("principal", "1000.000000000000000000000000001").unwrap_err();
    assert_eq!(e.field(), Some("principal"));
    assert_eq!(parse_decimal("principal", "1000.0000000000000000000000000").unwrap(), d("1000"));
    // The JSON form reads its decimals with the same parser.
    let json = loan(serde_json::json!({"principal": "1000.000000000000000000000000001"}));
    assert_eq!(terms(json).unwrap_err().kind(), "json");
    let code = "X".repeat(10_000_000);
    let e = microcredit::Currency::from_code(&code).unwrap_err();
    assert!(e.to_string().len() < 200, "{}", e.to_string().len());
    let e = Error::invalid("principal", "9".repeat(1_000_000), microcredit::Reason::TooLong { max: 64 });
    assert!(e.to_string().len() < 200);
}

/// Found by fuzzing (`tests/fuzz-regressions/terms_json/fuzz-flat-interest-*.json`): flat interest
/// rounded period by period added up past the total (27 quarters of 2.834 PYG rounded to 3: 78
/// against 77), and the last installment, which takes the rest, got −1. No part now takes more
/// than what is left, so none is negative and the parts still sum to the total.
#[test]
fn flat_interest_parts_are_never_negative() {
    for file in [
        "fuzz-flat-interest-negative-last-installment.json",
        "fuzz-flat-interest-spread-rounding-up-negative-last.json",
    ] {
        let path = format!("{}/fuzz-regressions/terms_json/{file}", env!("CARGO_MANIFEST_DIR"));
        let t = LoanTerms::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
        let s = Schedule::generate(&t).unwrap();
        assert!(s.installments.iter().all(|i| i.interest >= Decimal::ZERO), "{file}");
        assert_eq!(s.installments.iter().map(|i| i.interest).sum::<Decimal>(), s.totals.interest);
    }
    let pyg = terms(serde_json::json!({"principal": "100", "currency": "PYG", "interest_method": "flat",
        "rate": {"percent": "11.3366"}, "installments": 27, "frequency": {"unit": "months", "every": 3},
        "disbursement_date": "2025-02-18"}))
    .unwrap();
    let s = Schedule::generate(&pyg).unwrap();
    assert_eq!(s.totals.interest, d("77"));
    assert_eq!(s.installments[25].interest, d("2"));
    assert_eq!(s.installments[26].interest, d("0"));
}
