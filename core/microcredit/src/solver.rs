//! Rate solvers: the only place where f64 is used. They find the rate that sets the present value
//! of a list of cash flows to zero — by Newton's method when the rate is unique, by scanning for
//! sign changes and bisecting when it is not (or Newton fails) — and return an error, never NaN,
//! when there is no rate. Which rate is returned when there are several is documented on
//! [`solve`].

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
///
/// Flows whose signs change once in time order (a loan: money out, then money back) have exactly
/// one such rate (Descartes' rule of signs): Newton's method from `guess` finds it, and a scan
/// (below) takes over if Newton fails. Flows whose signs change more than once can have several
/// rates; then every rate is found by scanning for sign changes of the present value over
/// [`scan_grid`] (from −99.9999 % to 10^18, points 25 % apart in magnitude, finer near −100 %),
/// each refined by bisection, and the one **nearest `guess`** is returned. Two rates less than
/// one grid step apart cancel out and are not seen, as with any sign-change search.
pub(crate) fn solve(what: &str, flows: &[Flow], kind: Discount, guess: f64) -> Result<f64> {
    let pos = flows.iter().any(|f| f.amount > 0.0);
    let neg = flows.iter().any(|f| f.amount < 0.0);
    if !(pos && neg) {
        return Err(Error::NoRate {
            what: what.into(),
            reason: "the cash flows need at least one positive and one negative amount".into(),
        });
    }
    if flows.iter().any(|f| !f.amount.is_finite() || !f.t.is_finite() || !f.odd.is_finite()) {
        return Err(Error::NoRate { what: what.into(), reason: "a cash flow is not a finite number".into() });
    }
    let guess = if guess.is_finite() && guess > -1.0 { guess } else { 0.1 };
    if sign_changes(flows) == 1
        && let Some(x) = newton(flows, kind, guess)
    {
        return Ok(x);
    }
    scan(what, flows, kind, guess)
}

/// How many times the amounts change sign, in time order (zeros skipped).
fn sign_changes(flows: &[Flow]) -> usize {
    let in_order = flows.windows(2).all(|w| w[0].t <= w[1].t);
    let mut sorted;
    let ordered = if in_order {
        flows
    } else {
        sorted = flows.to_vec();
        sorted.sort_by(|a, b| a.t.total_cmp(&b.t));
        &sorted[..]
    };
    let signs = ordered.iter().filter(|f| f.amount != 0.0).map(|f| f.amount > 0.0);
    let mut changes = 0;
    let mut last = None;
    for s in signs {
        if last.is_some_and(|l| l != s) {
            changes += 1;
        }
        last = Some(s);
    }
    changes
}

/// Newton's method from `guess`; the rate when it converges to one whose present value is zero
/// to within 1e-7 of the flows' size.
fn newton(flows: &[Flow], kind: Discount, guess: f64) -> Option<f64> {
    let tolerance = 1e-12;
    let mut x = guess;
    for _ in 0..50 {
        let (v, dv) = npv_and_derivative(flows, x, kind);
        if !v.is_finite() || !dv.is_finite() || dv == 0.0 {
            return None;
        }
        let step = v / dv;
        let mut next = x - step;
        if !next.is_finite() {
            return None;
        }
        if next <= -1.0 {
            next = (x - 1.0) / 2.0; // halve the way to -100 % instead of jumping past it
        }
        if step.abs() <= tolerance * (1.0 + next.abs()) {
            let (check, _) = npv_and_derivative(flows, next, kind);
            let scale: f64 = flows.iter().map(|f| f.amount.abs()).sum();
            return (check.abs() <= 1e-7 * scale.max(1.0)).then_some(next);
        }
        x = next;
    }
    None
}

