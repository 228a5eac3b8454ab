//! Rate solvers: the only place where f64 is used. They find the rate that sets the present value
//! of a list of cash flows to zero, by Newton's method with a bisection fallback, and return an
//! error — never NaN — when there is no rate or the search does not converge.

use crate::error::{Error, Result};

/// How a flow at time `t` is discounted at rate `x`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Discount {
    /// `(1 + x)^-t` with `t` a whole number of periods (fast: powers by multiplication).
    Periods,
    /// `(1 + x)^-t` with `t` real (years or periods).
    Real,
    /// `(1 + x)^-(t / year)` with `t` a whole number of days: each flow's
    /// factor is the previous one's times the factor of the days between them, and a schedule has
    /// few distinct gaps (a month is 28 to 31 days), so each distinct gap costs one `exp` instead
    /// of each flow (flows in time order make the gaps repeat; any order gives the same value).
    Days {
        /// Days in a year (365 for XIRR).
        year: f64,
    },
    /// US Reg Z Appendix J: `1 / ((1 + f·x)(1 + x)^t)` where the flow carries `(t, f)`.
    OddPeriod,
}

/// A flow for the solver: time, odd fraction (Reg Z only) and amount.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Flow {
    pub t: f64,
    pub odd: f64,
    pub amount: f64,
}

fn npv_and_derivative(flows: &[Flow], x: f64, kind: Discount) -> (f64, f64) {
    let (mut v, mut dv) = (0.0, 0.0);
    let base = 1.0 + x;
    match kind {
        Discount::Periods => {
            // Walk the integer powers: consecutive periods cost one multiplication each.
            let inv = 1.0 / base;
            let (mut last_t, mut d) = (0.0f64, 1.0f64);
            for f in flows {
                if f.t == last_t + 1.0 {
                    d *= inv;
                } else if f.t != last_t {
                    d = inv.powi(f.t as i32);
                }
                last_t = f.t;
                v += f.amount * d;
                dv -= f.t * f.amount * d * inv;
            }
        }
        Discount::Real => {
            let ln = base.ln();
            for f in flows {
                let d = (-f.t * ln).exp();
                v += f.amount * d;
                dv -= f.t * f.amount * d / base;
            }
        }
        Discount::Days { year } => {
            let ln = base.ln() / year;
            let slope = 1.0 / (year * base); // d/dx of (1+x)^(-t/year) is -(t/year)/(1+x) times it
            let mut gaps = [(0.0f64, 1.0f64); 8];
            let mut known = 0;
            let (mut last_t, mut d) = (0.0f64, 1.0f64);
            for f in flows {
                let gap = f.t - last_t; // whole days: equal gaps are equal floats
                if gap != 0.0 {
                    let factor = match gaps[..known].iter().find(|g| g.0 == gap) {
                        Some(g) => g.1,
                        None => {
                            let factor = (-gap * ln).exp();
                            if known < gaps.len() {
                                gaps[known] = (gap, factor);
                                known += 1;
                            }
                            factor
                        }
                    };
                    d *= factor;
                    last_t = f.t;
                }
                v += f.amount * d;
                dv -= f.t * f.amount * d * slope;
            }
        }
        Discount::OddPeriod => {
            for f in flows {
                let g = 1.0 + f.odd * x;
                let d = base.powf(-f.t) / g;
                v += f.amount * d;
                dv -= f.amount * d * (f.t / base + f.odd / g);
            }
        }
    }
    (v, dv)
}

/// Solve for the rate `x > -1` with `Σ amount · discount(t, x) = 0`.
pub(crate) fn solve(what: &str, flows: &[Flow], kind: Discount, guess: f64) -> Result<f64> {
    let pos = flows.iter().any(|f| f.amount > 0.0);
    let neg = flows.iter().any(|f| f.amount < 0.0);
    if !(pos && neg) {
        return Err(Error::NoRate {
            what: what.into(),
            reason: "the cash flows need at least one positive and one negative amount".into(),
        });
    }
    if flows.iter().any(|f| !f.amount.is_finite() || !f.t.is_finite()) {
        return Err(Error::NoRate { what: what.into(), reason: "a cash flow is not a finite number".into() });
    }
    let tolerance = 1e-12;
    // Newton from the guess.
    let mut x = guess;
    for _ in 0..50 {
        let (v, dv) = npv_and_derivative(flows, x, kind);
        if !v.is_finite() || !dv.is_finite() || dv == 0.0 {
            break;
        }
        let step = v / dv;
        let mut next = x - step;
        if !next.is_finite() {
            break;
        }
        if next <= -1.0 {
            next = (x - 1.0) / 2.0; // halve the way to -100 % instead of jumping past it
        }
        if step.abs() <= tolerance * (1.0 + next.abs()) {
            let (check, _) = npv_and_derivative(flows, next, kind);
            let scale: f64 = flows.iter().map(|f| f.amount.abs()).sum();
            if check.abs() <= 1e-7 * scale.max(1.0) {
                return Ok(next);
            }
            break;
        }
        x = next;
    }
    bisect(what, flows, kind)
}

