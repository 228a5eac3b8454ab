//! Calendar: day-count conventions, repayment frequencies and due dates, working days and holidays.
//!
//! Year fractions are exact fractions of integers, so interest computed from them is rounded once.

use std::collections::BTreeSet;

use chrono::{Datelike, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Reason, Result};

/// Parse an ISO `YYYY-MM-DD` date as every binding reads a date given as text, spaces around it
/// ignored; text that is not such a date (or is beyond chrono's years -262143 to 262142) is an
/// error naming `field`.
///
/// ```
/// use microcredit::calendar::parse_date;
/// assert_eq!(parse_date("disbursement_date", " 2025-03-03 ")?.to_string(), "2025-03-03");
/// assert_eq!(parse_date("disbursement_date", "2025-02-30").unwrap_err().field(), Some("disbursement_date"));
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate> {
    parse_date_exact(text).ok_or_else(|| Error::invalid(field, text, Reason::NotADate))
}

/// [`parse_date`] without the error: `None` when the text is not an ISO date.
pub fn parse_date_exact(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// An exact ratio of integers, `num / den` with `den > 0`: the engine's rates and fractions of
/// a year (see [`YearFraction`]).
///
/// The fields are private so that the denominator is always positive: [`Ratio::new`] checks it,
/// and sums and products keep it so. Equality compares values (`1/2 == 2/4`) and never overflows.
///
/// ```
/// use microcredit::Ratio;
/// let half = Ratio::new(1, 2).unwrap();
/// assert_eq!((half.num(), half.den()), (1, 2));
/// assert_eq!(Ratio::new(2, 4), Some(half));
/// assert_eq!(Ratio::new(1, 0), None); // no zero denominator
/// assert_eq!(Ratio::new(1, -2), None); // nor a negative one
/// assert_eq!(half.checked_mul(half), Ratio::new(1, 4));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    num: i128,
    /// Positive.
    den: i128,
}

/// An exact fraction of a year: the [`Ratio`] a day count or a frequency gives.
///
/// ```
/// use microcredit::{DayCount, YearFraction};
/// use chrono::NaiveDate;
/// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
/// let f = DayCount::Act360.year_fraction(d("2024-01-01"), d("2024-01-31"));
/// assert_eq!(Some(f), YearFraction::new(30, 360));
/// assert_eq!(f.to_f64(), 30.0 / 360.0);
/// ```
pub type YearFraction = Ratio;

impl Ratio {
    /// `num / den`, or `None` unless `den > 0`. Reduced once its terms pass 2^31 (smaller
    /// fractions are kept as they are: they multiply in 64 bits).
    #[inline]
    pub fn new(num: i128, den: i128) -> Option<Ratio> {
        (den > 0).then(|| Ratio::positive(num, den))
    }

    /// `num / den` for a denominator known to be positive (a constant: days in a year, months,
    /// weeks); a zero would be taken as 1.
    #[inline]
    pub(crate) fn per(num: i128, den: u32) -> Ratio {
        Ratio::positive(num, i128::from(den.max(1)))
    }

    /// `num / den` with `den > 0`, which the caller has made sure of.
    #[inline]
    fn positive(num: i128, den: i128) -> Ratio {
        debug_assert!(den > 0);
        const SMALL: u128 = 1 << 31;
        if num.unsigned_abs() < SMALL && (den as u128) < SMALL {
            return Ratio { num, den };
        }
        Ratio::reduced(num, den)
    }

    /// In lowest terms (`den > 0`).
    fn reduced(num: i128, den: i128) -> Ratio {
        if let (Ok(n), Ok(d)) = (i64::try_from(num), i64::try_from(den))
            && n != i64::MIN
        {
            // 64-bit division is several times cheaper than 128-bit.
            let g = gcd64(n.unsigned_abs(), d.unsigned_abs()).max(1) as i64;
            return Ratio { num: i128::from(n / g), den: i128::from(d / g) };
        }
        let g = gcd(num.unsigned_abs(), den.unsigned_abs()).max(1) as i128;
        Ratio { num: num / g, den: den / g }
    }

