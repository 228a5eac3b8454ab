//! Batch: schedules and pricing of many loans at once, in parallel (rayon), as columns — the
//! shape the bindings turn into Arrow tables without copying row by row.
//!
//! Amounts are integers in each loan's minor units (cents), as `i64` or, for bindings whose tables
//! want 128-bit decimals, `i128` ([`schedule_batch_as`]); a loan's currency is in its summary. A
//! loan whose terms are invalid gets its error in the summary and no installment rows; the other
//! loans are unaffected.
//!
//! The columns are allocated once for the whole batch (every loan's rows have a known place),
//! after their size is checked against [`BatchOptions::memory_limit`] (a book too large is
//! [`microcredit::Error::LimitExceeded`], never an aborted process), and filled in parallel.

use std::ops::Range;

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;

use microcredit::engine::{
    AnnuityRows, Buffers, MAX_INSTALLMENTS, Rows, UNIX_EPOCH_DAY, Upfront, date_of_day, generate_rows_or_annuity,
    mft_apr_and_eir, rate_of_flows,
};
use microcredit::{Convention, Currency, Error, LoanTerms, Reason, Result};

use crate::memory::{Tail, WriteOnce};

/// An integer type that holds amounts in minor units in the batch columns: `i64` or `i128`.
///
/// ```
/// use microcredit::LoanTerms;
/// use microcredit_tables::batch::{schedule_batch_as, BatchOptions};
/// let t = LoanTerms::from_json(r#"{"principal": "250.50", "currency": "USD",
///   "rate": {"percent": "30"}, "installments": 3, "frequency": {"unit": "months", "every": 1},
///   "disbursement_date": "2025-03-01"}"#)?;
/// let wide = schedule_batch_as::<i128>(std::slice::from_ref(&t), BatchOptions::default())?;
/// let narrow = schedule_batch_as::<i64>(&[t], BatchOptions::default())?;
/// assert_eq!(wide.installments.total[0], i128::from(narrow.installments.total[0]));
/// # Ok::<(), microcredit::Error>(())
/// ```
pub trait MinorUnits:
    Copy + Default + PartialEq + Send + Sync + Into<i128> + sealed::Zeroed + sealed::Narrow + 'static
{
}
impl MinorUnits for i64 {}
impl MinorUnits for i128 {}

mod sealed {
    /// Column types whose zero is all zero bits, so a zeroed column is one calloc.
    pub trait Zeroed: Sized {
        fn zeroed_vec(n: usize) -> Vec<Self>;
    }
    macro_rules! zeroed {
        ($($t:ty),*) => {$(impl Zeroed for $t {
            fn zeroed_vec(n: usize) -> Vec<Self> { vec![0; n] }
        })*};
    }
    zeroed!(u32, i32, i64, i128);

    /// Narrowing from the engine's i128.
    pub trait Narrow: Sized {
        /// Whether `v` fits.
        fn fits(v: i128) -> bool;
        /// `v`, which fits.
        fn narrow(v: i128) -> Self;
    }
    impl Narrow for i64 {
        #[inline]
        fn fits(v: i128) -> bool {
            v == i128::from(v as i64)
        }
        #[inline]
        fn narrow(v: i128) -> Self {
            v as i64
        }
    }
    impl Narrow for i128 {
        #[inline]
        fn fits(_: i128) -> bool {
            true
        }
        #[inline]
        fn narrow(v: i128) -> Self {
            v
        }
    }
}

/// Installment rows of many loans, column by column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallmentColumns<M = i64> {
    /// Index of the loan in the input.
    pub loan: Vec<u32>,
    /// Installment number (1-based).
    pub number: Vec<u32>,
    /// Due date as days since 1970-01-01 (Arrow's `Date32`); see [`InstallmentColumns::due_date`].
    pub due_day: Vec<i32>,
    /// Days in the period.
    pub days: Vec<u32>,
    /// Principal, minor units.
    pub principal: Vec<M>,
    /// Interest, minor units.
    pub interest: Vec<M>,
    /// Per-installment fees, minor units (no values at all when no installment has one).
    pub fees: SparseColumn<M>,
    /// Insurance, minor units (no values at all when no installment has any).
    pub insurance: SparseColumn<M>,
    /// Savings deposited, minor units (no values at all when no installment has any).
    pub savings: SparseColumn<M>,
    /// Installment total, minor units.
    pub total: Vec<M>,
    /// Balance after, minor units.
    pub balance: Vec<M>,
}

impl<M: MinorUnits> InstallmentColumns<M> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.loan.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.loan.is_empty()
    }

    /// The due date of row `k`, when there is such a row.
    ///
    /// ```
    /// use microcredit::LoanTerms;
    /// use microcredit_tables::batch::{schedule_batch, BatchOptions};
    /// let t = LoanTerms::from_json(r#"{"principal": "100", "currency": "USD",
    ///   "rate": {"percent": "12"}, "installments": 2, "frequency": {"unit": "weeks", "every": 1},
    ///   "disbursement_date": "2025-01-01"}"#)?;
    /// let cols = schedule_batch(&[t], BatchOptions::default())?.installments;
    /// assert_eq!(cols.due_day[1], 20_103); // days since 1970-01-01
    /// assert_eq!(cols.due_date(1).unwrap().to_string(), "2025-01-15");
    /// assert_eq!(cols.due_date(2), None);
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn due_date(&self, k: usize) -> Option<NaiveDate> {
        self.due_day.get(k).and_then(|&d| NaiveDate::from_num_days_from_ce_opt(d.checked_add(UNIX_EPOCH_DAY)?))
    }

    /// Move the rows of `from` to start at row `to` (`to <= from.start`).
    fn move_rows(&mut self, from: std::ops::Range<usize>, to: usize) {
        self.loan.copy_within(from.clone(), to);
        self.number.copy_within(from.clone(), to);
        self.due_day.copy_within(from.clone(), to);
        self.days.copy_within(from.clone(), to);
        for col in self.dense_money_mut() {
            col.copy_within(from.clone(), to);
        }
        for col in self.sparse_money_mut() {
            if !col.values.is_empty() {
                col.values.copy_within(from.clone(), to);
            }
        }
    }

    fn truncate(&mut self, len: usize) {
        self.loan.truncate(len);
        self.number.truncate(len);
        self.due_day.truncate(len);
        self.days.truncate(len);
        for col in self.dense_money_mut() {
            col.truncate(len);
        }
        for col in self.sparse_money_mut() {
            col.truncate(len);
        }
    }

    /// The money columns every installment has: principal, interest, total and balance.
    fn dense_money_mut(&mut self) -> [&mut Vec<M>; 4] {
        [&mut self.principal, &mut self.interest, &mut self.total, &mut self.balance]
    }

    /// The money columns most installments leave at zero: fees, insurance and savings.
    fn sparse_money_mut(&mut self) -> [&mut SparseColumn<M>; 3] {
        [&mut self.fees, &mut self.insurance, &mut self.savings]
    }
}

