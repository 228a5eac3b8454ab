//! The replay: an account's events folded, in (effective date, id) order, over its schedule.
//!
//! Everything here is in the currency's minor units (`i128`), one array of the four parts
//! (principal, interest, fees, penalties; see [`Part`]) per installment. The fold is a pure
//! function of the schedule, the allocation steps and the set of events: the order events were
//! recorded in does not matter, and a reversed event (with its reversal) is left out entirely, so
//! reversing an event is the same as never having recorded it.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::allocation::{Part, Step, Timing};
use super::event::{ChargeKind, Event, EventId, EventKind, Waivable};
use crate::error::{Error, Reason, Result};
use crate::money::Currency;
use crate::schedule::Schedule;

/// Four amounts in minor units, indexed by [`Part::index`].
pub(crate) type Minor4 = [i128; 4];

/// One installment as the replay sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub number: u32,
    /// The previous due date (the disbursement date for the first installment).
    pub start: NaiveDate,
    pub due_date: NaiveDate,
    pub due: Minor4,
    pub paid: Minor4,
    pub waived: Minor4,
    pub written_off: Minor4,
    /// When it was last fully settled (paid or waived), if it is.
    pub settled_on: Option<NaiveDate>,
}

impl Row {
    pub fn outstanding(&self, p: usize) -> i128 {
        self.due[p] - self.paid[p] - self.waived[p] - self.written_off[p]
    }

    pub fn outstanding_total(&self) -> i128 {
        (0..4).map(|p| self.outstanding(p)).sum()
    }

    fn timing(&self, on: NaiveDate) -> Timing {
        if self.due_date < on {
            Timing::PastDue
        } else if self.start < on {
            Timing::Due
        } else {
            Timing::InAdvance
        }
    }
}

/// What one money event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Applied {
    pub event: EventId,
    pub date: NaiveDate,
    pub kind: AppliedKind,
    pub amount: i128,
    /// Per installment touched: its number and the parts paid (or waived).
    pub shares: Vec<(u32, Minor4)>,
    /// Money left after every installment was paid: the surplus it added.
    pub surplus: i128,
}

/// What kind of money an applied amount was (see [`crate::account::Applied`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum AppliedKind {
    /// A repayment allocated to installments.
    Repayment,
    /// Money received after a write-off.
    Recovery,
    /// Interest, fees or penalties forgiven.
    Waiver,
}

/// The fold's running state.
#[derive(Debug, Clone)]
pub(crate) struct Ledger {
    pub currency: Currency,
    pub rows: Vec<Row>,
    pub disbursed: i128,
    /// Paid beyond everything owed, less refunds.
    pub surplus: i128,
    pub refunded: i128,
    pub recovered: i128,
    pub written_off_on: Option<NaiveDate>,
    pub last_payment: Option<NaiveDate>,
    pub applied: Vec<Applied>,
    /// Events that could not be applied in full, with the rule they met.
    pub problems: Vec<(EventId, Reason)>,
}

impl Ledger {
    /// The schedule's installments, nothing paid yet. Fees are the schedule's fees and insurance;
    /// compulsory savings are the family's deposit, not a debt, and stay out of the account.
    pub fn new(schedule: &Schedule) -> Result<Ledger> {
        let cur = schedule.currency;
        let mut start = schedule.disbursement.date;
        let mut rows = Vec::with_capacity(schedule.installments.len());
        for i in &schedule.installments {
            let fees = i.fees.checked_add(i.insurance).ok_or_else(|| Error::Overflow { what: "fees".into() })?;
            let due = [
                cur.to_minor("principal", i.principal)?,
                cur.to_minor("interest", i.interest)?,
                cur.to_minor("fees", fees)?,
                0,
            ];
            rows.push(Row {
                number: i.number,
                start,
                due_date: i.due_date,
                due,
                paid: [0; 4],
                waived: [0; 4],
                written_off: [0; 4],
                settled_on: None,
            });
            start = i.due_date;
        }
        Ok(Ledger {
            currency: cur,
            rows,
            disbursed: 0,
            surplus: 0,
            refunded: 0,
            recovered: 0,
            written_off_on: None,
            last_payment: None,
            applied: Vec::new(),
            problems: Vec::new(),
        })
    }

    /// Fold `events` (every event of the account, in any order) up to and including `until`.
    pub fn fold(mut self, events: &[Event], until: Option<NaiveDate>, steps: &[Step]) -> Result<Ledger> {
        for event in in_replay_order(events, until) {
            self.apply(event, steps)?;
        }
        Ok(self)
    }

    fn minor(&self, amount: crate::money::Money) -> Result<i128> {
        self.currency.to_minor("amount", amount.amount())
    }

