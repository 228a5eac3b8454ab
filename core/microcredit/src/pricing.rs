//! Pricing: the true cost of credit from the family's cash flows.
//!
//! A [`Convention`] is a named combination of four parts — which cash flows count, how time is
//! measured, how the period rate is annualised, how the result is rounded for display — so a
//! regulator's disclosure is a configuration, not new code. Shipped: MFTransparency APR and EIR,
//! Excel-style XIRR, the EU APRC, US Regulation Z, Ecuador's TEA, Peru's TCEA (SBS) and Mexico's
//! CAT (Banxico). Sources and caveats are documented on each constant.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::Frequency;
use crate::error::{Error, Lang, Reason, Result};
use crate::money::RoundingMode;
use crate::schedule::Schedule;
use crate::solver::{self, Discount, Flow};

/// What a cash flow pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// The loan amount received, or principal repaid.
    Principal,
    /// Interest.
    Interest,
    /// Fees (upfront or per installment).
    Fee,
    /// Credit-life insurance premiums.
    Insurance,
    /// Compulsory savings deposited (negative) or refunded (positive).
    Savings,
}

/// One dated cash flow from the family's side: positive when the family receives money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashFlow {
    /// Date of the flow.
    pub date: NaiveDate,
    /// 0 for the disbursement, else the installment number.
    pub period: u32,
    /// Amount, positive when received by the family.
    #[serde(with = "crate::money::exact")]
    pub amount: Decimal,
    /// What it pays for.
    pub component: Component,
}

/// Every cash flow of a schedule, split by component, from the family's side.
///
/// ```
/// use microcredit::{LoanTerms, Schedule, client_cash_flows, Component};
/// let terms = LoanTerms::from_json(r#"{"principal": "1000", "currency": "USD",
///   "rate": {"percent": "12"}, "installments": 2, "frequency": {"unit": "months", "every": 1},
///   "disbursement_date": "2025-01-15", "fees": [{"kind": "upfront", "amount": "20"}]}"#)?;
/// let flows = client_cash_flows(&Schedule::generate(&terms)?);
/// let received: rust_decimal::Decimal = flows.iter().filter(|f| f.period == 0).map(|f| f.amount).sum();
/// assert_eq!(received.to_string(), "980.00");
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn client_cash_flows(s: &Schedule) -> Vec<CashFlow> {
    let d = &s.disbursement;
    let mut out = Vec::with_capacity(4 + s.installments.len() * 5);
    let mut push = |date, period, amount: Decimal, component| {
        if !amount.is_zero() {
            out.push(CashFlow { date, period, amount, component });
        }
    };
    push(d.date, 0, d.loan_amount, Component::Principal);
    push(d.date, 0, -d.fees, Component::Fee);
    push(d.date, 0, -d.insurance, Component::Insurance);
    push(d.date, 0, -d.savings, Component::Savings);
    for i in &s.installments {
        push(i.due_date, i.number, -i.principal, Component::Principal);
        push(i.due_date, i.number, -i.interest, Component::Interest);
        push(i.due_date, i.number, -i.fees, Component::Fee);
        push(i.due_date, i.number, -i.insurance, Component::Insurance);
        push(i.due_date, i.number, -i.savings, Component::Savings);
    }
    push(s.maturity_date(), s.installments.len() as u32, s.savings_refund, Component::Savings);
    out
}

/// Which cash flows a convention counts (principal and interest always count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Inclusion {
    /// Fees.
    pub fees: bool,
    /// Insurance premiums.
    pub insurance: bool,
    /// Compulsory savings deposits and their refund.
    pub savings: bool,
}

impl Inclusion {
    /// Interest only.
    pub const INTEREST: Inclusion = Inclusion { fees: false, insurance: false, savings: false };
    /// Interest and fees.
    pub const INTEREST_FEES: Inclusion = Inclusion { fees: true, insurance: false, savings: false };
    /// Interest, fees and insurance.
    pub const INTEREST_FEES_INSURANCE: Inclusion = Inclusion { fees: true, insurance: true, savings: false };
    /// Everything that reduces the money the family has (MFTransparency).
    pub const ALL: Inclusion = Inclusion { fees: true, insurance: true, savings: true };
}

/// How the time of each cash flow is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TimeMeasure {
    /// Installment periods, all equal (MFTransparency, Excel RATE/IRR, Mexico's CAT grid k/m).
    Periods,
    /// Actual days over a year of `year_days` (XIRR: 365; Peru's TCEA: 360).
    ActualDays {
        /// Days in a year.
        year_days: u32,
    },
    /// EU CCD Annex I: whole months as twelfths, whole weeks as 52nds, other days over 365 (366
    /// when the flow's year is a leap year).
    EuAnnex,
    /// US Reg Z Appendix J: unit periods of the repayment frequency, the odd days of a broken first
    /// period as a fraction of a unit period (months of 30 days) with simple interest.
    UnitPeriods,
    /// Whole calendar years, then days over 365 (366 in a leap year) (Directive 98/7/EC Annex III A).
    CalendarYears,
}

/// How the rate found per unit of time becomes an annual rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Annualisation {
    /// Periodic rate × periods per year (APR).
    Nominal,
    /// (1 + periodic rate)^periods per year − 1 (EIR, TEA, TCEA, CAT, APRC).
    Effective,
}

/// How the headline percentage is rounded for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DisplayRounding {
    /// Decimal places of the percentage.
    pub decimals: u32,
    /// Rounding mode.
    pub mode: RoundingMode,
}

