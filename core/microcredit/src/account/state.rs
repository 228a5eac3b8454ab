//! The state of an account on a date: per installment what is due, paid, waived, written off and
//! outstanding; arrears and their age; the lifecycle status; what each payment paid.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::AccountRules;
use super::allocation::Part;
use super::event::EventId;
use super::prepayment::PrepaymentInterest;
pub use super::replay::AppliedKind;
use super::replay::{Ledger, Minor4};
use crate::money::Currency;

/// Principal, interest, fees and penalties: the four parts of what a loan owes.
///
/// ```
/// use microcredit::account::{Part, Parts};
/// let p = Parts { principal: "80".parse()?, interest: "16".parse()?, ..Parts::default() };
/// assert_eq!(p.total().to_string(), "96");
/// assert_eq!(p.get(Part::Interest).to_string(), "16");
/// # Ok::<(), rust_decimal::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Parts {
    /// Principal.
    #[serde(with = "crate::money::exact")]
    pub principal: Decimal,
    /// Interest.
    #[serde(with = "crate::money::exact")]
    pub interest: Decimal,
    /// Fees (with insurance).
    #[serde(with = "crate::money::exact")]
    pub fees: Decimal,
    /// Penalties.
    #[serde(with = "crate::money::exact")]
    pub penalties: Decimal,
}

impl Parts {
    /// The sum of the four parts.
    pub fn total(&self) -> Decimal {
        self.principal + self.interest + self.fees + self.penalties
    }

    /// One part.
    pub fn get(&self, part: Part) -> Decimal {
        match part {
            Part::Principal => self.principal,
            Part::Interest => self.interest,
            Part::Fees => self.fees,
            Part::Penalties => self.penalties,
        }
    }

    fn of(cur: Currency, m: Minor4) -> Parts {
        let d = |v| cur.amount_of_minor(v);
        Parts { principal: d(m[0]), interest: d(m[1]), fees: d(m[2]), penalties: d(m[3]) }
    }
}

/// One installment on the date asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct InstallmentState {
    /// 1-based number.
    pub number: u32,
    /// Due date.
    pub due_date: NaiveDate,
    /// What it owes: the schedule's amounts and the charges added to it.
    pub due: Parts,
    /// What payments paid of it.
    pub paid: Parts,
    /// What was forgiven.
    pub waived: Parts,
    /// What was written off.
    pub written_off: Parts,
    /// What is still owed: due − paid − waived − written off; never negative.
    pub outstanding: Parts,
    /// The date it was settled in full (paid or waived), if it is.
    pub settled_on: Option<NaiveDate>,
}

/// Where the loan is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// Approved, not yet disbursed.
    Approved,
    /// Disbursed, nothing overdue beyond the tolerance.
    Active,
    /// Something is overdue beyond the tolerance.
    InArrears,
    /// Everything owed is paid (or waived).
    Closed,
    /// Everything owed is paid and the family paid more: the surplus is tracked until refunded.
    Overpaid,
    /// Written off; money received since is recovery.
    WrittenOff,
    /// Written off, and recoveries have since covered everything written off.
    Recovered,
}

impl Status {
    /// The status's stable snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Approved => "approved",
            Status::Active => "active",
            Status::InArrears => "in_arrears",
            Status::Closed => "closed",
            Status::Overpaid => "overpaid",
            Status::WrittenOff => "written_off",
            Status::Recovered => "recovered",
        }
    }
}

/// What one payment, recovery or waiver did: the parts of each installment it paid or forgave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Applied {
    /// The event.
    pub event: EventId,
    /// Its effective date.
    pub date: NaiveDate,
    /// Repayment, recovery or waiver.
    pub kind: AppliedKind,
    /// The amount applied.
    #[serde(with = "crate::money::exact")]
    pub amount: Decimal,
    /// All the parts it paid (or forgave).
    pub parts: Parts,
    /// Per installment touched: the parts paid (or forgiven) of it.
    pub installments: Vec<InstallmentShare>,
    /// What was left when nothing more was owed: added to the surplus.
    #[serde(with = "crate::money::exact")]
    pub surplus: Decimal,
}

/// The parts of one installment that a payment paid (or a waiver forgave).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct InstallmentShare {
    /// The installment's number.
    pub number: u32,
    /// The parts paid.
    pub parts: Parts,
}

/// An event that could not be applied in full when the account was replayed (e.g. a waiver larger
/// than what was left to forgive once a backdated payment was recorded), with the rule's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Problem {
    /// The event.
    pub event: EventId,
    /// The rule it met (an error code, e.g. `more_than_owed`).
    pub code: String,
}