    /// Zero.
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };

    /// The numerator (its sign is the ratio's).
    #[inline]
    pub const fn num(self) -> i128 {
        self.num
    }

    /// The denominator, always positive.
    #[inline]
    pub const fn den(self) -> i128 {
        self.den
    }

    /// As a float (for rate solvers only).
    pub fn to_f64(self) -> f64 {
        // (64-bit integers convert in one instruction, 128-bit ones through a library call; the
        // result is the same correctly rounded float.)
        match (i64::try_from(self.num), i64::try_from(self.den)) {
            (Ok(n), Ok(d)) => n as f64 / d as f64,
            _ => self.num as f64 / self.den as f64,
        }
    }

    /// Product of two ratios, reduced; `None` on overflow.
    #[inline]
    pub fn checked_mul(self, other: Ratio) -> Option<Ratio> {
        // Small operands (the usual case): multiply, then reduce once.
        if let (Some(n), Some(d)) = (small_product(self.num, other.num), small_product(self.den, other.den)) {
            return Some(Ratio::positive(n, d));
        }
        let g1 = gcd(self.num.unsigned_abs(), other.den.unsigned_abs()).max(1) as i128;
        let g2 = gcd(other.num.unsigned_abs(), self.den.unsigned_abs()).max(1) as i128;
        Some(Ratio::positive(
            (self.num / g1).checked_mul(other.num / g2)?,
            (self.den / g2).checked_mul(other.den / g1)?,
        ))
    }

    /// Sum of two ratios, reduced; `None` on overflow.
    pub fn checked_add(self, other: Ratio) -> Option<Ratio> {
        let g = gcd(self.den.unsigned_abs(), other.den.unsigned_abs()).max(1) as i128;
        let den = (self.den / g).checked_mul(other.den)?;
        let num = self.num.checked_mul(other.den / g)?.checked_add(other.num.checked_mul(self.den / g)?)?;
        Some(Ratio::positive(num, den))
    }
}

impl PartialEq for Ratio {
    /// Equal values: the cross products when they fit 128 bits, else the lowest terms (which are
    /// unique, the denominators being positive).
    fn eq(&self, other: &Self) -> bool {
        match (self.num.checked_mul(other.den), other.num.checked_mul(self.den)) {
            (Some(a), Some(b)) => a == b,
            _ => {
                let (a, b) = (Ratio::reduced(self.num, self.den), Ratio::reduced(other.num, other.den));
                a.num == b.num && a.den == b.den
            }
        }
    }
}
impl Eq for Ratio {}

/// `a × b` when both factors are below 2^31 in magnitude, so the product fits 64 bits.
fn small_product(a: i128, b: i128) -> Option<i128> {
    const LIMIT: u128 = 1 << 31;
    (a.unsigned_abs() < LIMIT && b.unsigned_abs() < LIMIT).then(|| a * b)
}

/// Binary GCD (shifts and subtractions, no division) for any unsigned integer type.
macro_rules! binary_gcd {
    ($a:expr, $b:expr) => {{
        let (mut a, mut b) = ($a, $b);
        if a == 0 || b == 0 {
            a | b
        } else {
            let shift = (a | b).trailing_zeros();
            a >>= a.trailing_zeros();
            while b != 0 {
                b >>= b.trailing_zeros();
                if a > b {
                    (a, b) = (b, a);
                }
                b -= a;
            }
            a << shift
        }
    }};
}

/// Greatest common divisor; values that fit 64 bits take the cheaper 64-bit path.
pub(crate) fn gcd(a: u128, b: u128) -> u128 {
    match (u64::try_from(a), u64::try_from(b)) {
        (Ok(x), Ok(y)) => u128::from(gcd64(x, y)),
        _ => binary_gcd!(a, b),
    }
}

fn gcd64(a: u64, b: u64) -> u64 {
    binary_gcd!(a, b)
}

/// The day numbers (chrono's `num_days_from_ce`) of the first and last dates chrono can hold.
const MIN_DAY: i32 = -95_746_129;
const MAX_DAY: i32 = 95_745_399;

/// How days between two dates are counted and how long a year is.
///
/// In interest by period ([`crate::InterestBasis::Period`]) only the year length matters, and only
/// for periods counted in days: 15 days are 15/365 of a year under `Act365Fixed` and 15/360 under
/// `Act360` and `Thirty360`. Weeks are always 1/52 and months 1/12 of a year.
///
/// ```
/// use microcredit::DayCount;
/// use chrono::NaiveDate;
/// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
/// assert_eq!(DayCount::Thirty360.days(d("2024-01-31"), d("2024-03-01")), 31);
/// assert_eq!(DayCount::Act365Fixed.days(d("2024-01-31"), d("2024-03-01")), 30);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DayCount {
    /// Actual/Actual (ISDA): days in a leap year count 1/366, other days 1/365.
    #[serde(rename = "act_act_isda")]
    ActActIsda,
    /// Actual/Actual as Fineract's progressive engine counts it: like ISDA, but a period that
    /// crosses a year end is split at 31 December (the days up to 31 December count in the old
    /// year, the rest in the new one).
    #[serde(rename = "act_act_fineract")]
    ActActFineract,
    /// Actual/365 Fixed.
    #[default]
    #[serde(rename = "act_365f")]
    Act365Fixed,
    /// Actual/360.
    #[serde(rename = "act_360")]
    Act360,
    /// 30/360 (bond basis): every month has 30 days, the year 360.
    #[serde(rename = "30_360")]
    Thirty360,
    /// Actual/364: a year of 52 weeks.
    #[serde(rename = "act_364")]
    Act364,
}