/// A named cost-of-credit convention: flows, time, annualisation, display.
///
/// ```
/// use microcredit::Convention;
/// let c = Convention::by_name("peru_tcea")?;
/// assert!(c.flows.insurance && !c.flows.savings);
/// # Ok::<(), microcredit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Convention {
    /// Stable name, e.g. `mft_apr`.
    pub name: &'static str,
    /// Which flows count.
    pub flows: Inclusion,
    /// How time is measured.
    pub time: TimeMeasure,
    /// How the rate is annualised.
    pub annualisation: Annualisation,
    /// How the percentage is displayed.
    pub display: DisplayRounding,
}

const TWO_DP: DisplayRounding = DisplayRounding { decimals: 2, mode: RoundingMode::HalfUp };
const ONE_DP: DisplayRounding = DisplayRounding { decimals: 1, mode: RoundingMode::HalfUp };

impl Convention {
    /// MFTransparency APR: IRR of all the family's flows per installment period × periods per
    /// year (Tucker 2000; MFT "Interest Rate Formulas" 2012).
    pub const MFT_APR: Convention = Convention {
        name: "mft_apr",
        flows: Inclusion::ALL,
        time: TimeMeasure::Periods,
        annualisation: Annualisation::Nominal,
        display: TWO_DP,
    };
    /// MFTransparency EIR: (1 + periodic IRR)^periods per year − 1.
    pub const MFT_EIR: Convention = Convention {
        name: "mft_eir",
        flows: Inclusion::ALL,
        time: TimeMeasure::Periods,
        annualisation: Annualisation::Effective,
        display: TWO_DP,
    };
    /// Excel XIRR over actual days / 365: an effective annual rate of all flows.
    pub const XIRR: Convention = Convention {
        name: "xirr_act365",
        flows: Inclusion::ALL,
        time: TimeMeasure::ActualDays { year_days: 365 },
        annualisation: Annualisation::Effective,
        display: TWO_DP,
    };
    /// EU APRC (Directive 2008/48/EC Annex I): effective, interest, fees and compulsory insurance,
    /// shown to one decimal, half up.
    pub const EU_APRC: Convention = Convention {
        name: "eu_aprc",
        flows: Inclusion::INTEREST_FEES_INSURANCE,
        time: TimeMeasure::EuAnnex,
        annualisation: Annualisation::Effective,
        display: ONE_DP,
    };
    /// EU APRC on the calendar basis of Directive 98/7/EC Annex III A (whole years, then days).
    pub const EU_APRC_CALENDAR: Convention = Convention {
        name: "eu_aprc_calendar",
        flows: Inclusion::INTEREST_FEES_INSURANCE,
        time: TimeMeasure::CalendarYears,
        annualisation: Annualisation::Effective,
        display: ONE_DP,
    };
    /// US Regulation Z Appendix J: unit-period rate × unit periods a year, with odd days.
    pub const US_REG_Z: Convention = Convention {
        name: "us_reg_z",
        flows: Inclusion::INTEREST_FEES,
        time: TimeMeasure::UnitPeriods,
        annualisation: Annualisation::Nominal,
        display: TWO_DP,
    };
    /// Ecuador's TEA (BCE): (1 + i/m)^m − 1 of the interest flows; commissions are barred on
    /// Ecuadorian credit, so fees would show only in the all-in rates.
    pub const ECUADOR_TEA: Convention = Convention {
        name: "ecuador_tea",
        flows: Inclusion::INTEREST,
        time: TimeMeasure::Periods,
        annualisation: Annualisation::Effective,
        display: TWO_DP,
    };
    /// Peru's TCEA (SBS, Res. 3274-2017): interest, commissions and insurance (ITF excluded),
    /// time in actual days over a 360-day year, (1 + i)^(360/d) − 1.
    pub const PERU_TCEA: Convention = Convention {
        name: "peru_tcea",
        flows: Inclusion::INTEREST_FEES_INSURANCE,
        time: TimeMeasure::ActualDays { year_days: 360 },
        annualisation: Annualisation::Effective,
        display: TWO_DP,
    };
    /// Mexico's CAT (Banxico, Circular 21/2009), without IVA: interest, commissions and required
    /// insurance; time as k/m years on the payment grid; one decimal.
    pub const MEXICO_CAT: Convention = Convention {
        name: "mexico_cat",
        flows: Inclusion::INTEREST_FEES_INSURANCE,
        time: TimeMeasure::Periods,
        annualisation: Annualisation::Effective,
        display: ONE_DP,
    };

    /// Every named convention.
    pub const ALL: [Convention; 9] = [
        Convention::MFT_APR,
        Convention::MFT_EIR,
        Convention::XIRR,
        Convention::EU_APRC,
        Convention::EU_APRC_CALENDAR,
        Convention::US_REG_Z,
        Convention::ECUADOR_TEA,
        Convention::PERU_TCEA,
        Convention::MEXICO_CAT,
    ];

    /// Look a convention up by its name.
    pub fn by_name(name: &str) -> Result<Convention> {
        Convention::ALL
            .into_iter()
            .find(|c| c.name == name)
            .ok_or_else(|| Error::invalid("convention", name, Reason::UnknownConvention))
    }
}