/// Where a folded ledger stands on a date: status, what is owed, overdue and due, and the age of
/// the arrears (shared by [`AccountState`] and a book's summaries).
pub(crate) struct Standing {
    pub status: Status,
    pub outstanding: Minor4,
    pub overdue: Minor4,
    pub due_by_date: Minor4,
    pub payoff: Minor4,
    pub days_past_due: u32,
    pub delinquent_days: u32,
}

impl Standing {
    pub fn of(ledger: &Ledger, date: NaiveDate, rules: &AccountRules) -> Standing {
        let outstanding = ledger.sum_rows(|_| true);
        // Nothing is owed yet on a loan not disbursed: no arrears, nothing to pay, nothing to pay off.
        let lent = ledger.disbursed > 0;
        let owed_by = |m: Minor4| if lent { m } else { [0; 4] };
        let overdue = owed_by(ledger.overdue_on(date));
        let tolerance = ledger.currency.to_minor("tolerance", rules.arrears.tolerance).unwrap_or(0);
        let written_off: i128 = ledger.rows.iter().map(|r| r.written_off.iter().sum::<i128>()).sum();
        let status = if !lent {
            Status::Approved
        } else if ledger.written_off_on.is_some() {
            if ledger.recovered >= written_off { Status::Recovered } else { Status::WrittenOff }
        } else if outstanding.iter().sum::<i128>() == 0 {
            if ledger.surplus > 0 { Status::Overpaid } else { Status::Closed }
        } else if overdue.iter().sum::<i128>() > tolerance {
            Status::InArrears
        } else {
            Status::Active
        };
        let days_past_due = match status {
            Status::InArrears => ledger
                .rows
                .iter()
                .find(|r| r.due_date < date && r.outstanding_total() > 0)
                .map_or(0, |r| u32::try_from((date - r.due_date).num_days()).unwrap_or(u32::MAX)),
            _ => 0,
        };
        Standing {
            status,
            outstanding,
            overdue,
            due_by_date: owed_by(ledger.sum_rows(|r| r.due_date <= date)),
            payoff: owed_by(payoff(ledger, date, rules.prepayment.interest)),
            days_past_due,
            delinquent_days: days_past_due.saturating_sub(rules.arrears.grace_days),
        }
    }
}

/// What closes the loan on `date` (see [`AccountState::payoff`]).
fn payoff(ledger: &Ledger, date: NaiveDate, interest: PrepaymentInterest) -> Minor4 {
    let current = match interest {
        PrepaymentInterest::Scheduled => ledger.rows.len(),
        PrepaymentInterest::RealBalance => ledger.current_end(date),
    };
    let mut out = [0; 4];
    for (k, row) in ledger.rows.iter().enumerate() {
        for (p, owed) in out.iter_mut().enumerate() {
            if k < current || p == Part::Principal.index() || p == Part::Penalties.index() {
                *owed += row.outstanding(p);
            }
        }
    }
    out
}

/// The state of an account on a date: a deterministic replay of its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AccountState {
    /// The date asked about (events effective after it are not counted).
    pub date: NaiveDate,
    /// The loan's currency.
    pub currency: Currency,
    /// The lifecycle status.
    pub status: Status,
    /// Disbursed so far.
    #[serde(with = "crate::money::exact")]
    pub disbursed: Decimal,
    /// Every installment.
    pub installments: Vec<InstallmentState>,
    /// Owed over the whole loan (schedule and charges).
    pub due: Parts,
    /// Paid so far.
    pub paid: Parts,
    /// Forgiven so far.
    pub waived: Parts,
    /// Written off.
    pub written_off: Parts,
    /// Still owed over the whole loan, future installments included.
    pub outstanding: Parts,
    /// Arrears: what is owed on installments due strictly before the date.
    pub overdue: Parts,
    /// What the family should pay on the date to be up to date: arrears and the installments due
    /// on the date.
    pub due_by_date: Parts,
    /// What closes the loan on the date: everything owed under
    /// [`PrepaymentInterest::Scheduled`]; under [`PrepaymentInterest::RealBalance`] what is
    /// past due, the current installment, and the principal (with any penalties) of the
    /// installments after it: no interest or scheduled fees for periods not yet begun.
    pub payoff: Parts,
    /// Days since the due date of the oldest overdue installment (0 when nothing is overdue
    /// beyond the tolerance, and for a loan closed or written off).
    pub days_past_due: u32,
    /// Days past due less the grace days, never below zero: what the bucket is chosen by.
    pub delinquent_days: u32,
    /// The delinquency bucket of `delinquent_days`.
    pub bucket: String,
    /// Paid beyond everything owed, not yet refunded.
    #[serde(with = "crate::money::exact")]
    pub overpaid: Decimal,
    /// Refunded of a surplus.
    #[serde(with = "crate::money::exact")]
    pub refunded: Decimal,
    /// Received after a write-off.
    #[serde(with = "crate::money::exact")]
    pub recovered: Decimal,
    /// The date of the last repayment or recovery counted.
    pub last_payment: Option<NaiveDate>,
    /// What each repayment, recovery and waiver did, in replay order.
    pub applied: Vec<Applied>,
    /// Penalties the account's rules charged, in the order charged.
    pub penalties_charged: Vec<PenaltyCharged>,
    /// Events that could not be applied in full.
    pub problems: Vec<Problem>,
}

