//! Loan terms: what a loan officer agrees with a family, validated when built, with the one
//! versioned JSON form that every binding shares (documented in [`crate::json_form`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::{BusinessDays, DayCount, Frequency, Ratio, YearFraction};
use crate::error::{Error, Reason, Result, child_path};
use crate::money::{Currency, RoundingMode, pow10};

/// Version of the JSON form of terms and schedules written by this library.
pub const JSON_VERSION: u32 = 1;

/// Largest principal accepted, in currency units (keeps every intermediate product exact).
const MAX_PRINCIPAL: i64 = 1_000_000_000_000;
/// The most installments a loan may have.
pub const MAX_INSTALLMENTS: u32 = 1200;

/// The period a nominal rate is quoted for ("2 % per month" is common in the field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RatePeriod {
    /// Per year (annual nominal rate).
    #[default]
    Year,
    /// Per month (× 12 a year).
    Month,
    /// Per week (× 52 a year).
    Week,
    /// Per day (× year days under the loan's day count).
    Day,
    /// For the whole term of the loan.
    WholeTerm,
}

/// A nominal interest rate in percent, with the period it is quoted for.
///
/// ```
/// use microcredit::{InterestRate, RatePeriod};
/// let r = InterestRate::per_month("2".parse().unwrap());
/// assert_eq!(r.per, RatePeriod::Month);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct InterestRate {
    /// The rate in percent (12 means 12 %).
    #[serde(with = "crate::money::exact")]
    pub percent: Decimal,
    /// The period it is quoted for.
    #[serde(default)]
    pub per: RatePeriod,
}

impl InterestRate {
    /// A nominal annual rate in percent.
    pub fn per_year(percent: Decimal) -> InterestRate {
        InterestRate { percent, per: RatePeriod::Year }
    }
    /// A nominal monthly rate in percent.
    pub fn per_month(percent: Decimal) -> InterestRate {
        InterestRate { percent, per: RatePeriod::Month }
    }
}

/// On what balance interest is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum InterestMethod {
    /// On the balance still owed (declining balance).
    #[default]
    DecliningBalance,
    /// On the original principal for the whole term (flat, add-on).
    Flat,
}

/// How principal is repaid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Amortization {
    /// Equal installments (annuity, EMI; "French").
    #[default]
    EqualInstallments,
    /// Equal principal parts, interest on the balance ("German").
    EqualPrincipal,
    /// Principal and all interest at maturity.
    SinglePayment,
    /// Interest each period, all principal with the last installment.
    InterestOnlyBalloon,
}

/// How interest of one period is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum InterestBasis {
    /// One repayment period at the periodic rate, whatever its days (Fineract "same as repayment
    /// period"). A broken first period is charged by its days under the day count.
    #[default]
    Period,
    /// The period's actual days under the day count (Fineract "daily").
    ActualDays,
}

/// Which periodic rates the equal installment (annuity) is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AnnuityRates {
    /// Every period at the nominal periodic rate; with interest by actual days the last
    /// installment absorbs the difference (Fineract's cumulative engine).
    #[default]
    Nominal,
    /// Each period at the rate it will actually be charged (its days under the day count), so the
    /// installments are equal and the last one differs least (Fineract's progressive engine).
    Actual,
}

/// When interest charged during a grace on interest payment is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DeferredInterest {
    /// All of it with the first installment after the grace (Fineract).
    #[default]
    FirstInstallmentAfterGrace,
    /// Spread evenly over the installments after the grace, so no lump falls on the family.
    Spread,
}

/// When a fee is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum FeeKind {
    /// Once, at disbursement.
    Upfront,
    /// With every installment.
    PerInstallment,
}

/// How an upfront charge is collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Collection {
    /// Withheld from the disbursement: the family receives less.
    #[default]
    Deducted,
    /// Added to the loan balance and repaid with the installments (bearing interest).
    Financed,
}

/// A fee: a flat amount or a percent of the principal, upfront or with every installment.
///
/// ```
/// use microcredit::Fee;
/// let f = Fee::upfront_percent("2".parse().unwrap());
/// assert!(f.percent.is_some() && f.amount.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Fee {
    /// A label for the fee ("comisión de desembolso"); never personal data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub name: Option<String>,
    /// Upfront or per installment.
    pub kind: FeeKind,
    /// A flat amount in the loan's currency.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::money::exact_option")]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub amount: Option<Decimal>,
    /// A percent of the principal.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::money::exact_option")]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub percent: Option<Decimal>,
    /// For upfront fees: deducted from the disbursement or financed.
    #[serde(default)]
    pub collect: Collection,
}