/// The conventions the library names, as an enum: for code that picks one (a Kotlin `when`, a
/// menu) instead of spelling its name. [`NamedConvention::convention`] gives its rules.
///
/// ```
/// use microcredit::{Convention, NamedConvention};
/// assert_eq!(NamedConvention::MftApr.convention(), Convention::MFT_APR);
/// assert_eq!(NamedConvention::PeruTcea.name(), "peru_tcea");
/// for n in NamedConvention::ALL {
///     // The variant's own name is the convention's: the enum and the table cannot drift apart.
///     assert_eq!(serde_json::to_value(n).unwrap(), n.name());
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum NamedConvention {
    /// [`Convention::MFT_APR`].
    MftApr,
    /// [`Convention::MFT_EIR`].
    MftEir,
    /// [`Convention::XIRR`].
    XirrAct365,
    /// [`Convention::EU_APRC`].
    EuAprc,
    /// [`Convention::EU_APRC_CALENDAR`].
    EuAprcCalendar,
    /// [`Convention::US_REG_Z`].
    UsRegZ,
    /// [`Convention::ECUADOR_TEA`].
    EcuadorTea,
    /// [`Convention::PERU_TCEA`].
    PeruTcea,
    /// [`Convention::MEXICO_CAT`].
    MexicoCat,
}

impl NamedConvention {
    /// Every named convention, in [`Convention::ALL`] order.
    pub const ALL: [NamedConvention; 9] = [
        NamedConvention::MftApr,
        NamedConvention::MftEir,
        NamedConvention::XirrAct365,
        NamedConvention::EuAprc,
        NamedConvention::EuAprcCalendar,
        NamedConvention::UsRegZ,
        NamedConvention::EcuadorTea,
        NamedConvention::PeruTcea,
        NamedConvention::MexicoCat,
    ];

    /// Its rules.
    pub fn convention(self) -> Convention {
        Convention::ALL[self as usize]
    }

    /// The named convention of that stable name (`"mft_apr"`, ...), e.g. of a
    /// [`CostOfCredit::convention`] read from JSON; an unknown name is an error.
    ///
    /// ```
    /// use microcredit::NamedConvention;
    /// assert_eq!(NamedConvention::by_name("peru_tcea")?, NamedConvention::PeruTcea);
    /// assert!(NamedConvention::by_name("apr").is_err());
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn by_name(name: &str) -> Result<NamedConvention> {
        NamedConvention::ALL
            .into_iter()
            .find(|n| n.name() == name)
            .ok_or_else(|| Error::invalid("convention", name, Reason::UnknownConvention))
    }

    /// Its stable name (`mft_apr`, ...), as in [`CostOfCredit::convention`].
    pub fn name(self) -> &'static str {
        self.convention().name
    }
}

impl From<NamedConvention> for Convention {
    fn from(n: NamedConvention) -> Convention {
        n.convention()
    }
}

/// The true cost of a loan under one convention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostOfCredit {
    /// The convention's name.
    pub convention: String,
    /// The annual rate as a fraction (0.2684 = 26.84 %), to 10 decimals.
    #[serde(with = "crate::money::exact")]
    pub annual_rate: Decimal,
    /// The rate per installment period, as a fraction, to 10 decimals.
    #[serde(with = "crate::money::exact")]
    pub periodic_rate: Decimal,
    /// The annual rate in percent, rounded as the convention displays it.
    #[serde(with = "crate::money::exact")]
    pub percent: Decimal,
}

/// A time for each flow, for a given measure.
fn flow_times(flows: &[(NaiveDate, u32, f64)], start: NaiveDate, freq: Frequency, time: TimeMeasure) -> Vec<Flow> {
    match time {
        TimeMeasure::Periods => flows.iter().map(|&(_, k, a)| Flow { t: f64::from(k), odd: 0.0, amount: a }).collect(),
        // Whole days (the solver divides by the year): see `Discount::Days`.
        TimeMeasure::ActualDays { .. } => {
            flows.iter().map(|&(d, _, a)| Flow { t: (d - start).num_days() as f64, odd: 0.0, amount: a }).collect()
        }
        TimeMeasure::EuAnnex => {
            flows.iter().map(|&(d, _, a)| Flow { t: eu_years(start, d), odd: 0.0, amount: a }).collect()
        }
        TimeMeasure::UnitPeriods => reg_z_times(flows, start, freq),
        TimeMeasure::CalendarYears => {
            flows.iter().map(|&(d, _, a)| Flow { t: calendar_years(start, d), odd: 0.0, amount: a }).collect()
        }
    }
}

/// Reg Z Appendix J (b): a unit period is the repayment period (a month counts 30 days, a
/// semimonth 15, a week 7). The first full unit period ends on the first payment date; the days
/// between the advance and its start are odd days, a fraction `f` of a unit period, discounted
/// with simple interest. Every payment is then `t` whole unit periods after that start.
fn reg_z_times(flows: &[(NaiveDate, u32, f64)], start: NaiveDate, freq: Frequency) -> Vec<Flow> {
    let Some(first) = flows.iter().find(|f| f.1 >= 1).map(|f| f.0) else {
        return flows.iter().map(|&(_, _, a)| Flow { t: 0.0, odd: 0.0, amount: a }).collect();
    };
    let unit_days = unit_days(freq);
    // Step back whole unit periods from the first payment while staying on or after the advance.
    let mut begin = first;
    loop {
        let prev = step_back(begin, freq);
        match prev {
            Some(p) if p >= start => begin = p,
            _ => break,
        }
    }
    let odd = (begin - start).num_days() as f64 / unit_days;
    flows
        .iter()
        .map(|&(d, k, a)| {
            if k == 0 {
                Flow { t: 0.0, odd: 0.0, amount: a }
            } else {
                Flow { t: units_between(begin, d, freq, unit_days), odd, amount: a }
            }
        })
        .collect()
}