/// The rates at which [`solve`] looks for sign changes of the present value, in increasing
/// order: −1 + 10^−k close to −100 %, then ±10^−6 · 1.25^k on both sides of zero (so a rate is
/// bracketed to within 25 % of its size), up to 10^18.
pub(crate) fn scan_grid() -> impl Iterator<Item = f64> {
    let near_minus_one = (1..=6).rev().map(|k| -1.0 + 10f64.powi(-k));
    let negative = (0..62).rev().map(|k| -1e-6 * 1.25f64.powi(k)).filter(|&x| x > -0.9);
    let positive = (0..249).map(|k| 1e-6 * 1.25f64.powi(k));
    near_minus_one.chain(negative).chain(std::iter::once(0.0)).chain(positive)
}

/// Every rate where the present value changes sign between two points of [`scan_grid`] (or is
/// zero on one), refined by bisection; the one nearest `guess`.
fn scan(what: &str, flows: &[Flow], kind: Discount, guess: f64) -> Result<f64> {
    let value = |x: f64| npv_and_derivative(flows, x, kind).0;
    let mut best: Option<f64> = None;
    let mut keep = |root: f64| {
        if best.is_none_or(|b| (root - guess).abs() < (b - guess).abs()) {
            best = Some(root);
        }
    };
    let mut previous: Option<(f64, f64)> = None;
    for x in scan_grid() {
        let v = value(x);
        if !v.is_finite() {
            previous = None; // no information across a point the floats cannot hold
            continue;
        }
        if v == 0.0 {
            keep(x);
        } else if let Some((lo, v_lo)) = previous
            && v_lo != 0.0
            && v_lo.signum() != v.signum()
        {
            keep(bisect(&value, lo, v_lo, x));
        }
        previous = Some((x, v));
    }
    best.ok_or_else(|| Error::NoConvergence {
        what: what.into(),
        reason: "no sign change of the present value between -100 % and 10^18".into(),
    })
}

/// A root of `value` between `lo` and `hi`, where it has opposite signs (`v_lo` at `lo`).
fn bisect(value: &impl Fn(f64) -> f64, lo: f64, v_lo: f64, hi: f64) -> f64 {
    let (mut lo, mut hi, mut v_lo) = (lo, hi, v_lo);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break; // adjacent floats
        }
        let v_mid = value(mid);
        if v_mid == 0.0 {
            return mid;
        }
        if v_mid.signum() == v_lo.signum() {
            (lo, v_lo) = (mid, v_mid);
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
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

    /// Issue 14, finding 6: a trailing positive flow gives two rates; numpy-financial's `irr`
    /// returns 0.000981 (the rate of smallest magnitude), which the old fixed bracket missed.
    #[test]
    fn several_rates_the_nearest_to_the_guess() {
        let mut flows = vec![Flow { t: 0.0, odd: 0.0, amount: 900.0 }];
        flows.extend((1..600).map(|k| Flow { t: f64::from(k), odd: 0.0, amount: -2.0 }));
        flows.push(Flow { t: 600.0, odd: 0.0, amount: 10.0 });
        assert_eq!(sign_changes(&flows), 2);
        let x = solve("irr", &flows, Discount::Periods, 0.0).unwrap();
        assert!((x - 0.000_981).abs() < 1e-6, "{x}");
        let value = npv_and_derivative(&flows, x, Discount::Periods).0;
        assert!(value.abs() < 1e-6, "{value}");
        // The other rate, between -50 % and -10 %, is returned when the guess is near it.
        let y = solve("irr", &flows, Discount::Periods, -0.3).unwrap();
        assert!(y < -0.1 && y > -0.5, "{y}");
        assert!(npv_and_derivative(&flows, y, Discount::Periods).0.abs() < 1e-6 * 2.0f64.powi(600));
    }

    #[test]
    fn the_scan_grid_increases() {
        let grid: Vec<f64> = scan_grid().collect();
        assert!(grid.windows(2).all(|w| w[0] < w[1]));
        assert!(grid[0] > -1.0 && *grid.last().unwrap() > 1e18);
    }

    #[test]
    fn all_positive_flows_have_no_rate() {
        let flows = [Flow { t: 0.0, odd: 0.0, amount: 100.0 }, Flow { t: 1.0, odd: 0.0, amount: 110.0 }];
        assert_eq!(solve("irr", &flows, Discount::Periods, 0.1).unwrap_err().kind(), "no_rate");
    }
}
