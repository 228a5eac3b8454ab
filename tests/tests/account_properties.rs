//! Properties of the loan-account ledger over random schedules and random sequences of
//! repayments, charges, waivers, refunds, write-offs and reversals:
//! money is conserved (allocations sum to payments; overpayment is tracked, not lost); every
//! installment's due = paid + waived + written off + outstanding; nothing outstanding is negative;
//! replay is deterministic and does not depend on the order events were recorded in; reversing
//! an event is the same as never having recorded it; a refused event leaves the ledger unchanged.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Days, NaiveDate};
use microcredit::account::{
    Account, AccountRules, AccountState, Allocation, AppliedKind, ChargeKind, Event, EventId, EventKind, ExtraPayment,
    NamedAllocation, Parts, PenaltyAmount, PenaltyFrequency, PenaltyRule, Prepayment, PrepaymentInterest, Waivable,
};
use microcredit::{Decimal, LoanTerms, Money};
use proptest::prelude::*;

const START: &str = "2025-01-10";

fn terms(principal: u32, rate: u32, n: u32, weekly: bool, flat: bool) -> LoanTerms {
    let unit = if weekly { "weeks" } else { "months" };
    let method = if flat { "flat" } else { "declining_balance" };
    LoanTerms::from_json(&format!(
        r#"{{"principal": "{principal}", "currency": "USD", "rate": {{"percent": "{rate}", "per": "year"}},
            "interest_method": "{method}", "installments": {n}, "frequency": {{"unit": "{unit}", "every": 1}},
            "disbursement_date": "{START}", "fees": [{{"kind": "per_installment", "amount": "1.50"}}]}}"#
    ))
    .unwrap()
}

/// One random action: (kind selector, day offset from the start, amount in cents, target index).
type Action = (u8, u64, u32, usize);

fn usd(cents: u32) -> Money {
    Money::new(Decimal::new(i64::from(cents.max(1)), 2), microcredit::Currency::USD).unwrap()
}

fn event(k: usize, action: &Action, earlier: &[Event]) -> Event {
    let (selector, day, cents, target) = *action;
    let start: NaiveDate = START.parse().unwrap();
    let effective = start.checked_add_days(Days::new(day)).unwrap();
    let kind = match selector % 10 {
        0..=4 => EventKind::repayment(usd(cents), None),
        5 => EventKind::Charge {
            charge: if cents % 2 == 0 { ChargeKind::Fee } else { ChargeKind::Penalty },
            amount: usd(cents % 2_000),
            name: None,
        },
        6 => EventKind::Waiver {
            part: [Waivable::Interest, Waivable::Fees, Waivable::Penalties][cents as usize % 3],
            amount: usd(cents % 3_000),
        },
        7 => EventKind::Refund { amount: usd(cents % 5_000) },
        8 if cents % 7 == 0 => EventKind::WriteOff,
        _ if !earlier.is_empty() => EventKind::Reversal { of: earlier[target % earlier.len()].id },
        _ => EventKind::repayment(usd(cents), None),
    };
    // Ids in recording order, as a device mints them (v7: time-ordered).
    Event::new(EventId::v7(1_000 + k as u64, [k as u8; 10]), effective, kind)
}

fn disbursement(t: &LoanTerms) -> Event {
    Event::new(
        EventId::v7(1, [0; 10]),
        t.disbursement_date,
        EventKind::Disbursement { amount: Money::new(t.principal, t.currency).unwrap() },
    )
}

fn add(a: &Parts, b: &Parts) -> Parts {
    Parts {
        principal: a.principal + b.principal,
        interest: a.interest + b.interest,
        fees: a.fees + b.fees,
        penalties: a.penalties + b.penalties,
    }
}

/// Record every action; refused ones must leave the account exactly as it was.
fn build(t: &LoanTerms, rules: &AccountRules, actions: &[Action]) -> Account {
    let mut account = Account::with_events(t.clone(), rules.clone(), vec![disbursement(t)]).unwrap();
    for (k, action) in actions.iter().enumerate() {
        let e = event(k, action, account.events());
        let before = account.clone();
        if account.record(e).is_err() {
            assert_eq!(account, before, "a refused event changed the account");
        }
    }
    account
}