fn unit_days(freq: Frequency) -> f64 {
    match freq {
        Frequency::Days { every } => f64::from(every),
        Frequency::Weeks { every } => 7.0 * f64::from(every),
        Frequency::Months { every, .. } => 30.0 * f64::from(every),
        Frequency::SemiMonthly { .. } => 15.0,
    }
}

fn step_back(d: NaiveDate, freq: Frequency) -> Option<NaiveDate> {
    match freq {
        Frequency::Months { every, .. } => d.checked_sub_months(chrono::Months::new(every)),
        Frequency::SemiMonthly { .. } => d.checked_sub_signed(chrono::Duration::days(15)),
        _ => d.checked_sub_signed(chrono::Duration::days(unit_days(freq) as i64)),
    }
}

/// Unit periods from `a` to `b`: whole months (or semimonths) and the remaining days over the unit.
fn units_between(a: NaiveDate, b: NaiveDate, freq: Frequency, unit_days: f64) -> f64 {
    match freq {
        Frequency::Months { .. } | Frequency::SemiMonthly { .. } => {
            let every = match freq {
                Frequency::Months { every, .. } => f64::from(every),
                _ => 0.5,
            };
            let mut months = (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32;
            if a.checked_add_months(chrono::Months::new(months.max(0) as u32)).is_some_and(|x| x > b) {
                months -= 1;
            }
            let anchor = a.checked_add_months(chrono::Months::new(months.max(0) as u32)).unwrap_or(a);
            let days = (b - anchor).num_days() as f64;
            let rest = if every < 1.0 { days / 15.0 / 2.0 } else { days / 30.0 };
            (f64::from(months.max(0)) + rest) / every
        }
        _ => (b - a).num_days() as f64 / unit_days,
    }
}

/// Directive 98/7/EC Annex III A (calendar basis): whole years, then the remaining days over 365
/// (366 in a leap year).
fn calendar_years(start: NaiveDate, d: NaiveDate) -> f64 {
    let mut years = d.year() - start.year();
    while years > 0 && start.with_year(start.year() + years).is_none_or(|x| x > d) {
        years -= 1;
    }
    let anchor = start.with_year(start.year() + years).unwrap_or(start);
    let rest = (d - anchor).num_days() as f64;
    let leap = NaiveDate::from_ymd_opt(anchor.year() + 1, 2, 29).is_some() && anchor.month() > 2
        || NaiveDate::from_ymd_opt(anchor.year(), 2, 29).is_some() && anchor.month() <= 2;
    f64::from(years.max(0)) + rest / if leap { 366.0 } else { 365.0 }
}

/// EU Annex I time in years from `start` to `d`.
fn eu_years(start: NaiveDate, d: NaiveDate) -> f64 {
    let months = (d.year() - start.year()) * 12 + d.month() as i32 - start.month() as i32;
    if months >= 0 && start.checked_add_months(chrono::Months::new(months as u32)) == Some(d) {
        return f64::from(months) / 12.0;
    }
    let days = (d - start).num_days();
    if days % 7 == 0 {
        return days as f64 / 7.0 / 52.0;
    }
    let year_days = if NaiveDate::from_ymd_opt(d.year(), 2, 29).is_some() { 366.0 } else { 365.0 };
    days as f64 / year_days
}

fn to_decimal(x: f64, what: &str) -> Result<Decimal> {
    // Rates to 10 decimals: scale, round once, and build the decimal from the integer (far cheaper
    // than a general float-to-decimal conversion).
    let scaled = (x * 1e10).round();
    if !scaled.is_finite() || scaled.abs() >= 1e27 {
        return Err(Error::Overflow { what: format!("{what} rate") });
    }
    Ok(Decimal::from_i128_with_scale(scaled as i128, 10))
}

/// The cost of credit of a schedule under a convention.
///
/// ```
/// use microcredit::{LoanTerms, Schedule, Convention, cost_of_credit};
/// // A fee-free declining-balance loan costs its nominal rate: 24 % APR, 26.82 % EIR.
/// let terms = LoanTerms::from_json(r#"{"principal": "1200", "currency": "USD",
///   "rate": {"percent": "24"}, "installments": 12, "frequency": {"unit": "months", "every": 1},
///   "disbursement_date": "2025-01-15"}"#)?;
/// let s = Schedule::generate(&terms)?;
/// assert_eq!(cost_of_credit(&s, &Convention::MFT_APR)?.percent.to_string(), "24.00");
/// assert_eq!(cost_of_credit(&s, &Convention::MFT_EIR)?.percent.to_string(), "26.82");
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn cost_of_credit(schedule: &Schedule, convention: &Convention) -> Result<CostOfCredit> {
    let flows = counted_flows(schedule, &convention.flows);
    rate_of_flows(&flows, schedule.disbursement.date, schedule.frequency, convention)
}

/// The family's net flow on each date, counting only the components `inclusion` names (the same
/// sums as [`client_cash_flows`] merged by date, without building the component list).
fn counted_flows(s: &Schedule, inclusion: &Inclusion) -> Vec<(NaiveDate, u32, f64)> {
    let pick = |on: bool, v: Decimal| if on { v } else { Decimal::ZERO };
    let d = &s.disbursement;
    let mut out = Vec::with_capacity(s.installments.len() + 1);
    let received = d.loan_amount
        - pick(inclusion.fees, d.fees)
        - pick(inclusion.insurance, d.insurance)
        - pick(inclusion.savings, d.savings);
    out.push((d.date, 0, decimal_to_f64(received)));
    let last = s.installments.len();
    for (k, i) in s.installments.iter().enumerate() {
        // The installment total less what the convention leaves out (usually nothing).
        let mut paid = i.total;
        for (counted, part) in
            [(inclusion.fees, i.fees), (inclusion.insurance, i.insurance), (inclusion.savings, i.savings)]
        {
            if !counted && !part.is_zero() {
                paid -= part;
            }
        }
        if k + 1 == last {
            paid -= pick(inclusion.savings, s.savings_refund);
        }
        match out.last_mut() {
            Some(prev) if prev.0 == i.due_date => prev.2 -= decimal_to_f64(paid),
            _ => out.push((i.due_date, i.number, -decimal_to_f64(paid))),
        }
    }
    out
}

/// A decimal amount as a float for the solvers: mantissa over a power of ten (one rounding).
fn decimal_to_f64(a: Decimal) -> f64 {
    let m = a.mantissa();
    let m = i64::try_from(m).map_or(m as f64, |v| v as f64);
    m / 10f64.powi(a.scale() as i32)
}

/// MFTransparency's APR and EIR of the same flows from one solve: exactly the `annual_rate`s that
/// [`Convention::MFT_APR`] and [`Convention::MFT_EIR`] give, at half the cost (for batches).
pub fn mft_apr_and_eir(
    flows: &[(NaiveDate, u32, f64)],
    start: NaiveDate,
    freq: Frequency,
) -> Result<(Decimal, Decimal)> {
    let timed = flow_times(flows, start, freq, TimeMeasure::Periods);
    let r = solver::solve("mft_apr", &timed, Discount::Periods, 0.02)?;
    let m = freq.periods_per_year();
    Ok((to_decimal(r * m, "mft_apr")?, to_decimal((1.0 + r).powf(m) - 1.0, "mft_eir")?))
}

/// The rate of dated flows `(date, period index, amount)` under a convention.
pub fn rate_of_flows(
    flows: &[(NaiveDate, u32, f64)],
    start: NaiveDate,
    freq: Frequency,
    convention: &Convention,
) -> Result<CostOfCredit> {
    let what = convention.name;
    let timed = flow_times(flows, start, freq, convention.time);
    let m = freq.periods_per_year();
    let (periodic, annual) = match convention.time {
        TimeMeasure::UnitPeriods if flows.iter().filter(|f| f.1 >= 1).count() == 1 => {
            // A single advance repaid by a single payment: the unit period is the whole term and a
            // year has 365 / days of them (Appendix J (c)(5)).
            let days = flows.iter().map(|f| (f.0 - start).num_days()).max().unwrap_or(0).max(1) as f64;
            let one: Vec<Flow> =
                flows.iter().map(|f| Flow { t: if f.1 == 0 { 0.0 } else { 1.0 }, odd: 0.0, amount: f.2 }).collect();
            let r = solver::solve(what, &one, Discount::Periods, 0.02)?;
            let per_year = 365.0 / days;
            let annual = match convention.annualisation {
                Annualisation::Nominal => r * per_year,
                Annualisation::Effective => (1.0 + r).powf(per_year) - 1.0,
            };
            (r, annual)
        }
        TimeMeasure::Periods | TimeMeasure::UnitPeriods => {
            let kind = if convention.time == TimeMeasure::Periods { Discount::Periods } else { Discount::OddPeriod };
            let r = solver::solve(what, &timed, kind, 0.02)?;
            let annual = match convention.annualisation {
                Annualisation::Nominal => r * m,
                Annualisation::Effective => (1.0 + r).powf(m) - 1.0,
            };
            (r, annual)
        }
        TimeMeasure::ActualDays { .. } | TimeMeasure::EuAnnex | TimeMeasure::CalendarYears => {
            let kind = match convention.time {
                TimeMeasure::ActualDays { year_days } => Discount::Days { year: f64::from(year_days) },
                _ => Discount::Real,
            };
            let x = solver::solve(what, &timed, kind, 0.2)?;
            let r = (1.0 + x).powf(1.0 / m) - 1.0;
            let annual = match convention.annualisation {
                Annualisation::Nominal => r * m,
                Annualisation::Effective => x,
            };
            (r, annual)
        }
    };
    let annual_rate = to_decimal(annual, what)?;
    let percent = convention.display.mode.round(annual_rate * Decimal::ONE_HUNDRED, convention.display.decimals);
    Ok(CostOfCredit { convention: what.to_string(), annual_rate, periodic_rate: to_decimal(periodic, what)?, percent })
}

/// What a loan costs the family, by component, and the MFTransparency APR built up layer by layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CostBreakdown {
    /// Total interest.
    #[serde(with = "crate::money::exact")]
    pub interest: Decimal,
    /// Total fees, upfront and per installment.
    #[serde(with = "crate::money::exact")]
    pub fees: Decimal,
    /// Total insurance premiums.
    #[serde(with = "crate::money::exact")]
    pub insurance: Decimal,
    /// Compulsory savings held (deposited, and refunded at the end).
    #[serde(with = "crate::money::exact")]
    pub savings_held: Decimal,
    /// Interest + fees + insurance: what the loan costs in money.
    #[serde(with = "crate::money::exact")]
    pub total_cost: Decimal,
    /// APR counting interest only, in percent.
    #[serde(with = "crate::money::exact")]
    pub apr_interest: Decimal,
    /// APR counting interest and fees.
    #[serde(with = "crate::money::exact")]
    pub apr_with_fees: Decimal,
    /// APR counting interest, fees and insurance.
    #[serde(with = "crate::money::exact")]
    pub apr_with_insurance: Decimal,
    /// APR counting everything, compulsory savings included (MFTransparency's APR).
    #[serde(with = "crate::money::exact")]
    pub apr_all_in: Decimal,
}

