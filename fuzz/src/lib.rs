//! Shared pieces of the fuzz targets: structured inputs that reach the core's real limits
//! (Decimal's MAX and MIN, chrono's first and last dates), and the invariants every schedule
//! must keep. A broken invariant panics, which libFuzzer reports as a crash with its input.

use arbitrary::{Arbitrary, Result as AResult, Unstructured};
use chrono::{Datelike, NaiveDate, Weekday};
use microcredit::{
    Amortization, AnnuityRates, BusinessDayRule, BusinessDays, Collection, CompulsorySavings, Currency, DayCount,
    DeferredInterest, Fee, FeeKind, Frequency, Insurance, InsuranceBasis, InterestBasis, InterestMethod, InterestRate,
    LoanTerms, MonthEnd, Quote, RatePeriod, RoundingMode, Schedule,
};
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// A Decimal from a 128-bit mantissa cut to Decimal's 96 bits and a scale 0..=28, so that
/// `Decimal::MAX`, `Decimal::MIN` and the smallest steps are all reachable.
pub fn decimal_from(mantissa: i128, scale: u32) -> Decimal {
    let magnitude = mantissa.unsigned_abs() & ((1u128 << 96) - 1);
    Decimal::from_parts(
        magnitude as u32,
        (magnitude >> 32) as u32,
        (magnitude >> 64) as u32,
        mantissa < 0,
        scale.min(28),
    )
}

/// An arbitrary Decimal: mostly everyday amounts (so the fuzzer gets deep into schedules), often a
/// value at a limit, otherwise any Decimal at all.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dec(pub Decimal);

/// Values at or near the limits that the checks in the core must handle.
const SPECIAL: &[(i128, u32)] = &[
    (0, 0),
    (1, 0),
    (-1, 0),
    (100, 0),
    (1000, 0),
    (1_000_000_000_000, 0),                     // the largest principal
    (100_000_000_000_001, 2),                   // just above it
    (1_000_000_000_000_000_000_000_000_000, 0), // 1e27
    (1, 28),                                    // the smallest step
    (1, 10),
    (1, 11),
    (79_228_162_514_264_337_593_543_950_335, 0),  // Decimal::MAX
    (-79_228_162_514_264_337_593_543_950_335, 0), // Decimal::MIN
    (79_228_162_514_264_337_593_543_950_335, 28),
];

impl<'a> Arbitrary<'a> for Dec {
    fn arbitrary(u: &mut Unstructured<'a>) -> AResult<Self> {
        Ok(Dec(match u.int_in_range(0u8..=9)? {
            0..=4 => Decimal::new(u.int_in_range(-1_000i64..=10_000_000)?, u.int_in_range(0u32..=4)?),
            5 | 6 => {
                let (m, s) = *u.choose(SPECIAL)?;
                decimal_from(m, s)
            }
            _ => decimal_from(u.arbitrary()?, u.int_in_range(0u32..=28)?),
        }))
    }
}

/// An arbitrary date: mostly this century, often within a few years of chrono's first or last
/// date (+262142-12-31, -262143-01-01), otherwise any date chrono has.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Date(pub NaiveDate);

impl<'a> Arbitrary<'a> for Date {
    fn arbitrary(u: &mut Unstructured<'a>) -> AResult<Self> {
        let (min, max) = (NaiveDate::MIN.num_days_from_ce(), NaiveDate::MAX.num_days_from_ce());
        let day = match u.int_in_range(0u8..=5)? {
            0..=2 => {
                NaiveDate::from_ymd_opt(2000, 1, 1).map_or(0, |d| d.num_days_from_ce()) + u.int_in_range(0..=20_000)?
            }
            3 => max - u.int_in_range(0..=1_500)?,
            4 => min + u.int_in_range(0..=1_500)?,
            _ => u.int_in_range(min..=max)?,
        };
        Ok(Date(NaiveDate::from_num_days_from_ce_opt(day).unwrap_or(NaiveDate::MIN)))
    }
}

fn pick<T: Copy>(selector: u8, values: &[T]) -> T {
    values[usize::from(selector) % values.len()]
}

/// Frequencies, with their numbers unchecked so that validation is exercised too.
#[derive(Debug, Clone, Arbitrary)]
pub enum FrequencyInput {
    /// Every N days.
    Days(u16),
    /// Every N weeks.
    Weeks(u16),
    /// Every N months.
    Months(u16, bool),
    /// Twice a month.
    SemiMonthly(u8, u8),
}