fn bisect(what: &str, flows: &[Flow], kind: Discount) -> Result<f64> {
    let value = |x: f64| npv_and_derivative(flows, x, kind).0;
    // The lowest rate at which the present value is still a finite number (long series overflow
    // near -100 %).
    let mut lo = -0.999_999;
    for candidate in [-0.999_999, -0.99, -0.9, -0.75, -0.5, -0.25, 0.0] {
        lo = candidate;
        if value(candidate).is_finite() {
            break;
        }
    }
    let mut hi = 1.0;
    let f_lo = value(lo);
    let mut f_hi = value(hi);
    let mut tries = 0;
    while f_lo.signum() == f_hi.signum() && tries < 60 {
        hi *= 2.0;
        f_hi = value(hi);
        tries += 1;
        if !f_hi.is_finite() {
            break;
        }
    }
    if !f_lo.is_finite() || !f_hi.is_finite() || f_lo.signum() == f_hi.signum() {
        return Err(Error::NoConvergence {
            what: what.into(),
            reason: "no sign change of the present value between -100 % and a very large rate".into(),
        });
    }
    let mut f_lo = f_lo;
    for _ in 0..300 {
        let mid = 0.5 * (lo + hi);
        let f_mid = value(mid);
        if f_mid == 0.0 || (hi - lo) < 1e-15 * (1.0 + mid.abs()) {
            return Ok(mid);
        }
        if f_mid.signum() == f_lo.signum() {
            lo = mid;
            f_lo = f_mid;
        } else {
            hi = mid;
        }
    }
    Err(Error::NoConvergence { what: what.into(), reason: "bisection did not narrow to a rate".into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_period_loan() {
        let flows = [Flow { t: 0.0, odd: 0.0, amount: -100.0 }, Flow { t: 1.0, odd: 0.0, amount: 110.0 }];
        for kind in [Discount::Periods, Discount::Real, Discount::OddPeriod, Discount::Days { year: 1.0 }] {
            let x = solve("test", &flows, kind, 0.1).unwrap();
            assert!((x - 0.1).abs() < 1e-12, "{kind:?} {x}");
        }
    }

    proptest::proptest! {
        /// Discounting by whole days with one factor per distinct gap finds the rate that
        /// discounting each flow by its own power finds (to 1e-12): the loan's XIRR does not
        /// depend on the shortcut.
        #[test]
        fn day_gaps_discount_like_each_flow(
            principal in 100.0f64..100_000.0,
            gaps in proptest::collection::vec(1u32..200, 1..40),
            markup in 1.001f64..3.0,
        ) {
            let payment = principal * markup / gaps.len() as f64;
            let mut days = 0.0;
            let mut by_days = vec![Flow { t: 0.0, odd: 0.0, amount: principal }];
            for g in &gaps {
                days += f64::from(*g);
                by_days.push(Flow { t: days, odd: 0.0, amount: -payment });
            }
            let in_years: Vec<Flow> = by_days.iter().map(|f| Flow { t: f.t / 365.0, ..*f }).collect();
            // A short loan at a large markup has an annual rate past any float (1.8 in a day:
            // 1.8^365): both ways must then say so, with the same kind of error.
            match (solve("xirr", &by_days, Discount::Days { year: 365.0 }, 0.2), solve("xirr", &in_years, Discount::Real, 0.2)) {
                (Ok(a), Ok(b)) => proptest::prop_assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{} vs {}", a, b),
                (Err(a), Err(b)) => proptest::prop_assert_eq!(a.kind(), b.kind()),
                (a, b) => proptest::prop_assert!(false, "{:?} vs {:?}", a, b),
            }
        }
    }

    #[test]
    fn all_positive_flows_have_no_rate() {
        let flows = [Flow { t: 0.0, odd: 0.0, amount: 100.0 }, Flow { t: 1.0, odd: 0.0, amount: 110.0 }];
        assert_eq!(solve("irr", &flows, Discount::Periods, 0.1).unwrap_err().kind(), "no_rate");
    }
}
