//! The replay: an account's events folded, in (effective date, id) order, over its schedule.
//!
//! Everything here is in the currency's minor units (`i128`), one array of the four parts
//! (principal, interest, fees, penalties; see [`Part`]) per installment. The fold is a pure
//! function of the schedule, the allocation steps and the set of events: the order events were
//! recorded in does not matter, and a reversed event (with its reversal) is left out entirely, so
//! reversing an event is the same as never having recorded it.

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::allocation::{Step, Timing};
use super::event::{ChargeKind, Event, EventId, EventKind, Waivable};
use super::penalty::{PenaltyAmount, PenaltyFrequency, PenaltyRule};
use super::prepayment::{ExtraPayment, Prepayment, PrepaymentInterest};
use crate::error::{Error, Reason, Result};
use crate::money::Currency;
use crate::schedule::Schedule;
use crate::terms::LoanTerms;

/// What the replay follows besides the events: the allocation steps, the prepayment rules and
/// the terms (to recompute the installments left after principal paid ahead).
pub(crate) struct Plan<'a> {
    pub steps: &'a [Step],
    pub prepayment: Prepayment,
    pub penalties: &'a [PenaltyRule],
    /// The terms, to recompute installments after principal paid ahead; an account read from an
    /// installments table has none, and money paid ahead pays its installments as they stand.
    pub terms: Option<&'a LoanTerms>,
    /// How a percent penalty is rounded to the minor unit (the terms' rounding).
    pub rounding: crate::money::RoundingMode,
    /// Whether to keep what each payment paid (a book's summary does not need it).
    pub detail: bool,
}

/// An event as the fold applies it: amounts in minor units, reversals already taken out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Move {
    pub id: EventId,
    pub day: NaiveDate,
    pub what: What,
}

/// What a [`Move`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    Disburse(i128),
    Pay(i128),
    Recover(i128),
    /// A charge: the part (fees or penalties) and the amount.
    Charge(usize, i128),
    /// A waiver: the part and the amount.
    Waive(usize, i128),
    WriteOff,
    Refund(i128),
}

impl Move {
    /// The move of one event (None for a reversal).
    pub fn of(event: &Event, currency: Currency) -> Result<Option<Move>> {
        let minor = |m: &crate::money::Money| currency.to_minor("amount", m.amount());
        let what = match &event.kind {
            EventKind::Disbursement { amount } => What::Disburse(minor(amount)?),
            EventKind::Repayment { amount, .. } => What::Pay(minor(amount)?),
            EventKind::Recovery { amount } => What::Recover(minor(amount)?),
            EventKind::Charge { charge, amount, .. } => {
                What::Charge(if *charge == ChargeKind::Fee { FEES } else { PENALTIES }, minor(amount)?)
            }
            EventKind::Waiver { part, amount } => {
                let p = match part {
                    Waivable::Interest => INTEREST,
                    Waivable::Fees => FEES,
                    Waivable::Penalties => PENALTIES,
                };
                What::Waive(p, minor(amount)?)
            }
            EventKind::WriteOff => What::WriteOff,
            EventKind::Refund { amount } => What::Refund(minor(amount)?),
            EventKind::Reversal { .. } => return Ok(None),
        };
        Ok(Some(Move { id: event.id, day: event.effective, what }))
    }
}

/// The most penalties the rules charge one account: past it the replay stops charging and lists
/// a `too_many` problem (a daily penalty without a cap on a loan left unpaid for centuries would
/// otherwise grow without end).
pub(crate) const MAX_PENALTY_CHARGES: usize = 100_000;

/// When a penalty rule next looks at one installment, and what it charged it so far.
#[derive(Debug, Clone)]
struct PenaltyClock {
    rule: usize,
    number: u32,
    next: Option<NaiveDate>,
    charged: i128,
}

const PRINCIPAL: usize = 0;
const INTEREST: usize = 1;
const FEES: usize = 2;
const PENALTIES: usize = 3;

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

    /// What is settled of a part one way or another: paid, waived or written off.
    fn settled(&self, p: usize) -> i128 {
        self.paid[p] + self.waived[p] + self.written_off[p]
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
    /// Penalties the rules charged: date, installment, amount.
    pub penalties: Vec<(NaiveDate, u32, i128)>,
    clocks: Vec<PenaltyClock>,
}