impl DayCount {
    /// Days between two dates under this convention.
    pub fn days(self, start: NaiveDate, end: NaiveDate) -> i64 {
        match self {
            DayCount::Thirty360 => {
                let (y1, m1, mut d1) = (start.year() as i64, start.month() as i64, start.day() as i64);
                let (y2, m2, mut d2) = (end.year() as i64, end.month() as i64, end.day() as i64);
                if d1 == 31 {
                    d1 = 30;
                }
                if d2 == 31 && d1 == 30 {
                    d2 = 30;
                }
                360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1)
            }
            _ => (end - start).num_days(),
        }
    }

    /// Nominal days in a year: 365, 360 or 364 (Actual/Actual counts 365 here).
    pub fn year_days(self) -> i128 {
        match self {
            DayCount::ActActIsda | DayCount::ActActFineract | DayCount::Act365Fixed => 365,
            DayCount::Act360 | DayCount::Thirty360 => 360,
            DayCount::Act364 => 364,
        }
    }

    /// The fraction of a year between two dates.
    ///
    /// ```
    /// use microcredit::{DayCount, YearFraction};
    /// use chrono::NaiveDate;
    /// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    /// // 2023-12-01 .. 2024-01-31: 31 days of 2023 (/365) and 30 days of 2024 (/366)
    /// let f = DayCount::ActActIsda.year_fraction(d("2023-12-01"), d("2024-01-31"));
    /// assert_eq!(Some(f), YearFraction::new(31 * 366 + 30 * 365, 365 * 366));
    /// // Fineract's progressive engine splits at 31 December: 19 days of 2023, 12 of 2024.
    /// let g = DayCount::ActActFineract.year_fraction(d("2023-12-12"), d("2024-01-12"));
    /// assert_eq!(Some(g), YearFraction::new(19 * 366 + 12 * 365, 365 * 366));
    /// ```
    pub fn year_fraction(self, start: NaiveDate, end: NaiveDate) -> YearFraction {
        match self {
            DayCount::ActActIsda | DayCount::ActActFineract => {
                // ISDA splits at 1 January; Fineract's progressive engine at 31 December, so a
                // year there runs from 31 December to 30 December.
                let fineract = self == DayCount::ActActFineract;
                let year_of =
                    |d: NaiveDate| if fineract && d.month() == 12 && d.day() == 31 { d.year() + 1 } else { d.year() };
                let (mut leap_days, mut other_days) = (0i128, 0i128);
                let mut cursor = start;
                while cursor < end {
                    let year = year_of(cursor);
                    let boundary = if fineract {
                        NaiveDate::from_ymd_opt(year, 12, 31)
                    } else {
                        NaiveDate::from_ymd_opt(year + 1, 1, 1)
                    };
                    let stop = boundary.unwrap_or(end).min(end);
                    let n = (stop - cursor).num_days() as i128;
                    if is_leap(year) {
                        leap_days += n;
                    } else {
                        other_days += n;
                    }
                    cursor = stop;
                }
                Ratio::per(other_days * 366 + leap_days * 365, 365 * 366)
            }
            _ => Ratio::per(self.days(start, end) as i128, self.year_days() as u32),
        }
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// What happens to a monthly due date when the first one falls on the last day of a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MonthEnd {
    /// Same day of the month, or the month's last day when it is shorter (31 Jan → 29 Feb → 31 Mar).
    #[default]
    SameDay,
    /// When the first due date is a month's last day, every due date is a month's last day
    /// (30 Apr → 31 May).
    LastDay,
}

/// How often installments fall due.
///
/// ```
/// use microcredit::Frequency;
/// use chrono::NaiveDate;
/// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
/// let monthly = Frequency::monthly();
/// assert_eq!(monthly.due_date(d("2024-01-31"), 1)?, d("2024-02-29"));
/// assert_eq!(monthly.due_date(d("2024-01-31"), 2)?, d("2024-03-31"));
/// let semi = Frequency::SemiMonthly { days: [15, 31] };
/// assert_eq!(semi.due_date(d("2024-02-15"), 1)?, d("2024-02-29"));
/// # Ok::<(), microcredit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Frequency {
    /// Every `every` days (e.g. every 15 days).
    Days {
        /// Days between installments.
        every: u32,
    },
    /// Every `every` weeks (1 weekly, 2 fortnightly, 4 four-weekly).
    Weeks {
        /// Weeks between installments.
        every: u32,
    },
    /// Every `every` months.
    Months {
        /// Months between installments.
        every: u32,
        /// The end-of-month rule.
        #[serde(default)]
        month_end: MonthEnd,
    },
    /// Twice a month on two fixed days (a day past the month's end means its last day: 31 = last).
    SemiMonthly {
        /// The two days of the month, the earlier first.
        days: [u32; 2],
    },
}

impl Frequency {
    /// Every month, same day.
    pub fn monthly() -> Frequency {
        Frequency::Months { every: 1, month_end: MonthEnd::SameDay }
    }