/// A money column that is zero on most books (per-installment fees, insurance, savings): its
/// values, or none at all when every row is zero, so that a book without such charges never
/// allocates, zeroes or ships a column of zeros.
///
/// ```
/// use microcredit::LoanTerms;
/// use microcredit_tables::batch::{schedule_batch, BatchOptions};
/// let t = LoanTerms::from_json(r#"{"principal": "100", "currency": "USD",
///   "rate": {"percent": "12"}, "installments": 2, "frequency": {"unit": "weeks", "every": 1},
///   "disbursement_date": "2025-01-01"}"#)?;
/// let cols = schedule_batch(&[t], BatchOptions::default())?.installments;
/// assert_eq!(cols.fees.len(), 2);
/// assert_eq!(cols.fees.values(), None); // no fee on any installment
/// assert_eq!(cols.fees.get(1), Some(0));
/// assert_eq!(cols.fees.to_vec(), [0, 0]);
/// # Ok::<(), microcredit::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SparseColumn<M = i64> {
    len: usize,
    /// `len` values, or none when every one is zero.
    values: Vec<M>,
}

impl<M: MinorUnits> SparseColumn<M> {
    /// `len` zeros (nothing allocated).
    pub fn zeros(len: usize) -> Self {
        SparseColumn { len, values: Vec::new() }
    }

    /// Fees, insurance and savings of `len` rows, all zeros (nothing allocated).
    fn uncharged(len: usize) -> Charges<Self> {
        Charges {
            fees: SparseColumn::zeros(len),
            insurance: SparseColumn::zeros(len),
            savings: SparseColumn::zeros(len),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value of row `k`, when there is such a row.
    pub fn get(&self, k: usize) -> Option<M> {
        if k >= self.len { None } else { Some(self.values.get(k).copied().unwrap_or_default()) }
    }

    /// Every row's value, or `None`: every one is zero. (`Some` may hold only zeros, as when the
    /// only loans with the charge failed and their rows were dropped.)
    pub fn values(&self) -> Option<&[M]> {
        (!self.values.is_empty()).then_some(&self.values[..])
    }

    /// Every row's value, or `None`: every one is zero (nothing was allocated).
    pub fn into_values(self) -> Option<Vec<M>> {
        (!self.values.is_empty()).then_some(self.values)
    }

    /// Every row's value, zeros included.
    pub fn to_vec(&self) -> Vec<M> {
        match self.values() {
            Some(v) => v.to_vec(),
            None => vec![M::default(); self.len],
        }
    }

    fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
        self.values.truncate(len);
    }

    /// The column of `len` rows made of the tasks' pieces, each with the row it starts at.
    fn from_pieces(len: usize, pieces: Vec<(usize, SparseColumn<M>)>) -> Self {
        if pieces.iter().all(|(_, p)| p.values.is_empty()) {
            return SparseColumn::zeros(len);
        }
        let mut values = zeroed_column(len);
        for (at, piece) in pieces {
            values[at..at + piece.values.len()].copy_from_slice(&piece.values);
        }
        SparseColumn { len, values }
    }
}

/// The charges an installment may carry besides principal and interest, by name: fees,
/// insurance and savings, the money columns that are zero on most books.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Charges<T> {
    fees: T,
    insurance: T,
    savings: T,
}

impl<T> Charges<T> {
    /// Each charge through `f`.
    fn map<U>(self, mut f: impl FnMut(T) -> U) -> Charges<U> {
        Charges { fees: f(self.fees), insurance: f(self.insurance), savings: f(self.savings) }
    }

    /// Each charge beside the same charge of `other`.
    fn zip<U>(self, other: Charges<U>) -> Charges<(T, U)> {
        Charges {
            fees: (self.fees, other.fees),
            insurance: (self.insurance, other.insurance),
            savings: (self.savings, other.savings),
        }
    }

    /// Each charge, borrowed mutably.
    fn each_mut(&mut self) -> Charges<&mut T> {
        Charges { fees: &mut self.fees, insurance: &mut self.insurance, savings: &mut self.savings }
    }

    /// The charges in column order (fees, insurance, savings), to iterate over.
    fn into_array(self) -> [T; 3] {
        [self.fees, self.insurance, self.savings]
    }
}

/// The seven money columns of installment rows, by name (the staging block holds one array of
/// each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MoneyColumns<T> {
    principal: T,
    interest: T,
    fees: T,
    insurance: T,
    savings: T,
    total: T,
    balance: T,
}

impl<T: Copy> MoneyColumns<T> {
    /// Every column `v`.
    fn splat(v: T) -> Self {
        MoneyColumns { principal: v, interest: v, fees: v, insurance: v, savings: v, total: v, balance: v }
    }
}

impl<T> MoneyColumns<T> {
    /// The charge columns (fees, insurance, savings), borrowed mutably.
    fn charges_mut(&mut self) -> Charges<&mut T> {
        Charges { fees: &mut self.fees, insurance: &mut self.insurance, savings: &mut self.savings }
    }
}

/// A zeroed column of `n` values. Zeroed memory comes from the allocator untouched (calloc).
fn zeroed_column<T: sealed::Zeroed>(n: usize) -> Vec<T> {
    T::zeroed_vec(n)
}

