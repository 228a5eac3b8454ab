//! Allocation: which parts of which installments a payment pays, in what order.
//!
//! An installment owes four [`Part`]s: principal, interest, fees and penalties. On the day of a
//! payment each installment has a [`Timing`]: past due (its due date is before the payment), due
//! (the payment falls in its period: after the previous due date, up to its own) or in advance.
//! An [`Allocation`] is an ordered list of [`Step`]s; a step goes through the installments of its
//! timings, oldest first, and in each pays its parts in order before moving to the next
//! installment. Money left when every step is done pays anything still owed, installment by
//! installment (penalties, fees, interest, principal), and only then is a surplus (the loan is
//! overpaid), never lost.
//!
//! The named allocations are Apache Fineract's repayment strategies (its
//! `*LoanRepaymentScheduleTransactionProcessor` classes; `../shared/research/fineract.md` §1a-bis).
//! The default is Fineract's default, `penalties_fees_interest_principal`
//! ("mifos-standard-strategy").

use serde::{Deserialize, Serialize};

use crate::error::{Error, Reason, Result};

/// A part of what an installment owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Principal.
    Principal,
    /// Interest.
    Interest,
    /// Fees (the schedule's per-installment fees and insurance, and fee charges).
    Fees,
    /// Penalties.
    Penalties,
}

impl Part {
    /// The four parts, in the order of [`crate::account::Parts`]' fields.
    pub const ALL: [Part; 4] = [Part::Principal, Part::Interest, Part::Fees, Part::Penalties];

    /// The part's index in the engine's `[i128; 4]` arrays.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// An installment's timing on the day of a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// Its due date is before the payment's date.
    PastDue,
    /// The payment's date is in its period: after the previous due date (or the disbursement),
    /// up to and including its own due date.
    Due,
    /// Its period starts on or after the payment's date.
    InAdvance,
}

/// One step of an allocation: the installments of `timings`, oldest first; in each, `parts` in
/// order.
///
/// ```
/// use microcredit::account::{Part, Step, Timing};
/// let overdue_interest_first = Step::new(&[Timing::PastDue], &[Part::Interest]);
/// assert_eq!(overdue_interest_first.parts, vec![Part::Interest]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The timings of the installments this step pays.
    pub timings: Vec<Timing>,
    /// The parts it pays in each installment, in order.
    pub parts: Vec<Part>,
}

impl Step {
    /// A step over `timings` paying `parts`.
    pub fn new(timings: &[Timing], parts: &[Part]) -> Step {
        Step { timings: timings.to_vec(), parts: parts.to_vec() }
    }
}

/// The named allocations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NamedAllocation {
    /// Every installment in date order, each paid penalties → fees → interest → principal
    /// (Fineract `mifos-standard-strategy`, its default).
    #[default]
    PenaltiesFeesInterestPrincipal,
    /// Every installment in date order: principal → interest → penalties → fees
    /// (Fineract `principal-interest-penalties-fees-order-strategy`).
    PrincipalInterestPenaltiesFees,
    /// Every installment in date order: interest → principal → penalties → fees
    /// (Fineract `interest-principal-penalties-fees-order-strategy`).
    InterestPrincipalPenaltiesFees,
    /// The Reserve Bank of India's rule, overdue first: penalties, fees and interest of every
    /// past-due and due installment, then their principal oldest first, then installments in
    /// advance (Fineract `rbi-india-strategy`).
    OverdueFirst,
    /// Past-due and due installments interest → principal → penalties → fees; money paid in
    /// advance goes to principal only (Fineract `early-repayment-strategy`).
    EarlyRepayment,
    /// Past-due and due installments penalties → fees → interest → principal; in advance
    /// principal → penalties → fees → interest (Fineract
    /// `due-penalty-fee-interest-principal-in-advance-principal-penalty-fee-interest-strategy`).
    DueFirstInAdvancePrincipal,
}