impl FrequencyInput {
    /// The frequency (numbers kept small most of the time).
    pub fn frequency(&self) -> Frequency {
        let every = |n: u16| if n < 0xF000 { u32::from(n % 13) } else { u32::from(n % 400) };
        match *self {
            FrequencyInput::Days(n) => Frequency::Days { every: every(n) },
            FrequencyInput::Weeks(n) => Frequency::Weeks { every: every(n) },
            FrequencyInput::Months(n, last) => Frequency::Months {
                every: every(n),
                month_end: if last { MonthEnd::LastDay } else { MonthEnd::SameDay },
            },
            FrequencyInput::SemiMonthly(a, b) => {
                Frequency::SemiMonthly { days: [u32::from(a % 33), u32::from(b % 33)] }
            }
        }
    }
}

/// A fee.
#[derive(Debug, Clone, Arbitrary)]
pub struct FeeInput {
    kind: bool,
    amount: Option<Dec>,
    percent: Option<Dec>,
    financed: bool,
}

/// Working days and holidays.
#[derive(Debug, Clone, Arbitrary)]
pub struct BusinessDaysInput {
    /// Bit k: weekday k (Monday = 0) is off.
    off: u8,
    /// Holidays as days after the disbursement (wrapping), or absolute dates.
    holidays: Vec<(u16, Option<Date>)>,
    rule: u8,
}

/// Loan terms as structured input: every field of the JSON form, values anywhere in their types'
/// ranges (dates across chrono's whole range, decimals up to MAX).
#[derive(Debug, Clone, Arbitrary)]
pub struct TermsInput {
    principal: Dec,
    currency: u8,
    rate: Dec,
    rate_per: u8,
    method: u8,
    amortization: u8,
    basis: u8,
    day_count: u8,
    annuity_rates: u8,
    installments: u16,
    frequency: FrequencyInput,
    disbursement: Date,
    /// Days from the disbursement to a broken first repayment date.
    first_repayment: Option<i16>,
    graces: [u8; 3],
    deferred: bool,
    installment_multiple: Option<Dec>,
    rounding: u8,
    fees: Vec<FeeInput>,
    insurance: Option<(Dec, bool, bool)>,
    savings: Option<(Dec, Dec)>,
    business_days: Option<BusinessDaysInput>,
}

const WEEKDAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

/// The typed parts of [`TermsInput`], as both the builder and the JSON form take them.
pub struct Parts {
    principal: Decimal,
    currency: Currency,
    rate: InterestRate,
    installments: u32,
    frequency: Frequency,
    disbursement: NaiveDate,
    method: InterestMethod,
    amortization: Amortization,
    basis: InterestBasis,
    day_count: DayCount,
    annuity_rates: AnnuityRates,
    first_repayment: Option<NaiveDate>,
    graces: [u32; 3],
    deferred: DeferredInterest,
    installment_multiple: Option<Decimal>,
    rounding: RoundingMode,
    fees: Vec<Fee>,
    insurance: Option<Insurance>,
    savings: Option<CompulsorySavings>,
    business_days: Option<BusinessDays>,
}