/// The rows one task fills: the dense columns written once, front to back; the sparse ones
/// (zeroed beforehand) written only where a block has a charge.
struct ColumnsMut<'a, M: MinorUnits> {
    loan: Tail<'a, u32>,
    number: Tail<'a, u32>,
    due_day: Tail<'a, i32>,
    days: Tail<'a, u32>,
    principal: Tail<'a, M>,
    interest: Tail<'a, M>,
    /// Fees, insurance and savings of the task's rows, allocated when a block has one.
    sparse: Charges<SparseColumn<M>>,
    total: Tail<'a, M>,
    balance: Tail<'a, M>,
}

impl<'a, M: MinorUnits> ColumnsMut<'a, M> {
    /// Number of rows.
    fn len(&self) -> usize {
        self.loan.len()
    }

    /// The first `mid` rows and the rest.
    fn split_at(self, mid: usize) -> (Self, Self) {
        let rows = self.len();
        let (loan, loan2) = self.loan.split_at(mid);
        let (number, number2) = self.number.split_at(mid);
        let (due_day, due_day2) = self.due_day.split_at(mid);
        let (days, days2) = self.days.split_at(mid);
        let (principal, principal2) = self.principal.split_at(mid);
        let (interest, interest2) = self.interest.split_at(mid);
        // (Split before any row is written: the pieces are still unallocated.)
        let (sparse, sparse2) = (SparseColumn::uncharged(mid), SparseColumn::uncharged(rows - mid));
        let (total, total2) = self.total.split_at(mid);
        let (balance, balance2) = self.balance.split_at(mid);
        (
            ColumnsMut { loan, number, due_day, days, principal, interest, sparse, total, balance },
            ColumnsMut {
                loan: loan2,
                number: number2,
                due_day: due_day2,
                days: days2,
                principal: principal2,
                interest: interest2,
                sparse: sparse2,
                total: total2,
                balance: balance2,
            },
        )
    }

    /// Copy the staged rows to their place, one column at a time.
    fn store(&mut self, staged: &mut Staging<M>) {
        let (n, at) = (staged.len, staged.at);
        self.loan.write_at(at, &staged.loan[..n]);
        self.number.write_at(at, &staged.number[..n]);
        self.due_day.write_at(at, &staged.due_day[..n]);
        self.days.write_at(at, &staged.days[..n]);
        let money = &mut staged.money;
        let dense = [
            (&mut self.principal, &money.principal),
            (&mut self.interest, &money.interest),
            (&mut self.total, &money.total),
            (&mut self.balance, &money.balance),
        ];
        for (col, src) in dense {
            col.write_at(at, &src[..n]);
        }
        // A block without fees, insurance or savings writes nothing of them: the task's piece of
        // such a column is allocated (zeroed) by its first block that has some. A block that had
        // some is copied, and its staging zeroed again for the next block.
        let sparse = self.sparse.each_mut().zip(money.charges_mut()).zip(staged.charged.each_mut());
        for ((piece, src), dirty) in sparse.into_array() {
            if std::mem::take(dirty) {
                if piece.values.is_empty() {
                    piece.values = zeroed_column(piece.len);
                }
                piece.values[at..at + n].copy_from_slice(&src[..n]);
                src[..n].fill(M::narrow(0));
            }
        }
    }
}

/// Rows staged in a small block before they go to the columns.
///
/// Writing each row straight into eleven large columns makes eleven store streams whose
/// addresses share their offset within a page (every large allocation starts at one), so they
/// compete for the same cache sets and evict each other; copying a block column by column keeps
/// one stream at a time (measured: about 2.5× faster stores on this project's machine).
struct Staging<M> {
    /// Output row of the first staged row.
    at: usize,
    len: usize,
    loan: [u32; STAGED],
    number: [u32; STAGED],
    due_day: [i32; STAGED],
    days: [u32; STAGED],
    money: MoneyColumns<[M; STAGED]>,
    /// Whether the staged fees, insurance and savings hold anything but zeros (when not, they are
    /// all zeros, and loans without such charges leave them as they are).
    charged: Charges<bool>,
}

/// Rows per staging block.
const STAGED: usize = 128;

impl<M: MinorUnits> Staging<M> {
    fn new() -> Box<Self> {
        let zero = M::narrow(0);
        Box::new(Staging {
            at: 0,
            len: 0,
            loan: [0; STAGED],
            number: [0; STAGED],
            due_day: [0; STAGED],
            days: [0; STAGED],
            money: MoneyColumns::splat([zero; STAGED]),
            charged: Charges::default(),
        })
    }

    /// Stage the installments of one loan (`rows`, its index `loan`), bound for rows `k..` of
    /// `out`; `false` when the rows run past the end or `largest`, the largest amount of the
    /// schedule, does not fit `M` (every amount of a schedule is non-negative, so when the
    /// largest fits, all do and the copies need no check per value).
    fn push_loan(&mut self, out: &mut ColumnsMut<'_, M>, k: usize, loan: u32, rows: &Rows, largest: i128) -> bool {
        if k + rows.len() > out.len() || !M::fits(largest) {
            return false;
        }
        let each = rows.fee() + rows.savings();
        self.push_blocks(out, k, loan, rows, |staging, to, from| {
            let MoneyColumns { principal, interest, insurance, total, balance, .. } = &mut staging.money;
            let (p, r, ins) =
                (&rows.principal()[from.clone()], &rows.interest()[from.clone()], &rows.insurance()[from.clone()]);
            narrow_into(&mut principal[to.clone()], p);
            narrow_into(&mut interest[to.clone()], r);
            narrow_into(&mut balance[to.clone()], &rows.balance()[from]);
            if ins.iter().any(|&v| v != 0) {
                narrow_into(&mut insurance[to.clone()], ins);
                staging.charged.insurance = true;
            }
            for (((v, &p), &r), &ins) in total[to].iter_mut().zip(p).zip(r).zip(ins) {
                *v = M::narrow(p + r + ins + each);
            }
            true
        })
    }