    fn apply(&mut self, event: &Event, steps: &[Step]) -> Result<()> {
        let day = event.effective;
        match &event.kind {
            EventKind::Disbursement { amount } => self.disbursed += self.minor(*amount)?,
            EventKind::Repayment { amount, .. } if self.written_off_on.is_some() => {
                self.recover(event.id, day, self.minor(*amount)?)
            }
            EventKind::Repayment { amount, .. } => {
                let paid = self.minor(*amount)?;
                self.allocate(event.id, day, paid, steps);
            }
            EventKind::Recovery { amount } => self.recover(event.id, day, self.minor(*amount)?),
            EventKind::Charge { charge, amount, .. } => {
                let value = self.minor(*amount)?;
                if self.written_off_on.is_some() {
                    self.problems.push((event.id, Reason::LoanWrittenOff));
                } else if let Some(row) = self.row_holding(day) {
                    let part = if *charge == ChargeKind::Fee { Part::Fees } else { Part::Penalties };
                    row.due[part.index()] += value;
                    row.settled_on = None;
                }
            }
            EventKind::Waiver { part, amount } => {
                let value = self.minor(*amount)?;
                self.waive(event.id, day, *part, value);
            }
            EventKind::WriteOff => {
                if self.written_off_on.is_some() {
                    self.problems.push((event.id, Reason::LoanWrittenOff));
                } else {
                    for row in &mut self.rows {
                        for p in 0..4 {
                            row.written_off[p] += row.outstanding(p);
                        }
                    }
                    self.written_off_on = Some(day);
                }
            }
            EventKind::Refund { amount } => {
                let value = self.minor(*amount)?;
                let given = value.min(self.surplus);
                if given < value {
                    self.problems.push((
                        event.id,
                        Reason::MoreThanOwed { owed: self.currency.amount_of_minor(self.surplus).to_string() },
                    ));
                }
                self.surplus -= given;
                self.refunded += given;
            }
            EventKind::Reversal { .. } => {}
        }
        Ok(())
    }

    /// The installment whose period holds `day` (the last one after maturity).
    fn row_holding(&mut self, day: NaiveDate) -> Option<&mut Row> {
        let k = self.rows.iter().position(|r| r.due_date >= day).unwrap_or(self.rows.len().saturating_sub(1));
        self.rows.get_mut(k)
    }

    fn recover(&mut self, event: EventId, day: NaiveDate, amount: i128) {
        self.recovered += amount;
        self.last_payment = Some(day);
        self.applied.push(Applied {
            event,
            date: day,
            kind: AppliedKind::Recovery,
            amount,
            shares: Vec::new(),
            surplus: 0,
        });
    }

    /// Allocate a payment by the steps; what no step takes is surplus.
    fn allocate(&mut self, event: EventId, day: NaiveDate, amount: i128, steps: &[Step]) {
        let mut left = amount;
        let mut shares: Vec<(u32, Minor4)> = Vec::new();
        for step in steps {
            for row in self.rows.iter_mut().filter(|r| step.timings.contains(&r.timing(day))) {
                let mut share = [0i128; 4];
                for part in &step.parts {
                    let p = part.index();
                    let take = left.min(row.outstanding(p));
                    if take > 0 {
                        row.paid[p] += take;
                        share[p] += take;
                        left -= take;
                    }
                }
                if share != [0; 4] {
                    if row.outstanding_total() == 0 {
                        row.settled_on = Some(day);
                    }
                    match shares.iter_mut().find(|(n, _)| *n == row.number) {
                        Some((_, s)) => (0..4).for_each(|p| s[p] += share[p]),
                        None => shares.push((row.number, share)),
                    }
                }
                if left == 0 {
                    break;
                }
            }
        }
        shares.sort_by_key(|(n, _)| *n);
        self.surplus += left;
        self.last_payment = Some(day);
        self.applied.push(Applied { event, date: day, kind: AppliedKind::Repayment, amount, shares, surplus: left });
    }

    /// Forgive up to `amount` of one part, oldest installment first.
    fn waive(&mut self, event: EventId, day: NaiveDate, part: Waivable, amount: i128) {
        let p = match part {
            Waivable::Interest => Part::Interest,
            Waivable::Fees => Part::Fees,
            Waivable::Penalties => Part::Penalties,
        }
        .index();
        let mut left = amount;
        let mut shares = Vec::new();
        for row in &mut self.rows {
            let take = left.min(row.outstanding(p));
            if take > 0 {
                row.waived[p] += take;
                left -= take;
                let mut share = [0; 4];
                share[p] = take;
                shares.push((row.number, share));
                if row.outstanding_total() == 0 {
                    row.settled_on = Some(day);
                }
            }
        }
        if left > 0 {
            let owed = self.currency.amount_of_minor(amount - left).to_string();
            self.problems.push((event, Reason::MoreThanOwed { owed }));
        }
        self.applied.push(Applied {
            event,
            date: day,
            kind: AppliedKind::Waiver,
            amount: amount - left,
            shares,
            surplus: 0,
        });
    }

    /// What is outstanding on installments due strictly before `day`, by part.
    pub fn overdue_on(&self, day: NaiveDate) -> Minor4 {
        self.sum_rows(|r| r.due_date < day)
    }

    /// Sum of the outstanding parts of the rows that `keep` selects.
    pub fn sum_rows(&self, keep: impl Fn(&Row) -> bool) -> Minor4 {
        let mut out = [0; 4];
        for row in self.rows.iter().filter(|r| keep(r)) {
            (0..4).for_each(|p| out[p] += row.outstanding(p));
        }
        out
    }
}

/// The events that take part in the replay up to `until`, in (effective date, id) order:
/// reversals and the events they reverse are left out.
pub(crate) fn in_replay_order(events: &[Event], until: Option<NaiveDate>) -> Vec<&Event> {
    let reversed = reversed_ids(events);
    let mut live: Vec<&Event> = events
        .iter()
        .filter(|e| !matches!(e.kind, EventKind::Reversal { .. }) && !reversed.contains(&e.id))
        .filter(|e| until.is_none_or(|d| e.effective <= d))
        .collect();
    live.sort_by_key(|e| (e.effective, e.id));
    live.dedup_by_key(|e| e.id); // one id, one event: a copy merged twice counts once
    live
}

/// The ids that a reversal names (whatever the reversal's own date).
pub(crate) fn reversed_ids(events: &[Event]) -> HashSet<EventId> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Reversal { of } => Some(of),
            _ => None,
        })
        .collect()
}
