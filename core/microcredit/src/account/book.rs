//! Whole books of accounts, one loan at a time in minor units: for crates that lay books out as
//! columns (`microcredit-tables` reads an installments table and a repayments table and runs
//! this over every loan in parallel). A single account is better served by
//! [`crate::account::Account`]; both run the same fold.

use chrono::NaiveDate;

use super::AccountRules;
use super::allocation::Step;
use super::event::EventId;
use super::replay::{Ledger, Move, Plan, What};
use super::state::{Standing, Status};
use crate::error::Result;
use crate::money::{Currency, RoundingMode};

/// One installment as a book gives it: number, due date, due principal, interest, fees and
/// penalties in minor units.
pub type DueRow = (u32, NaiveDate, [i128; 4]);

/// Where one loan of a book stands on a date, in minor units; parts in the order principal,
/// interest, fees, penalties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// The lifecycle status.
    pub status: Status,
    /// Owed over the whole loan.
    pub due: [i128; 4],
    /// Paid.
    pub paid: [i128; 4],
    /// Still owed, future installments included.
    pub outstanding: [i128; 4],
    /// Owed on installments due before the date.
    pub overdue: [i128; 4],
    /// Owed on installments due on or before the date.
    pub due_by_date: [i128; 4],
    /// What closes the loan on the date.
    pub payoff: [i128; 4],
    /// Days past due.
    pub days_past_due: u32,
    /// Days past due less grace.
    pub delinquent_days: u32,
    /// Paid beyond what was owed.
    pub overpaid: i128,
    /// The last payment counted.
    pub last_payment: Option<NaiveDate>,
}

/// The rules of a book's accounts, prepared once for all its loans.
///
/// ```
/// use microcredit::account::{AccountRules, Book, Status};
/// use microcredit::{Currency, NaiveDate};
/// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
/// let book = Book::new(Currency::USD, &AccountRules::default())?;
/// let rows = [(1, d(2, 10), [5_000, 0, 0, 0]), (2, d(3, 10), [5_000, 0, 0, 0])];
/// let s = book.summary(d(1, 10), &rows, &[(d(2, 10), 5_000)], d(3, 15));
/// assert_eq!((s.status, s.days_past_due, s.overdue[0]), (Status::InArrears, 5, 5_000));
/// # Ok::<(), microcredit::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Book {
    currency: Currency,
    rules: AccountRules,
    steps: Vec<Step>,
    rounding: RoundingMode,
}

impl Book {
    /// A book in `currency` whose accounts follow `rules` (checked).
    pub fn new(currency: Currency, rules: &AccountRules) -> Result<Book> {
        rules.validate_for(currency)?;
        Ok(Book { currency, rules: rules.clone(), steps: rules.allocation.steps(), rounding: RoundingMode::default() })
    }

    /// One loan on `on`: disbursed in full on `start` (the first installment's period begins
    /// then), its `rows` in due-date order, and its `payments` (date, amount in minor units) in
    /// the order the book lists them; those after `on` are not counted. There are no terms, so
    /// money paid ahead pays the installments as they stand.
    pub fn summary(&self, start: NaiveDate, rows: &[DueRow], payments: &[(NaiveDate, i128)], on: NaiveDate) -> Summary {
        let mut moves: Vec<Move> = Vec::with_capacity(payments.len() + 1);
        let lent: i128 = rows.iter().map(|r| r.2[0]).sum();
        moves.push(Move { id: EventId::from_u128(0), day: start, what: What::Disburse(lent) });
        for (k, &(day, amount)) in payments.iter().enumerate() {
            if day <= on && amount > 0 {
                moves.push(Move { id: EventId::from_u128(k as u128 + 1), day, what: What::Pay(amount) });
            }
        }
        moves.sort_by_key(|m| (m.day, m.id));
        let plan = Plan {
            steps: &self.steps,
            prepayment: self.rules.prepayment,
            penalties: &self.rules.penalties,
            terms: None,
            rounding: self.rounding,
            detail: false,
        };
        let ledger = Ledger::from_rows(self.currency, start, rows.iter().copied()).fold_moves(&moves, Some(on), &plan);
        let st = Standing::of(&ledger, on, &self.rules);
        let mut due = [0; 4];
        let mut paid = [0; 4];
        for r in &ledger.rows {
            for p in 0..4 {
                due[p] += r.due[p];
                paid[p] += r.paid[p];
            }
        }
        Summary {
            status: st.status,
            due,
            paid,
            outstanding: st.outstanding,
            overdue: st.overdue,
            due_by_date: st.due_by_date,
            payoff: st.payoff,
            days_past_due: st.days_past_due,
            delinquent_days: st.delinquent_days,
            overpaid: ledger.surplus,
            last_payment: ledger.last_payment,
        }
    }

    /// The name of the delinquency bucket of `delinquent_days` under the book's rules.
    pub fn bucket(&self, delinquent_days: u32) -> &str {
        self.rules.arrears.bucket(delinquent_days)
    }
}
