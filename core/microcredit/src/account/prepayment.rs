//! Money paid ahead of the schedule: what it does to interest, and whether it shortens the loan
//! or lowers its installments.
//!
//! Under [`PrepaymentInterest::RealBalance`] (the default) a payment first settles what is past
//! due and the installment of the current period, by the account's allocation; money left over
//! pays principal ahead, recorded on the current installment, and the installments after it are
//! recomputed by the schedule engine on the lower balance, over the same due dates: interest
//! follows the real balance, so early payers pay less. [`ExtraPayment`] says whether the
//! recomputed loan keeps its installment and ends sooner, or keeps its end and lowers the
//! installment. Paying off closes the loan with the interest of the current period only
//! ([`crate::account::Account::payoff_on`]; Fineract's pre-closure rule `TILL_REST_FREQUENCY_DATE`).
//!
//! This applies to flat loans too: a flat loan repaid early owes no interest for the periods it
//! no longer runs, and a flat loan repaid partly ahead is recomputed at its flat rate on the
//! lower balance. Fineract charges a cumulative flat loan's full interest on early settlement;
//! we choose the rebate, because a family that repays early should not pay for credit it no
//! longer uses.
//!
//! Under [`PrepaymentInterest::Scheduled`] nothing is recomputed: money paid ahead goes by the
//! allocation's in-advance steps to future installments as scheduled, and paying off means paying
//! every installment's interest (Fineract without interest recalculation).

use serde::{Deserialize, Serialize};

/// How money paid ahead of the schedule affects interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PrepaymentInterest {
    /// Interest follows the real balance: principal paid ahead lowers the interest of every
    /// later period, and paying off owes only the current period's interest.
    #[default]
    RealBalance,
    /// Interest stays as scheduled; money paid ahead pays future installments as they stand.
    Scheduled,
}

/// What principal paid ahead does to the installments left (under
/// [`PrepaymentInterest::RealBalance`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ExtraPayment {
    /// The fewest installments whose equal installment is no larger than before: the loan ends
    /// sooner (Fineract `REDUCE_NUMBER_OF_INSTALLMENTS`).
    #[default]
    ShortenTerm,
    /// The same number of installments, each lower (Fineract `REDUCE_EMI_AMOUNT`).
    LowerInstallments,
}

/// The prepayment rules of an account.
///
/// ```
/// use microcredit::account::{ExtraPayment, Prepayment, PrepaymentInterest};
/// let p: Prepayment = serde_json::from_str(r#"{"extra": "lower_installments"}"#).unwrap();
/// assert_eq!(p.interest, PrepaymentInterest::RealBalance);
/// assert_eq!(p.extra, ExtraPayment::LowerInstallments);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Prepayment {
    /// What money paid ahead does to interest.
    pub interest: PrepaymentInterest,
    /// Shorter loan or lower installments.
    pub extra: ExtraPayment,
}