fn check_conservation(s: &AccountState, events: &[Event]) {
    let zero = Decimal::ZERO;
    let mut paid = Parts::default();
    let mut received = zero;
    for a in &s.applied {
        let total = a.parts.total() + a.surplus;
        match a.kind {
            AppliedKind::Repayment => {
                assert_eq!(total, a.amount, "a payment's allocation does not add up: {a:?}");
                paid = add(&paid, &a.parts);
                received += a.amount;
            }
            AppliedKind::Recovery => received += a.amount,
            AppliedKind::Waiver => assert_eq!(a.parts.total(), a.amount),
        }
    }
    assert_eq!(paid, s.paid, "installments' paid parts differ from the payments' allocations");
    // Every unit received is paid to an installment, held as surplus, refunded or recovered.
    assert_eq!(received, s.paid.total() + s.overpaid + s.refunded + s.recovered);
    for i in &s.installments {
        for (due, rest) in [
            (
                i.due.principal,
                i.paid.principal + i.waived.principal + i.written_off.principal + i.outstanding.principal,
            ),
            (i.due.interest, i.paid.interest + i.waived.interest + i.written_off.interest + i.outstanding.interest),
            (i.due.fees, i.paid.fees + i.waived.fees + i.written_off.fees + i.outstanding.fees),
            (
                i.due.penalties,
                i.paid.penalties + i.waived.penalties + i.written_off.penalties + i.outstanding.penalties,
            ),
        ] {
            assert_eq!(due, rest, "installment {}: due is not paid + waived + written off + outstanding", i.number);
        }
        let o = &i.outstanding;
        assert!(
            o.principal >= zero && o.interest >= zero && o.fees >= zero && o.penalties >= zero,
            "negative outstanding: {i:?}"
        );
    }
    assert!(s.overpaid >= zero && s.refunded >= zero && s.recovered >= zero);
    let _ = events;
}