impl Fee {
    /// An upfront flat fee, deducted from the disbursement.
    pub fn upfront_flat(amount: Decimal) -> Fee {
        Fee { name: None, kind: FeeKind::Upfront, amount: Some(amount), percent: None, collect: Collection::Deducted }
    }
    /// An upfront fee in percent of the principal, deducted from the disbursement.
    pub fn upfront_percent(percent: Decimal) -> Fee {
        Fee { name: None, kind: FeeKind::Upfront, amount: None, percent: Some(percent), collect: Collection::Deducted }
    }
    /// A flat fee with every installment.
    pub fn per_installment(amount: Decimal) -> Fee {
        Fee {
            name: None,
            kind: FeeKind::PerInstallment,
            amount: Some(amount),
            percent: None,
            collect: Collection::Deducted,
        }
    }
}

/// What a credit-life insurance premium is charged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum InsuranceBasis {
    /// Each period, `percent` of the balance at the start of the period, paid with the installment
    /// (seguro de desgravamen).
    OutstandingBalance,
    /// Once, `percent` of the principal, at disbursement (deducted or financed).
    PrincipalUpfront,
}

/// Credit-life insurance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Insurance {
    /// Premium in percent.
    #[serde(with = "crate::money::exact")]
    pub percent: Decimal,
    /// What the premium is charged on.
    pub basis: InsuranceBasis,
    /// For an upfront premium: deducted or financed.
    #[serde(default)]
    pub collect: Collection,
}

/// Compulsory savings: a deposit at disbursement and/or with every installment, refunded with the
/// last installment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CompulsorySavings {
    /// Percent of the principal withheld at disbursement.
    #[serde(default, with = "crate::money::exact")]
    pub at_disbursement_percent: Decimal,
    /// A flat amount saved with every installment.
    #[serde(default, with = "crate::money::exact")]
    pub per_installment: Decimal,
}

fn default_version() -> u32 {
    JSON_VERSION
}

/// The terms of one loan. Fields are public for convenience; [`LoanTerms::validate`] runs when terms
/// are built ([`LoanTerms::builder`]), parsed ([`LoanTerms::from_json`]) and scheduled.
///
/// ```
/// use microcredit::{LoanTerms, InterestRate, Frequency, Currency};
/// use chrono::NaiveDate;
/// let terms = LoanTerms::builder(
///         "1000".parse().unwrap(), Currency::USD,
///         InterestRate::per_year("24".parse().unwrap()), 12, Frequency::monthly(),
///         NaiveDate::from_ymd_opt(2025, 1, 15).unwrap())
///     .build()?;
/// let back = LoanTerms::from_json(&terms.to_json()?)?;
/// assert_eq!(back, terms);
/// # Ok::<(), microcredit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive] // new terms come with defaults: build with `LoanTerms::builder` or the JSON form
pub struct LoanTerms {
    /// Version of the JSON form (1).
    #[serde(default = "default_version")]
    #[cfg_attr(feature = "uniffi", uniffi(default = 1))]
    pub version: u32,
    /// The amount lent, in `currency`.
    #[serde(with = "crate::money::exact")]
    pub principal: Decimal,
    /// The loan's currency.
    pub currency: Currency,
    /// The nominal rate and its period.
    pub rate: InterestRate,
    /// Declining balance or flat.
    #[serde(default)]
    pub interest_method: InterestMethod,
    /// How principal is repaid.
    #[serde(default)]
    pub amortization: Amortization,
    /// Interest by period or by actual days.
    #[serde(default)]
    pub interest_basis: InterestBasis,
    /// Day count (and year length).
    #[serde(default)]
    pub day_count: DayCount,
    /// Which periodic rates the equal installment is computed from.
    #[serde(default)]
    pub annuity_rates: AnnuityRates,
    /// Number of installments.
    pub installments: u32,
    /// How often installments fall due.
    pub frequency: Frequency,
    /// When the family receives the money.
    pub disbursement_date: NaiveDate,
    /// A first due date other than one period after disbursement (a broken first period).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub first_repayment_date: Option<NaiveDate>,
    /// First installments that pay no principal.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    pub grace_on_principal: u32,
    /// First periods whose interest is charged but paid later.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    pub grace_on_interest_payment: u32,
    /// When deferred interest is paid.
    #[serde(default)]
    pub deferred_interest: DeferredInterest,
    /// First periods in which no interest accrues at all.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    pub interest_free_periods: u32,
    /// Installments rounded to a multiple (e.g. 1 or 0.05); the last takes the remainder.
    #[serde(default, with = "crate::money::exact_option")]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub installment_multiple: Option<Decimal>,
    /// How amounts are rounded to the currency's minor unit.
    #[serde(default)]
    pub rounding: RoundingMode,
    /// Fees.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub fees: Vec<Fee>,
    /// Credit-life insurance.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub insurance: Option<Insurance>,
    /// Compulsory savings.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub savings: Option<CompulsorySavings>,
    /// Working days and holidays.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub business_days: Option<BusinessDays>,
}