impl Ledger {
    /// The schedule's installments, nothing paid yet. Fees are the schedule's fees and insurance;
    /// compulsory savings are the family's deposit, not a debt, and stay out of the account.
    pub fn new(schedule: &Schedule) -> Result<Ledger> {
        let cur = schedule.currency;
        let mut rows = Vec::with_capacity(schedule.installments.len());
        for i in &schedule.installments {
            let fees = i.fees.checked_add(i.insurance).ok_or_else(|| Error::Overflow { what: "fees".into() })?;
            let due = [
                cur.to_minor("principal", i.principal)?,
                cur.to_minor("interest", i.interest)?,
                cur.to_minor("fees", fees)?,
                0,
            ];
            rows.push((i.number, i.due_date, due));
        }
        Ok(Ledger::from_rows(cur, schedule.disbursement.date, rows))
    }

    /// Installments given as (number, due date, due parts in minor units), in due-date order,
    /// the first period starting on `start`; nothing paid yet.
    pub fn from_rows(
        currency: Currency,
        start: NaiveDate,
        rows: impl IntoIterator<Item = (u32, NaiveDate, Minor4)>,
    ) -> Ledger {
        let mut from = start;
        let rows = rows
            .into_iter()
            .map(|(number, due_date, due)| {
                let row = Row {
                    number,
                    start: from,
                    due_date,
                    due,
                    paid: [0; 4],
                    waived: [0; 4],
                    written_off: [0; 4],
                    settled_on: None,
                };
                from = due_date;
                row
            })
            .collect();
        Ledger {
            currency,
            rows,
            disbursed: 0,
            surplus: 0,
            refunded: 0,
            recovered: 0,
            written_off_on: None,
            last_payment: None,
            applied: Vec::new(),
            problems: Vec::new(),
            penalties: Vec::new(),
            clocks: Vec::new(),
        }
    }

    /// Fold `events` (every event of the account, in any order) up to and including `until`.
    pub fn fold(self, events: &[Event], until: Option<NaiveDate>, plan: &Plan<'_>) -> Result<Ledger> {
        let mut moves = Vec::with_capacity(events.len());
        for event in in_replay_order(events, until) {
            moves.extend(Move::of(event, self.currency)?);
        }
        let end = until.or(moves.last().map(|m| m.day));
        Ok(self.fold_moves(&moves, end, plan))
    }

    /// Fold `moves` (in replay order), then charge the penalties due up to `end`.
    pub fn fold_moves(mut self, moves: &[Move], end: Option<NaiveDate>, plan: &Plan<'_>) -> Ledger {
        self.clocks = (0..plan.penalties.len())
            .flat_map(|rule| {
                let grace = u64::from(plan.penalties[rule].grace_days) + 1;
                self.rows.iter().map(move |r| PenaltyClock {
                    rule,
                    number: r.number,
                    next: r.due_date.checked_add_days(chrono::Days::new(grace)),
                    charged: 0,
                })
            })
            .collect();
        for m in moves {
            self.charge_penalties(m.day, plan);
            self.apply(m, plan);
        }
        if let Some(end) = end {
            self.charge_penalties(end, plan);
        }
        self
    }