impl TermsInput {
    /// The typed parts.
    pub fn parts(&self) -> Parts {
        let currencies: Vec<Currency> = Currency::all().collect();
        let disbursement = self.disbursement.0;
        let installments = match self.installments {
            n if n < 0xC000 => u32::from(n % 37),
            n => u32::from(n % 1_300),
        };
        let business_days = self.business_days.as_ref().map(|b| {
            let off = (0..7).filter(|k| b.off & (1 << k) != 0).map(|k| WEEKDAYS[k]).collect();
            let holidays = b
                .holidays
                .iter()
                .take(16)
                .filter_map(|&(offset, date)| match date {
                    Some(d) => Some(d.0),
                    None => disbursement.checked_add_signed(chrono::Duration::days(i64::from(offset % 800))),
                })
                .collect();
            let rule = pick(
                b.rule,
                &[
                    BusinessDayRule::SameDay,
                    BusinessDayRule::Next,
                    BusinessDayRule::Previous,
                    BusinessDayRule::NextMeetingDay,
                ],
            );
            BusinessDays::new(off, holidays, rule)
        });
        Parts {
            principal: self.principal.0,
            currency: currencies[usize::from(self.currency) % currencies.len()],
            rate: InterestRate {
                percent: self.rate.0,
                per: pick(
                    self.rate_per,
                    &[RatePeriod::Year, RatePeriod::Month, RatePeriod::Week, RatePeriod::Day, RatePeriod::WholeTerm],
                ),
            },
            installments,
            frequency: self.frequency.frequency(),
            disbursement,
            method: pick(self.method, &[InterestMethod::DecliningBalance, InterestMethod::Flat]),
            amortization: pick(
                self.amortization,
                &[
                    Amortization::EqualInstallments,
                    Amortization::EqualPrincipal,
                    Amortization::SinglePayment,
                    Amortization::InterestOnlyBalloon,
                ],
            ),
            basis: pick(self.basis, &[InterestBasis::Period, InterestBasis::ActualDays]),
            day_count: pick(
                self.day_count,
                &[
                    DayCount::ActActIsda,
                    DayCount::ActActFineract,
                    DayCount::Act365Fixed,
                    DayCount::Act360,
                    DayCount::Thirty360,
                    DayCount::Act364,
                ],
            ),
            annuity_rates: pick(self.annuity_rates, &[AnnuityRates::Nominal, AnnuityRates::Actual]),
            first_repayment: self
                .first_repayment
                .and_then(|d| disbursement.checked_add_signed(chrono::Duration::days(i64::from(d)))),
            graces: self.graces.map(|g| if g < 200 { u32::from(g % 4) } else { u32::from(g) }),
            deferred: if self.deferred {
                DeferredInterest::Spread
            } else {
                DeferredInterest::FirstInstallmentAfterGrace
            },
            installment_multiple: self.installment_multiple.map(|d| d.0),
            rounding: pick(
                self.rounding,
                &[RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::Down, RoundingMode::Up],
            ),
            fees: self
                .fees
                .iter()
                .take(4)
                .map(|f| Fee {
                    name: None,
                    kind: if f.kind { FeeKind::PerInstallment } else { FeeKind::Upfront },
                    amount: f.amount.map(|d| d.0),
                    percent: f.percent.map(|d| d.0),
                    collect: if f.financed { Collection::Financed } else { Collection::Deducted },
                })
                .collect(),
            insurance: self.insurance.map(|(p, upfront, financed)| Insurance {
                percent: p.0,
                basis: if upfront { InsuranceBasis::PrincipalUpfront } else { InsuranceBasis::OutstandingBalance },
                collect: if financed { Collection::Financed } else { Collection::Deducted },
            }),
            savings: self
                .savings
                .map(|(at, per)| CompulsorySavings { at_disbursement_percent: at.0, per_installment: per.0 }),
            business_days,
        }
    }
}

impl Parts {
    /// Terms through [`LoanTerms::builder`].
    pub fn build(&self) -> microcredit::Result<LoanTerms> {
        LoanTerms::builder(
            self.principal,
            self.currency,
            self.rate,
            self.installments,
            self.frequency,
            self.disbursement,
        )
        .interest_method(self.method)
        .amortization(self.amortization)
        .interest_basis(self.basis)
        .day_count(self.day_count)
        .annuity_rates(self.annuity_rates)
        .first_repayment_date(self.first_repayment)
        .grace_on_principal(self.graces[0])
        .grace_on_interest_payment(self.graces[1])
        .interest_free_periods(self.graces[2])
        .deferred_interest(self.deferred)
        .installment_multiple(self.installment_multiple)
        .rounding(self.rounding)
        .fees(self.fees.clone())
        .insurance(self.insurance)
        .savings(self.savings)
        .business_days(self.business_days.clone())
        .build()
    }

    /// The same terms as JSON text (the form every binding sends).
    pub fn json(&self) -> String {
        let v = |x: &dyn erased::Ser| x.value();
        let mut terms = json!({
            "principal": self.principal.to_string(),
            "currency": v(&self.currency),
            "rate": {"percent": self.rate.percent.to_string(), "per": v(&self.rate.per)},
            "interest_method": v(&self.method),
            "amortization": v(&self.amortization),
            "interest_basis": v(&self.basis),
            "day_count": v(&self.day_count),
            "annuity_rates": v(&self.annuity_rates),
            "installments": self.installments,
            "frequency": v(&self.frequency),
            "disbursement_date": v(&self.disbursement),
            "first_repayment_date": v(&self.first_repayment),
            "grace_on_principal": self.graces[0],
            "grace_on_interest_payment": self.graces[1],
            "interest_free_periods": self.graces[2],
            "deferred_interest": v(&self.deferred),
            "rounding": v(&self.rounding),
            "fees": v(&self.fees),
            "insurance": v(&self.insurance),
            "savings": v(&self.savings),
            "business_days": v(&self.business_days),
        });
        if let (Some(m), Value::Object(map)) = (self.installment_multiple, &mut terms) {
            map.insert("installment_multiple".into(), Value::String(m.to_string()));
        }
        terms.to_string()
    }
}

