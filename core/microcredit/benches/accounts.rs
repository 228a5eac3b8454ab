//! Criterion benchmarks of the loan-account ledger: the state of a 52-week loan after 60 events
//! (repayments on time, late, partial and ahead, a penalty rule, a waiver and a reversal), and
//! recording one more repayment on it (which replays the account twice: before and after).
//! Run: `cargo bench -p microcredit --bench accounts`.

// A benchmark, not library code: bad setup should stop it at once.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use microcredit::account::{Account, AccountRules, Event, EventId, EventKind, PenaltyRule, Waivable};
use microcredit::{Decimal, LoanTerms, Money};

fn weekly_account() -> Account {
    let terms = LoanTerms::from_json(
        r#"{"principal": "1200", "currency": "USD", "rate": {"percent": "36", "per": "year"},
            "installments": 52, "frequency": {"unit": "weeks", "every": 1}, "disbursement_date": "2025-01-06"}"#,
    )
    .unwrap();
    let rules = AccountRules::default().with_penalties(vec![PenaltyRule::flat_once(Decimal::new(100, 2), 2)]);
    let start: NaiveDate = "2025-01-06".parse().unwrap();
    let usd = |cents: i64| Money::new(Decimal::new(cents, 2), microcredit::Currency::USD).unwrap();
    let mut events = vec![Event::new(EventId::v7(1, [0; 10]), start, EventKind::Disbursement { amount: usd(120_000) })];
    for k in 0..57u64 {
        // Weekly payments of about one installment: some late, some short, one large.
        let late = [0, 0, 3, 0, 9, 0, 1][k as usize % 7];
        let cents = match k % 11 {
            3 => 1_500,
            7 => 9_000,
            _ => 2_620,
        };
        let day = start.checked_add_days(Days::new(7 * (k + 1) + late)).unwrap();
        events.push(Event::new(EventId::v7(10 + k, [1; 10]), day, EventKind::repayment(usd(cents), None)));
    }
    let waiver_day = start.checked_add_days(Days::new(200)).unwrap();
    events.push(Event::new(
        EventId::v7(100, [2; 10]),
        waiver_day,
        EventKind::Waiver { part: Waivable::Penalties, amount: usd(100) },
    ));
    let undo = events[20].id;
    events.push(Event::new(EventId::v7(101, [3; 10]), waiver_day, EventKind::Reversal { of: undo }));
    let account = Account::open(terms, rules).unwrap().merging(events).unwrap();
    assert_eq!(account.events().len(), 60);
    account
}

fn bench(c: &mut Criterion) {
    let account = weekly_account();
    let on: NaiveDate = "2025-10-31".parse().unwrap();
    c.bench_function("account_52_weeks_60_events/state_on", |b| {
        b.iter(|| black_box(account.state_on(black_box(on)).unwrap()))
    });
    let pay = Event::new(
        EventId::v7(1_000, [9; 10]),
        on,
        EventKind::repayment(Money::new(Decimal::new(1_000, 2), microcredit::Currency::USD).unwrap(), Some("R-9")),
    );
    assert!(account.clone().record(pay.clone()).is_ok(), "the benchmark's repayment must be accepted");
    c.bench_function("account_52_weeks_60_events/record_repayment", |b| {
        b.iter_batched(|| account.clone(), |mut a| black_box(a.record(pay.clone())), criterion::BatchSize::SmallInput)
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