    /// Every penalty due on or before `day` that is not charged yet, each seeing the ledger as it
    /// stood at the end of the day before (no event falls between the clocks and `day`).
    fn charge_penalties(&mut self, day: NaiveDate, plan: &Plan<'_>) {
        let cur = self.currency;
        for c in 0..self.clocks.len() {
            while let Some(tick) = self.clocks[c].next.filter(|t| *t <= day) {
                let clock = self.clocks[c].clone();
                let rule = &plan.penalties[clock.rule];
                let every = match rule.frequency {
                    PenaltyFrequency::Once => None,
                    PenaltyFrequency::EveryDays(n) => Some(i64::from(n)),
                };
                self.clocks[c].next = every.and_then(|n| tick.checked_add_signed(chrono::TimeDelta::days(n)));
                // Nothing changes before `day` (no event falls between): a tick that charges
                // nothing means none of the ticks up to `day` will, so the clock jumps past it.
                // This keeps the work bounded by the charges made, not by the days elapsed.
                let skip_past_day = |next: &mut Option<NaiveDate>| {
                    if let (Some(n), Some(at)) = (every, *next) {
                        let steps = (day - at).num_days().div_euclid(n) + 1;
                        *next = at.checked_add_signed(chrono::TimeDelta::days(steps.max(0) * n));
                    }
                };
                if self.penalties.len() >= MAX_PENALTY_CHARGES {
                    self.clocks[c].next = None;
                    if !self.problems.iter().any(|(_, r)| *r == Reason::TooMany) {
                        self.problems.push((EventId::from_u128(0), Reason::TooMany));
                    }
                    continue;
                }
                let row_at = self.rows.iter().position(|r| r.number == clock.number);
                let owes = |r: &Row| r.outstanding(PRINCIPAL) + r.outstanding(INTEREST) + r.outstanding(FEES) > 0;
                let Some(k) =
                    row_at.filter(|&k| owes(&self.rows[k]) && self.disbursed > 0 && self.written_off_on.is_none())
                else {
                    skip_past_day(&mut self.clocks[c].next);
                    continue;
                };
                let row = &self.rows[k];
                let of_percent = |base: i128, percent: Decimal| {
                    let value = cur.amount_of_minor(base) * percent / Decimal::ONE_HUNDRED;
                    cur.to_minor("penalty", plan.rounding.round(value, cur.minor_units())).unwrap_or(0)
                };
                let mut amount = match rule.amount {
                    PenaltyAmount::Flat { amount } => cur.to_minor("penalty", amount).unwrap_or(0),
                    PenaltyAmount::PercentOfOverdue { percent } => {
                        of_percent(row.outstanding(PRINCIPAL) + row.outstanding(INTEREST), percent)
                    }
                    PenaltyAmount::PercentOfOverduePrincipal { percent } => {
                        of_percent(row.outstanding(PRINCIPAL), percent)
                    }
                };
                let cap = |limit: Option<Decimal>, so_far: i128| {
                    limit.map_or(i128::MAX, |l| cur.to_minor("cap", l).unwrap_or(0) - so_far)
                };
                let on_loan: i128 = self.clocks.iter().filter(|o| o.rule == clock.rule).map(|o| o.charged).sum();
                amount = amount.min(cap(rule.cap_per_installment, clock.charged)).min(cap(rule.cap_per_loan, on_loan));
                if amount <= 0 {
                    skip_past_day(&mut self.clocks[c].next);
                    continue;
                }
                self.clocks[c].charged += amount;
                let row = &mut self.rows[k];
                row.due[PENALTIES] += amount;
                row.settled_on = None;
                self.penalties.push((tick, row.number, amount));
            }
        }
    }

    fn apply(&mut self, m: &Move, plan: &Plan<'_>) {
        let (id, day) = (m.id, m.day);
        match m.what {
            What::Disburse(amount) => self.disbursed += amount,
            What::Pay(amount) | What::Recover(amount) if self.written_off_on.is_some() => {
                self.recover(id, day, amount, plan)
            }
            What::Recover(amount) => self.recover(id, day, amount, plan),
            What::Pay(amount) => self.allocate(id, day, amount, plan),
            What::Charge(part, amount) => {
                if self.written_off_on.is_some() {
                    self.problems.push((id, Reason::LoanWrittenOff));
                } else if let Some(row) = self.row_holding(day) {
                    row.due[part] += amount;
                    row.settled_on = None;
                }
            }
            What::Waive(part, amount) => self.waive(id, day, part, amount, plan),
            What::WriteOff => {
                if self.written_off_on.is_some() {
                    self.problems.push((id, Reason::LoanWrittenOff));
                } else {
                    for row in &mut self.rows {
                        for p in 0..4 {
                            row.written_off[p] += row.outstanding(p);
                        }
                    }
                    self.written_off_on = Some(day);
                }
            }
            What::Refund(amount) => {
                let given = amount.min(self.surplus);
                if given < amount {
                    let owed = self.currency.amount_of_minor(self.surplus).to_string();
                    self.problems.push((id, Reason::MoreThanOwed { owed }));
                }
                self.surplus -= given;
                self.refunded += given;
            }
        }
    }

    /// The installment whose period holds `day` (the last one after maturity).
    fn row_holding(&mut self, day: NaiveDate) -> Option<&mut Row> {
        let k = self.rows.iter().position(|r| r.due_date >= day).unwrap_or(self.rows.len().saturating_sub(1));
        self.rows.get_mut(k)
    }

    fn recover(&mut self, event: EventId, day: NaiveDate, amount: i128, plan: &Plan<'_>) {
        self.recovered += amount;
        self.last_payment = Some(day);
        let applied = Applied { event, date: day, kind: AppliedKind::Recovery, amount, shares: Vec::new(), surplus: 0 };
        self.keep(applied, plan);
    }

    /// Keep what a payment, recovery or waiver did, when the plan asks for the detail.
    fn keep(&mut self, applied: Applied, plan: &Plan<'_>) {
        if plan.detail {
            self.applied.push(applied);
        }
    }

    /// How many installments are current on `day`: those past due and the one due (whose period
    /// holds the day); when none is due (the day of disbursement), the first one ahead too.
    pub fn current_end(&self, day: NaiveDate) -> usize {
        let end = self.rows.iter().take_while(|r| r.timing(day) != Timing::InAdvance).count();
        let due = end > 0 && self.rows[end - 1].timing(day) == Timing::Due;
        if due || end == self.rows.len() { end } else { end + 1 }
    }

