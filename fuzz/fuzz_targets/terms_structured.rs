//! Loan terms built from structured input (every field, dates across chrono's whole range,
//! decimals up to MAX), through `LoanTerms::builder` and through the JSON form: both must agree,
//! never panic, and valid terms go through schedule and quote with the schedule's invariants
//! checked (principal parts sum to the loan amount, no negative balance, every due date after
//! the disbursement).
#![no_main]

use libfuzzer_sys::fuzz_target;
use microcredit::LoanTerms;
use microcredit_fuzz::TermsInput;

fuzz_target!(|input: TermsInput| {
    let parts = input.parts();
    let built = parts.build();
    let json = parts.json();
    if std::env::var_os("MICROCREDIT_FUZZ_PRINT").is_some() {
        eprintln!("terms as JSON: {json}");
    }
    let parsed = LoanTerms::from_json(&json);
    match (&built, &parsed) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "builder and JSON {json} give different terms"),
        (Err(a), Err(b)) => {
            microcredit_fuzz::check_error(a);
            microcredit_fuzz::check_error(b);
        }
        (a, b) => panic!("builder {a:?} and JSON form {json} ({b:?}) disagree"),
    }
    if let Ok(terms) = built {
        microcredit_fuzz::exercise(&terms);
    }
});