    /// Every week.
    pub fn weekly() -> Frequency {
        Frequency::Weeks { every: 1 }
    }

    /// The names a frequency may be given by in a table or a keyword argument.
    pub const NAMES: [&str; 6] = ["daily", "weekly", "fortnightly", "four_weekly", "monthly", "quarterly"];

    /// A frequency from its everyday name (one of [`Frequency::NAMES`]); other frequencies are
    /// written in the JSON form (`{"unit": "weeks", "every": 2}`).
    ///
    /// ```
    /// use microcredit::Frequency;
    /// assert_eq!(Frequency::from_name("fortnightly"), Some(Frequency::Weeks { every: 2 }));
    /// assert_eq!(Frequency::from_name("Quarterly"), None); // names are lower case
    /// ```
    pub fn from_name(name: &str) -> Option<Frequency> {
        Some(match name {
            "daily" => Frequency::Days { every: 1 },
            "weekly" => Frequency::Weeks { every: 1 },
            "fortnightly" => Frequency::Weeks { every: 2 },
            "four_weekly" => Frequency::Weeks { every: 4 },
            "monthly" => Frequency::monthly(),
            "quarterly" => Frequency::Months { every: 3, month_end: MonthEnd::SameDay },
            _ => return None,
        })
    }

    /// The error for a frequency name that [`Frequency::from_name`] does not know: the names it
    /// knows, then `other`, how the caller writes any other frequency.
    ///
    /// ```
    /// use microcredit::Frequency;
    /// let e = Frequency::unknown_name("weekly ", "a dict like {'unit': 'weeks', 'every': 2}");
    /// assert_eq!(e.code(), "unknown_name");
    /// assert!(e.to_string().contains("expected daily, weekly, fortnightly, four_weekly, monthly, quarterly or a dict"));
    /// ```
    pub fn unknown_name(name: &str, other: &str) -> Error {
        let detail = format!("expected {} or {other}", Self::NAMES.join(", "));
        Error::invalid("frequency", crate::error::Quoted(name), Reason::UnknownName { detail })
    }

    /// Check the frequency's own numbers.
    pub fn validate(&self) -> Result<()> {
        match *self {
            Frequency::Days { every } | Frequency::Weeks { every } | Frequency::Months { every, .. } => {
                if every == 0 || every > 366 {
                    return Err(Error::invalid(
                        "frequency.every",
                        every,
                        Reason::Between { min: "1".into(), max: "366".into() },
                    ));
                }
            }
            Frequency::SemiMonthly { days: [a, b] } => {
                if a == 0 || b == 0 || a > 31 || b > 31 || a >= b || b - a < 7 {
                    return Err(Error::invalid("frequency.days", format!("[{a}, {b}]"), Reason::SemiMonthlyDays));
                }
            }
        }
        Ok(())
    }

    /// The length of one period as a fraction of a year: weeks `every / 52` and months
    /// `every / 12` (as Fineract's cumulative engine and MFTransparency count them), semi-monthly
    /// `1 / 24`, and days `every / year` with the year length of `day_count` (365, 360 or 364).
    pub fn year_fraction(&self, day_count: DayCount) -> YearFraction {
        match *self {
            Frequency::Days { every } => Ratio::per(every as i128, day_count.year_days() as u32),
            Frequency::Weeks { every } => Ratio::per(every as i128, 52),
            Frequency::Months { every, .. } => Ratio::per(every as i128, 12),
            Frequency::SemiMonthly { .. } => Ratio::per(1, 24),
        }
    }

    /// Periods in a year as the practitioners count them for APR (MFTransparency, Reg Z unit
    /// periods): 52 / every for weeks, 12 / every for months, 24 semi-monthly, 365 / every for days.
    ///
    /// ```
    /// use microcredit::Frequency;
    /// assert_eq!(Frequency::Weeks { every: 4 }.periods_per_year(), 13.0);
    /// ```
    pub fn periods_per_year(&self) -> f64 {
        match *self {
            Frequency::Days { every } => 365.0 / f64::from(every),
            Frequency::Weeks { every } => 52.0 / f64::from(every),
            Frequency::Months { every, .. } => 12.0 / f64::from(every),
            Frequency::SemiMonthly { .. } => 24.0,
        }
    }

    /// The first regular due date after `start` (one period later; for semi-monthly, the first
    /// of the two days at least 14 days after `start`).
    pub fn first_due_date(&self, start: NaiveDate) -> Result<NaiveDate> {
        match *self {
            Frequency::SemiMonthly { days } => {
                let earliest = checked_day(i64::from(start.num_days_from_ce()) + 14)
                    .and_then(NaiveDate::from_num_days_from_ce_opt)
                    .ok_or_else(|| Error::invalid("disbursement_date", start, Reason::DueDateOutOfCalendar))?;
                let mut month_start = first_of_month(earliest);
                loop {
                    for d in days {
                        let date = clamp_day(month_start, d);
                        if date >= earliest {
                            return Ok(date);
                        }
                    }
                    month_start = add_months(month_start, 1)?;
                }
            }
            _ => self.due_date(start, 1),
        }
    }