    /// Stage the installments of a plain annuity loan as [`Staging::push_loan`] does, its amounts
    /// computed here, row by row, straight into the staging block (they never go through
    /// `rows`, which holds only the loan's due dates, fee and savings). The sums of the
    /// installments, or `None` when the rows run past the end or an amount does not fit `M`.
    fn push_annuity(
        &mut self,
        out: &mut ColumnsMut<'_, M>,
        k: usize,
        loan: u32,
        rows: &Rows,
        mut amounts: AnnuityRows<'_>,
    ) -> Option<Sums> {
        let n = rows.len();
        // Principal parts and balances never exceed the loan amount; totals are checked each.
        if k + n > out.len() || amounts.len() != n || !M::fits(amounts.loan_amount()) {
            return None;
        }
        let each = rows.fee() + rows.savings();
        // The amounts never go through `rows`, so the totals are added up here as they stream
        // past (what `Rows::sums` gives a loan whose rows the engine wrote).
        let (mut interest_sum, mut total_sum) = (0i128, 0i128);
        let all_fit = self.push_blocks(out, k, loan, rows, |staging, to, _| {
            let MoneyColumns { principal, interest, total, balance, .. } = &mut staging.money;
            let cols = principal[to.clone()]
                .iter_mut()
                .zip(&mut interest[to.clone()])
                .zip(&mut balance[to.clone()])
                .zip(&mut total[to]);
            let mut fit = true;
            for ((((p, r), b), t), row) in cols.zip(amounts.by_ref()) {
                let sum = row.principal + row.interest + each;
                fit &= M::fits(sum);
                (*p, *r, *b, *t) =
                    (M::narrow(row.principal), M::narrow(row.interest), M::narrow(row.balance), M::narrow(sum));
                interest_sum += row.interest;
                total_sum += sum;
            }
            fit
        });
        all_fit.then(|| Sums {
            rows: n,
            interest: interest_sum,
            fees: rows.fee() * n as i128,
            insurance: 0,
            total: total_sum,
            last_day: rows.due_days().last().copied(),
        })
    }

    /// Stage one loan's rows bound for rows `k..` of `out`, block by block: the columns every
    /// loan has the same way (loan, number, due date, days, fee, savings), the amounts by
    /// `amounts(staging, staged rows, the loan's rows)`, which says whether they fit. A staged
    /// row of a loan that did not fit is left in its place: the batch drops that loan's rows.
    fn push_blocks(
        &mut self,
        out: &mut ColumnsMut<'_, M>,
        k: usize,
        loan: u32,
        rows: &Rows,
        mut amounts: impl FnMut(&mut Self, Range<usize>, Range<usize>) -> bool,
    ) -> bool {
        let n = rows.len();
        let (fee, savings) = (M::narrow(rows.fee()), M::narrow(rows.savings()));
        let (mut done, mut fit) = (0, true);
        while done < n {
            if self.len >= STAGED || k + done != self.at + self.len {
                self.flush(out);
                self.at = k + done;
            }
            let (i, m) = (self.len, (STAGED - self.len).min(n - done));
            let (to, from) = (i..i + m, done..done + m);
            self.loan[to.clone()].fill(loan);
            for (j, v) in self.number[to.clone()].iter_mut().enumerate() {
                *v = (done + j + 1) as u32;
            }
            let days = &rows.due_days()[from.clone()];
            let mut prev = if done == 0 { rows.start_day() } else { rows.due_days()[done - 1] };
            for ((due, gap), &day) in self.due_day[to.clone()].iter_mut().zip(&mut self.days[to.clone()]).zip(days) {
                *due = day - UNIX_EPOCH_DAY;
                *gap = u32::try_from(day - prev).unwrap_or(0);
                prev = day;
            }
            // Fees and savings are the same on every installment (insurance is staged with the
            // amounts).
            let charges = self.money.charges_mut().zip(self.charged.each_mut());
            for ((column, charged), value, narrowed) in
                [(charges.fees, rows.fee(), fee), (charges.savings, rows.savings(), savings)]
            {
                if value != 0 {
                    column[to.clone()].fill(narrowed);
                    *charged = true;
                }
            }
            fit &= amounts(self, to, from);
            self.len += m;
            done += m;
        }
        fit
    }

    fn flush(&mut self, out: &mut ColumnsMut<'_, M>) {
        if self.len > 0 {
            out.store(self);
            self.len = 0;
        }
    }
}

/// Copy `src` into `dst` narrowed to `M` (the caller has checked that the values fit).
#[inline]
fn narrow_into<M: MinorUnits>(dst: &mut [M], src: &[i128]) {
    for (d, &v) in dst.iter_mut().zip(src) {
        debug_assert!(M::fits(v));
        *d = M::narrow(v);
    }
}

/// One loan's totals and true cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanSummary {
    /// The loan's currency (sets the scale of its minor units).
    pub currency: Currency,
    /// Loan balance at disbursement (financed charges included), minor units.
    pub loan_amount: i64,
    /// What the family receives, minor units.
    pub net_disbursement: i64,
    /// Number of installments.
    pub installments: u32,
    /// Total interest, minor units.
    pub total_interest: i64,
    /// Total fees, upfront included, minor units.
    pub total_fees: i64,
    /// Total insurance, upfront included, minor units.
    pub total_insurance: i64,
    /// Sum of installment totals, minor units.
    pub total_paid: i64,
    /// Date of the last installment.
    pub maturity_date: NaiveDate,
    /// MFTransparency APR (fraction), when pricing was asked for.
    pub apr: Option<Decimal>,
    /// MFTransparency EIR (fraction).
    pub eir: Option<Decimal>,
    /// XIRR over actual days / 365 (fraction).
    pub xirr: Option<Decimal>,
    /// Why the loan could not be priced (its schedule is still there), when pricing was asked for.
    /// (Boxed: it is rare, and a summary is written once per loan of a book.)
    pub pricing_error: Option<Box<Error>>,
}

