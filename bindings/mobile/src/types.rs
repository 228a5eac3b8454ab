//! How the core's types cross the boundary: custom types for money, dates, weekdays and
//! currencies, and the core's plain enums and records described to uniffi as remote types (no copy
//! of their rules, only their shape).
//!
//! Every `try_lift` fails with [`MicrocreditError`], and every export that takes one of these types
//! returns `Result<_, MicrocreditError>`, so bad input from Kotlin is a typed
//! `MicrocreditException`, never an `InternalException`.

use chrono::{NaiveDate, Weekday};
use microcredit::{
    Amortization, AnnuityRates, BusinessDayRule, Collection, CompulsorySavings, CostBreakdown, Currency, DayCount,
    DeferredInterest, Disbursement, Fee, FeeKind, Installment, Insurance, InsuranceBasis, InterestBasis,
    InterestMethod, InterestRate, MonthEnd, NamedConvention, RatePeriod, RoundingMode, Totals,
};
use rust_decimal::Decimal;

use crate::error::MicrocreditError;

/// A calendar date; Kotlin `java.time.LocalDate` (ISO `YYYY-MM-DD` across the boundary).
pub type LocalDate = NaiveDate;

/// Decimal text from the other side, read exactly: more than the 28 significant digits a decimal
/// holds is refused, never rounded (`"1000.000000000000000000000000001"` is not 1000).
fn parse_decimal(text: &str) -> Result<Decimal, MicrocreditError> {
    microcredit::money::parse_decimal_exact(text)
        .ok_or_else(|| MicrocreditError::unreadable("decimal", text, microcredit::Reason::NotADecimal))
}

fn parse_date(text: &str) -> Result<NaiveDate, MicrocreditError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| MicrocreditError::unreadable("date", text, microcredit::Reason::NotADate))
}

fn weekday_from_iso(n: u8) -> Result<Weekday, MicrocreditError> {
    n.checked_sub(1).and_then(|d| Weekday::try_from(d).ok()).ok_or_else(|| {
        MicrocreditError::unreadable(
            "weekday",
            &n.to_string(),
            microcredit::Reason::Between { min: "1 (Monday)".into(), max: "7 (Sunday)".into() },
        )
    })
}

/// An ISO 4217 code; an unknown one is `UnknownCurrency`, echoing at most a bounded prefix.
fn parse_currency(code: &str) -> Result<Currency, MicrocreditError> {
    Ok(Currency::from_code(code)?)
}

// Money: an exact decimal; Kotlin `java.math.BigDecimal`, lowered with `toPlainString()`.
uniffi::custom_type!(Decimal, String, {
    remote,
    try_lift: |text| Ok(parse_decimal(&text)?),
    lower: |value| value.to_string(),
});

// Dates: Kotlin `java.time.LocalDate`.
uniffi::custom_type!(LocalDate, String, {
    remote,
    try_lift: |text| Ok(parse_date(&text)?),
    lower: |value| value.format("%Y-%m-%d").to_string(),
});

// Weekdays: Kotlin `java.time.DayOfWeek` (ISO number 1 = Monday across the boundary).
uniffi::custom_type!(Weekday, u8, {
    remote,
    try_lift: |n| Ok(weekday_from_iso(n)?),
    lower: |day| day.number_from_monday() as u8,
});

// Currencies: the ISO 4217 code; Kotlin `String`. An unknown code is `UnknownCurrency`.
uniffi::custom_type!(Currency, String, {
    remote,
    try_lift: |code| Ok(parse_currency(&code)?),
    lower: |currency| currency.code().to_string(),
});

/// The period a nominal rate is quoted for.
#[uniffi::remote(Enum)]
pub enum RatePeriod {
    /// Per year.
    Year,
    /// Per month.
    Month,
    /// Per week.
    Week,
    /// Per day.
    Day,
    /// For the whole term of the loan.
    WholeTerm,
}

/// On what balance interest is charged.
#[uniffi::remote(Enum)]
pub enum InterestMethod {
    /// On the balance still owed.
    DecliningBalance,
    /// On the original principal for the whole term.
    Flat,
}

/// How principal is repaid.
#[uniffi::remote(Enum)]
pub enum Amortization {
    /// Equal installments (annuity).
    EqualInstallments,
    /// Equal principal parts.
    EqualPrincipal,
    /// Everything at maturity.
    SinglePayment,
    /// Interest each period, principal with the last installment.
    InterestOnlyBalloon,
}

/// How the interest of one period is measured.
#[uniffi::remote(Enum)]
pub enum InterestBasis {
    /// One repayment period at the periodic rate.
    Period,
    /// The period's actual days under the day count.
    ActualDays,
}

