//! The records whose shape differs from the core's (a frequency without arrays, holidays as a
//! list, no JSON `version` field, a cost whose convention is an enum rather than a name), with
//! plain field-by-field conversions both ways. No loan rule
//! lives here: validation is the core's `LoanTerms::validate`.

use chrono::Weekday;
use microcredit::{
    Amortization, AnnuityRates, BusinessDayRule, CompulsorySavings, CostBreakdown, CostOfCredit, Currency, DayCount,
    DeferredInterest, Disbursement, Fee, Installment, Insurance, InterestBasis, InterestMethod, InterestRate, MonthEnd,
    NamedConvention, RoundingMode, Totals,
};
use rust_decimal::Decimal;

use crate::MicrocreditError;
use crate::types::LocalDate;

/// How often installments fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Frequency {
    /// Every `every` days.
    Days {
        /// Days between installments.
        every: u32,
    },
    /// Every `every` weeks.
    Weeks {
        /// Weeks between installments.
        every: u32,
    },
    /// Every `every` months.
    Months {
        /// Months between installments.
        every: u32,
        /// What happens when the loan starts on a month end.
        month_end: MonthEnd,
    },
    /// Twice a month, on two days of the month (e.g. the 1st and the 15th).
    SemiMonthly {
        /// The earlier day of the month.
        first_day: u32,
        /// The later day of the month.
        second_day: u32,
    },
}

impl From<Frequency> for microcredit::Frequency {
    fn from(f: Frequency) -> Self {
        match f {
            Frequency::Days { every } => microcredit::Frequency::Days { every },
            Frequency::Weeks { every } => microcredit::Frequency::Weeks { every },
            Frequency::Months { every, month_end } => microcredit::Frequency::Months { every, month_end },
            Frequency::SemiMonthly { first_day, second_day } => {
                microcredit::Frequency::SemiMonthly { days: [first_day, second_day] }
            }
        }
    }
}

impl From<microcredit::Frequency> for Frequency {
    fn from(f: microcredit::Frequency) -> Self {
        match f {
            microcredit::Frequency::Days { every } => Frequency::Days { every },
            microcredit::Frequency::Weeks { every } => Frequency::Weeks { every },
            microcredit::Frequency::Months { every, month_end } => Frequency::Months { every, month_end },
            microcredit::Frequency::SemiMonthly { days: [first_day, second_day] } => {
                Frequency::SemiMonthly { first_day, second_day }
            }
        }
    }
}

/// Working days and holidays: due dates on other days move by `rule`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BusinessDays {
    /// Days of the week with no collection (e.g. Saturday and Sunday).
    #[uniffi(default = [])]
    pub non_working_weekdays: Vec<Weekday>,
    /// Public holidays.
    #[uniffi(default = [])]
    pub holidays: Vec<LocalDate>,
    /// How a due date on a non-working day moves.
    pub rule: BusinessDayRule,
}

impl From<BusinessDays> for microcredit::BusinessDays {
    fn from(b: BusinessDays) -> Self {
        microcredit::BusinessDays::new(b.non_working_weekdays, b.holidays, b.rule)
    }
}

impl From<microcredit::BusinessDays> for BusinessDays {
    fn from(b: microcredit::BusinessDays) -> Self {
        BusinessDays {
            non_working_weekdays: b.non_working_weekdays,
            holidays: b.holidays.into_iter().collect(),
            rule: b.rule,
        }
    }
}

/// The terms of one loan: every option of the engine. `loanTermsWithDefaults(...)` fills the
/// options with the engine's defaults; change them with `copy(...)`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LoanTerms {
    /// The amount lent, in `currency`.
    pub principal: Decimal,
    /// ISO 4217 code of the loan's currency (e.g. `USD`).
    pub currency: Currency,
    /// The nominal rate and its period.
    pub rate: InterestRate,
    /// Number of installments.
    pub installments: u32,
    /// How often installments fall due.
    pub frequency: Frequency,
    /// When the family receives the money.
    pub disbursement_date: LocalDate,
    /// A first due date other than one period after disbursement (a broken first period).
    #[uniffi(default = None)]
    pub first_repayment_date: Option<LocalDate>,
    /// Declining balance or flat.
    pub interest_method: InterestMethod,
    /// How principal is repaid.
    pub amortization: Amortization,
    /// Interest by period or by actual days.
    pub interest_basis: InterestBasis,
    /// Day count (and year length).
    pub day_count: DayCount,
    /// Which periodic rates the equal installment is computed from.
    pub annuity_rates: AnnuityRates,
    /// First installments that pay no principal.
    #[uniffi(default = 0)]
    pub grace_on_principal: u32,
    /// First periods whose interest is charged but paid later.
    #[uniffi(default = 0)]
    pub grace_on_interest_payment: u32,
    /// When deferred interest is paid.
    pub deferred_interest: DeferredInterest,
    /// First periods in which no interest accrues.
    #[uniffi(default = 0)]
    pub interest_free_periods: u32,
    /// Installments rounded to a multiple (e.g. 1 or 0.05); the last takes the remainder.
    #[uniffi(default = None)]
    pub installment_multiple: Option<Decimal>,
    /// How amounts are rounded to the currency's minor unit.
    pub rounding: RoundingMode,
    /// Fees.
    #[uniffi(default = [])]
    pub fees: Vec<Fee>,
    /// Credit-life insurance.
    #[uniffi(default = None)]
    pub insurance: Option<Insurance>,
    /// Compulsory savings.
    #[uniffi(default = None)]
    pub savings: Option<CompulsorySavings>,
    /// Working days and holidays.
    #[uniffi(default = None)]
    pub business_days: Option<BusinessDays>,
}

