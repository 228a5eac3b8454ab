//! Late-payment penalties: rules the replay applies by itself, day by day, to installments left
//! unpaid.
//!
//! A [`PenaltyRule`] charges an installment whose principal, interest or fees are still unpaid
//! `grace_days` after its due date: on day due date + grace + 1 (counting what was unpaid at the
//! end of the day before, so a payment made that day comes too late), and then, for
//! [`PenaltyFrequency::EveryDays`], every so many days while it stays unpaid. The amount is flat
//! or a percent of the installment's overdue principal and interest, or of its overdue principal
//! only, rounded to the currency's minor unit by the loan's rounding mode. Caps per installment
//! and per loan stop a penalty from growing without end, and nothing is charged once the loan is
//! written off: the answers to Fineract users' complaint that overdue penalties "hit every late
//! installment, forever" (FINERACT-636, `../shared/research/fineract.md` §1c). As in Fineract the
//! penalty is added to the installment it punishes (`../shared/research/fineract_ledger.md`,
//! "Overdue penalties"), and it is never charged on penalties. One account is charged at most
//! 100,000 penalties; past that the state lists a `too_many` problem.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Reason, Result};

/// What a penalty is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PenaltyAmount {
    /// A flat amount each time.
    Flat {
        /// The amount, in the loan's currency.
        #[serde(with = "crate::money::exact")]
        amount: Decimal,
    },
    /// A percent of the installment's overdue principal and interest.
    PercentOfOverdue {
        /// The percent (1.5 = 1.5 %).
        #[serde(with = "crate::money::exact")]
        percent: Decimal,
    },
    /// A percent of the installment's overdue principal.
    PercentOfOverduePrincipal {
        /// The percent.
        #[serde(with = "crate::money::exact")]
        percent: Decimal,
    },
}

/// How often a penalty is charged on one installment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PenaltyFrequency {
    /// Once per late installment.
    #[default]
    Once,
    /// Again every so many days while the installment stays unpaid.
    EveryDays(u32),
}

/// A late-payment penalty rule.
///
/// ```
/// use microcredit::account::PenaltyRule;
/// let rule: PenaltyRule = serde_json::from_str(r#"{
///     "amount": {"kind": "percent_of_overdue", "percent": "1.5"},
///     "grace_days": 3, "frequency": {"every_days": 7}, "cap_per_installment": "10"
/// }"#).unwrap();
/// assert!(rule.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PenaltyRule {
    /// What each charge is.
    pub amount: PenaltyAmount,
    /// Days after the due date before the first charge.
    #[serde(default)]
    pub grace_days: u32,
    /// Once, or every so many days.
    #[serde(default)]
    pub frequency: PenaltyFrequency,
    /// The most this rule charges one installment.
    #[serde(default, with = "crate::money::exact_option", skip_serializing_if = "Option::is_none")]
    pub cap_per_installment: Option<Decimal>,
    /// The most this rule charges the loan.
    #[serde(default, with = "crate::money::exact_option", skip_serializing_if = "Option::is_none")]
    pub cap_per_loan: Option<Decimal>,
}

/// The most penalty rules an account has.
pub const MAX_PENALTY_RULES: usize = 8;

impl PenaltyRule {
    /// A flat penalty charged once, `grace_days` after the due date.
    pub fn flat_once(amount: Decimal, grace_days: u32) -> PenaltyRule {
        PenaltyRule {
            amount: PenaltyAmount::Flat { amount },
            grace_days,
            frequency: PenaltyFrequency::Once,
            cap_per_installment: None,
            cap_per_loan: None,
        }
    }

    /// Refuse amounts, percents and caps that are negative or absurd, and periods of 0 days.
    pub fn validate(&self) -> Result<()> {
        match self.amount {
            PenaltyAmount::Flat { amount } if amount <= Decimal::ZERO => {
                return Err(Error::invalid("amount.amount", amount, Reason::NotPositive));
            }
            PenaltyAmount::PercentOfOverdue { percent } | PenaltyAmount::PercentOfOverduePrincipal { percent }
                if percent <= Decimal::ZERO || percent > Decimal::ONE_HUNDRED =>
            {
                return Err(Error::invalid("amount.percent", percent, Reason::PercentOutOfRange));
            }
            _ => {}
        }
        if let PenaltyFrequency::EveryDays(days) = self.frequency
            && !(1..=366).contains(&days)
        {
            return Err(Error::invalid(
                "frequency.every_days",
                days,
                Reason::Between { min: "1".into(), max: "366".into() },
            ));
        }
        if self.grace_days > 3_660 {
            return Err(Error::invalid("grace_days", self.grace_days, Reason::AtMost { limit: "3660".into() }));
        }
        for (field, cap) in [("cap_per_installment", self.cap_per_installment), ("cap_per_loan", self.cap_per_loan)] {
            if let Some(cap) = cap
                && cap <= Decimal::ZERO
            {
                return Err(Error::invalid(field, cap, Reason::NotPositive));
            }
        }
        Ok(())
    }
}