/// Which periodic rates the equal installment (annuity) is computed from.
#[uniffi::remote(Enum)]
pub enum AnnuityRates {
    /// The nominal periodic rate for every period (Fineract's cumulative engine).
    Nominal,
    /// Each period's own rate by its days (Fineract's progressive engine).
    Actual,
}

/// When interest deferred by a grace on interest payment is paid.
#[uniffi::remote(Enum)]
pub enum DeferredInterest {
    /// All of it with the first installment after the grace.
    FirstInstallmentAfterGrace,
    /// Spread over the installments after the grace.
    Spread,
}

/// Day count (and year length).
#[uniffi::remote(Enum)]
pub enum DayCount {
    /// Actual/Actual ISDA.
    ActActIsda,
    /// Actual/Actual split at 31 December (Fineract's progressive engine).
    ActActFineract,
    /// Actual/365 fixed.
    Act365Fixed,
    /// Actual/360.
    Act360,
    /// 30/360.
    Thirty360,
    /// Actual/364.
    Act364,
}

/// How amounts are rounded to the currency's minor unit.
#[uniffi::remote(Enum)]
pub enum RoundingMode {
    /// Ties to even.
    HalfEven,
    /// Ties away from zero.
    HalfUp,
    /// Toward zero.
    Down,
    /// Away from zero.
    Up,
}

/// Monthly due dates when the loan starts on a month end.
#[uniffi::remote(Enum)]
pub enum MonthEnd {
    /// Keep the same day number.
    SameDay,
    /// Stay on the last day of the month.
    LastDay,
}

/// How a due date on a non-working day moves.
#[uniffi::remote(Enum)]
pub enum BusinessDayRule {
    /// It does not move.
    SameDay,
    /// To the next working day.
    Next,
    /// To the previous working day.
    Previous,
    /// To the next meeting day.
    NextMeetingDay,
}

/// When a fee is charged.
#[uniffi::remote(Enum)]
pub enum FeeKind {
    /// Once, at disbursement.
    Upfront,
    /// With every installment.
    PerInstallment,
}

/// How an upfront charge is collected.
#[uniffi::remote(Enum)]
pub enum Collection {
    /// Withheld from the disbursement.
    Deducted,
    /// Added to the loan balance.
    Financed,
}

/// What a credit-life insurance premium is charged on.
#[uniffi::remote(Enum)]
pub enum InsuranceBasis {
    /// Each period, on the balance at its start.
    OutstandingBalance,
    /// Once, on the principal, at disbursement.
    PrincipalUpfront,
}

/// A nominal interest rate in percent, with the period it is quoted for.
#[uniffi::remote(Record)]
pub struct InterestRate {
    /// The rate in percent (12 means 12 %).
    pub percent: Decimal,
    /// The period it is quoted for.
    pub per: RatePeriod,
}

/// A fee: give exactly one of `amount` and `percent` (of the principal).
#[uniffi::remote(Record)]
pub struct Fee {
    /// A label for the fee; never personal data.
    #[uniffi(default = None)]
    pub name: Option<String>,
    /// Upfront or per installment.
    pub kind: FeeKind,
    /// A flat amount in the loan's currency.
    #[uniffi(default = None)]
    pub amount: Option<Decimal>,
    /// A percent of the principal.
    #[uniffi(default = None)]
    pub percent: Option<Decimal>,
    /// For upfront fees: deducted from the disbursement or financed.
    pub collect: Collection,
}

/// Credit-life insurance.
#[uniffi::remote(Record)]
pub struct Insurance {
    /// Premium in percent.
    pub percent: Decimal,
    /// What the premium is charged on.
    pub basis: InsuranceBasis,
    /// For an upfront premium: deducted or financed.
    pub collect: Collection,
}

/// Compulsory savings, refunded with the last installment.
#[uniffi::remote(Record)]
pub struct CompulsorySavings {
    /// Percent of the principal withheld at disbursement.
    pub at_disbursement_percent: Decimal,
    /// A flat amount saved with every installment.
    pub per_installment: Decimal,
}

/// One installment of a schedule.
#[uniffi::remote(Record)]
pub struct Installment {
    /// 1-based number.
    pub number: u32,
    /// Due date.
    pub due_date: LocalDate,
    /// Days in the period.
    pub days: u32,
    /// Principal part.
    pub principal: Decimal,
    /// Interest part.
    pub interest: Decimal,
    /// Fees due with it.
    pub fees: Decimal,
    /// Insurance premium due with it.
    pub insurance: Decimal,
    /// Compulsory savings due with it.
    pub savings: Decimal,
    /// Everything due.
    pub total: Decimal,
    /// Principal balance after it.
    pub balance: Decimal,
}