fn strategy() -> impl Strategy<Value = (LoanTerms, AccountRules, Vec<Action>)> {
    (
        (500u32..5_000, 0u32..60, 1u32..14, any::<bool>(), any::<bool>()),
        (0usize..NamedAllocation::ALL.len(), any::<bool>(), any::<bool>(), 0u8..4, 0u32..10),
        prop::collection::vec((any::<u8>(), 0u64..500, 1u32..150_000, any::<usize>()), 0..25),
    )
        .prop_map(|((p, r, n, weekly, flat), (a, scheduled, lower, penalty, grace), actions)| {
            let prepayment = Prepayment {
                interest: if scheduled { PrepaymentInterest::Scheduled } else { PrepaymentInterest::RealBalance },
                extra: if lower { ExtraPayment::LowerInstallments } else { ExtraPayment::ShortenTerm },
            };
            let penalties = match penalty {
                0 => vec![],
                1 => vec![PenaltyRule::flat_once(Decimal::new(250, 2), grace)],
                2 => vec![PenaltyRule {
                    amount: PenaltyAmount::PercentOfOverdue { percent: Decimal::new(15, 1) },
                    grace_days: grace,
                    frequency: PenaltyFrequency::EveryDays(7),
                    cap_per_installment: Some(Decimal::new(800, 2)),
                    cap_per_loan: Some(Decimal::new(2_000, 2)),
                }],
                _ => vec![PenaltyRule {
                    amount: PenaltyAmount::PercentOfOverduePrincipal { percent: Decimal::new(2, 0) },
                    grace_days: grace,
                    frequency: PenaltyFrequency::EveryDays(30),
                    cap_per_installment: None,
                    cap_per_loan: None,
                }],
            };
            let rules = AccountRules::new(Allocation::Named(NamedAllocation::ALL[a].0), Default::default())
                .with_prepayment(prepayment)
                .with_penalties(penalties);
            (terms(p, r, n, weekly, flat), rules, actions)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn money_is_conserved_and_nothing_is_negative((t, rules, actions) in strategy(), day in 0u64..600) {
        let account = build(&t, &rules, &actions);
        let start: NaiveDate = START.parse().unwrap();
        for on in [start.checked_add_days(Days::new(day)).unwrap(), start.checked_add_days(Days::new(2_000)).unwrap()] {
            let s = account.state_on(on).unwrap();
            check_conservation(&s, account.events());
            prop_assert_eq!(&s, &account.state_on(on).unwrap()); // deterministic
        }
    }

    #[test]
    fn paying_the_payoff_closes_the_loan((t, rules, actions) in strategy(), day in 0u64..500) {
        let mut account = build(&t, &rules, &actions);
        let on = START.parse::<NaiveDate>().unwrap().checked_add_days(Days::new(day)).unwrap();
        let payoff = account.payoff_on(on).unwrap().total();
        prop_assume!(payoff > Decimal::ZERO);
        let pay = Event::new(EventId::v7(1 << 40, [7; 10]), on, EventKind::repayment(Money::new(payoff, t.currency).unwrap(), None));
        if account.record(pay).is_ok() {
            let s = account.state_on(on).unwrap();
            prop_assert_eq!(s.outstanding.total(), Decimal::ZERO, "{:?}", s.status);
            check_conservation(&s, account.events());
        }
    }

    #[test]
    fn replay_does_not_depend_on_recording_order((t, rules, actions) in strategy(), seed in any::<u64>()) {
        let account = build(&t, &rules, &actions);
        let mut shuffled = account.events().to_vec();
        // A seeded Fisher-Yates shuffle.
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let merged = Account::merged(t.clone(), rules.clone(), shuffled).unwrap();
        let on: NaiveDate = "2031-01-01".parse().unwrap();
        prop_assert_eq!(account.state_on(on).unwrap(), merged.state_on(on).unwrap());
    }

    #[test]
    fn reversing_an_event_is_never_having_recorded_it((t, rules, actions) in strategy(), pick in any::<usize>()) {
        let account = build(&t, &rules, &actions);
        let events = account.events().to_vec();
        let reversible: Vec<&Event> = events.iter().filter(|e| !matches!(e.kind, EventKind::Reversal { .. })).collect();
        let target = reversible[pick % reversible.len()].id;
        let undo = Event::new(EventId::v7(9_999_999, [9; 10]), "2026-12-31".parse().unwrap(), EventKind::Reversal { of: target });
        let with_reversal = Account::merged(t.clone(), rules.clone(), events.iter().cloned().chain([undo]).collect()).unwrap();
        let without = Account::merged(t.clone(), rules.clone(), events.iter().filter(|e| e.id != target).cloned().collect()).unwrap();
        let on: NaiveDate = "2031-01-01".parse().unwrap();
        prop_assert_eq!(with_reversal.state_on(on).unwrap(), without.state_on(on).unwrap());
    }
}

/// A book's summary of a loan (the columnar path, `microcredit-tables`) is the state of the same
/// loan as an account over the same installments.
mod book_matches_account {
    use super::*;
    use microcredit::Currency;
    use microcredit::account::{Book, InstallmentDue};

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn book_summary_is_the_account_state(
            dues in prop::collection::vec((1u64..60, 0i64..50_000, 0i64..5_000), 1..14),
            pays in prop::collection::vec((0u64..500, 1i64..80_000), 0..20),
            on_day in 0u64..600,
            a in 0usize..NamedAllocation::ALL.len(),
        ) {
            let start: NaiveDate = START.parse().unwrap();
            let rules = AccountRules::new(Allocation::Named(NamedAllocation::ALL[a].0), Default::default());
            let mut due_date = start;
            let mut rows = Vec::new();
            let mut installments = Vec::new();
            for (k, (gap, p, i)) in dues.iter().enumerate() {
                due_date = due_date.checked_add_days(Days::new(*gap)).unwrap();
                rows.push((k as u32 + 1, due_date, [i128::from(*p), i128::from(*i), 0, 0]));
                let due = Parts { principal: Decimal::new(*p, 2), interest: Decimal::new(*i, 2), ..Parts::default() };
                installments.push(InstallmentDue { number: k as u32 + 1, due_date, due });
            }
            let payments: Vec<(NaiveDate, i128)> =
                pays.iter().map(|(d, c)| (start.checked_add_days(Days::new(*d)).unwrap(), i128::from(*c))).collect();
            let on = start.checked_add_days(Days::new(on_day)).unwrap();
            let summary = Book::new(Currency::USD, &rules).unwrap().summary(start, &rows, &payments, on);

            let principal: Decimal = installments.iter().map(|i| i.due.principal).sum();
            let mut events = vec![];
            if principal > Decimal::ZERO {
                events.push(Event::new(EventId::from_u128(0), start, EventKind::Disbursement { amount: Money::new(principal, Currency::USD).unwrap() }));
            }
            for (k, (d, c)) in payments.iter().enumerate() {
                let amount = Money::new(Decimal::from_i128_with_scale(*c, 2), Currency::USD).unwrap();
                events.push(Event::new(EventId::from_u128(k as u128 + 1), *d, EventKind::repayment(amount, None)));
            }
            let account = Account::from_installments(Currency::USD, start, installments, rules).unwrap().merging(events).unwrap();
            let s = account.state_on(on).unwrap();
            let minor = |d: Decimal| {
                let mut x = d * Decimal::ONE_HUNDRED;
                x.rescale(0);
                x.mantissa()
            };
            prop_assert_eq!(summary.status, s.status);
            prop_assert_eq!(summary.days_past_due, s.days_past_due);
            prop_assert_eq!(summary.overdue[0] + summary.overdue[1], minor(s.overdue.total()));
            prop_assert_eq!(summary.outstanding.iter().sum::<i128>(), minor(s.outstanding.total()));
            prop_assert_eq!(summary.payoff.iter().sum::<i128>(), minor(s.payoff.total()));
            prop_assert_eq!(summary.overpaid, minor(s.overpaid));
        }
    }
}
