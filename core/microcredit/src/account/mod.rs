//! Loan accounts: what happened after the family signed, as an append-only ledger of events.
//!
//! A schedule is a promise; an account is what happened. An [`Account`] holds a loan's terms,
//! its schedule, its rules (how payments are allocated, how arrears are aged) and the list of
//! [`Event`]s recorded on it: disbursements, repayments, charges, waivers, write-off, recoveries,
//! refunds and reversals. Events are never edited or deleted; a mistake is undone by a
//! [`EventKind::Reversal`].
//!
//! The state on any date ([`Account::state_on`]) is a deterministic fold of the events effective
//! on or before that date, sorted by (effective date, event id), over the schedule. A backdated
//! event or a reversal re-allocates every later payment, and [`Account::record`] says which
//! payments changed. Reversing an event is the same as never having recorded it.
//!
//! Where this differs from Apache Fineract (`../shared/research/fineract_ledger.md`):
//! - a reversal of a write-off is allowed (a write-off recorded by mistake must be undoable);
//!   while a write-off stands, nothing dated before it may change, as in Fineract;
//! - a charge on an overpaid loan does not draw on the surplus: both are shown, and a refund or
//!   a reversal settles them;
//! - a reversal cancels its event from the start, whatever the reversal's own date, so the state
//!   on an earlier date no longer counts it either (the ledger's best knowledge, not what was
//!   known on that date).
//!
//! ```
//! use microcredit::account::{Account, AccountRules, Event, EventId, EventKind, Status};
//! use microcredit::{LoanTerms, Money, NaiveDate};
//! let terms = LoanTerms::from_json(r#"{"principal": "1000", "currency": "USD",
//!     "rate": {"percent": "24", "per": "year"}, "installments": 4,
//!     "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-01-10"}"#)?;
//! let mut account = Account::open(terms, AccountRules::default())?;
//! let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
//! let usd = |a: &str| Money::parse(a, "USD").unwrap();
//! account.record(Event::new(EventId::v7(1, [0; 10]), day(1, 10), EventKind::Disbursement { amount: usd("1000") }))?;
//! account.record(Event::new(EventId::v7(2, [0; 10]), day(2, 10), EventKind::repayment(usd("262.62"), Some("R-1"))))?;
//! let state = account.state_on(day(3, 25))?;
//! assert_eq!(state.status, Status::InArrears); // March's installment is 15 days late
//! assert_eq!(state.days_past_due, 15);
//! assert_eq!(state.overdue.total().to_string(), "262.62");
//! # Ok::<(), microcredit::Error>(())
//! ```

mod allocation;
mod arrears;
mod book;
mod event;
mod penalty;
mod prepayment;
mod replay;
mod state;

pub use allocation::{Allocation, MAX_STEPS, NamedAllocation, Part, Step, Timing};
pub use arrears::{AgeBucket, ArrearsRules, MAX_BUCKETS};
pub use book::{Book, DueRow, Summary};
pub use event::{ChargeKind, Event, EventId, EventKind, MAX_EVENT_TEXT, Recording, Waivable};
pub use penalty::{MAX_PENALTY_RULES, PenaltyAmount, PenaltyFrequency, PenaltyRule};
pub use prepayment::{ExtraPayment, Prepayment, PrepaymentInterest};
pub use state::{
    AccountState, Applied, AppliedKind, InstallmentShare, InstallmentState, Parts, PenaltyCharged, Problem, Status,
};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Reason, Result};
use crate::schedule::Schedule;
use crate::terms::LoanTerms;
use replay::{Ledger, Plan, in_replay_order, reversed_ids};

/// The largest amount an account takes anywhere (an event, an installment, a tolerance, a
/// penalty): 10^12 in the loan's currency, the largest principal loan terms take. Sums of up to
/// [`MAX_EVENTS`] such amounts stay exact in minor units.
///
/// ```
/// assert_eq!(microcredit::account::MAX_AMOUNT.to_string(), "1000000000000");
/// ```
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// Refuse an amount above [`MAX_AMOUNT`] (a typing error, or a hostile value).
pub(crate) fn check_amount(field: &str, amount: Decimal) -> Result<()> {
    if amount.abs() > MAX_AMOUNT {
        return Err(Error::invalid(field, amount, Reason::AtMost { limit: "1e12".into() }));
    }
    Ok(())
}