/// The result of a batch: installment columns and one entry per input loan.
#[derive(Debug, Clone, Default)]
pub struct Batch<M = i64> {
    /// Installments of every valid loan, in input order.
    pub installments: InstallmentColumns<M>,
    /// Per loan, in input order: its summary or its error.
    pub loans: Vec<Result<LoanSummary>>,
}

impl<M> Batch<M> {
    /// Number of installment rows.
    pub fn rows(&self) -> usize {
        self.installments.loan.len()
    }
}

/// What a batch computes besides the schedules, and how much memory it may take.
///
/// ```
/// use microcredit_tables::batch::{BatchOptions, DEFAULT_MEMORY_LIMIT};
/// let o = BatchOptions::default().with_pricing(true);
/// assert!(o.pricing);
/// assert_eq!(o.memory_limit, DEFAULT_MEMORY_LIMIT);
/// assert_eq!(o.with_memory_limit(1 << 20).memory_limit, 1 << 20);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchOptions {
    /// Also price each loan (APR, EIR, XIRR).
    pub pricing: bool,
    /// The most memory, in bytes, the batch's columns and summaries may take (estimated from
    /// the loans' numbers of installments before anything is allocated; see
    /// [`estimated_bytes`]). A larger book fails with [`Error::LimitExceeded`] naming
    /// `memory_limit`, instead of exhausting the machine's memory and aborting the process.
    pub memory_limit: u64,
}

/// The default [`BatchOptions::memory_limit`]: 4 GiB, about 30 million installment rows of
/// 128-bit amounts (a book of two million loans of 15 installments).
pub const DEFAULT_MEMORY_LIMIT: u64 = 4 << 30;

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions { pricing: false, memory_limit: DEFAULT_MEMORY_LIMIT }
    }
}

impl BatchOptions {
    /// Whether to price each loan too.
    pub fn with_pricing(mut self, pricing: bool) -> Self {
        self.pricing = pricing;
        self
    }

    /// The memory limit in bytes (see [`BatchOptions::memory_limit`]).
    pub fn with_memory_limit(mut self, bytes: u64) -> Self {
        self.memory_limit = bytes;
        self
    }
}

/// The memory, in bytes, a batch of `loans` loans and `rows` installment rows takes with amounts
/// as `M`: four 32-bit columns, seven amount columns (the three charge columns counted as if
/// every loan had charges) and one summary per loan.
///
/// ```
/// use microcredit_tables::batch::estimated_bytes;
/// assert_eq!(estimated_bytes::<i128>(0, 1), 4 * 4 + 7 * 16);
/// ```
pub fn estimated_bytes<M: MinorUnits>(loans: usize, rows: usize) -> u64 {
    let per_row = 4 * std::mem::size_of::<u32>() + 7 * std::mem::size_of::<M>();
    let per_loan = std::mem::size_of::<Result<LoanSummary>>();
    (rows as u64).saturating_mul(per_row as u64).saturating_add((loans as u64).saturating_mul(per_loan as u64))
}

/// Loans per parallel task.
const CHUNK: usize = 2048;

/// Rows a loan of `installments` takes in the columns: that many (none when the number is invalid;
/// the loan then fails validation and leaves no rows).
fn slots(installments: u32) -> usize {
    if (1..=MAX_INSTALLMENTS).contains(&installments) { installments as usize } else { 0 }
}

/// Where a batch reads its loans: a slice of [`LoanTerms`], or a binding's table whose rows are
/// converted to terms inside the batch's parallel tasks, one at a time into memory the task
/// reuses (no vector of a hundred thousand terms is built, moved and freed).
///
/// A row whose terms cannot be made gets its error in the batch's `loans`, like invalid terms.
///
/// ```
/// use microcredit::{Error, LoanTerms};
/// use microcredit_tables::batch::{schedule_batch_from, BatchOptions, LoanSource};
/// /// Loans of 100 to 900 over 3 months, made from a row number.
/// struct Book(Vec<u32>);
/// impl LoanSource for Book {
///     type Scratch = Option<LoanTerms>;
///     fn len(&self) -> usize { self.0.len() }
///     fn installments(&self, _: usize) -> u32 { 3 }
///     fn scratch(&self) -> Self::Scratch { None }
///     fn terms<'s>(&'s self, i: usize, t: &'s mut Self::Scratch) -> Result<&'s LoanTerms, Error> {
///         let json = format!(r#"{{"principal": "{}", "currency": "USD", "rate": {{"percent": "24"}},
///           "installments": 3, "frequency": {{"unit": "months", "every": 1}},
///           "disbursement_date": "2025-01-15"}}"#, self.0[i]);
///         Ok(t.insert(LoanTerms::from_json(&json)?))
///     }
/// }
/// let b = schedule_batch_from::<i64, _>(&Book(vec![100, 900]), BatchOptions::default())?;
/// assert_eq!(b.rows(), 6);
/// assert_eq!(b.installments.principal[3..].iter().sum::<i64>(), 90_000);
/// # Ok::<(), microcredit::Error>(())
/// ```
pub trait LoanSource: Sync {
    /// What one task reuses from row to row (for example the terms a row is converted into).
    type Scratch: Send;
    /// Number of loans.
    fn len(&self) -> usize;
    /// Whether there are no loans.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The number of installments of loan `i` (0 when unknown): the rows set aside for it before
    /// the tasks run. A loan whose schedule then has another number of rows fails.
    fn installments(&self, i: usize) -> u32;
    /// Fresh working memory for one task.
    fn scratch(&self) -> Self::Scratch;
    /// The terms of loan `i`, or why there are none.
    fn terms<'s>(&'s self, i: usize, scratch: &'s mut Self::Scratch) -> Result<&'s LoanTerms>;
}

impl LoanSource for [LoanTerms] {
    type Scratch = ();
    fn len(&self) -> usize {
        <[LoanTerms]>::len(self)
    }
    fn installments(&self, i: usize) -> u32 {
        self[i].installments
    }
    fn scratch(&self) {}
    fn terms<'s>(&'s self, i: usize, _: &'s mut ()) -> Result<&'s LoanTerms> {
        Ok(&self[i])
    }
}