/// The cost of a schedule by component, with the APR layer by layer (MFTransparency's tables).
pub fn cost_breakdown(schedule: &Schedule) -> Result<CostBreakdown> {
    let t = &schedule.totals;
    let d = &schedule.disbursement;
    let layer = |flows: Inclusion| {
        let c = Convention { flows, ..Convention::MFT_APR };
        cost_of_credit(schedule, &c).map(|c| c.percent)
    };
    Ok(CostBreakdown {
        interest: t.interest,
        fees: t.fees + d.fees,
        insurance: t.insurance + d.insurance,
        savings_held: t.savings + d.savings,
        total_cost: t.interest + t.fees + d.fees + t.insurance + d.insurance,
        apr_interest: layer(Inclusion::INTEREST)?,
        apr_with_fees: layer(Inclusion::INTEREST_FEES)?,
        apr_with_insurance: layer(Inclusion::INTEREST_FEES_INSURANCE)?,
        apr_all_in: layer(Inclusion::ALL)?,
    })
}

/// One dated amount of a plain list of cash flows (client's side: + received, − paid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DatedAmount {
    /// Date.
    pub date: NaiveDate,
    /// Amount.
    #[serde(with = "crate::money::exact")]
    pub amount: Decimal,
}

/// The cost of credit of plain dated cash flows (no schedule), under a convention. The first date
/// is the start; the k-th later date is period k. `frequency` gives the period (for APR
/// conventions and Reg Z unit periods).
///
/// The flows of a loan not yet repaid give a rate that is not the loan's cost: see
/// [`FlowsRepayment`], which says whether the flows are a finished loan.
///
/// ```
/// use microcredit::{Convention, Frequency, pricing::{cost_of_flows, DatedAmount}};
/// use chrono::NaiveDate;
/// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
/// let flows = [DatedAmount { date: d("2024-01-01"), amount: "1000".parse().unwrap() },
///              DatedAmount { date: d("2025-01-01"), amount: "-1200".parse().unwrap() }];
/// let c = cost_of_flows(&flows, Frequency::Months { every: 12, month_end: Default::default() }, &Convention::EU_APRC)?;
/// assert_eq!(c.percent.to_string(), "20.0");
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn cost_of_flows(flows: &[DatedAmount], frequency: Frequency, convention: &Convention) -> Result<CostOfCredit> {
    frequency.validate()?;
    let mut sorted: Vec<DatedAmount> = flows.to_vec();
    sorted.sort_by_key(|f| f.date);
    let Some(start) = sorted.first().map(|f| f.date) else {
        return Err(Error::invalid("flows", 0, Reason::TooFewFlows));
    };
    let mut merged: Vec<(NaiveDate, u32, f64)> = Vec::with_capacity(sorted.len());
    for f in &sorted {
        let a = rust_decimal::prelude::ToPrimitive::to_f64(&f.amount)
            .ok_or_else(|| Error::invalid("flows.amount", f.amount, Reason::NotRepresentable))?;
        match merged.last_mut() {
            Some(last) if last.0 == f.date => last.2 += a,
            _ => {
                let k = merged.len() as u32;
                merged.push((f.date, k, a));
            }
        }
    }
    rate_of_flows(&merged, start, frequency, convention)
}