/// The most events one account holds (a weekly loan over ten years with several events a week
/// stays far below it).
pub const MAX_EVENTS: usize = 100_000;

/// An account's rules: how payments are allocated and how arrears are aged.
///
/// ```
/// use microcredit::account::{AccountRules, NamedAllocation, Allocation};
/// let rules = AccountRules::from_json(r#"{"allocation": {"named": "overdue_first"}, "arrears": {"grace_days": 3}}"#)?;
/// assert_eq!(rules.allocation, Allocation::Named(NamedAllocation::OverdueFirst));
/// assert_eq!(rules.arrears.grace_days, 3);
/// # Ok::<(), microcredit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct AccountRules {
    /// How payments are allocated.
    pub allocation: Allocation,
    /// How arrears are counted and aged.
    pub arrears: ArrearsRules,
    /// What money paid ahead of the schedule does.
    pub prepayment: Prepayment,
    /// Late-payment penalties the replay charges by itself.
    pub penalties: Vec<PenaltyRule>,
}

impl AccountRules {
    /// Rules with an allocation and arrears rules.
    pub fn new(allocation: Allocation, arrears: ArrearsRules) -> AccountRules {
        AccountRules { allocation, arrears, prepayment: Prepayment::default(), penalties: Vec::new() }
    }

    /// The same rules with other prepayment rules.
    pub fn with_prepayment(mut self, prepayment: Prepayment) -> AccountRules {
        self.prepayment = prepayment;
        self
    }

    /// The same rules with late-payment penalties.
    pub fn with_penalties(mut self, penalties: Vec<PenaltyRule>) -> AccountRules {
        self.penalties = penalties;
        self
    }

    /// Check the allocation, the arrears rules and the penalties.
    pub fn validate(&self) -> Result<()> {
        self.allocation.validate()?;
        self.arrears.validate()?;
        check_amount("arrears.tolerance", self.arrears.tolerance)?;
        if self.penalties.len() > MAX_PENALTY_RULES {
            let limit = MAX_PENALTY_RULES.to_string();
            return Err(Error::invalid("penalties", self.penalties.len(), Reason::AtMost { limit }));
        }
        for (i, rule) in self.penalties.iter().enumerate() {
            let within = |e: Error| e.within(&format!("penalties[{i}]"));
            rule.validate().map_err(within)?;
            let flat = match rule.amount {
                PenaltyAmount::Flat { amount } => Some(amount),
                _ => None,
            };
            for (field, amount) in [
                ("amount", flat),
                ("cap_per_installment", rule.cap_per_installment),
                ("cap_per_loan", rule.cap_per_loan),
            ] {
                if let Some(amount) = amount {
                    check_amount(field, amount).map_err(within)?;
                }
            }
        }
        Ok(())
    }

    /// [`AccountRules::validate`], and every amount of the rules (tolerance, flat penalties,
    /// caps) within `currency`'s minor unit.
    pub fn validate_for(&self, currency: crate::money::Currency) -> Result<()> {
        self.validate()?;
        currency.check_scale("arrears.tolerance", self.arrears.tolerance)?;
        for (i, rule) in self.penalties.iter().enumerate() {
            let within = |e: Error| e.within(&format!("penalties[{i}]"));
            if let PenaltyAmount::Flat { amount } = rule.amount {
                currency.check_scale("amount", amount).map_err(within)?;
            }
            for (field, cap) in [("cap_per_installment", rule.cap_per_installment), ("cap_per_loan", rule.cap_per_loan)]
            {
                if let Some(cap) = cap {
                    currency.check_scale(field, cap).map_err(within)?;
                }
            }
        }
        Ok(())
    }