/// Builds [`LoanTerms`]; every option defaults as in the JSON form.
#[derive(Debug, Clone)]
pub struct LoanTermsBuilder {
    terms: LoanTerms,
}

macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.terms.$name = value;
            self
        }
    };
}

impl LoanTermsBuilder {
    setter!(/// Declining balance or flat.
        interest_method: InterestMethod);
    setter!(/// How principal is repaid.
        amortization: Amortization);
    setter!(/// Interest by period or by actual days.
        interest_basis: InterestBasis);
    setter!(/// Day count.
        day_count: DayCount);
    setter!(/// Rates of the equal installment.
        annuity_rates: AnnuityRates);
    setter!(/// A broken first period ending on this date.
        first_repayment_date: Option<NaiveDate>);
    setter!(/// Installments with no principal.
        grace_on_principal: u32);
    setter!(/// Periods whose interest is deferred.
        grace_on_interest_payment: u32);
    setter!(/// When deferred interest is paid.
        deferred_interest: DeferredInterest);
    setter!(/// Periods with no interest.
        interest_free_periods: u32);
    setter!(/// Round installments to a multiple.
        installment_multiple: Option<Decimal>);
    setter!(/// Rounding mode.
        rounding: RoundingMode);
    setter!(/// Fees.
        fees: Vec<Fee>);
    setter!(/// Credit-life insurance.
        insurance: Option<Insurance>);
    setter!(/// Compulsory savings.
        savings: Option<CompulsorySavings>);
    setter!(/// Working days and holidays.
        business_days: Option<BusinessDays>);

    /// Validate and return the terms.
    pub fn build(self) -> Result<LoanTerms> {
        self.terms.validate()?;
        Ok(self.terms)
    }
}

impl LoanTerms {
    /// Start building terms from the required fields.
    pub fn builder(
        principal: Decimal,
        currency: Currency,
        rate: InterestRate,
        installments: u32,
        frequency: Frequency,
        disbursement_date: NaiveDate,
    ) -> LoanTermsBuilder {
        LoanTermsBuilder {
            terms: LoanTerms {
                version: JSON_VERSION,
                principal,
                currency,
                rate,
                interest_method: InterestMethod::default(),
                amortization: Amortization::default(),
                interest_basis: InterestBasis::default(),
                day_count: DayCount::default(),
                annuity_rates: AnnuityRates::default(),
                installments,
                frequency,
                disbursement_date,
                first_repayment_date: None,
                grace_on_principal: 0,
                grace_on_interest_payment: 0,
                deferred_interest: DeferredInterest::default(),
                interest_free_periods: 0,
                installment_multiple: None,
                rounding: RoundingMode::default(),
                fees: Vec::new(),
                insurance: None,
                savings: None,
                business_days: None,
            },
        }
    }

    /// Parse terms from the shared JSON form and validate them.
    pub fn from_json(json: &str) -> Result<LoanTerms> {
        let terms: LoanTerms = serde_json::from_str(json)?;
        terms.validate()?;
        Ok(terms)
    }

