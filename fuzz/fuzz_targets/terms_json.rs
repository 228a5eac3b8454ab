//! Any bytes as the JSON form of terms: `from_json` answers Ok or a typed error, and terms it
//! accepts go through validation, the JSON round trip, the schedule (its invariants checked) and
//! the quote without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use microcredit::LoanTerms;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match LoanTerms::from_json(text) {
        Ok(terms) => microcredit_fuzz::exercise(&terms),
        Err(e) => microcredit_fuzz::check_error(&e),
    }
});