    /// The first `n` due dates counted from `anchor` (the same dates as [`Frequency::due_date`]
    /// for k = 0..n, computed by stepping).
    pub fn due_dates(&self, anchor: NaiveDate, n: u32) -> Result<Vec<NaiveDate>> {
        let mut days = Vec::with_capacity(n as usize);
        self.due_days_into(anchor, n, &mut days)?;
        days.into_iter().map(date_of_day).collect()
    }

    /// [`Frequency::due_dates`] as day numbers (days from 0001-01-01, chrono's
    /// `num_days_from_ce`), into a buffer the caller reuses (cleared first): the engine works on
    /// day numbers and makes a date only where one is needed.
    pub(crate) fn due_days_into(&self, anchor: NaiveDate, n: u32, out: &mut Vec<i32>) -> Result<()> {
        self.due_days_after(anchor, 0, n, out)
    }

    /// Due dates `skip..skip + n` counted from `anchor` (date 0), as day numbers into `out`
    /// (cleared first).
    fn due_days_after(&self, anchor: NaiveDate, skip: u32, n: u32, out: &mut Vec<i32>) -> Result<()> {
        out.clear();
        let end = skip.checked_add(n).ok_or_else(|| Error::invalid("installments", n, Reason::TooMany))?;
        let out_of_range = |k: u32| Error::invalid("frequency", k, Reason::DueDateOutOfCalendar);
        match *self {
            Frequency::Days { .. } | Frequency::Weeks { .. } => {
                let step = match *self {
                    Frequency::Weeks { every } => 7 * i64::from(every),
                    Frequency::Days { every } => i64::from(every),
                    _ => 0,
                };
                let start = i64::from(anchor.num_days_from_ce());
                for k in skip..end {
                    let day = start + step * i64::from(k);
                    out.push(checked_day(day).ok_or_else(|| out_of_range(k))?);
                }
            }
            Frequency::Months { every, month_end: MonthEnd::SameDay } => {
                // Step month by month, on the anchor's day or the month's last; what depends on
                // the year (its first day, whether it is leap) is looked up when the year changes.
                // Per month of a common and of a leap year: days before it, and its length.
                const COMMON: [(u32, u32); 12] = [
                    (0, 31),
                    (31, 28),
                    (59, 31),
                    (90, 30),
                    (120, 31),
                    (151, 30),
                    (181, 31),
                    (212, 31),
                    (243, 30),
                    (273, 31),
                    (304, 30),
                    (334, 31),
                ];
                const LEAP: [(u32, u32); 12] = [
                    (0, 31),
                    (31, 29),
                    (60, 31),
                    (91, 30),
                    (121, 31),
                    (152, 30),
                    (182, 31),
                    (213, 31),
                    (244, 30),
                    (274, 31),
                    (305, 30),
                    (335, 31),
                ];
                let (mut year, mut month0, day) = (i64::from(anchor.year()), anchor.month0() as usize, anchor.day());
                let (years, months) = (i64::from(every / 12), (every % 12) as usize);
                let year_start =
                    |y: i64| (days_before_year(y), if i32::try_from(y).is_ok_and(is_leap) { &LEAP } else { &COMMON });
                let (mut base, mut table) = year_start(year);
                // The next month: `months` further, and `years`, into the next year past December.
                macro_rules! step {
                    () => {
                        month0 += months;
                        let mut next_year = year + years;
                        if month0 >= 12 {
                            month0 -= 12;
                            next_year += 1;
                        }
                        if next_year != year {
                            year = next_year;
                            (base, table) = year_start(year);
                        }
                    };
                }
                for _ in 0..skip {
                    step!();
                }
                out.resize(n as usize, 0);
                let mut days = out.iter_mut();
                // The dates only grow: when the first and the last are in range, all are.
                let (mut first, mut last) = (i64::MAX, i64::MIN);
                while let Some(slot) = days.next() {
                    let (before, length) = table[month0 % 12];
                    let d = base + i64::from(before + day.min(length));
                    (first, last) = (first.min(d), d);
                    *slot = d as i32;
                    if days.len() > 0 {
                        step!();
                    }
                }
                if n > 0 && (first < i64::from(MIN_DAY) || last > i64::from(MAX_DAY)) {
                    // Name the first date out of range (rare: dates near year 262,000).
                    out.clear();
                    let k = (skip..end).find(|&k| self.due_date(anchor, k).is_err()).unwrap_or(end);
                    return Err(out_of_range(k));
                }
            }
            _ => {
                for k in skip..end {
                    out.push(self.due_date(anchor, k)?.num_days_from_ce());
                }
            }
        }
        Ok(())
    }