mod erased {
    /// Any serializable value as JSON (a serializer error is a bug of the JSON form: it panics).
    pub trait Ser {
        fn value(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn value(&self) -> serde_json::Value {
            match serde_json::to_value(self) {
                Ok(v) => v,
                Err(e) => panic!("cannot write the JSON form: {e}"),
            }
        }
    }
}

/// Amount of a schedule in minor units.
pub fn minor(amount: Decimal, currency: Currency) -> i128 {
    let mut a = amount;
    a.rescale(currency.minor_units());
    assert_eq!(a, amount, "amount {amount} is not at the currency's minor unit");
    a.mantissa()
}

/// The invariants of every schedule of valid terms.
pub fn check_schedule(terms: &LoanTerms, s: &Schedule) {
    let cur = terms.currency;
    assert_eq!(s.currency, cur);
    assert_eq!(s.installments.len(), terms.installments as usize, "one row per installment");
    assert_eq!(s.disbursement.date, terms.disbursement_date);
    let loan = minor(s.disbursement.loan_amount, cur);
    assert!(loan > 0, "loan amount {loan} must be positive");
    let mut owed = loan;
    let mut principal_sum = 0i128;
    let mut previous = terms.disbursement_date;
    for i in &s.installments {
        assert!(
            i.due_date > terms.disbursement_date,
            "installment {} due {} is not after the disbursement {}",
            i.number,
            i.due_date,
            terms.disbursement_date
        );
        assert!(i.due_date >= previous, "installment {} due {} is before the one before it", i.number, i.due_date);
        assert_eq!(i64::from(i.days), (i.due_date - previous).num_days(), "days of installment {}", i.number);
        previous = i.due_date;
        let p = minor(i.principal, cur);
        for (what, x) in [
            ("principal", i.principal),
            ("interest", i.interest),
            ("fees", i.fees),
            ("insurance", i.insurance),
            ("savings", i.savings),
        ] {
            assert!(!x.is_sign_negative() || x.is_zero(), "installment {} has negative {what} {x}", i.number);
        }
        principal_sum += p;
        owed -= p;
        assert!(i.balance >= Decimal::ZERO, "installment {} leaves a negative balance {}", i.number, i.balance);
        assert_eq!(minor(i.balance, cur), owed, "balance after installment {}", i.number);
        assert_eq!(
            i.total,
            i.principal + i.interest + i.fees + i.insurance + i.savings,
            "total of installment {}",
            i.number
        );
    }
    assert_eq!(principal_sum, loan, "principal parts must sum exactly to the loan amount");
    assert_eq!(s.totals.principal, s.disbursement.loan_amount);
    assert_eq!(s.maturity_date(), previous);
}

/// Everything a valid set of terms goes through: validation, the JSON round trip, the schedule
/// and its invariants, and the quote.
pub fn exercise(terms: &LoanTerms) {
    if let Err(e) = terms.validate() {
        panic!("valid terms fail validation again: {e}");
    }
    let json = match terms.to_json() {
        Ok(j) => j,
        Err(e) => panic!("valid terms cannot be written: {e}"),
    };
    match LoanTerms::from_json(&json) {
        Ok(back) => assert_eq!(&back, terms, "terms change through their JSON form {json}"),
        Err(e) => panic!("terms written as {json} do not read back: {e}"),
    }
    let schedule = Schedule::generate(terms);
    if let Ok(s) = &schedule {
        check_schedule(terms, s);
        let text = s.to_json().unwrap_or_else(|e| panic!("schedule cannot be written: {e}"));
        let back: Schedule = serde_json::from_str(&text).unwrap_or_else(|e| panic!("schedule does not read back: {e}"));
        assert_eq!(&back, s, "schedule changes through its JSON form");
    }
    match Quote::new(terms) {
        Ok(q) => {
            assert_eq!(Some(&q.schedule), schedule.as_ref().ok(), "the quote's schedule is the schedule");
            let _ = q.to_json().unwrap_or_else(|e| panic!("quote cannot be written: {e}"));
        }
        Err(e) => check_error(&e),
    }
}

/// Errors name what went wrong within bounds: the kind is known and no value is echoed whole.
pub fn check_error(e: &microcredit::Error) {
    let _ = (e.kind(), e.code(), e.error_kind(), e.params());
    let spanish = e.message(microcredit::Lang::Es);
    if std::env::var_os("MICROCREDIT_FUZZ_STRICT_ERRORS").is_some() {
        for text in [e.to_string(), spanish] {
            let n = text.chars().count();
            assert!(n <= 1024, "error message of {n} characters: {}", text.chars().take(200).collect::<String>());
        }
    }
}