    /// Allocate a payment by the steps; what no step takes is surplus. Under
    /// [`PrepaymentInterest::RealBalance`] the steps pay the current installments only, and the
    /// rest pays principal ahead ([`Ledger::pay_ahead`]).
    fn allocate(&mut self, event: EventId, day: NaiveDate, amount: i128, plan: &Plan<'_>) {
        let mut paying = Paying { left: amount, shares: Vec::new(), detail: plan.detail };
        match plan.prepayment.interest {
            PrepaymentInterest::RealBalance if plan.terms.is_some() => {
                let current = self.current_end(day);
                self.run_steps(day, plan.steps, current, &mut paying);
                if paying.left > 0 && current < self.rows.len() {
                    self.pay_ahead(event, day, current, plan, &mut paying);
                }
            }
            _ => self.run_steps(day, plan.steps, self.rows.len(), &mut paying),
        }
        // What no step took pays anything still owed, installment by installment, before it
        // becomes a surplus (a strategy that pays only principal ahead must not leave fees owed
        // on a loan paid in full).
        if paying.left > 0 {
            for row in self.rows.iter_mut().filter(|r| r.settled_on.is_none()) {
                for p in [PENALTIES, FEES, INTEREST, PRINCIPAL] {
                    paying.pay(row, p, day);
                }
            }
        }
        let Paying { left, mut shares, .. } = paying;
        self.surplus += left;
        self.last_payment = Some(day);
        shares.sort_by_key(|(n, _)| *n); // empty without the detail
        let applied = Applied { event, date: day, kind: AppliedKind::Repayment, amount, shares, surplus: left };
        self.keep(applied, plan);
    }

    /// The allocation's steps over the first `rows` installments (the last of them counted as
    /// due when its period has not started: see [`Ledger::current_end`]).
    fn run_steps(&mut self, day: NaiveDate, steps: &[Step], rows: usize, paying: &mut Paying) {
        let all = self.rows.len();
        for step in steps {
            for (k, row) in self.rows.iter_mut().enumerate().take(rows) {
                if row.settled_on.is_some() {
                    continue; // nothing owed (every change of what is due clears the mark)
                }
                let timing = match row.timing(day) {
                    Timing::InAdvance if rows < all && k + 1 == rows => Timing::Due,
                    t => t,
                };
                if !step.timings.contains(&timing) {
                    continue;
                }
                for part in &step.parts {
                    paying.pay(row, part.index(), day);
                }
                if paying.left == 0 {
                    return;
                }
            }
        }
    }

    /// Money left once the current installments are paid, under
    /// [`PrepaymentInterest::RealBalance`]: penalties charged on later installments first, then
    /// principal ahead, recorded on the last current installment; the later installments are
    /// recomputed on the lower balance (see [`super::prepayment`]).
    fn pay_ahead(&mut self, event: EventId, day: NaiveDate, current: usize, plan: &Plan<'_>, paying: &mut Paying) {
        for row in &mut self.rows[current..] {
            paying.pay(row, PENALTIES, day);
        }
        let ahead: i128 = self.rows[current..].iter().map(|r| r.outstanding(PRINCIPAL)).sum();
        let extra = paying.left.min(ahead);
        if extra == 0 {
            return;
        }
        let balance = ahead - extra;
        let new_rows = match self.recompute(current, balance, plan) {
            Ok(rows) => rows,
            Err(_) => {
                // The engine cannot lay out the balance (a limit of the terms): pay the later
                // installments' principal as scheduled instead, and say so.
                self.problems.push((event, Reason::NotRepresentable));
                for row in &mut self.rows[current..] {
                    paying.pay(row, PRINCIPAL, day);
                }
                return;
            }
        };
        let carrier = &mut self.rows[current - 1];
        carrier.due[PRINCIPAL] += extra;
        paying.pay(carrier, PRINCIPAL, day);
        for (k, row) in self.rows[current..].iter_mut().enumerate() {
            let (principal, interest, keeps_fees) = new_rows.get(k).map_or((0, 0, false), |&(p, i)| (p, i, true));
            row.due[PRINCIPAL] = row.settled(PRINCIPAL) + principal;
            row.due[INTEREST] = row.settled(INTEREST) + interest;
            if !keeps_fees || balance == 0 {
                row.due[FEES] = row.settled(FEES);
            }
            row.settled_on = match row.settled_on {
                _ if row.outstanding_total() > 0 => None,
                None => Some(day),
                kept => kept,
            };
        }
        self.rows.retain(|r| r.due != [0; 4]);
    }