/// Schedules (and optionally pricing) of many loans, in parallel, amounts as `i64` minor units.
///
/// ```
/// use microcredit::LoanTerms;
/// use microcredit_tables::batch::{schedule_batch, BatchOptions};
/// let t = LoanTerms::from_json(r#"{"principal": "1000", "currency": "USD",
///   "rate": {"percent": "24"}, "installments": 6, "frequency": {"unit": "months", "every": 1},
///   "disbursement_date": "2025-01-15"}"#)?;
/// let b = schedule_batch(&[t.clone(), t], BatchOptions::default().with_pricing(true))?;
/// assert_eq!(b.rows(), 12);
/// assert_eq!(b.installments.balance.last(), Some(&0));
/// assert_eq!(b.installments.due_date(0).unwrap().to_string(), "2025-02-15");
/// assert_eq!(b.loans[1].as_ref().unwrap().apr.unwrap().round_dp(4).to_string(), "0.2400");
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn schedule_batch(terms: &[LoanTerms], options: BatchOptions) -> Result<Batch> {
    schedule_batch_as(terms, options)
}

/// [`schedule_batch`] with amounts as `M` (`i64` or `i128`): a binding that hands the columns to
/// 128-bit decimal arrays asks for `i128` and gets them without a conversion.
///
/// ```
/// use microcredit::LoanTerms;
/// use microcredit_tables::batch::{schedule_batch_as, BatchOptions};
/// let t = LoanTerms::from_json(r#"{"principal": "1000", "currency": "USD",
///   "rate": {"percent": "24"}, "installments": 6, "frequency": {"unit": "months", "every": 1},
///   "disbursement_date": "2025-01-15"}"#)?;
/// let b = schedule_batch_as::<i128>(&[t], BatchOptions::default())?;
/// assert_eq!(b.installments.principal.iter().sum::<i128>(), 100_000);
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn schedule_batch_as<M: MinorUnits>(terms: &[LoanTerms], options: BatchOptions) -> Result<Batch<M>> {
    schedule_batch_from(terms, options)
}

/// [`schedule_batch_as`] over any [`LoanSource`]: the loans are read (and, for a binding's table,
/// converted) inside the parallel tasks.
///
/// ```
/// use microcredit::LoanTerms;
/// use microcredit_tables::batch::{schedule_batch_from, BatchOptions};
/// let t = LoanTerms::from_json(r#"{"principal": "1000", "currency": "USD",
///   "rate": {"percent": "24"}, "installments": 6, "frequency": {"unit": "months", "every": 1},
///   "disbursement_date": "2025-01-15"}"#)?;
/// let b = schedule_batch_from::<i128, [LoanTerms]>(&[t], BatchOptions::default())?;
/// assert_eq!(b.rows(), 6);
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn schedule_batch_from<M: MinorUnits, S: LoanSource + ?Sized>(
    source: &S,
    options: BatchOptions,
) -> Result<Batch<M>> {
    let mut out = Batch::default();
    schedule_batch_reusing(source, options, &mut out)?;
    Ok(out)
}

/// The loans of each task: CHUNK at a time.
fn chunks(len: usize) -> impl IndexedParallelIterator<Item = Range<usize>> {
    (0..len.div_ceil(CHUNK)).into_par_iter().map(move |c| c * CHUNK..((c + 1) * CHUNK).min(len))
}

/// The rows of each task's chunk of loans (one parallel pass over the loans).
fn chunk_rows<S: LoanSource + ?Sized>(source: &S) -> Vec<usize> {
    chunks(source.len()).map(|loans| loans.map(|i| slots(source.installments(i))).sum()).collect()
}

/// [`schedule_batch_as`] into a batch whose memory is reused: its columns keep their capacity, so
/// a program that schedules book after book (or a large book chunk by chunk) writes into memory
/// it already has instead of asking the kernel for fresh pages each time. `out` is overwritten.
///
/// ```
/// use microcredit::LoanTerms;
/// use microcredit_tables::batch::{schedule_batch_into, Batch, BatchOptions};
/// let t = LoanTerms::from_json(r#"{"principal": "1000", "currency": "USD",
///   "rate": {"percent": "24"}, "installments": 6, "frequency": {"unit": "months", "every": 1},
///   "disbursement_date": "2025-01-15"}"#)?;
/// let mut batch: Batch = Batch::default();
/// for book in [vec![t.clone()], vec![t.clone(), t]] {
///     schedule_batch_into(&book, BatchOptions::default(), &mut batch)?;
///     assert_eq!(batch.rows(), 6 * book.len());
/// }
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn schedule_batch_into<M: MinorUnits>(
    terms: &[LoanTerms],
    options: BatchOptions,
    out: &mut Batch<M>,
) -> Result<()> {
    schedule_batch_reusing(terms, options, out)
}

/// Schedule the loans of `source` into `out`, keeping its memory.
fn schedule_batch_reusing<M: MinorUnits, S: LoanSource + ?Sized>(
    source: &S,
    options: BatchOptions,
    out: &mut Batch<M>,
) -> Result<()> {
    let chunk_rows = chunk_rows(source);
    reserve(out, source.len(), chunk_rows.iter().sum(), options.memory_limit)?;
    fill_batch(source, &chunk_rows, options, out);
    Ok(())
}

/// Check the batch's memory against `limit` before anything is allocated, then reserve it, so a
/// book too large for the limit or for the machine is an error, never an aborted process.
fn reserve<M: MinorUnits>(out: &mut Batch<M>, loans: usize, rows: usize, limit: u64) -> Result<()> {
    let needed = estimated_bytes::<M>(loans, rows);
    if needed > limit {
        return Err(Error::LimitExceeded { what: "memory_limit".into(), requested: needed, limit });
    }
    // Under the limit but more than the system will give: the same error, not an abort.
    let refused = || Error::LimitExceeded { what: "memory_limit".into(), requested: needed, limit };
    let cols = &mut out.installments;
    out.loans.clear();
    out.loans.try_reserve_exact(loans).map_err(|_| refused())?;
    for col in [&mut cols.loan, &mut cols.number, &mut cols.days] {
        col.clear();
        col.try_reserve_exact(rows).map_err(|_| refused())?;
    }
    cols.due_day.clear();
    cols.due_day.try_reserve_exact(rows).map_err(|_| refused())?;
    for col in [&mut cols.principal, &mut cols.interest, &mut cols.total, &mut cols.balance] {
        col.clear();
        col.try_reserve_exact(rows).map_err(|_| refused())?;
    }
    Ok(())
}

