//! Criterion benchmarks: a book of 100,000 loans drawn like `shared/peers/_common.py` (500–5,000
//! USD, 10–40 %, 6–24 monthly installments, 2 % fee), scheduled, and scheduled and priced.
//! Run: `cargo bench -p microcredit-tables --bench books`.

// A benchmark, not library code: bad setup should stop it at once.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use microcredit::{Currency, Fee, Frequency, InterestRate, LoanTerms};
use microcredit_tables::batch::{BatchOptions, schedule_batch, schedule_batch_into};
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
    let book = loans(100_000, 42);
    let mut g = c.benchmark_group("batch_100k");
    g.sample_size(10);
    g.bench_function("schedules", |b| b.iter(|| schedule_batch(black_box(&book), BatchOptions::default())));
    let mut reused = schedule_batch(&book, BatchOptions::default()).unwrap();
    g.bench_function("schedules_reusing_memory", |b| {
        b.iter(|| schedule_batch_into(black_box(&book), BatchOptions::default(), &mut reused))
    });
    g.bench_function("schedules_and_pricing", |b| {
        b.iter(|| schedule_batch(black_box(&book), BatchOptions::default().with_pricing(true)))
    });
    g.finish();
}

criterion_group!(books, benches);
criterion_main!(books);