    /// Rules from their JSON form (every key optional), validated.
    pub fn from_json(text: &str) -> Result<AccountRules> {
        let rules: AccountRules = serde_json::from_str(text)?;
        rules.validate()?;
        Ok(rules)
    }
}

/// What recording an event did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Recorded {
    /// Whether the event was added, or was already there.
    pub outcome: Outcome,
    /// Earlier-recorded payments (and waivers) whose allocation changed because of it: a
    /// backdated event or a reversal re-allocates every later payment. (A payment reversed is
    /// not listed: it no longer counts at all.)
    pub changed: Vec<EventId>,
}

/// Whether an event was added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Added to the ledger.
    Recorded,
    /// The ledger already holds it (the same id with the same content, or a repayment with the
    /// same receipt, amount and date): nothing changed.
    AlreadyRecorded,
}

/// One installment of a schedule given as it stands (from a lender's table), for
/// [`Account::from_installments`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallmentDue {
    /// 1-based number.
    pub number: u32,
    /// Due date.
    pub due_date: NaiveDate,
    /// What it owes.
    pub due: Parts,
}

/// A loan account: terms (or a schedule given as it stands), rules and the events recorded on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    terms: Option<LoanTerms>,
    schedule: Option<Schedule>,
    currency: crate::money::Currency,
    disbursement_date: NaiveDate,
    principal: Decimal,
    /// The installments as the replay starts from them: number, due date, due parts (minor units).
    rows: Vec<(u32, NaiveDate, [i128; 4])>,
    rules: AccountRules,
    steps: Vec<Step>,
    events: Vec<Event>,
}

impl Account {
    /// An approved account with no events yet (record a disbursement to make it active).
    pub fn open(terms: LoanTerms, rules: AccountRules) -> Result<Account> {
        rules.validate_for(terms.currency)?;
        let schedule = Schedule::generate(&terms)?;
        let rows = Ledger::new(&schedule)?.rows.iter().map(|r| (r.number, r.due_date, r.due)).collect();
        Ok(Account {
            currency: terms.currency,
            disbursement_date: terms.disbursement_date,
            principal: terms.principal,
            terms: Some(terms),
            schedule: Some(schedule),
            rows,
            steps: rules.allocation.steps(),
            rules,
            events: Vec::new(),
        })
    }

    /// An approved account over a schedule given as it stands (an installments table exported by
    /// a lender's system), with no terms: money paid ahead pays the installments as they stand
    /// (there are no terms to recompute them from), and the principal is the sum of the
    /// installments' principal.
    ///
    /// ```
    /// use microcredit::account::{Account, AccountRules, InstallmentDue, Parts};
    /// use microcredit::{Currency, NaiveDate};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    /// let due = |p: &str| Parts { principal: p.parse().unwrap(), ..Parts::default() };
    /// let rows = vec![
    ///     InstallmentDue { number: 1, due_date: d(2, 10), due: due("50") },
    ///     InstallmentDue { number: 2, due_date: d(3, 10), due: due("50") },
    /// ];
    /// let account = Account::from_installments(Currency::USD, d(1, 10), rows, AccountRules::default())?;
    /// assert_eq!(account.state_on(d(3, 1))?.overdue.principal.to_string(), "0.00"); // not disbursed yet
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn from_installments(
        currency: crate::money::Currency,
        disbursement_date: NaiveDate,
        installments: Vec<InstallmentDue>,
        rules: AccountRules,
    ) -> Result<Account> {
        rules.validate_for(currency)?;
        let max = crate::terms::MAX_INSTALLMENTS as usize;
        if installments.is_empty() || installments.len() > max {
            let reason = Reason::Between { min: "1".into(), max: max.to_string() };
            return Err(Error::invalid("installments", installments.len(), reason));
        }
        let mut rows = Vec::with_capacity(installments.len());
        let mut previous = disbursement_date;
        let mut principal = Decimal::ZERO;
        for (i, inst) in installments.iter().enumerate() {
            let field = |name: &str| format!("installments[{i}].{name}");
            if inst.due_date <= previous {
                return Err(Error::invalid(field("due_date"), inst.due_date, Reason::NotAfterDisbursement));
            }
            previous = inst.due_date;
            let mut due = [0i128; 4];
            for (p, part) in Part::ALL.into_iter().enumerate() {
                let amount = inst.due.get(part);
                if amount.is_sign_negative() {
                    return Err(Error::invalid(field("due"), amount, Reason::Negative));
                }
                check_amount(&field("due"), amount)?;
                due[p] = currency.to_minor(&field("due"), amount)?;
            }
            principal += inst.due.principal;
            rows.push((inst.number, inst.due_date, due));
        }
        Ok(Account {
            terms: None,
            schedule: None,
            currency,
            disbursement_date,
            principal,
            rows,
            steps: rules.allocation.steps(),
            rules,
            events: Vec::new(),
        })
    }