/// Sums over the installments.
#[uniffi::remote(Record)]
pub struct Totals {
    /// Principal.
    pub principal: Decimal,
    /// Interest.
    pub interest: Decimal,
    /// Fees paid with installments.
    pub fees: Decimal,
    /// Insurance paid with installments.
    pub insurance: Decimal,
    /// Savings paid with installments.
    pub savings: Decimal,
    /// Everything paid with installments.
    pub total: Decimal,
}

/// What happens on the disbursement date.
#[uniffi::remote(Record)]
pub struct Disbursement {
    /// The date.
    pub date: LocalDate,
    /// The amount lent (including financed charges).
    pub loan_amount: Decimal,
    /// Fees withheld.
    pub fees: Decimal,
    /// Insurance withheld.
    pub insurance: Decimal,
    /// Savings withheld.
    pub savings: Decimal,
    /// What the family receives in hand.
    pub net_amount: Decimal,
}

/// The conventions under which a quote is priced (Kotlin `NamedConvention.MFT_APR`, ...): pick
/// one by name in code, never by its position in a list or by a string.
#[uniffi::remote(Enum)]
pub enum NamedConvention {
    /// MFTransparency APR: periodic IRR × periods per year.
    MftApr,
    /// MFTransparency EIR: (1 + periodic IRR)^periods per year − 1.
    MftEir,
    /// Excel XIRR over actual days / 365.
    XirrAct365,
    /// EU APRC (Consumer Credit Directive, Annex I).
    EuAprc,
    /// EU APRC with calendar-exact time.
    EuAprcCalendar,
    /// US Regulation Z APR (Appendix J).
    UsRegZ,
    /// Ecuador's TEA (effective annual rate of the interest).
    EcuadorTea,
    /// Peru's TCEA (effective annual cost rate, 360-day year).
    PeruTcea,
    /// Mexico's CAT (costo anual total).
    MexicoCat,
}

/// The cost of a loan by component, and the APR layer by layer.
#[uniffi::remote(Record)]
pub struct CostBreakdown {
    /// Total interest.
    pub interest: Decimal,
    /// Total fees.
    pub fees: Decimal,
    /// Total insurance.
    pub insurance: Decimal,
    /// Savings held (refunded).
    pub savings_held: Decimal,
    /// Interest + fees + insurance.
    pub total_cost: Decimal,
    /// APR with interest only, in percent.
    pub apr_interest: Decimal,
    /// APR with interest and fees.
    pub apr_with_fees: Decimal,
    /// APR with interest, fees and insurance.
    pub apr_with_insurance: Decimal,
    /// APR with everything, savings included.
    pub apr_all_in: Decimal,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn decimals_are_read_exactly_or_refused() {
        assert_eq!(parse_decimal("1000.50").unwrap().to_string(), "1000.50");
        assert_eq!(parse_decimal("1E+3").unwrap().to_string(), "1000");
        assert_eq!(parse_decimal("79228162514264337593543950335").unwrap(), Decimal::MAX);
        // 29 significant digits: `str::parse` would round it to 1000.
        for text in ["1000.000000000000000000000000001", "1E+40", "79228162514264337593543950336", "", "NaN"] {
            let e = parse_decimal(text).unwrap_err();
            assert!(matches!(e, MicrocreditError::Validation { ref field, .. } if field == "decimal"), "{text}: {e:?}");
        }
    }

    #[test]
    fn dates_up_to_chronos_limits() {
        assert_eq!(parse_date("+262142-12-29").unwrap().to_string(), "+262142-12-29");
        assert!(parse_date("-262143-01-01").is_ok());
        assert!(parse_date("+262143-01-01").is_err());
        assert!(parse_date("-999999999-01-01").is_err());
        assert!(parse_date("+999999999-12-31").is_err());
    }

    #[test]
    fn huge_text_is_echoed_as_a_bounded_prefix() {
        let huge = "9".repeat(10 << 20);
        let bound = microcredit::error::ECHO_LIMIT + 3;
        for e in [parse_decimal(&huge).unwrap_err(), parse_date(&huge).unwrap_err(), parse_currency(&huge).unwrap_err()]
        {
            let (field, value) = match &e {
                MicrocreditError::Validation { field, value, .. } => (field.as_str(), value),
                MicrocreditError::UnknownCurrency { code, .. } => ("currency", code),
                other => panic!("unexpected {other:?}"),
            };
            assert!(value.chars().count() <= bound, "{field}: {} chars", value.len());
            assert!(e.to_string().len() < 1_000, "{field}: message of {} bytes", e.to_string().len());
        }
        assert!(matches!(weekday_from_iso(0), Err(MicrocreditError::Validation { .. })));
        assert!(matches!(weekday_from_iso(u8::MAX), Err(MicrocreditError::Validation { .. })));
    }
}