/// How far dated flows go in paying back what they lend: `lent` is the money that moves in the
/// direction of the first date's net flow (the disbursement), `repaid` the money that moves back;
/// both are positive. Either side's signs work (client side, + received, or lender side).
///
/// A loan whose flows pay back less than was lent is **not finished**: the rate of its flows is
/// not its cost, since the money still owed counts as never paid (a loan half repaid "costs"
/// about −94 % a year). Check [`FlowsRepayment::is_complete`] before reading
/// [`cost_of_flows`] as the realised cost of a loan.
///
/// ```
/// use microcredit::pricing::{DatedAmount, FlowsRepayment};
/// use chrono::NaiveDate;
/// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
/// let flow = |date: &str, amount: &str| DatedAmount { date: d(date), amount: amount.parse().unwrap() };
/// let half = [flow("2025-01-01", "1000"), flow("2025-02-01", "-300"), flow("2025-03-01", "-300")];
/// let r = FlowsRepayment::of(&half);
/// assert_eq!((r.lent.to_string(), r.repaid.to_string()), ("1000".into(), "600".into()));
/// assert!(!r.is_complete());
/// let whole = [flow("2025-01-01", "1000"), flow("2025-02-01", "-520"), flow("2025-03-01", "-520")];
/// assert!(FlowsRepayment::of(&whole).is_complete());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FlowsRepayment {
    /// The money lent: the flows in the direction of the first date's net flow, as a positive sum.
    #[serde(with = "crate::money::exact")]
    pub lent: Decimal,
    /// The money paid back: the flows in the other direction, as a positive sum.
    #[serde(with = "crate::money::exact")]
    pub repaid: Decimal,
}