    /// An account and its events, recorded one by one in the order given; the first event
    /// refused stops it, with the event's position in the error's field (`events[3].amount`).
    pub fn with_events(terms: LoanTerms, rules: AccountRules, events: Vec<Event>) -> Result<Account> {
        Account::open(terms, rules)?.recording(events)
    }

    /// This account with `events` recorded one by one (see [`Account::with_events`]).
    pub fn recording(mut self, events: Vec<Event>) -> Result<Account> {
        for (i, event) in events.into_iter().enumerate() {
            self.record(event).map_err(|e| e.within(&format!("events[{i}]")))?;
        }
        Ok(self)
    }

    /// An account from a set of events gathered elsewhere (another device, a store), in any
    /// order. Each event is checked on its own (amount, currency, texts) but not against the
    /// others: the state is the fold of the whole set, the same whatever order it came in, and
    /// an event that cannot apply in full is listed in the state's `problems`. Two events with
    /// one id must be identical (a copy counts once).
    ///
    /// ```
    /// use microcredit::account::{Account, AccountRules, Event, EventId, EventKind};
    /// use microcredit::{LoanTerms, Money, NaiveDate};
    /// let terms = LoanTerms::from_json(r#"{"principal": "500", "currency": "USD",
    ///     "rate": {"percent": "2", "per": "month"}, "installments": 2,
    ///     "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-01-10"}"#)?;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    /// let pay = Event::new(EventId::v7(9, [0; 10]), d(2, 10), EventKind::repayment(Money::parse("100", "USD")?, None));
    /// let lent = Event::new(EventId::v7(1, [0; 10]), d(1, 10), EventKind::Disbursement { amount: Money::parse("500", "USD")? });
    /// let a = Account::merged(terms.clone(), AccountRules::default(), vec![pay.clone(), lent.clone()])?;
    /// let b = Account::merged(terms, AccountRules::default(), vec![lent, pay])?;
    /// assert_eq!(a.state_on(d(3, 1))?, b.state_on(d(3, 1))?);
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn merged(terms: LoanTerms, rules: AccountRules, events: Vec<Event>) -> Result<Account> {
        Account::open(terms, rules)?.merging(events)
    }

    /// This account with a set of events gathered elsewhere (see [`Account::merged`]).
    pub fn merging(mut self, events: Vec<Event>) -> Result<Account> {
        if self.events.len() + events.len() > MAX_EVENTS {
            return Err(Error::LimitExceeded {
                what: "events".into(),
                requested: (self.events.len() + events.len()) as u64,
                limit: MAX_EVENTS as u64,
            });
        }
        let mut seen: std::collections::HashMap<EventId, &Event> = self.events.iter().map(|e| (e.id, e)).collect();
        for (i, event) in events.iter().enumerate() {
            let within = |e: Error| e.within(&format!("events[{i}]"));
            event.check_shape().map_err(within)?;
            self.check_money(event).map_err(within)?;
            if let Some(held) = seen.insert(event.id, event)
                && held != event
            {
                return Err(within(Error::invalid("id", event.id, Reason::IdConflict)));
            }
        }
        self.events.extend(events);
        Ok(self)
    }