/// A penalty a rule charged: when, on which installment, how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PenaltyCharged {
    /// The day it was charged.
    pub date: NaiveDate,
    /// The installment it was added to.
    pub installment: u32,
    /// The amount.
    #[serde(with = "crate::money::exact")]
    pub amount: Decimal,
}

impl AccountState {
    /// The state of a folded ledger on `date`.
    pub(crate) fn of(ledger: &Ledger, date: NaiveDate, rules: &AccountRules) -> AccountState {
        let arrears = &rules.arrears;
        let cur = ledger.currency;
        let parts = |m| Parts::of(cur, m);
        let mut totals = [[0i128; 4]; 4]; // due, paid, waived, written off
        let installments = ledger
            .rows
            .iter()
            .map(|r| {
                for (total, amounts) in totals.iter_mut().zip([r.due, r.paid, r.waived, r.written_off]) {
                    (0..4).for_each(|p| total[p] += amounts[p]);
                }
                InstallmentState {
                    number: r.number,
                    due_date: r.due_date,
                    due: parts(r.due),
                    paid: parts(r.paid),
                    waived: parts(r.waived),
                    written_off: parts(r.written_off),
                    outstanding: parts([r.outstanding(0), r.outstanding(1), r.outstanding(2), r.outstanding(3)]),
                    settled_on: r.settled_on,
                }
            })
            .collect();
        let Standing { status, outstanding, overdue, due_by_date, payoff, days_past_due, delinquent_days } =
            Standing::of(ledger, date, rules);
        AccountState {
            date,
            currency: cur,
            status,
            disbursed: cur.amount_of_minor(ledger.disbursed),
            installments,
            due: parts(totals[0]),
            paid: parts(totals[1]),
            waived: parts(totals[2]),
            written_off: parts(totals[3]),
            outstanding: parts(outstanding),
            overdue: parts(overdue),
            due_by_date: parts(due_by_date),
            payoff: parts(payoff),
            days_past_due,
            delinquent_days,
            bucket: arrears.bucket(delinquent_days).to_string(),
            overpaid: cur.amount_of_minor(ledger.surplus),
            refunded: cur.amount_of_minor(ledger.refunded),
            recovered: cur.amount_of_minor(ledger.recovered),
            last_payment: ledger.last_payment,
            applied: ledger
                .applied
                .iter()
                .map(|a| {
                    let mut all = [0i128; 4];
                    for (_, s) in &a.shares {
                        (0..4).for_each(|p| all[p] += s[p]);
                    }
                    Applied {
                        event: a.event,
                        date: a.date,
                        kind: a.kind,
                        amount: cur.amount_of_minor(a.amount),
                        parts: parts(all),
                        installments: a
                            .shares
                            .iter()
                            .map(|(n, s)| InstallmentShare { number: *n, parts: parts(*s) })
                            .collect(),
                        surplus: cur.amount_of_minor(a.surplus),
                    }
                })
                .collect(),
            penalties_charged: {
                let mut charged: Vec<PenaltyCharged> = ledger
                    .penalties
                    .iter()
                    .map(|&(date, installment, amount)| PenaltyCharged {
                        date,
                        installment,
                        amount: cur.amount_of_minor(amount),
                    })
                    .collect();
                charged.sort_by_key(|c| (c.date, c.installment));
                charged
            },
            problems: ledger
                .problems
                .iter()
                .map(|(event, reason)| Problem { event: *event, code: reason.code().to_string() })
                .collect(),
        }
    }
}