/// Schedule the loans of `source` into `out`, whose sparse columns hold the chunks' rows, zeroed
/// (the dense ones are written once here).
fn fill_batch<M: MinorUnits, S: LoanSource + ?Sized>(
    source: &S,
    chunk_rows: &[usize],
    options: BatchOptions,
    out: &mut Batch<M>,
) {
    let n = chunk_rows.iter().sum();
    // Each task writes its loans' summaries in place (no per-task vectors joined afterwards).
    out.loans.clear();
    // Every summary is written by its task; the placeholder is never seen (it would be a bug).
    out.loans.par_extend(
        (0..source.len())
            .into_par_iter()
            .map(|_| Err(Error::Internal { what: "a loan of the batch was not scheduled" })),
    );
    let (failed, pieces) = {
        let InstallmentColumns { loan, number, due_day, days, principal, interest, total, balance, .. } =
            &mut out.installments;
        // The dense columns are `n` long once these are dropped, below, every row written once.
        let (mut loan, mut number, mut due_day, mut days) =
            (WriteOnce::new(loan, n), WriteOnce::new(number, n), WriteOnce::new(due_day, n), WriteOnce::new(days, n));
        let (mut principal, mut interest, mut total, mut balance) = (
            WriteOnce::new(principal, n),
            WriteOnce::new(interest, n),
            WriteOnce::new(total, n),
            WriteOnce::new(balance, n),
        );
        let mut rest = ColumnsMut {
            loan: loan.tail(),
            number: number.tail(),
            due_day: due_day.tail(),
            days: days.tail(),
            principal: principal.tail(),
            interest: interest.tail(),
            sparse: SparseColumn::uncharged(n),
            total: total.tail(),
            balance: balance.tail(),
        };
        // Each task gets CHUNK loans and their rows.
        let mut tasks = Vec::with_capacity(chunk_rows.len());
        for (loans, &rows) in chunks(source.len()).collect::<Vec<_>>().into_iter().zip(chunk_rows) {
            let (mine, after) = rest.split_at(rows);
            tasks.push((loans, mine));
            rest = after;
        }
        drop(rest);
        let done: Vec<(usize, Charges<SparseColumn<M>>)> = tasks
            .into_par_iter()
            .zip(out.loans.par_chunks_mut(CHUNK))
            .map(|((loans, cols), summaries)| fill(source, loans, cols, summaries, options))
            .collect();
        let failed = done.iter().map(|(f, _)| f).sum::<usize>();
        // Each task's pieces of the sparse columns, with the row they start at.
        let mut pieces: Charges<Vec<(usize, SparseColumn<M>)>> = Charges::default();
        for ((_, task), at) in
            done.into_iter().zip(chunk_rows.iter().scan(0, |at, &rows| Some(std::mem::replace(at, *at + rows))))
        {
            for (col, piece) in pieces.each_mut().zip(task).into_array() {
                col.push((at, piece));
            }
        }
        (failed, pieces)
    };
    let cols = &mut out.installments;
    Charges { fees: cols.fees, insurance: cols.insurance, savings: cols.savings } =
        pieces.map(|p| SparseColumn::from_pieces(n, p));
    if failed > 0 {
        // Close the gaps the failed loans left (rare: only when some terms are invalid).
        let (mut read, mut write) = (0, 0);
        for (i, l) in out.loans.iter().enumerate() {
            let n = slots(source.installments(i));
            if l.is_ok() {
                if read != write {
                    cols.move_rows(read..read + n, write);
                }
                write += n;
            }
            read += n;
        }
        cols.truncate(write);
    }
}

/// Schedule the loans of one task into its rows, and the summary (or error) of each loan into
/// `summaries`; how many failed, and the task's fees, insurance and savings.
fn fill<M: MinorUnits, S: LoanSource + ?Sized>(
    source: &S,
    loans: Range<usize>,
    out: ColumnsMut<'_, M>,
    summaries: &mut [Result<LoanSummary>],
    options: BatchOptions,
) -> (usize, Charges<SparseColumn<M>>) {
    // The engine's working memory is the thread's, kept from task to task and batch to batch:
    // above all the due dates it remembers for each disbursement day, which a task of its own
    // would work out again for every day of its chunk.
    let buffers = BUFFERS.take().unwrap_or_else(Buffers::for_batch);
    let mut task = Task { out, buffers, staging: Staging::new(), flows: Vec::new() };
    let mut scratch = source.scratch();
    let (mut at, mut failed) = (0, 0);
    for (i, summary) in loans.zip(summaries) {
        let rows = at..at + slots(source.installments(i));
        at = rows.end;
        *summary = source.terms(i, &mut scratch).and_then(|t| task.loan(i as u32, t, rows, options));
        failed += usize::from(summary.is_err());
    }
    task.staging.flush(&mut task.out);
    BUFFERS.set(Some(task.buffers));
    (failed, task.out.sparse.each_mut().map(std::mem::take))
}

thread_local! {
    /// The engine's working memory of a batch thread between its tasks (about a hundred
    /// kilobytes: one loan's rows, and the due dates of up to 512 disbursement days).
    static BUFFERS: std::cell::Cell<Option<Buffers>> = const { std::cell::Cell::new(None) };
}

/// What one parallel task works with: its rows of the columns and memory reused from loan to loan.
struct Task<'a, M: MinorUnits> {
    out: ColumnsMut<'a, M>,
    buffers: Buffers,
    staging: Box<Staging<M>>,
    /// Cash flows of the loan being priced: (date, installment number, amount).
    flows: Vec<(NaiveDate, u32, f64)>,
}