    /// The shared JSON form.
    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string(self)?)
    }

    /// Check every rule; the first broken one is returned, naming the field and its value.
    ///
    /// ```
    /// use microcredit::{LoanTerms, InterestRate, Frequency, Currency};
    /// use chrono::NaiveDate;
    /// let err = LoanTerms::builder("0".parse().unwrap(), Currency::USD,
    ///     InterestRate::per_year("24".parse().unwrap()), 12, Frequency::monthly(),
    ///     NaiveDate::from_ymd_opt(2025, 1, 15).unwrap()).build().unwrap_err();
    /// assert_eq!(err.field(), Some("principal"));
    /// ```
    pub fn validate(&self) -> Result<()> {
        self.validated_annual_rate().map(|_| ())
    }

    /// Validate, and return the annual rate found on the way (the schedule needs it next).
    pub(crate) fn validated_annual_rate(&self) -> Result<YearFraction> {
        if self.version != JSON_VERSION {
            return Err(Error::invalid("version", self.version, Reason::UnknownVersion { known: JSON_VERSION }));
        }
        let cur = self.currency;
        if self.principal.is_sign_negative() || self.principal.is_zero() {
            return Err(Error::invalid("principal", self.principal, Reason::NotPositive));
        }
        let minor = cur.to_minor("principal", self.principal)?;
        if minor > i128::from(MAX_PRINCIPAL) * pow10(cur.minor_units()) {
            return Err(Error::invalid("principal", self.principal, Reason::AtMost { limit: "1e12".into() }));
        }
        let annual = self.validate_rate()?;
        if self.installments == 0 || self.installments > MAX_INSTALLMENTS {
            return Err(Error::invalid(
                "installments",
                self.installments,
                Reason::Between { min: "1".into(), max: "1200".into() },
            ));
        }
        self.frequency.validate()?;
        if let Some(first) = self.first_repayment_date {
            if first <= self.disbursement_date {
                return Err(Error::invalid("first_repayment_date", first, Reason::NotAfterDisbursement));
            }
            let regular = self.frequency.first_due_date(self.disbursement_date)?;
            let limit = self.frequency.due_date(regular, 1)?;
            if first >= limit {
                return Err(Error::invalid("first_repayment_date", first, Reason::FirstRepaymentTooLate));
            }
        }
        let n = self.installments;
        for (field, grace) in [
            ("grace_on_principal", self.grace_on_principal),
            ("grace_on_interest_payment", self.grace_on_interest_payment),
            ("interest_free_periods", self.interest_free_periods),
        ] {
            if grace >= n {
                return Err(Error::invalid(field, grace, Reason::GraceTooLong { installments: n }));
            }
        }
        if matches!(self.amortization, Amortization::SinglePayment | Amortization::InterestOnlyBalloon)
            && self.grace_on_principal > 0
        {
            return Err(Error::invalid("grace_on_principal", self.grace_on_principal, Reason::GraceNotApplicable));
        }
        if let Some(m) = self.installment_multiple {
            if m <= Decimal::ZERO {
                return Err(Error::invalid("installment_multiple", m, Reason::NotPositive));
            }
            check_amount(cur, "installment_multiple", m)?;
        }
        for (i, fee) in self.fees.iter().enumerate() {
            self.validate_fee(fee).map_err(|e| e.within(&format!("fees[{i}]")))?;
        }
        if let Some(ins) = &self.insurance {
            check_percent("percent", ins.percent).map_err(|e| e.within("insurance"))?;
        }
        if let Some(s) = &self.savings {
            check_percent("at_disbursement_percent", s.at_disbursement_percent).map_err(|e| e.within("savings"))?;
            if s.per_installment < Decimal::ZERO {
                return Err(Error::invalid("savings.per_installment", s.per_installment, Reason::Negative));
            }
            check_amount(cur, "savings.per_installment", s.per_installment)?;
        }
        if let Some(b) = &self.business_days {
            b.validate()?;
        }
        self.validate_day_count()?;
        Ok(annual)
    }

    fn validate_rate(&self) -> Result<YearFraction> {
        let p = self.rate.percent;
        if p.is_sign_negative() && !p.is_zero() {
            return Err(Error::invalid("rate.percent", p, Reason::Negative));
        }
        if p.scale() > 10 && p.normalize().scale() > 10 {
            return Err(Error::invalid("rate.percent", p, Reason::TooManyDecimalPlaces { max: 10 }));
        }
        // Above 1000 % a year is not a loan rate but a typing error (a monthly rate entered as yearly, ...).
        let annual = self.annual_rate()?;
        if annual.num() > 10 * annual.den() {
            return Err(Error::invalid("rate.percent", p, Reason::RateTooHigh));
        }
        Ok(annual)
    }

    fn validate_fee(&self, fee: &Fee) -> Result<()> {
        match (fee.amount, fee.percent) {
            (Some(a), None) => {
                if a.is_sign_negative() && !a.is_zero() {
                    return Err(Error::invalid("amount", a, Reason::Negative));
                }
                check_amount(self.currency, "amount", a)?;
            }
            (None, Some(p)) => check_percent("percent", p)?,
            _ => return Err(Error::invalid("amount", "both or neither", Reason::AmountOrPercent)),
        }
        if fee.kind == FeeKind::PerInstallment && fee.collect == Collection::Financed {
            return Err(Error::invalid("collect", "financed", Reason::FinancedPerInstallment));
        }
        Ok(())
    }

    /// A day count that contradicts the frequency: 30/360 counts every month as 30 days, which
    /// makes no sense for loans repaid every N days charged by actual days.
    fn validate_day_count(&self) -> Result<()> {
        if self.day_count == DayCount::Thirty360
            && self.interest_basis == InterestBasis::ActualDays
            && matches!(self.frequency, Frequency::Days { .. })
        {
            return Err(Error::invalid("day_count", "30_360", Reason::DayCountConflict));
        }
        Ok(())
    }

    /// The nominal annual rate as an exact fraction (12 % → 12/100).
    pub fn annual_rate(&self) -> Result<YearFraction> {
        let p = if self.rate.percent.scale() > 10 { self.rate.percent.normalize() } else { self.rate.percent };
        let overflow = || Error::Overflow { what: "annual rate".into() };
        let base = Ratio::new(p.mantissa(), 100 * pow10(p.scale())).ok_or_else(overflow)?;
        let year_days = self.day_count.year_days();
        let factor = match self.rate.per {
            RatePeriod::Year => return Ok(base),
            RatePeriod::Month => Ratio::per(12, 1),
            RatePeriod::Week => Ratio::per(52, 1),
            RatePeriod::Day => Ratio::per(year_days, 1),
            RatePeriod::WholeTerm => {
                let term = self.frequency.year_fraction(self.day_count);
                let Some(per_term) = Ratio::new(term.den(), term.num() * i128::from(self.installments.max(1))) else {
                    // A term of no length: a frequency of every 0, which its validation refuses.
                    self.frequency.validate()?;
                    return Err(overflow());
                };
                per_term
            }
        };
        base.checked_mul(factor).ok_or_else(overflow)
    }
}