    /// The loan's terms (none for an account over a given schedule).
    pub fn terms(&self) -> Option<&LoanTerms> {
        self.terms.as_ref()
    }

    /// The schedule generated from the terms (none for an account over a given schedule).
    pub fn schedule(&self) -> Option<&Schedule> {
        self.schedule.as_ref()
    }

    /// The loan's currency.
    pub fn currency(&self) -> crate::money::Currency {
        self.currency
    }

    /// The account's rules.
    pub fn rules(&self) -> &AccountRules {
        &self.rules
    }

    /// Every event recorded, in the order recorded (reversed ones included).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The disbursement still to make: the principal not yet disbursed, on the terms'
    /// disbursement date (what a front end records when the officer confirms "disbursed").
    ///
    /// ```
    /// use microcredit::account::{Account, AccountRules};
    /// use microcredit::LoanTerms;
    /// let terms = LoanTerms::from_json(r#"{"principal": "500", "currency": "USD",
    ///     "rate": {"percent": "2", "per": "month"}, "installments": 2,
    ///     "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-01-10"}"#)?;
    /// let (date, amount) = Account::open(terms, AccountRules::default())?.disbursement_due();
    /// assert_eq!((date.to_string(), amount.to_string()), ("2025-01-10".into(), "500.00 USD".into()));
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn disbursement_due(&self) -> (NaiveDate, crate::money::Money) {
        let reversed = reversed_ids(&self.events);
        let disbursed: Decimal = self
            .events
            .iter()
            .filter(|e| !reversed.contains(&e.id))
            .filter_map(|e| match &e.kind {
                EventKind::Disbursement { amount } => Some(amount.amount()),
                _ => None,
            })
            .sum();
        let left = (self.principal - disbursed).max(Decimal::ZERO);
        let amount =
            crate::money::Money::new(left, self.currency).unwrap_or_else(|_| crate::money::Money::zero(self.currency));
        (self.disbursement_date, amount)
    }

    /// The state on `date`: the events effective on or before it, replayed.
    pub fn state_on(&self, date: NaiveDate) -> Result<AccountState> {
        let ledger = self.replay(&self.events, Some(date))?;
        Ok(AccountState::of(&ledger, date, &self.rules))
    }

    /// The amount that closes the loan on `date`, by part (the state's `payoff`).
    ///
    /// ```
    /// use microcredit::account::{Account, AccountRules, Event, EventId, EventKind, Status};
    /// use microcredit::{LoanTerms, Money, NaiveDate};
    /// let terms = LoanTerms::from_json(r#"{"principal": "1000", "currency": "USD",
    ///     "rate": {"percent": "2", "per": "month"}, "installments": 4,
    ///     "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-01-10"}"#)?;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    /// let mut account = Account::open(terms, AccountRules::default())?;
    /// account.record(Event::new(EventId::v7(1, [0; 10]), d(1, 10), EventKind::Disbursement { amount: Money::parse("1000", "USD")? }))?;
    /// let payoff = account.payoff_on(d(1, 20))?;
    /// assert_eq!(payoff.total().to_string(), "1020.00"); // the first month's interest only
    /// account.record(Event::new(EventId::v7(2, [0; 10]), d(1, 20), EventKind::repayment(Money::parse("1020.00", "USD")?, None)))?;
    /// assert_eq!(account.state_on(d(1, 20))?.status, Status::Closed);
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn payoff_on(&self, date: NaiveDate) -> Result<Parts> {
        Ok(self.state_on(date)?.payoff)
    }

    /// The state with every event counted, on the date of the latest event (or the
    /// disbursement date when there is none).
    pub fn current_state(&self) -> Result<AccountState> {
        let last = self.events.iter().map(|e| e.effective).max().unwrap_or(self.disbursement_date);
        self.state_on(last)
    }