impl NamedAllocation {
    /// Every named allocation, with its snake_case name.
    pub const ALL: [(NamedAllocation, &'static str); 6] = [
        (NamedAllocation::PenaltiesFeesInterestPrincipal, "penalties_fees_interest_principal"),
        (NamedAllocation::PrincipalInterestPenaltiesFees, "principal_interest_penalties_fees"),
        (NamedAllocation::InterestPrincipalPenaltiesFees, "interest_principal_penalties_fees"),
        (NamedAllocation::OverdueFirst, "overdue_first"),
        (NamedAllocation::EarlyRepayment, "early_repayment"),
        (NamedAllocation::DueFirstInAdvancePrincipal, "due_first_in_advance_principal"),
    ];

    /// The allocation of a snake_case name.
    ///
    /// ```
    /// use microcredit::account::NamedAllocation;
    /// assert_eq!(NamedAllocation::by_name("overdue_first")?, NamedAllocation::OverdueFirst);
    /// assert_eq!(NamedAllocation::by_name("rbi")?.name(), "overdue_first"); // Fineract's short name
    /// assert_eq!(NamedAllocation::by_name("fifo").unwrap_err().code(), "unknown_name");
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn by_name(name: &str) -> Result<NamedAllocation> {
        let key = name.trim().to_ascii_lowercase();
        if key == "rbi" || key == "rbi_india" {
            return Ok(NamedAllocation::OverdueFirst);
        }
        NamedAllocation::ALL.iter().find(|(_, n)| *n == key).map(|(a, _)| *a).ok_or_else(|| {
            let names: Vec<&str> = NamedAllocation::ALL.iter().map(|(_, n)| *n).collect();
            Error::invalid("allocation", name, Reason::UnknownName { detail: format!("one of {}", names.join(", ")) })
        })
    }

    /// The allocation's snake_case name.
    pub fn name(self) -> &'static str {
        NamedAllocation::ALL.iter().find(|(a, _)| *a == self).map_or("", |(_, n)| n)
    }

    /// The allocation as steps.
    pub fn steps(self) -> Vec<Step> {
        use Part::*;
        use Timing::*;
        let all = [PastDue, Due, InAdvance];
        let now = [PastDue, Due];
        match self {
            NamedAllocation::PenaltiesFeesInterestPrincipal => {
                vec![Step::new(&all, &[Penalties, Fees, Interest, Principal])]
            }
            NamedAllocation::PrincipalInterestPenaltiesFees => {
                vec![Step::new(&all, &[Principal, Interest, Penalties, Fees])]
            }
            NamedAllocation::InterestPrincipalPenaltiesFees => {
                vec![Step::new(&all, &[Interest, Principal, Penalties, Fees])]
            }
            NamedAllocation::OverdueFirst => vec![
                Step::new(&now, &[Penalties, Fees, Interest]),
                Step::new(&now, &[Principal]),
                Step::new(&[InAdvance], &[Penalties, Fees, Interest, Principal]),
            ],
            NamedAllocation::EarlyRepayment => {
                vec![Step::new(&now, &[Interest, Principal, Penalties, Fees]), Step::new(&[InAdvance], &[Principal])]
            }
            NamedAllocation::DueFirstInAdvancePrincipal => vec![
                Step::new(&now, &[Penalties, Fees, Interest, Principal]),
                Step::new(&[InAdvance], &[Principal, Penalties, Fees, Interest]),
            ],
        }
    }
}

/// A list's length between 1 and `max`, or the error naming `field`.
fn count_between(field: &str, len: usize, max: usize) -> Result<()> {
    if len == 0 || len > max {
        return Err(Error::invalid(field, len, Reason::Between { min: "1".into(), max: max.to_string() }));
    }
    Ok(())
}

/// How payments are allocated: a named allocation, or steps of one's own.
///
/// ```
/// use microcredit::account::{Allocation, NamedAllocation, Part, Step, Timing};
/// assert_eq!(Allocation::default(), Allocation::Named(NamedAllocation::PenaltiesFeesInterestPrincipal));
/// let own = Allocation::Steps(vec![
///     Step::new(&[Timing::PastDue], &[Part::Interest, Part::Principal]),
///     Step::new(&[Timing::Due, Timing::InAdvance], &[Part::Principal, Part::Interest]),
/// ]);
/// assert!(own.validate().is_ok());
/// assert!(Allocation::Steps(vec![]).validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Allocation {
    /// A named allocation.
    Named(NamedAllocation),
    /// Ordered steps.
    Steps(Vec<Step>),
}

impl Default for Allocation {
    fn default() -> Allocation {
        Allocation::Named(NamedAllocation::default())
    }
}

/// The most steps an allocation has (4 parts × 3 timings, each a step of its own).
pub const MAX_STEPS: usize = 12;

impl Allocation {
    /// The allocation's steps.
    pub fn steps(&self) -> Vec<Step> {
        match self {
            Allocation::Named(named) => named.steps(),
            Allocation::Steps(steps) => steps.clone(),
        }
    }

    /// Refuse steps that are empty or too many.
    pub fn validate(&self) -> Result<()> {
        if let Allocation::Steps(steps) = self {
            count_between("allocation.steps", steps.len(), MAX_STEPS)?;
            for (i, step) in steps.iter().enumerate() {
                count_between(&format!("allocation.steps[{i}].timings"), step.timings.len(), 3)?;
                count_between(&format!("allocation.steps[{i}].parts"), step.parts.len(), 4)?;
            }
        }
        Ok(())
    }
}