    /// The first `n` regular due dates after `start` (the first is
    /// [`Frequency::first_due_date`]), as day numbers into `out`. Days, weeks, and months from a
    /// day up to the 28th are counted from `start` itself in one pass (no month clamps the first
    /// date's day, so counting from it gives the same dates); otherwise from the first date.
    pub(crate) fn regular_due_days_into(&self, start: NaiveDate, n: u32, out: &mut Vec<i32>) -> Result<()> {
        let from_start = match *self {
            Frequency::Days { .. } | Frequency::Weeks { .. } => true,
            Frequency::Months { month_end, .. } => month_end == MonthEnd::SameDay && start.day() <= 28,
            Frequency::SemiMonthly { .. } => false,
        };
        if from_start {
            self.due_days_after(start, 1, n, out)
        } else {
            self.due_days_into(self.first_due_date(start)?, n, out)
        }
    }

    /// The `k`-th due date counted from `anchor` (k = 0 is `anchor` itself). Dates are computed
    /// from the anchor, never from the previous date, so a short month does not shift later ones.
    pub fn due_date(&self, anchor: NaiveDate, k: u32) -> Result<NaiveDate> {
        match *self {
            Frequency::Days { every } | Frequency::Weeks { every } => {
                let step = if matches!(self, Frequency::Weeks { .. }) { 7 } else { 1 } * i64::from(every);
                checked_day(i64::from(anchor.num_days_from_ce()) + step * i64::from(k))
                    .and_then(NaiveDate::from_num_days_from_ce_opt)
                    .ok_or_else(|| Error::invalid("frequency", k, Reason::DueDateOutOfCalendar))
            }
            Frequency::Months { every, month_end } => {
                let date = add_months(anchor, every * k)?;
                if month_end == MonthEnd::LastDay && is_month_end(anchor) { Ok(last_of_month(date)) } else { Ok(date) }
            }
            Frequency::SemiMonthly { days } => {
                let position = if anchor.day() >= days[1].min(days_in_month(anchor)) { 1 } else { 0 };
                let index = position + k;
                let month = add_months(first_of_month(anchor), index / 2)?;
                Ok(clamp_day(month, days[(index % 2) as usize]))
            }
        }
    }
}

/// Regular due dates a batch task has worked out, by disbursement date and frequency: loans
/// disbursed the same day on the same frequency (a group's loans, one meeting's disbursements)
/// share them. The dates of `n` installments are the first `n` of a longer loan's (each is
/// counted from the same anchor), so one entry serves every term.
#[derive(Debug, Default)]
pub(crate) struct RegularDates {
    /// Direct-mapped by day number: the frequency, the disbursement, the dates known.
    slots: Vec<(Frequency, NaiveDate, Vec<i32>)>,
}

impl RegularDates {
    /// Any 512 consecutive disbursement days (17 months) each have a slot of their own.
    const SLOTS: usize = 512;
    /// Dates worked out at least, per disbursement day: three years of monthly installments.
    const AHEAD: u32 = 36;

    /// [`Frequency::regular_due_days_into`], from memory when these dates were worked out before.
    pub(crate) fn due_days_into(&mut self, f: Frequency, start: NaiveDate, n: u32, out: &mut Vec<i32>) -> Result<()> {
        if self.slots.is_empty() {
            self.slots.resize_with(Self::SLOTS, || (f, NaiveDate::MIN, Vec::new()));
        }
        let slot = &mut self.slots[start.num_days_from_ce().rem_euclid(Self::SLOTS as i32) as usize];
        let known = slot.0 == f && slot.1 == start;
        if known && slot.2.len() >= n as usize {
            out.clear();
            out.extend_from_slice(&slot.2[..n as usize]);
            return Ok(());
        }
        // A day's loans differ in length: work out at least `AHEAD` dates, so that a longer loan
        // from the same day finds its dates too (each date is counted from the disbursement, so
        // the first `n` do not depend on how many follow). Near the calendar's end, only `n`.
        let ahead = n.max(Self::AHEAD);
        slot.1 = NaiveDate::MIN; // (forgotten until the dates below are all there)
        if ahead == n || f.regular_due_days_into(start, ahead, &mut slot.2).is_err() {
            f.regular_due_days_into(start, n, &mut slot.2)?;
        }
        (slot.0, slot.1) = (f, start);
        out.clear();
        out.extend_from_slice(&slot.2[..n as usize]);
        Ok(())
    }
}

/// `date` plus whole months, on the same day or the month's last day when it is shorter.
fn add_months(date: NaiveDate, months: u32) -> Result<NaiveDate> {
    let total = date.year() as i64 * 12 + i64::from(date.month0()) + i64::from(months);
    let year = i32::try_from(total.div_euclid(12)).ok();
    let month = total.rem_euclid(12) as u32 + 1;
    year.and_then(|y| NaiveDate::from_ymd_opt(y, month, date.day().min(month_length(y, month))))
        .ok_or_else(|| Error::invalid("frequency", months, Reason::DueDateOutOfCalendar))
}