impl<M: MinorUnits> Task<'_, M> {
    /// Schedule loan `index` (terms `t`) into `rows` of the columns; its summary.
    fn loan(&mut self, index: u32, t: &LoanTerms, rows: Range<usize>, options: BatchOptions) -> Result<LoanSummary> {
        let (up, annuity) = generate_rows_or_annuity(t, &mut self.buffers)?;
        if self.buffers.rows().len() != rows.len() {
            // The source claimed another number of installments than the schedule has.
            let reason = Reason::RowCountMismatch { rows: self.buffers.rows().len() as u64 };
            return Err(Error::invalid("installments", rows.len(), reason));
        }
        let sums = match annuity {
            // The amounts of the most common loan go straight into the columns; pricing needs each
            // installment's total as a cash flow, so it takes them through the rows.
            Some(annuity) if !options.pricing => {
                let (schedule, amounts) = self.buffers.annuity_rows(annuity);
                self.staging.push_annuity(&mut self.out, rows.start, index, schedule, amounts)
            }
            annuity => {
                if let Some(annuity) = annuity {
                    self.buffers.write_annuity(annuity);
                }
                let schedule = self.buffers.rows();
                let sums = Sums::of(schedule);
                // No amount exceeds the loan amount (balances, principal) or the sum of all
                // installments.
                let largest = sums.total.max(up.loan_amount);
                self.staging.push_loan(&mut self.out, rows.start, index, schedule, largest).then_some(sums)
            }
        }
        .ok_or_else(|| Error::Overflow { what: "batch columns".into() })?;
        let schedule = self.buffers.rows();
        let scale = if options.pricing { 10f64.powi(t.currency.minor_units() as i32) } else { 1.0 };
        self.flows.clear();
        if options.pricing {
            self.flows.push((t.disbursement_date, 0, 0.0)); // the disbursement, set below
            for k in 0..schedule.len() {
                self.flows.push((schedule.due_date(k)?, k as u32 + 1, -(schedule.total(k) as f64) / scale));
            }
        }
        summarize(t, &up, &sums, &mut self.flows, scale, options)
    }
}

/// Totals of one loan's rows.
struct Sums {
    rows: usize,
    interest: i128,
    fees: i128,
    insurance: i128,
    total: i128,
    /// Day number of the last due date.
    last_day: Option<i32>,
}

impl Sums {
    /// The totals of rows the engine wrote (the engine's [`Rows::sums`]).
    fn of(rows: &Rows) -> Sums {
        let sums = rows.sums();
        Sums {
            rows: rows.len(),
            interest: sums.interest,
            fees: sums.fees,
            insurance: sums.insurance,
            total: sums.total,
            last_day: rows.due_days().last().copied(),
        }
    }
}

/// A loan's totals, and its price when asked for. A loan whose schedule is fine but whose rate has
/// no solution keeps its rows; the reason is in `pricing_error`.
fn summarize(
    t: &LoanTerms,
    up: &Upfront,
    sums: &Sums,
    flows: &mut [(NaiveDate, u32, f64)],
    scale: f64,
    options: BatchOptions,
) -> Result<LoanSummary> {
    let narrow = |v: i128| i64::try_from(v).map_err(|_| Error::Overflow { what: "batch totals".into() });
    let (mut apr, mut eir, mut xirr, mut pricing_error) = (None, None, None, None);
    if options.pricing {
        if let Some(first) = flows.first_mut() {
            first.2 = up.net_amount as f64 / scale;
        }
        if let Some(last) = flows.last_mut() {
            last.2 += up.savings_refund as f64 / scale;
        }
        let priced = mft_apr_and_eir(flows, t.disbursement_date, t.frequency).and_then(|(apr, eir)| {
            let xirr = rate_of_flows(flows, t.disbursement_date, t.frequency, &Convention::XIRR)?;
            Ok((apr, eir, xirr.annual_rate))
        });
        match priced {
            Ok((a, e, x)) => (apr, eir, xirr) = (Some(a), Some(e), Some(x)),
            Err(e) => pricing_error = Some(Box::new(e)),
        }
    }
    Ok(LoanSummary {
        currency: t.currency,
        loan_amount: narrow(up.loan_amount)?,
        net_disbursement: narrow(up.net_amount)?,
        installments: sums.rows as u32,
        total_interest: narrow(sums.interest)?,
        total_fees: narrow(sums.fees + up.fees)?,
        total_insurance: narrow(sums.insurance + up.insurance)?,
        total_paid: narrow(sums.total)?,
        maturity_date: match sums.last_day {
            Some(day) => date_of_day(day)?,
            None => t.disbursement_date,
        },
        apr,
        eir,
        xirr,
        pricing_error,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// 200,000 loans of 1,200 installments (issue 14, finding 5: the process aborted on a 3.84 GB
    /// allocation): the batch refuses before allocating, naming the size and the limit, and a
    /// raised limit is honoured.
    #[test]
    fn a_book_beyond_the_memory_limit_is_an_error_not_an_abort() {
        struct Huge;
        impl LoanSource for Huge {
            type Scratch = ();
            fn len(&self) -> usize {
                200_000
            }
            fn installments(&self, _: usize) -> u32 {
                1_200
            }
            fn scratch(&self) {}
            fn terms<'s>(&'s self, _: usize, _: &'s mut ()) -> Result<&'s LoanTerms> {
                Err(Error::invalid("principal", "0", Reason::NotPositive))
            }
        }
        let needed = estimated_bytes::<i128>(200_000, 240_000_000);
        let err = schedule_batch_from::<i128, _>(&Huge, BatchOptions::default()).unwrap_err();
        assert_eq!(
            err,
            Error::LimitExceeded { what: "memory_limit".into(), requested: needed, limit: DEFAULT_MEMORY_LIMIT }
        );
        assert_eq!(err.field(), Some("memory_limit"));
        let err = schedule_batch_from::<i128, _>(&Huge, BatchOptions::default().with_memory_limit(1_000)).unwrap_err();
        assert!(matches!(err, Error::LimitExceeded { limit: 1_000, .. }));
    }
}