    /// Principal and interest of the installments after the first `current`, recomputed by the
    /// schedule engine for `balance` over the same due dates: as many installments
    /// ([`ExtraPayment::LowerInstallments`]) or the fewest whose installment is no larger than
    /// before ([`ExtraPayment::ShortenTerm`]).
    fn recompute(&self, current: usize, balance: i128, plan: &Plan<'_>) -> Result<Vec<(i128, i128)>> {
        let later = &self.rows[current..];
        if balance == 0 {
            return Ok(Vec::new());
        }
        let cur = self.currency;
        let Some(terms) = plan.terms else {
            return Err(Error::Internal { what: "recompute needs the loan's terms" });
        };
        let mut t = terms.clone();
        t.principal = cur.amount_of_minor(balance);
        t.disbursement_date = self.rows[current - 1].due_date;
        t.first_repayment_date = Some(later[0].due_date);
        t.grace_on_principal = 0;
        t.grace_on_interest_payment = 0;
        t.interest_free_periods = 0;
        t.fees = Vec::new();
        t.insurance = None;
        t.savings = None;
        let layout = |n: usize| -> Result<Vec<(i128, i128)>> {
            let mut t = t.clone();
            t.installments = u32::try_from(n).map_err(|_| Error::invalid("installments", n, Reason::whole_u32()))?;
            let s = Schedule::generate(&t)?;
            s.installments
                .iter()
                .map(|i| Ok((cur.to_minor("principal", i.principal)?, cur.to_minor("interest", i.interest)?)))
                .collect()
        };
        match plan.prepayment.extra {
            ExtraPayment::LowerInstallments => layout(later.len()),
            ExtraPayment::ShortenTerm => {
                let before = later[0].due[PRINCIPAL] + later[0].due[INTEREST];
                let fits = |rows: &[(i128, i128)]| rows.first().is_some_and(|(p, i)| p + i <= before);
                // The annuity's number of periods for the new balance at the old installment
                // (f64, only to choose where to look first); the engine's layouts decide.
                let owed: i128 = later.iter().map(|r| r.due[PRINCIPAL]).sum();
                let rate = later[0].due[INTEREST] as f64 / owed.max(1) as f64;
                let (b, emi) = (balance as f64, before.max(1) as f64);
                let periods =
                    if rate > 0.0 && emi > b * rate { (emi / (emi - b * rate)).ln() / rate.ln_1p() } else { b / emi };
                let (mut lo, mut hi) = (1, later.len());
                let mut probe = (periods.ceil() as usize).clamp(lo, hi);
                let mut best: Option<(usize, Vec<(i128, i128)>)> = None;
                let mut first = true;
                while lo < hi {
                    let rows = layout(probe)?;
                    let fit = fits(&rows);
                    if fit {
                        hi = probe;
                        best = Some((probe, rows));
                    } else {
                        lo = probe + 1;
                    }
                    // After the estimate, its neighbour settles it in the usual case.
                    probe = if first && fit {
                        probe.saturating_sub(1).max(lo)
                    } else if first {
                        (probe + 1).min(hi)
                    } else {
                        (lo + hi) / 2
                    };
                    first = false;
                }
                match best {
                    Some((n, rows)) if n == hi => Ok(rows),
                    _ => layout(hi),
                }
            }
        }
    }

    /// Forgive up to `amount` of one part, oldest installment first.
    fn waive(&mut self, event: EventId, day: NaiveDate, p: usize, amount: i128, plan: &Plan<'_>) {
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
        let applied =
            Applied { event, date: day, kind: AppliedKind::Waiver, amount: amount - left, shares, surplus: 0 };
        self.keep(applied, plan);
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

/// A payment being allocated: what is left of it and the parts it paid per installment.
struct Paying {
    left: i128,
    shares: Vec<(u32, Minor4)>,
    /// Whether to keep the shares.
    detail: bool,
}

impl Paying {
    /// Pay as much of `row`'s part `p` as is owed and left.
    fn pay(&mut self, row: &mut Row, p: usize, day: NaiveDate) {
        let take = self.left.min(row.outstanding(p));
        if take <= 0 {
            return;
        }
        row.paid[p] += take;
        self.left -= take;
        if row.outstanding_total() == 0 {
            row.settled_on = Some(day);
        }
        if !self.detail {
            return;
        }
        match self.shares.iter_mut().find(|(n, _)| *n == row.number) {
            Some((_, s)) => s[p] += take,
            None => {
                let mut s = [0; 4];
                s[p] = take;
                self.shares.push((row.number, s));
            }
        }
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
