//! Arrears rules: when an unpaid amount counts as overdue, how its age is counted, and the
//! delinquency buckets the age falls in.
//!
//! Following Apache Fineract (`LoanDelinquencyDomainServiceImpl`, see
//! `../shared/research/fineract_ledger.md`): an installment is overdue when something of it is
//! unpaid and its due date is strictly before the day asked about (an installment due today is
//! not overdue). Days past due count from the due date of the oldest overdue installment.
//! Delinquent days are days past due less the grace days (`graceOnArrearsAgeing`), never below
//! zero; the bucket is chosen by delinquent days. Below the tolerance amount nothing counts as
//! overdue (Fineract's "in arrears tolerance").

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Reason, Result};

/// A delinquency bucket: a name and a range of delinquent days (both ends included; no upper
/// end for the last).
///
/// ```
/// use microcredit::account::AgeBucket;
/// let b = AgeBucket::new("31-60", 31, Some(60));
/// assert!(b.holds(45) && !b.holds(61));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields)]
pub struct AgeBucket {
    /// The bucket's name, as reports show it.
    pub name: String,
    /// The fewest delinquent days in the bucket.
    pub min_days: u32,
    /// The most delinquent days in the bucket, or none for the last.
    #[serde(default)]
    pub max_days: Option<u32>,
}

impl AgeBucket {
    /// A bucket named `name` from `min_days` to `max_days` (included).
    pub fn new(name: &str, min_days: u32, max_days: Option<u32>) -> AgeBucket {
        AgeBucket { name: name.to_string(), min_days, max_days }
    }

    /// Whether `days` falls in the bucket.
    pub fn holds(&self, days: u32) -> bool {
        days >= self.min_days && self.max_days.is_none_or(|max| days <= max)
    }
}

/// The rules of arrears for an account.
///
/// The default buckets are the portfolio-at-risk ageing of SEEP's and CGAP's microfinance
/// standards (current, 1–30, 31–60, 61–90, 91–180, over 180 days); no tolerance and no grace.
///
/// ```
/// use microcredit::account::ArrearsRules;
/// let rules = ArrearsRules::default();
/// assert_eq!(rules.bucket(0), "current");
/// assert_eq!(rules.bucket(45), "31-60");
/// assert_eq!(rules.bucket(400), ">180");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, default)]
pub struct ArrearsRules {
    /// An overdue total at or below this amount does not count as overdue.
    #[serde(with = "crate::money::exact")]
    pub tolerance: Decimal,
    /// Days after a due date before ageing starts (delinquent days = days past due − grace).
    pub grace_days: u32,
    /// The buckets, in order; they must cover every age from 0 without overlapping.
    pub buckets: Vec<AgeBucket>,
}

impl Default for ArrearsRules {
    fn default() -> ArrearsRules {
        ArrearsRules {
            tolerance: Decimal::ZERO,
            grace_days: 0,
            buckets: vec![
                AgeBucket::new("current", 0, Some(0)),
                AgeBucket::new("1-30", 1, Some(30)),
                AgeBucket::new("31-60", 31, Some(60)),
                AgeBucket::new("61-90", 61, Some(90)),
                AgeBucket::new("91-180", 91, Some(180)),
                AgeBucket::new(">180", 181, None),
            ],
        }
    }
}

/// The most buckets a rule set has.
pub const MAX_BUCKETS: usize = 32;

impl ArrearsRules {
    /// The name of the bucket of `delinquent_days` (empty if no bucket holds it, which
    /// [`ArrearsRules::validate`] prevents).
    pub fn bucket(&self, delinquent_days: u32) -> &str {
        self.buckets.iter().find(|b| b.holds(delinquent_days)).map_or("", |b| b.name.as_str())
    }

    /// Refuse a negative tolerance, and buckets that leave a gap or overlap.
    pub fn validate(&self) -> Result<()> {
        if self.tolerance.is_sign_negative() {
            return Err(Error::invalid("arrears.tolerance", self.tolerance, Reason::Negative));
        }
        if self.buckets.is_empty() || self.buckets.len() > MAX_BUCKETS {
            return Err(Error::invalid(
                "arrears.buckets",
                self.buckets.len(),
                Reason::Between { min: "1".into(), max: MAX_BUCKETS.to_string() },
            ));
        }
        let mut next = 0u32;
        let last = self.buckets.len() - 1;
        for (i, b) in self.buckets.iter().enumerate() {
            let field = format!("arrears.buckets[{i}]");
            if b.name.is_empty() || b.name.chars().count() > crate::error::MAX_NAME_TEXT {
                return Err(Error::invalid(format!("{field}.name"), &b.name, Reason::required()));
            }
            if b.min_days != next {
                let expected = format!("min_days {next}, so the buckets cover every age once");
                return Err(Error::invalid(format!("{field}.min_days"), b.min_days, Reason::Required { expected }));
            }
            match b.max_days {
                Some(max) if i < last && max >= b.min_days && max < u32::MAX => next = max + 1,
                None if i == last => {}
                other => {
                    let value = other.map_or("none".to_string(), |m| m.to_string());
                    let expected =
                        if i == last { "none (the last bucket has no end)" } else { "a day count at least min_days" };
                    return Err(Error::invalid(
                        format!("{field}.max_days"),
                        value,
                        Reason::Required { expected: expected.into() },
                    ));
                }
            }
        }
        Ok(())
    }
}