/// Days from 0001-01-01 (day 1) to the end of the year before `year`, proleptic Gregorian (as
/// chrono's `num_days_from_ce` counts them).
fn days_before_year(year: i64) -> i64 {
    let y = year - 1;
    y * 365 + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400)
}

/// A day number, when it is a date chrono can represent.
fn checked_day(day: i64) -> Option<i32> {
    let (min, max) = (MIN_DAY, MAX_DAY);
    i32::try_from(day).ok().filter(|d| (min..=max).contains(d))
}

/// The day number of 1970-01-01 (the Unix epoch, Arrow's `date32` origin): a day number less
/// this is an Arrow date.
pub const UNIX_EPOCH_DAY: i32 = 719_163;

/// The date of a day number (days from 0001-01-01, chrono's `num_days_from_ce`), when chrono can
/// represent it.
///
/// ```
/// use microcredit::calendar::{UNIX_EPOCH_DAY, date_of_day};
/// assert_eq!(date_of_day(UNIX_EPOCH_DAY)?.to_string(), "1970-01-01");
/// assert!(date_of_day(i32::MAX).is_err());
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn date_of_day(day: i32) -> Result<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(day).ok_or_else(|| Error::invalid("due_date", day, Reason::OutOfCalendar))
}

fn month_length(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

fn days_in_month(date: NaiveDate) -> u32 {
    last_of_month(date).day()
}

fn last_of_month(date: NaiveDate) -> NaiveDate {
    let first = first_of_month(date);
    first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(date)
}

fn is_month_end(date: NaiveDate) -> bool {
    date == last_of_month(date)
}

fn clamp_day(month_start: NaiveDate, day: u32) -> NaiveDate {
    let last = last_of_month(month_start);
    month_start.with_day(day.min(last.day())).unwrap_or(last)
}

/// Where a due date that falls on a non-working day goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum BusinessDayRule {
    /// It stays on the non-working day.
    #[default]
    SameDay,
    /// The next working day.
    Next,
    /// The previous working day; but the next one when the previous would be on or before the
    /// disbursement ([`BusinessDays::adjust_after`]): nothing falls due before the money is lent.
    Previous,
    /// The next regular meeting day (the next due date of the frequency) that is a working day.
    NextMeetingDay,
}

/// A working-day calendar: weekdays off, holidays, and the rule for due dates that fall on them.
///
/// ```
/// use microcredit::{BusinessDays, BusinessDayRule};
/// use chrono::{NaiveDate, Weekday};
/// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
/// let cal = BusinessDays::new(vec![Weekday::Sat, Weekday::Sun], vec![d("2024-12-25")], BusinessDayRule::Next);
/// assert_eq!(cal.adjust(d("2024-12-25"))?, d("2024-12-26"));
/// assert_eq!(cal.adjust(d("2024-12-28"))?, d("2024-12-30")); // Saturday -> Monday
/// # Ok::<(), microcredit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BusinessDays {
    /// Weekdays with no collection (e.g. Saturday and Sunday).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub non_working_weekdays: Vec<Weekday>,
    /// Public holidays and office closures.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub holidays: BTreeSet<NaiveDate>,
    /// Where a due date on a non-working day goes.
    #[serde(default)]
    pub rule: BusinessDayRule,
}

impl BusinessDays {
    /// A calendar from weekdays off, holidays and a rule.
    pub fn new(non_working_weekdays: Vec<Weekday>, holidays: Vec<NaiveDate>, rule: BusinessDayRule) -> BusinessDays {
        BusinessDays { non_working_weekdays, holidays: holidays.into_iter().collect(), rule }
    }