impl From<LoanTerms> for microcredit::LoanTerms {
    fn from(t: LoanTerms) -> Self {
        microcredit::LoanTerms {
            version: microcredit::JSON_VERSION,
            principal: t.principal,
            currency: t.currency,
            rate: t.rate,
            interest_method: t.interest_method,
            amortization: t.amortization,
            interest_basis: t.interest_basis,
            day_count: t.day_count,
            annuity_rates: t.annuity_rates,
            installments: t.installments,
            frequency: t.frequency.into(),
            disbursement_date: t.disbursement_date,
            first_repayment_date: t.first_repayment_date,
            grace_on_principal: t.grace_on_principal,
            grace_on_interest_payment: t.grace_on_interest_payment,
            deferred_interest: t.deferred_interest,
            interest_free_periods: t.interest_free_periods,
            installment_multiple: t.installment_multiple,
            rounding: t.rounding,
            fees: t.fees,
            insurance: t.insurance,
            savings: t.savings,
            business_days: t.business_days.map(Into::into),
        }
    }
}

impl From<microcredit::LoanTerms> for LoanTerms {
    fn from(t: microcredit::LoanTerms) -> Self {
        LoanTerms {
            principal: t.principal,
            currency: t.currency,
            rate: t.rate,
            installments: t.installments,
            frequency: t.frequency.into(),
            disbursement_date: t.disbursement_date,
            first_repayment_date: t.first_repayment_date,
            interest_method: t.interest_method,
            amortization: t.amortization,
            interest_basis: t.interest_basis,
            day_count: t.day_count,
            annuity_rates: t.annuity_rates,
            grace_on_principal: t.grace_on_principal,
            grace_on_interest_payment: t.grace_on_interest_payment,
            deferred_interest: t.deferred_interest,
            interest_free_periods: t.interest_free_periods,
            installment_multiple: t.installment_multiple,
            rounding: t.rounding,
            fees: t.fees,
            insurance: t.insurance,
            savings: t.savings,
            business_days: t.business_days.map(Into::into),
        }
    }
}

/// The installments a family will pay, to the cent.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Schedule {
    /// The loan's currency.
    pub currency: Currency,
    /// How often installments fall due.
    pub frequency: Frequency,
    /// What happens on the disbursement date.
    pub disbursement: Disbursement,
    /// The installments, in order.
    pub installments: Vec<Installment>,
    /// Compulsory savings refunded with the last installment.
    pub savings_refund: Decimal,
    /// Sums over the installments.
    pub totals: Totals,
}

impl From<microcredit::Schedule> for Schedule {
    fn from(s: microcredit::Schedule) -> Self {
        Schedule {
            currency: s.currency,
            frequency: s.frequency.into(),
            disbursement: s.disbursement,
            installments: s.installments,
            savings_refund: s.savings_refund,
            totals: s.totals,
        }
    }
}

impl From<Schedule> for microcredit::Schedule {
    fn from(s: Schedule) -> Self {
        microcredit::Schedule {
            version: microcredit::JSON_VERSION,
            currency: s.currency,
            frequency: s.frequency.into(),
            disbursement: s.disbursement,
            installments: s.installments,
            savings_refund: s.savings_refund,
            totals: s.totals,
        }
    }
}

/// The true cost of a loan under one named convention. In Kotlin:
/// `q.costs.first { it.convention == NamedConvention.MFT_APR }.percent`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Cost {
    /// The convention.
    pub convention: NamedConvention,
    /// The annual rate as a fraction (0.4213 = 42.13 %), to 10 decimals.
    pub annual_rate: Decimal,
    /// The rate per installment period, as a fraction.
    pub periodic_rate: Decimal,
    /// The annual rate in percent, rounded as the convention displays it.
    pub percent: Decimal,
}

impl TryFrom<CostOfCredit> for Cost {
    type Error = MicrocreditError;
    /// Fails for a name no convention has (a quote read from JSON written elsewhere).
    fn try_from(c: CostOfCredit) -> Result<Self, MicrocreditError> {
        let convention = NamedConvention::ALL.into_iter().find(|n| n.name() == c.convention).ok_or_else(|| {
            MicrocreditError::unreadable("costs.convention", &c.convention, microcredit::Reason::UnknownConvention)
        })?;
        Ok(Cost { convention, annual_rate: c.annual_rate, periodic_rate: c.periodic_rate, percent: c.percent })
    }
}

impl From<Cost> for CostOfCredit {
    fn from(c: Cost) -> Self {
        CostOfCredit {
            convention: c.convention.name().to_string(),
            annual_rate: c.annual_rate,
            periodic_rate: c.periodic_rate,
            percent: c.percent,
        }
    }
}

/// What a field officer shows a family before it signs: the schedule and the true cost of the
/// loan under every named convention, from one call.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Quote {
    /// The terms quoted.
    pub terms: LoanTerms,
    /// Their schedule.
    pub schedule: Schedule,
    /// The cost under each named convention, in the core's order (`NamedConvention` order).
    pub costs: Vec<Cost>,
    /// The cost by component and the APR layer by layer.
    pub breakdown: CostBreakdown,
}

impl TryFrom<microcredit::Quote> for Quote {
    type Error = MicrocreditError;
    fn try_from(q: microcredit::Quote) -> Result<Self, MicrocreditError> {
        let costs = q.costs.into_iter().map(Cost::try_from).collect::<Result<Vec<_>, _>>()?;
        Ok(Quote { terms: q.terms.into(), schedule: q.schedule.into(), costs, breakdown: q.breakdown })
    }
}

impl From<Quote> for microcredit::Quote {
    fn from(q: Quote) -> Self {
        microcredit::Quote {
            terms: q.terms.into(),
            schedule: q.schedule.into(),
            costs: q.costs.into_iter().map(CostOfCredit::from).collect(),
            breakdown: q.breakdown,
        }
    }
}