    /// Record an event. It is checked against the ledger first; if it is refused, the error
    /// names the field and the value, and the account is unchanged.
    ///
    /// Refused: an amount that is not positive or not in the loan's currency; any event dated
    /// before the first disbursement; a disbursement beyond the principal; a repayment on a loan
    /// that is closed on that date (on a written-off loan it counts as a recovery); a reversal of
    /// an unknown, reversed or reversal event; anything dated before a standing write-off; a
    /// receipt number already used with another amount or date; an id already used for another
    /// event.
    pub fn record(&mut self, event: Event) -> Result<Recorded> {
        event.check_shape()?;
        if let Some(outcome) = self.already_recorded(&event)? {
            return Ok(Recorded { outcome, changed: Vec::new() });
        }
        if self.events.len() >= MAX_EVENTS {
            return Err(Error::LimitExceeded {
                what: "events".into(),
                requested: self.events.len() as u64 + 1,
                limit: MAX_EVENTS as u64,
            });
        }
        self.check_against_ledger(&event)?;
        let before = self.fold_all()?;
        let mut events = self.events.clone();
        events.push(event);
        let after = self.replay(&events, None)?;
        let new = events.last().map(|e| e.id);
        if let Some((_, reason)) = after.problems.iter().find(|(id, _)| Some(*id) == new) {
            let value = events.last().and_then(Event::amount).map_or(String::new(), |m| m.amount().to_string());
            return Err(Error::invalid("amount", value, reason.clone()));
        }
        let changed = before
            .applied
            .iter()
            .filter(|old| after.applied.iter().find(|a| a.event == old.event).is_some_and(|new| new != *old))
            .map(|old| old.event)
            .collect();
        self.events = events;
        Ok(Recorded { outcome: Outcome::Recorded, changed })
    }

    fn fold_all(&self) -> Result<Ledger> {
        self.replay(&self.events, None)
    }

    /// `events` replayed up to `until` (all of them for `None`).
    fn replay(&self, events: &[Event], until: Option<NaiveDate>) -> Result<Ledger> {
        let plan = Plan {
            steps: &self.steps,
            prepayment: self.rules.prepayment,
            penalties: &self.rules.penalties,
            terms: self.terms.as_ref(),
            rounding: self.terms.as_ref().map_or_else(Default::default, |t| t.rounding),
            detail: true,
        };
        Ledger::from_rows(self.currency, self.disbursement_date, self.rows.iter().copied()).fold(events, until, &plan)
    }

    /// The same id with the same content, or the same receipt with the same amount and date:
    /// already recorded. The same id or receipt with anything else: a conflict.
    fn already_recorded(&self, event: &Event) -> Result<Option<Outcome>> {
        if let Some(held) = self.events.iter().find(|e| e.id == event.id) {
            if held == event {
                return Ok(Some(Outcome::AlreadyRecorded));
            }
            return Err(Error::invalid("id", event.id, Reason::IdConflict));
        }
        let EventKind::Repayment { amount, receipt: Some(receipt), .. } = &event.kind else {
            return Ok(None);
        };
        let reversed = reversed_ids(&self.events);
        for held in self.events.iter().filter(|e| !reversed.contains(&e.id)) {
            if let EventKind::Repayment { amount: a, receipt: Some(r), .. } = &held.kind
                && r == receipt
            {
                if a == amount && held.effective == event.effective {
                    return Ok(Some(Outcome::AlreadyRecorded));
                }
                let held = format!("{} on {}", a.amount(), held.effective);
                return Err(Error::invalid("receipt", receipt, Reason::ReceiptConflict { held }));
            }
        }
        Ok(None)
    }

    /// An amount in the loan's currency, at most its minor unit.
    fn check_money(&self, event: &Event) -> Result<()> {
        if let Some(amount) = event.amount() {
            let cur = self.currency;
            if amount.currency() != cur {
                return Err(Error::CurrencyMismatch {
                    left: cur.code().into(),
                    right: amount.currency().code().into(),
                });
            }
            cur.check_scale("amount", amount.amount())?;
        }
        Ok(())
    }