/// An amount of the terms other than the principal (a fee, savings per installment, an
/// installment multiple): within the currency's minor unit and, like the principal, at most
/// 10^12, so every sum of a schedule (1,200 installments of such amounts) stays exact.
fn check_amount(cur: Currency, field: &str, amount: Decimal) -> Result<()> {
    let minor = cur.to_minor(field, amount)?;
    if minor > i128::from(MAX_PRINCIPAL) * pow10(cur.minor_units()) {
        return Err(Error::invalid(field, amount, Reason::AtMost { limit: "1e12".into() }));
    }
    Ok(())
}

/// A percentage between 0 and 100 with at most 10 decimal places.
fn check_percent(field: &str, p: Decimal) -> Result<()> {
    // p > 100, on the integers (|mantissa| < 2^96 and 100 × 10^28 < 2^127: no overflow).
    let above = p.mantissa() > 100 * pow10(p.scale());
    if (p.is_sign_negative() && !p.is_zero()) || above {
        return Err(Error::invalid(field, p, Reason::PercentOutOfRange));
    }
    if p.scale() > 10 && p.normalize().scale() > 10 {
        return Err(Error::invalid(field, p, Reason::TooManyDecimalPlaces { max: 10 }));
    }
    Ok(())
}

impl LoanTerms {
    /// Terms from their JSON form as a value that a front end built key by key (a binding's
    /// keyword arguments), validated. Beside [`LoanTerms::from_json`]'s reading:
    /// - a whole number where the form wants decimal text (`"principal": 1000`) is read as that
    ///   text;
    /// - a value that does not read is an [`Error::InvalidField`] naming its path in the form
    ///   (`fees[0].amount`; `terms` for the whole form): a [`Reason::WrongType`], an unknown
    ///   option ([`Reason::UnknownName`]) or [`Reason::Unreadable`];
    /// - a key the terms do not keep (a misspelled option) is [`Reason::UnknownKey`], naming the
    ///   object it is in; a key set to `null` changes nothing.
    ///
    /// ```
    /// use microcredit::LoanTerms;
    /// let mut form = serde_json::json!({"principal": 1000, "currency": "USD", "rate": {"percent": "24"},
    ///     "installments": 12, "frequency": {"unit": "months", "every": 1},
    ///     "disbursement_date": "2025-01-15", "fees": [{"kind": "upfront", "percent": "2"}]});
    /// assert_eq!(LoanTerms::from_form(form.clone())?.principal.to_string(), "1000");
    /// form["fees"][0]["colour"] = "red".into();
    /// let err = LoanTerms::from_form(form).unwrap_err();
    /// assert_eq!((err.field(), err.code()), (Some("fees[0]"), "unknown_key"));
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn from_form(mut form: serde_json::Value) -> Result<LoanTerms> {
        loop {
            let e = match serde_path_to_error::deserialize::<_, LoanTerms>(&form) {
                Ok(terms) => {
                    unknown_keys(&form, &serde_json::to_value(&terms)?, "")?;
                    terms.validate()?;
                    return Ok(terms);
                }
                Err(e) => e,
            };
            let message = e.inner().to_string();
            let slot = value_at(&mut form, e.path());
            if let Some(slot) = slot
                && slot.is_number()
                && message.starts_with("invalid type: integer")
            {
                *slot = serde_json::Value::String(slot.to_string());
                continue;
            }
            let field = e.path().to_string();
            let shown = value_at(&mut form, e.path()).map(|v| shown(v)).unwrap_or_default();
            return Err(Error::invalid(if field == "." { "terms" } else { &field }, shown, serde_reason(&message)));
        }
    }
}

