//! Criterion benchmarks: one 12-installment schedule, and the EIR and XIRR of one loan drawn like
//! `shared/peers/_common.py`. Run: `cargo bench -p microcredit --bench schedules`.
//! (Whole books: `cargo bench -p microcredit-tables --bench books`.)

// A benchmark, not library code: bad setup should stop it at once.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use microcredit::{Convention, Currency, Fee, Frequency, InterestRate, LoanTerms, Schedule, cost_of_credit};
use rust_decimal::Decimal;

/// A small seeded generator (SplitMix64), so the benchmark needs no extra crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
}

fn loans(n: usize, seed: u64) -> Vec<LoanTerms> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| {
            let cents = rng.range(50_000, 500_000);
            let rate_bp = rng.range(1_000, 4_000);
            let term = rng.range(6, 24) as u32;
            let month = rng.range(1, 12) as u32;
            let day = rng.range(1, 28) as u32;
            let fee = Decimal::new((cents as f64 * 0.02).round() as i64, 2);
            LoanTerms::builder(
                Decimal::new(cents, 2),
                Currency::USD,
                InterestRate::per_year(Decimal::new(rate_bp, 2)),
                term,
                Frequency::monthly(),
                NaiveDate::from_ymd_opt(2025, month, day).unwrap(),
            )
            .fees(vec![Fee::upfront_flat(fee)])
            .build()
            .unwrap()
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let one = LoanTerms::builder(
        Decimal::new(100_000, 2),
        Currency::USD,
        InterestRate::per_year(Decimal::new(2400, 2)),
        12,
        Frequency::monthly(),
        NaiveDate::from_ymd_opt(2025, 1, 15).unwrap(),
    )
    .build()
    .unwrap();
    c.bench_function("schedule_12_declining", |b| b.iter(|| Schedule::generate(black_box(&one)).unwrap()));

    let schedule = Schedule::generate(&loans(1, 7)[0]).unwrap();
    c.bench_function("eir_one_loan_mft", |b| b.iter(|| cost_of_credit(black_box(&schedule), &Convention::MFT_EIR)));
    c.bench_function("xirr_one_loan", |b| b.iter(|| cost_of_credit(black_box(&schedule), &Convention::XIRR)));
}

criterion_group!(schedules, benches);
criterion_main!(schedules);
