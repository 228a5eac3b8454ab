//! Property tests over thousands of random valid terms: the invariants every schedule must keep.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use microcredit::{
    Amortization, AnnuityRates, Convention, Currency, DayCount, DeferredInterest, Fee, Frequency, InterestBasis,
    InterestMethod, InterestRate, LoanTerms, RoundingMode, Schedule, cost_of_credit,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn frequency() -> impl Strategy<Value = Frequency> {
    prop_oneof![
        (1u32..=4).prop_map(|every| Frequency::Weeks { every }),
        (1u32..=3).prop_map(|every| Frequency::Months { every, month_end: Default::default() }),
        Just(Frequency::Days { every: 15 }),
        Just(Frequency::SemiMonthly { days: [1, 16] }),
    ]
}

prop_compose! {
    fn terms()(
        cents in 1_000i64..200_000_000,
        currency in prop_oneof![Just("USD"), Just("PEN"), Just("UGX"), Just("XOF"), Just("KES")],
        rate_bp in 0i64..10_000,
        n in 1u32..60,
        freq in frequency(),
        day in 0i64..700,
        flat in any::<bool>(),
        amort in prop_oneof![Just(Amortization::EqualInstallments), Just(Amortization::EqualPrincipal),
                             Just(Amortization::SinglePayment), Just(Amortization::InterestOnlyBalloon)],
        basis in prop_oneof![Just(InterestBasis::Period), Just(InterestBasis::ActualDays)],
        day_count in prop_oneof![Just(DayCount::ActActIsda), Just(DayCount::Act365Fixed), Just(DayCount::Act360), Just(DayCount::Act364)],
        actual_annuity in any::<bool>(),
        grace in 0u32..4,
        grace_i in 0u32..4,
        spread in any::<bool>(),
        free in 0u32..3,
        rounding in prop_oneof![Just(RoundingMode::HalfEven), Just(RoundingMode::HalfUp), Just(RoundingMode::Down), Just(RoundingMode::Up)],
        multiple in prop_oneof![Just(None), Just(Some(1i64)), Just(Some(100))],
        fee_bp in 0i64..500,
        per_installment_fee in 0i64..200,
    ) -> LoanTerms {
        let cur = Currency::from_code(currency).unwrap();
        let principal = if cur.minor_units() == 0 { Decimal::from(cents) } else { Decimal::new(cents, 2) };
        let amort_ok = !(matches!(amort, Amortization::SinglePayment | Amortization::InterestOnlyBalloon));
        let g = if amort_ok { grace.min(n - 1) } else { 0 };
        let per_fee = if cur.minor_units() == 0 { Decimal::from(per_installment_fee) } else { Decimal::new(per_installment_fee, 2) };
        let b = LoanTerms::builder(principal, cur, InterestRate::per_year(Decimal::new(rate_bp, 2)), n, freq,
                NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(day))
            .interest_method(if flat { InterestMethod::Flat } else { InterestMethod::DecliningBalance })
            .amortization(amort)
            .interest_basis(basis)
            .day_count(day_count)
            .annuity_rates(if actual_annuity { AnnuityRates::Actual } else { AnnuityRates::Nominal })
            .grace_on_principal(g)
            .grace_on_interest_payment(grace_i.min(n - 1))
            .deferred_interest(if spread { DeferredInterest::Spread } else { DeferredInterest::FirstInstallmentAfterGrace })
            .interest_free_periods(free.min(n - 1))
            .rounding(rounding)
            .fees(vec![Fee::upfront_percent(Decimal::new(fee_bp, 2)), Fee::per_installment(per_fee)]);
        let plain = b.clone().build().unwrap();
        // A multiple larger than the installment it rounds is refused (issue 14, finding 8):
        // such draws keep their installments unrounded.
        match multiple.map(|m| b.installment_multiple(Some(Decimal::from(m))).build().unwrap()) {
            Some(t) if Schedule::generate(&t).err().is_none_or(|e| e.field() != Some("installment_multiple")) => t,
            _ => plain,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, .. ProptestConfig::default() })]

    /// Principal parts sum exactly to the loan; balances never go negative and end at zero;
    /// each installment's parts add up to its total (rounding creates or loses no cent).
    #[test]
    fn schedule_invariants(t in terms()) {
        let s = Schedule::generate(&t).unwrap();
        let scale = t.currency.minor_units();
        prop_assert_eq!(s.installments.len() as u32, t.installments);
        prop_assert_eq!(s.totals.principal, s.disbursement.loan_amount);
        let mut balance = s.disbursement.loan_amount;
        let mut prev_date = t.disbursement_date;
        for i in &s.installments {
            prop_assert!(i.principal >= Decimal::ZERO && i.interest >= Decimal::ZERO);
            balance -= i.principal;
            prop_assert_eq!(i.balance, balance);
            prop_assert!(i.balance >= Decimal::ZERO);
            prop_assert_eq!(i.total, i.principal + i.interest + i.fees + i.insurance + i.savings);
            for v in [i.principal, i.interest, i.fees, i.total, i.balance] {
                prop_assert!(v.scale() <= scale, "{} has more decimals than {}", v, t.currency);
            }
            prop_assert!(i.due_date >= prev_date);
            prev_date = i.due_date;
        }
        prop_assert!(s.installments.last().unwrap().balance.is_zero());
        prop_assert_eq!(s.totals.total, s.installments.iter().map(|i| i.total).sum::<Decimal>());
    }

    /// The same terms give the same schedule, and the JSON form round-trips exactly.
    #[test]
    fn deterministic_and_serializable(t in terms()) {
        let a = Schedule::generate(&t).unwrap();
        let back = LoanTerms::from_json(&t.to_json().unwrap()).unwrap();
        prop_assert_eq!(&back, &t);
        prop_assert_eq!(Schedule::generate(&back).unwrap(), a.clone());
        let json = a.to_json().unwrap();
        let parsed: Schedule = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(parsed, a);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, .. ProptestConfig::default() })]

    /// A fee-free declining-balance loan with interest by period costs its nominal rate: the
    /// MFTransparency APR equals the nominal rate and the EIR is (1 + r/m)^m − 1, up to the
    /// rounding of installments to the cent.
    #[test]
    fn fee_free_apr_equals_nominal(
        cents in 100_000i64..100_000_000, rate_bp in 100i64..6_000, n in 3u32..48,
        freq in prop_oneof![Just(Frequency::monthly()), Just(Frequency::Weeks { every: 1 }), Just(Frequency::Weeks { every: 2 })],
    ) {
        let t = LoanTerms::builder(Decimal::new(cents, 2), Currency::USD, InterestRate::per_year(Decimal::new(rate_bp, 2)), n, freq,
            NaiveDate::from_ymd_opt(2025, 3, 3).unwrap()).day_count(DayCount::Act364).build().unwrap();
        let s = Schedule::generate(&t).unwrap();
        let apr = cost_of_credit(&s, &Convention::MFT_APR).unwrap().annual_rate;
        let nominal = Decimal::new(rate_bp, 4);
        let tol = Decimal::new(2, 4) + Decimal::new(60, 0) / Decimal::new(cents, 2) ; // cents of rounding
        prop_assert!((apr - nominal).abs() <= tol, "apr {} nominal {}", apr, nominal);
        let m = freq.periods_per_year();
        let eir = cost_of_credit(&s, &Convention::MFT_EIR).unwrap().annual_rate;
        let expected = microcredit::pricing::annualise(nominal / Decimal::try_from(m).unwrap(), m, microcredit::Annualisation::Effective).unwrap();
        prop_assert!((eir - expected).abs() <= tol * Decimal::from(2), "eir {} expected {}", eir, expected);
    }

    /// Rounding to the minor unit never creates or loses money: total interest of a flat loan is
    /// the whole term's interest rounded once.
    #[test]
    fn flat_interest_rounded_once(cents in 10_000i64..10_000_000, rate_bp in 0i64..5_000, n in 1u32..52) {
        let t = LoanTerms::builder(Decimal::new(cents, 2), Currency::USD, InterestRate::per_year(Decimal::new(rate_bp, 2)), n,
            Frequency::monthly(), NaiveDate::from_ymd_opt(2025, 1, 10).unwrap())
            .interest_method(InterestMethod::Flat).build().unwrap();
        let s = Schedule::generate(&t).unwrap();
        let exact = Decimal::new(cents, 2) * Decimal::new(rate_bp, 4) * Decimal::from(n) / Decimal::from(12);
        prop_assert_eq!(s.totals.interest, RoundingMode::HalfEven.round(exact, 2));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, .. ProptestConfig::default() })]

    /// Stepping due dates gives the same dates as computing each from the anchor.
    #[test]
    fn due_dates_step_like_the_anchor(freq in frequency(), day in 0i64..3000, n in 1u32..80) {
        let anchor = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(day);
        let stepped = freq.due_dates(anchor, n).unwrap();
        for (k, d) in stepped.iter().enumerate() {
            prop_assert_eq!(*d, freq.due_date(anchor, k as u32).unwrap());
        }
    }

    /// Naming the regular first due date as the first repayment date changes nothing: the
    /// schedule counted from the disbursement equals the one counted from that date (also for
    /// month-end disbursements, whose first date may fall on a shorter month's last day).
    #[test]
    fn explicit_regular_first_date_changes_nothing(t in terms(), month_end in 0i64..4) {
        let mut t = t;
        if month_end > 0 {
            // Disbursed on the 28th..31st of a month, where months clamp.
            t.disbursement_date = NaiveDate::from_ymd_opt(2024, 1, 27).unwrap() + chrono::Duration::days(month_end);
        }
        let mut named = t.clone();
        named.first_repayment_date = Some(t.frequency.first_due_date(t.disbursement_date).unwrap());
        prop_assert_eq!(Schedule::generate(&named).unwrap(), Schedule::generate(&t).unwrap());
    }

    /// The batch (columns, parallel) gives exactly the schedules `Schedule::generate` gives, and
    /// invalid loans in the middle (one without installments, one whose rows were planned but
    /// failed) leave the others untouched. Each loan comes three times: as drawn, with three
    /// more installments, and again, so the due dates a batch remembers for a disbursement day
    /// are used for a longer and then a shorter loan.
    #[test]
    fn batch_equals_single_schedules(ts in proptest::collection::vec(terms(), 1..12)) {
        use microcredit_tables::batch::{schedule_batch, BatchOptions};
        let longer = ts.iter().map(|t| { let mut t = t.clone(); t.installments += 3; t });
        let mut input: Vec<LoanTerms> = ts.iter().cloned().chain(longer).chain(ts.iter().cloned()).collect();
        let mut bad = ts[0].clone();
        bad.installments = 0;
        let mut bad_rate = ts[ts.len() - 1].clone();
        bad_rate.rate.percent = Decimal::from(-1);
        let at = ts.len() / 2;
        input.insert(at, bad);
        input.insert(at + 1, bad_rate);
        let b = schedule_batch(&input, BatchOptions::default()).unwrap();
        let cols = &b.installments;
        prop_assert!(b.loans[at].is_err());
        prop_assert!(b.loans[at + 1].is_err());
        let mut row = 0;
        for (i, t) in input.iter().enumerate() {
            let Ok(summary) = &b.loans[i] else { continue };
            let s = Schedule::generate(t).unwrap();
            prop_assert_eq!(summary.installments as usize, s.installments.len());
            for inst in &s.installments {
                prop_assert_eq!(cols.loan[row] as usize, i);
                prop_assert_eq!(cols.due_date(row), Some(inst.due_date));
                prop_assert_eq!(cols.number[row], inst.number);
                prop_assert_eq!(cols.days[row], inst.days);
                let minor = |v: Decimal| { let mut v = v; v.rescale(t.currency.minor_units()); v.mantissa() as i64 };
                prop_assert_eq!(cols.principal[row], minor(inst.principal));
                prop_assert_eq!(cols.interest[row], minor(inst.interest));
                prop_assert_eq!(cols.total[row], minor(inst.total));
                prop_assert_eq!(cols.fees.get(row), Some(minor(inst.fees)));
                prop_assert_eq!(cols.insurance.get(row), Some(minor(inst.insurance)));
                prop_assert_eq!(cols.savings.get(row), Some(minor(inst.savings)));
                prop_assert_eq!(cols.balance[row], minor(inst.balance));
                row += 1;
            }
        }
        prop_assert_eq!(row, cols.len());
        prop_assert_eq!(row, b.rows());
        // The 128-bit columns a binding asks for hold the same amounts.
        let wide = microcredit_tables::batch::schedule_batch_as::<i128>(&input, BatchOptions::default()).unwrap();
        let widen = |v: &[i64]| v.iter().map(|&x| i128::from(x)).collect::<Vec<_>>();
        prop_assert_eq!(&wide.installments.interest, &widen(&cols.interest));
        prop_assert_eq!(&wide.installments.balance, &widen(&cols.balance));
        prop_assert_eq!(&wide.installments.loan, &cols.loan);
        prop_assert_eq!(&wide.loans, &b.loans);
        // Reusing a batch that held another book gives the same batch.
        let mut reused = microcredit_tables::batch::schedule_batch(&ts, BatchOptions::default()).unwrap();
        microcredit_tables::batch::schedule_batch_into(&input, BatchOptions::default(), &mut reused).unwrap();
        prop_assert_eq!(&reused.installments, &b.installments);
        prop_assert_eq!(&reused.loans, &b.loans);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// A rate quoted for the installment period is charged as such: 2 % a month on monthly
    /// installments, 1 % a week on weekly ones, 0.5 % a day on daily ones (declining balance, by
    /// period): the first installment's interest is the rate times the principal.
    #[test]
    fn rate_quoted_per_period_is_the_periodic_rate(cents in 10_000i64..10_000_000, bp in 1i64..250, which in 0usize..3) {
        use microcredit::RatePeriod;
        let (per, freq) = [
            (RatePeriod::Month, Frequency::monthly()),
            (RatePeriod::Week, Frequency::Weeks { every: 1 }),
            (RatePeriod::Day, Frequency::Days { every: 1 }),
        ][which];
        let t = LoanTerms::builder(Decimal::new(cents, 2), Currency::USD, InterestRate { percent: Decimal::new(bp, 2), per }, 10,
            freq, NaiveDate::from_ymd_opt(2025, 1, 10).unwrap()).build().unwrap();
        let s = Schedule::generate(&t).unwrap();
        let expected = RoundingMode::HalfEven.round(Decimal::new(cents, 2) * Decimal::new(bp, 4), 2);
        prop_assert_eq!(s.installments[0].interest, expected);
    }
}