    /// The checks that need the ledger as it stands.
    fn check_against_ledger(&self, event: &Event) -> Result<()> {
        self.check_money(event)?;
        let reversed = reversed_ids(&self.events);
        let standing = |e: &&Event| !reversed.contains(&e.id) && !matches!(e.kind, EventKind::Reversal { .. });
        let written_off = self.events.iter().filter(standing).find(|e| matches!(e.kind, EventKind::WriteOff));
        if let EventKind::Reversal { of } = &event.kind {
            let target = self
                .events
                .iter()
                .find(|e| e.id == *of)
                .ok_or_else(|| Error::invalid("of", of, Reason::UnknownEvent))?;
            if matches!(target.kind, EventKind::Reversal { .. }) {
                return Err(Error::invalid("of", of, Reason::NotReversible));
            }
            if reversed.contains(of) {
                return Err(Error::invalid("of", of, Reason::AlreadyReversed));
            }
            if let Some(w) = written_off
                && w.id != *of
                && target.effective < w.effective
            {
                return Err(Error::invalid("of", of, Reason::BeforeWriteOff { date: w.effective.to_string() }));
            }
            return Ok(());
        }
        let first_disbursed = self
            .events
            .iter()
            .filter(standing)
            .filter(|e| matches!(e.kind, EventKind::Disbursement { .. }))
            .map(|e| e.effective)
            .min();
        match &event.kind {
            EventKind::Disbursement { amount } => {
                if event.effective < self.disbursement_date {
                    return Err(Error::invalid("effective", event.effective, Reason::BeforeDisbursement));
                }
                let so_far: Decimal = self
                    .events
                    .iter()
                    .filter(standing)
                    .filter_map(|e| match &e.kind {
                        EventKind::Disbursement { amount } => Some(amount.amount()),
                        _ => None,
                    })
                    .sum();
                if so_far + amount.amount() > self.principal {
                    let limit = (self.principal - so_far).to_string();
                    return Err(Error::invalid("amount", amount.amount(), Reason::AtMost { limit }));
                }
            }
            _ if first_disbursed.is_none_or(|d| event.effective < d) => {
                return Err(Error::invalid("effective", event.effective, Reason::BeforeDisbursement));
            }
            _ => {}
        }
        if let Some(w) = written_off {
            if event.effective < w.effective {
                return Err(Error::invalid(
                    "effective",
                    event.effective,
                    Reason::BeforeWriteOff { date: w.effective.to_string() },
                ));
            }
            if matches!(
                event.kind,
                EventKind::Charge { .. } | EventKind::Waiver { .. } | EventKind::WriteOff | EventKind::Refund { .. }
            ) {
                return Err(Error::invalid("kind", event.kind.name(), Reason::LoanWrittenOff));
            }
            return Ok(()); // a repayment on a written-off loan is a recovery
        }
        if let EventKind::Recovery { .. } = event.kind {
            return Err(Error::invalid("kind", "recovery", Reason::NotWrittenOff));
        }
        if let EventKind::Repayment { .. } = event.kind {
            let ledger = self.replay(&self.events, Some(event.effective))?;
            if ledger.sum_rows(|_| true).iter().sum::<i128>() == 0 {
                return Err(Error::invalid("effective", event.effective, Reason::LoanClosed));
            }
        }
        Ok(())
    }
}

/// The events of `events` that count, in the order the replay applies them (reversals and the
/// events they reverse left out; effective date, then id).
///
/// ```
/// use microcredit::account::{replay_order, Event, EventId, EventKind};
/// use microcredit::{Money, NaiveDate};
/// let d = NaiveDate::from_ymd_opt(2025, 5, 2).unwrap();
/// let pay = Event::new(EventId::v7(2, [0; 10]), d, EventKind::repayment(Money::parse("5", "USD")?, None));
/// let undo = Event::new(EventId::v7(3, [0; 10]), d, EventKind::Reversal { of: pay.id });
/// assert!(replay_order(&[pay, undo]).is_empty());
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn replay_order(events: &[Event]) -> Vec<&Event> {
    in_replay_order(events, None)
}