/// The value at a serde path in the form, if the path leads to one.
fn value_at<'a>(
    form: &'a mut serde_json::Value,
    path: &serde_path_to_error::Path,
) -> Option<&'a mut serde_json::Value> {
    use serde_path_to_error::Segment;
    let mut v = form;
    for segment in path.iter() {
        v = match segment {
            Segment::Map { key } => v.get_mut(key.as_str())?,
            Segment::Seq { index } => v.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(v)
}

/// A short rendering of a form value for an error: a scalar as text, a list or dict summarized.
fn shown(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::String(s) => format!("'{}'", s.chars().take(crate::error::MAX_NAME_TEXT).collect::<String>()),
        Value::Array(_) => "[...]".into(),
        Value::Object(_) => "{...}".into(),
        other => other.to_string(),
    }
}

/// The rule a serde message reports: a wrong type, an unknown option, or unreadable text.
fn serde_reason(message: &str) -> Reason {
    let message = message.replace('`', "'");
    let detail: String = message.chars().take(160).collect();
    if let Some(rest) = detail.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return Reason::WrongType { expected: expected.to_string(), found: found.to_string() };
    }
    if detail.starts_with("unknown variant") || detail.starts_with("unknown field") {
        return Reason::UnknownName { detail };
    }
    Reason::Unreadable { detail }
}

/// Every key given must be one the terms keep: a key of `given` missing from `read` (the terms
/// serialized back) was not part of the form. A key given as `null` is skipped.
fn unknown_keys(given: &serde_json::Value, read: &serde_json::Value, field: &str) -> Result<()> {
    use serde_json::Value;
    match (given, read) {
        (Value::Object(g), Value::Object(r)) => {
            for (k, v) in g.iter().filter(|(_, v)| !v.is_null()) {
                let Some(back) = r.get(k) else {
                    return Err(Error::invalid(
                        if field.is_empty() { "terms" } else { field },
                        crate::error::Quoted(k),
                        Reason::UnknownKey,
                    ));
                };
                unknown_keys(v, back, &if field.is_empty() { k.clone() } else { child_path(field, k) })?;
            }
        }
        (Value::Array(g), Value::Array(r)) if g.len() == r.len() => {
            for (i, (v, back)) in g.iter().zip(r).enumerate() {
                unknown_keys(v, back, &child_path(field, &format!("[{i}]")))?;
            }
        }
        _ => {}
    }
    Ok(())
}