proptest! {
    /// The two Actual/Actual counts agree on periods inside one year (30 December at the latest).
    #[test]
    fn act_act_variants_agree_within_a_year(year in 1990i32..2100, a in 0u32..363, len in 1u32..300) {
        let start = NaiveDate::from_yo_opt(year, 1).unwrap() + chrono::Duration::days(i64::from(a));
        let end = start + chrono::Duration::days(i64::from(len));
        let dec30 = NaiveDate::from_ymd_opt(year, 12, 30).unwrap();
        prop_assume!(end <= dec30);
        prop_assert_eq!(DayCount::ActActIsda.year_fraction(start, end), DayCount::ActActFineract.year_fraction(start, end));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// The batch prices a loan exactly as a quote does (APR, EIR and XIRR to the last decimal).
    #[test]
    fn batch_prices_like_a_quote(t in terms()) {
        use microcredit_tables::batch::{schedule_batch, BatchOptions};
        let b = schedule_batch(std::slice::from_ref(&t), BatchOptions::default().with_pricing(true)).unwrap();
        let summary = b.loans[0].as_ref().unwrap();
        let s = Schedule::generate(&t).unwrap();
        match (cost_of_credit(&s, &Convention::MFT_APR), cost_of_credit(&s, &Convention::MFT_EIR), cost_of_credit(&s, &Convention::XIRR)) {
            (Ok(apr), Ok(eir), Ok(xirr)) => {
                prop_assert_eq!(summary.apr, Some(apr.annual_rate));
                prop_assert_eq!(summary.eir, Some(eir.annual_rate));
                prop_assert_eq!(summary.xirr, Some(xirr.annual_rate));
            }
            _ => prop_assert!(summary.pricing_error.is_some() || summary.apr.is_some()),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, .. ProptestConfig::default() })]

    /// Fees, insurance and savings per installment, on a few loans scattered over a book of
    /// several batch tasks (2,048 loans each) or on none: the batch's sparse columns hold each
    /// loan's charges in its rows and zeros elsewhere, and have no values at all when no loan has
    /// such a charge.
    #[test]
    fn sparse_charges_land_in_their_rows(
        charged in proptest::collection::vec((0usize..5_000, 0usize..3), 0..6),
        n in 1u32..4,
    ) {
        use microcredit_tables::batch::{schedule_batch, BatchOptions};
        use microcredit::{CompulsorySavings, Insurance, InsuranceBasis};
        let plain = LoanTerms::builder(Decimal::new(50_000, 2), Currency::USD, InterestRate::per_year(Decimal::from(24)), n,
            Frequency::monthly(), NaiveDate::from_ymd_opt(2025, 3, 10).unwrap()).build().unwrap();
        let mut book = vec![plain; 5_000];
        for &(i, charge) in &charged {
            let t = &mut book[i];
            match charge {
                0 => t.fees = vec![Fee::per_installment(Decimal::new(125, 2))],
                1 => t.insurance = Some(Insurance { percent: Decimal::new(5, 1), basis: InsuranceBasis::OutstandingBalance, collect: Default::default() }),
                _ => t.savings = Some(CompulsorySavings { at_disbursement_percent: Decimal::ZERO, per_installment: Decimal::from(2) }),
            }
        }
        let cols = schedule_batch(&book, BatchOptions::default()).unwrap().installments;
        prop_assert_eq!(cols.len(), book.len() * n as usize);
        for (charge, col) in [&cols.fees, &cols.insurance, &cols.savings].into_iter().enumerate() {
            prop_assert_eq!(col.len(), cols.len());
            prop_assert_eq!(col.values().is_some(), charged.iter().any(|&(_, c)| c == charge));
        }
        let minor = |v: Decimal| { let mut v = v; v.rescale(2); v.mantissa() as i64 };
        for (row, &loan) in cols.loan.iter().enumerate() {
            let s = Schedule::generate(&book[loan as usize]).unwrap();
            let inst = &s.installments[cols.number[row] as usize - 1];
            prop_assert_eq!(cols.fees.get(row), Some(minor(inst.fees)));
            prop_assert_eq!(cols.insurance.get(row), Some(minor(inst.insurance)));
            prop_assert_eq!(cols.savings.get(row), Some(minor(inst.savings)));
            prop_assert_eq!(cols.total[row], minor(inst.total));
        }
    }
}