impl FlowsRepayment {
    /// Sum the flows of each direction. The first date (its flows netted, so a fee withheld at
    /// disbursement counts against the money lent) sets which direction is the loan; flows on
    /// later dates in that direction add to `lent` (a second disbursement), the others to
    /// `repaid`. Sums past the largest decimal saturate.
    pub fn of(flows: &[DatedAmount]) -> FlowsRepayment {
        let mut sorted: Vec<DatedAmount> = flows.to_vec();
        sorted.sort_by_key(|f| f.date);
        let mut by_date: Vec<Decimal> = Vec::with_capacity(sorted.len());
        let mut last = None;
        for f in &sorted {
            match by_date.last_mut() {
                Some(sum) if last == Some(f.date) => *sum = sum.saturating_add(f.amount),
                _ => by_date.push(f.amount),
            }
            last = Some(f.date);
        }
        let positive_lends = by_date.iter().find(|a| !a.is_zero()).is_none_or(|a| a.is_sign_positive());
        let (mut lent, mut repaid) = (Decimal::ZERO, Decimal::ZERO);
        for a in by_date {
            if a.is_zero() {
                continue;
            }
            if a.is_sign_positive() == positive_lends {
                lent = lent.saturating_add(a.abs());
            } else {
                repaid = repaid.saturating_add(a.abs());
            }
        }
        FlowsRepayment { lent, repaid }
    }

    /// Whether the flows pay back at least the money lent: a finished loan, whose rate is its
    /// realised cost.
    pub fn is_complete(&self) -> bool {
        self.repaid >= self.lent
    }

    /// The warning that flows which are not a finished loan deserve, in `lang`: how much of
    /// the money lent they pay back, and why their rate is not the loan's cost. A front end shows
    /// it when [`FlowsRepayment::is_complete`] is false (Python: `UnfinishedLoanWarning`).
    ///
    /// ```
    /// use microcredit::{Lang, pricing::FlowsRepayment};
    /// let r = FlowsRepayment { lent: "1000".parse().unwrap(), repaid: "600".parse().unwrap() };
    /// assert!(r.message(Lang::En).starts_with("the flows pay back 600 of the 1000 lent"));
    /// assert!(r.message(Lang::Es).starts_with("los flujos devuelven 600 de los 1000 prestados"));
    /// ```
    pub fn message(&self, lang: Lang) -> String {
        let FlowsRepayment { lent, repaid } = self;
        match lang {
            Lang::En => format!(
                "the flows pay back {repaid} of the {lent} lent: the loan is not finished, so this rate is not its \
                 cost (the money still owed counts as never paid); price the whole schedule, or the flows \
                 once the loan is repaid"
            ),
            Lang::Es => format!(
                "los flujos devuelven {repaid} de los {lent} prestados: el préstamo no ha terminado, así que esta \
                 tasa no es su costo (el dinero que aún se debe cuenta como nunca pagado); calcule el costo con \
                 el calendario completo, o con los flujos cuando el préstamo esté pagado"
            ),
        }
    }
}

/// Annualise a periodic rate: nominal `r × m` (APR) or effective `(1 + r)^m − 1` (EIR).
///
/// ```
/// use microcredit::{Annualisation, pricing::annualise};
/// let r = "0.01".parse().unwrap();
/// assert_eq!(annualise(r, 52.0, Annualisation::Nominal)?.round_dp(4).to_string(), "0.5200");
/// assert_eq!(annualise(r, 52.0, Annualisation::Effective)?.round_dp(4).to_string(), "0.6777");
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn annualise(periodic: Decimal, periods_per_year: f64, how: Annualisation) -> Result<Decimal> {
    let r = rust_decimal::prelude::ToPrimitive::to_f64(&periodic)
        .ok_or_else(|| Error::invalid("periodic_rate", periodic, Reason::NotRepresentable))?;
    if periods_per_year.is_nan() || periods_per_year <= 0.0 || !periods_per_year.is_finite() {
        return Err(Error::invalid("periods_per_year", periods_per_year, Reason::NotPositive));
    }
    if how == Annualisation::Effective && r < -1.0 && periods_per_year.fract() != 0.0 {
        return Err(Error::invalid("periodic_rate", periodic, Reason::NoRealPower));
    }
    let x = match how {
        Annualisation::Nominal => r * periods_per_year,
        Annualisation::Effective => (1.0 + r).powf(periods_per_year) - 1.0,
    };
    to_decimal(x, "annualise")
}

/// A flow placed on Reg Z's unit-period grid: `t` whole unit periods plus a fraction `odd` of one
/// (Appendix J (b)(5)), from the start of the term. Amount from the client's side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UnitPeriodFlow {
    /// Amount, positive when received by the client.
    #[serde(with = "crate::money::exact")]
    pub amount: Decimal,
    /// Whole unit periods.
    pub t: u32,
    /// Odd fraction of a unit period (simple interest).
    pub odd: f64,
}