    /// Whether collections happen on `date`.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !self.non_working_weekdays.contains(&date.weekday()) && !self.holidays.contains(&date)
    }

    /// Check that at least one weekday is a working day.
    pub fn validate(&self) -> Result<()> {
        let days: BTreeSet<_> = self.non_working_weekdays.iter().map(|d| d.num_days_from_monday()).collect();
        if days.len() >= 7 {
            return Err(Error::invalid("business_days.non_working_weekdays", "all seven", Reason::NoWorkingDayLeft));
        }
        Ok(())
    }

    /// Move `date` by the calendar's rule (`NextMeetingDay` moves like `Next` here; the schedule
    /// applies it with the loan's frequency).
    pub fn adjust(&self, date: NaiveDate) -> Result<NaiveDate> {
        self.moved(date, self.rule)
    }

    /// [`BusinessDays::adjust`] for a due date of a loan disbursed on `disbursed`: a due date the
    /// rule `previous` would move onto or before the disbursement goes to the next working day
    /// instead, so nothing falls due before the money is lent.
    ///
    /// ```
    /// use microcredit::{BusinessDays, BusinessDayRule};
    /// use chrono::{NaiveDate, Weekday::*};
    /// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    /// // Sunday is the only working day; the loan is disbursed on Wednesday 2025-01-15.
    /// let cal = BusinessDays::new(vec![Mon, Tue, Wed, Thu, Fri, Sat], vec![], BusinessDayRule::Previous);
    /// assert_eq!(cal.adjust(d("2025-01-16"))?, d("2025-01-12")); // before the disbursement
    /// assert_eq!(cal.adjust_after(d("2025-01-16"), d("2025-01-15"))?, d("2025-01-19"));
    /// assert_eq!(cal.adjust_after(d("2025-01-23"), d("2025-01-15"))?, d("2025-01-19"));
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn adjust_after(&self, date: NaiveDate, disbursed: NaiveDate) -> Result<NaiveDate> {
        let moved = self.adjust(date)?;
        if moved <= disbursed && date > disbursed { self.moved(date, BusinessDayRule::Next) } else { Ok(moved) }
    }

    fn moved(&self, date: NaiveDate, rule: BusinessDayRule) -> Result<NaiveDate> {
        let step = match rule {
            BusinessDayRule::SameDay => return Ok(date),
            BusinessDayRule::Previous => -1,
            BusinessDayRule::Next | BusinessDayRule::NextMeetingDay => 1,
        };
        let mut d = date;
        for _ in 0..=400 {
            if self.is_working_day(d) {
                return Ok(d);
            }
            d = d
                .checked_add_signed(chrono::Duration::days(step))
                .ok_or_else(|| Error::invalid("business_days", date, Reason::NoWorkingDay))?;
        }
        Err(Error::invalid("business_days", date, Reason::NoWorkingDay))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equality of ratios whose cross products pass 128 bits compares their lowest terms instead
    /// of overflowing (issue 15: `num * den` could overflow in `PartialEq`).
    #[test]
    fn ratio_equality_never_overflows() {
        let big = i128::MAX / 3;
        // Cross products of 2^125: the lowest terms are compared.
        assert_eq!(Ratio::new(big, big - 1), Ratio::new(big, big - 1));
        assert_ne!(Ratio::new(big, big - 1), Ratio::new(big - 1, big - 2));
        assert_eq!(Ratio::new(big, big), Ratio::new(1, 1));
        assert_ne!(Ratio::new(big, 7), Ratio::new(big - 1, 7));
        assert_eq!(Ratio::new(3 * (big / 3), big / 3), Ratio::new(3, 1));
        assert_eq!(Ratio::new(i128::MIN, 1), Ratio::new(i128::MIN, 1));
        assert_eq!(Ratio::new(0, 5), Some(Ratio::ZERO));
        assert_eq!(Ratio::new(7, 0), None);
        assert_eq!(Ratio::new(7, -1), None);
    }

    #[test]
    fn calendar_range_in_day_numbers() {
        assert_eq!(MIN_DAY, NaiveDate::MIN.num_days_from_ce());
        assert_eq!(MAX_DAY, NaiveDate::MAX.num_days_from_ce());
    }

    /// Remembered dates are the dates worked out afresh: for a short loan near the calendar's end
    /// (where the dates worked out ahead do not exist), for longer and shorter loans from the
    /// same day, and for a loan from another day sharing the slot after a failure.
    #[test]
    fn remembered_dates_are_the_dates() {
        let weekly = Frequency::Weeks { every: 1 };
        let near_end = NaiveDate::MAX - chrono::Duration::days(30);
        let fresh = |f: Frequency, start: NaiveDate, n: u32| {
            let mut v = Vec::new();
            f.regular_due_days_into(start, n, &mut v).map(|()| v)
        };
        let mut known = RegularDates::default();
        let mut out = Vec::new();
        known.due_days_into(weekly, near_end, 2, &mut out).unwrap();
        assert_eq!(out, fresh(weekly, near_end, 2).unwrap());
        assert!(known.due_days_into(weekly, near_end, 10, &mut out).is_err());
        let start = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
        for n in [6, 24, 40, 12] {
            known.due_days_into(Frequency::monthly(), start, n, &mut out).unwrap();
            assert_eq!(out, fresh(Frequency::monthly(), start, n).unwrap());
        }
        // A failed day leaves no dates behind for the day it replaced.
        let slot_mate = near_end - chrono::Duration::days(RegularDates::SLOTS as i64);
        known.due_days_into(weekly, slot_mate, 3, &mut out).unwrap();
        assert!(known.due_days_into(weekly, near_end, 10, &mut out).is_err());
        known.due_days_into(weekly, slot_mate, 3, &mut out).unwrap();
        assert_eq!(out, fresh(weekly, slot_mate, 3).unwrap());
    }
}
