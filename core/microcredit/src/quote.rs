//! A quote: what a field officer shows a family before it signs — the schedule and the true cost
//! of the loan under every named convention, in one value (one call across an FFI boundary).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::pricing::{Convention, CostBreakdown, CostOfCredit, cost_breakdown, cost_of_credit};
use crate::schedule::Schedule;
use crate::terms::LoanTerms;

/// Schedule and true cost of one loan.
///
/// ```
/// use microcredit::{Convention, LoanTerms, Quote};
/// let terms = LoanTerms::from_json(r#"{"principal": "500", "currency": "USD",
///   "rate": {"percent": "3", "per": "month"}, "interest_method": "flat", "installments": 16,
///   "frequency": {"unit": "weeks", "every": 1}, "disbursement_date": "2025-03-03",
///   "fees": [{"kind": "upfront", "percent": "2"}]}"#)?;
/// let q = Quote::new(&terms)?;
/// let apr = q.cost(&Convention::MFT_APR).unwrap();
/// assert!(apr.percent > "36".parse().unwrap()); // flat 3 %/month costs far more than 36 % a year
/// # Ok::<(), microcredit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The terms quoted.
    pub terms: LoanTerms,
    /// Their schedule.
    pub schedule: Schedule,
    /// The cost under each named convention, in [`Convention::ALL`] order.
    pub costs: Vec<CostOfCredit>,
    /// The cost by component and the APR layer by layer.
    pub breakdown: CostBreakdown,
}

impl Quote {
    /// Build the schedule and price it under every named convention.
    pub fn new(terms: &LoanTerms) -> Result<Quote> {
        let schedule = Schedule::generate(terms)?;
        let costs = Convention::ALL.iter().map(|c| cost_of_credit(&schedule, c)).collect::<Result<Vec<_>>>()?;
        let breakdown = cost_breakdown(&schedule)?;
        Ok(Quote { terms: terms.clone(), schedule, costs, breakdown })
    }

    /// The cost under a convention (`None` for one the quote was not priced under, which no
    /// named convention is).
    ///
    /// ```
    /// # use microcredit::{Convention, LoanTerms, Quote};
    /// # let terms = LoanTerms::from_json(r#"{"principal": "500", "currency": "USD",
    /// #   "rate": {"percent": "24"}, "installments": 6, "frequency": {"unit": "months", "every": 1},
    /// #   "disbursement_date": "2025-03-03"}"#)?;
    /// let q = Quote::new(&terms)?;
    /// assert_eq!(q.cost(&Convention::MFT_APR).unwrap().percent.to_string(), "24.00");
    /// # Ok::<(), microcredit::Error>(())
    /// ```
    pub fn cost(&self, convention: &Convention) -> Option<&CostOfCredit> {
        self.cost_named(convention.name)
    }

    /// The cost under the convention of that name (`"mft_apr"`, ...): for bindings whose callers
    /// name conventions by text; Rust code uses [`Quote::cost`].
    pub fn cost_named(&self, name: &str) -> Option<&CostOfCredit> {
        self.costs.iter().find(|c| c.convention == name)
    }

    /// A quote from its shared JSON form (as [`Quote::to_json`] writes it, e.g. synced from
    /// another device); its terms are validated.
    pub fn from_json(json: &str) -> Result<Quote> {
        let quote: Quote = serde_json::from_str(json)?;
        quote.terms.validate()?;
        Ok(quote)
    }

    /// The shared JSON form.
    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string(self)?)
    }
}