/// The US Reg Z APR of flows given on the unit-period grid: the unit-period rate `i` solving
/// `Σ A / ((1 + f·i)(1 + i)^t) = 0`, times unit periods per year; as a fraction.
///
/// ```
/// use microcredit::pricing::{reg_z_apr, UnitPeriodFlow};
/// let d = |s: &str| s.parse().unwrap();
/// // A single advance of 1000 repaid with 1044 after one half-year unit period: APR 8.80 %.
/// let flows = [UnitPeriodFlow { amount: d("1000"), t: 0, odd: 0.0 }, UnitPeriodFlow { amount: d("-1044"), t: 1, odd: 0.0 }];
/// assert_eq!(reg_z_apr(&flows, 2.0)?.round_dp(4).to_string(), "0.0880");
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn reg_z_apr(flows: &[UnitPeriodFlow], unit_periods_per_year: f64) -> Result<Decimal> {
    if unit_periods_per_year.is_nan() || unit_periods_per_year <= 0.0 || !unit_periods_per_year.is_finite() {
        return Err(Error::invalid("unit_periods_per_year", unit_periods_per_year, Reason::NotPositive));
    }
    let timed = flows
        .iter()
        .map(|f| {
            let amount = rust_decimal::prelude::ToPrimitive::to_f64(&f.amount)
                .ok_or_else(|| Error::invalid("flows.amount", f.amount, Reason::NotRepresentable))?;
            if !(f.odd >= 0.0 && f.odd < 1.0) {
                return Err(Error::invalid("flows.odd", f.odd, Reason::NotAFraction));
            }
            Ok(Flow { t: f64::from(f.t), odd: f.odd, amount })
        })
        .collect::<Result<Vec<_>>>()?;
    let i = solver::solve("us_reg_z", &timed, Discount::OddPeriod, 0.01)?;
    to_decimal(i * unit_periods_per_year, "us_reg_z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfinished_loan_message_in_spanish() {
        let r = FlowsRepayment { lent: Decimal::from(1000), repaid: Decimal::from(600) };
        assert_eq!(
            r.message(Lang::Es),
            "los flujos devuelven 600 de los 1000 prestados: el préstamo no ha terminado, así que esta tasa no \
             es su costo (el dinero que aún se debe cuenta como nunca pagado); calcule el costo con el \
             calendario completo, o con los flujos cuando el préstamo esté pagado"
        );
        assert!(r.message(Lang::En).contains("the loan is not finished"));
    }
    use crate::terms::LoanTerms;

    /// A loan repaid in part is not complete (its rate is not its cost); repaid in full, or more,
    /// it is; the first date's net flow says which direction is the loan, whatever the signs.
    #[test]
    fn flows_repaid_in_part_are_an_unfinished_loan() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let flow = |date: &str, amount: &str| DatedAmount { date: d(date), amount: amount.parse().unwrap() };
        let lent_and = |later: &[(&str, &str)]| {
            let mut v = vec![flow("2025-01-01", "1000"), flow("2025-01-01", "-20")];
            v.extend(later.iter().map(|(a, b)| flow(a, b)));
            v
        };
        let part = lent_and(&[("2025-02-01", "-100"), ("2025-03-01", "-100")]);
        let r = FlowsRepayment::of(&part);
        assert_eq!((r.lent, r.repaid), (Decimal::from(980), Decimal::from(200)));
        assert!(!r.is_complete());
        // The realised rate of such flows is absurd: that is why the flag exists.
        let c = cost_of_flows(&part, Frequency::monthly(), &Convention::MFT_APR).unwrap();
        assert!(c.annual_rate < Decimal::from(-5) / Decimal::from(10), "{}", c.annual_rate);
        let whole = lent_and(&[("2025-02-01", "-500"), ("2025-03-01", "-500")]);
        assert!(FlowsRepayment::of(&whole).is_complete());
        // The lender's side: the same loan with every sign turned.
        let lender: Vec<DatedAmount> = part.iter().map(|f| DatedAmount { date: f.date, amount: -f.amount }).collect();
        assert_eq!(FlowsRepayment::of(&lender), r);
        // Listed out of order: the earliest date is the loan.
        let mut shuffled = whole.clone();
        shuffled.reverse();
        assert!(FlowsRepayment::of(&shuffled).is_complete());
        // Nothing lent: nothing to finish.
        assert!(FlowsRepayment::of(&[]).is_complete());
    }

    /// The fast per-date sums equal the component list merged by date, for every inclusion.
    #[test]
    fn counted_flows_match_the_component_list() {
        let terms = LoanTerms::from_json(
            r#"{"principal": "900", "currency": "USD", "rate": {"percent": "22"}, "installments": 9,
            "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-03-03",
            "fees": [{"kind": "upfront", "percent": "2"}, {"kind": "per_installment", "amount": "0.50"}],
            "insurance": {"percent": "0.08", "basis": "outstanding_balance"},
            "savings": {"at_disbursement_percent": "10", "per_installment": "1"}}"#,
        )
        .unwrap();
        let s = crate::Schedule::generate(&terms).unwrap();
        let all = client_cash_flows(&s);
        for inc in [Inclusion::INTEREST, Inclusion::INTEREST_FEES, Inclusion::INTEREST_FEES_INSURANCE, Inclusion::ALL] {
            let counts = |c: Component| match c {
                Component::Principal | Component::Interest => true,
                Component::Fee => inc.fees,
                Component::Insurance => inc.insurance,
                Component::Savings => inc.savings,
            };
            let fast = counted_flows(&s, &inc);
            for (date, _, amount) in &fast {
                let expected: Decimal =
                    all.iter().filter(|f| f.date == *date && counts(f.component)).map(|f| f.amount).sum();
                assert!((decimal_to_f64(expected) - amount).abs() < 1e-9, "{date}: {expected} vs {amount}");
            }
            assert_eq!(fast.len(), s.installments.len() + 1);
        }
    }
}
