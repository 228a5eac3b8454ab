//! HTML views for Jupyter (`_repr_html_`). Values are numbers, dates and names; fee labels are
//! escaped.

use std::fmt::Write;

use microcredit::{LoanTerms, Quote, Schedule};

use crate::terms::name_of;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "style=\"border-collapse:collapse;font-variant-numeric:tabular-nums\"";

fn row(out: &mut String, k: &str, v: &str) {
    let _ = write!(
        out,
        "<tr><th style=\"text-align:left\">{}</th><td style=\"text-align:right\">{}</td></tr>",
        esc(k),
        esc(v)
    );
}

/// Loan terms as a two-column table.
pub fn terms(t: &LoanTerms) -> String {
    let mut s = format!("<table {STYLE}><caption>LoanTerms</caption>");
    row(&mut s, "principal", &format!("{} {}", t.principal, t.currency.code()));
    row(&mut s, "rate", &format!("{} % per {}", t.rate.percent, name_of(&t.rate.per)));
    row(&mut s, "installments", &t.installments.to_string());
    row(&mut s, "frequency", &serde_json::to_string(&t.frequency).unwrap_or_default());
    row(&mut s, "disbursement_date", &t.disbursement_date.to_string());
    row(&mut s, "interest_method", &name_of(&t.interest_method));
    row(&mut s, "amortization", &name_of(&t.amortization));
    row(&mut s, "interest_basis", &name_of(&t.interest_basis));
    row(&mut s, "day_count", &name_of(&t.day_count));
    if let Some(d) = t.first_repayment_date {
        row(&mut s, "first_repayment_date", &d.to_string());
    }
    for (k, v) in [
        ("grace_on_principal", t.grace_on_principal),
        ("grace_on_interest_payment", t.grace_on_interest_payment),
        ("interest_free_periods", t.interest_free_periods),
    ] {
        if v > 0 {
            row(&mut s, k, &v.to_string());
        }
    }
    for (i, f) in t.fees.iter().enumerate() {
        let what = match (f.amount, f.percent) {
            (Some(a), _) => format!("{a} {}", t.currency.code()),
            (_, Some(p)) => format!("{p} %"),
            _ => String::new(),
        };
        let label = f.name.clone().unwrap_or_else(|| format!("fees[{i}]"));
        row(&mut s, &label, &format!("{what} {} ({})", name_of(&f.kind), name_of(&f.collect)));
    }
    if let Some(ins) = &t.insurance {
        row(&mut s, "insurance", &format!("{} % {} ({})", ins.percent, name_of(&ins.basis), name_of(&ins.collect)));
    }
    if let Some(sv) = &t.savings {
        row(
            &mut s,
            "savings",
            &format!("{} % at disbursement, {} per installment", sv.at_disbursement_percent, sv.per_installment),
        );
    }
    s.push_str("</table>");
    s
}

/// A schedule as a table (the first 60 installments) with its totals.
pub fn schedule(sc: &Schedule) -> String {
    let mut s = format!(
        "<table {STYLE}><caption>Schedule: {} installments, {}; received {} on {}</caption><tr>",
        sc.installments.len(),
        sc.currency.code(),
        sc.disbursement.net_amount,
        sc.disbursement.date
    );
    for h in ["#", "due_date", "principal", "interest", "fees", "insurance", "savings", "total", "balance"] {
        let _ = write!(s, "<th>{h}</th>");
    }
    s.push_str("</tr>");
    for i in sc.installments.iter().take(60) {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td align=right>{}</td><td align=right>{}</td><td align=right>{}</td><td align=right>{}</td><td align=right>{}</td><td align=right>{}</td><td align=right>{}</td></tr>",
            i.number, i.due_date, i.principal, i.interest, i.fees, i.insurance, i.savings, i.total, i.balance
        );
    }
    if sc.installments.len() > 60 {
        let _ = write!(s, "<tr><td colspan=9>… {} more</td></tr>", sc.installments.len() - 60);
    }
    let t = &sc.totals;
    let _ = write!(
        s,
        "<tr><th colspan=2>total</th><th align=right>{}</th><th align=right>{}</th><th align=right>{}</th><th align=right>{}</th><th align=right>{}</th><th align=right>{}</th><th></th></tr></table>",
        t.principal, t.interest, t.fees, t.insurance, t.savings, t.total
    );
    s
}

/// A quote: the cost under every convention, the breakdown, then the schedule.
pub fn quote(q: &Quote) -> String {
    let mut s = format!(
        "<div><table {STYLE}><caption>True cost of credit</caption><tr><th>convention</th><th>percent</th></tr>"
    );
    for c in &q.costs {
        let _ = write!(s, "<tr><td>{}</td><td align=right>{} %</td></tr>", esc(&c.convention), c.percent);
    }
    s.push_str("</table>");
    let b = &q.breakdown;
    let mut t = format!("<table {STYLE}><caption>Cost breakdown ({})</caption>", q.terms.currency.code());
    row(&mut t, "interest", &b.interest.to_string());
    row(&mut t, "fees", &b.fees.to_string());
    row(&mut t, "insurance", &b.insurance.to_string());
    row(&mut t, "savings held", &b.savings_held.to_string());
    row(&mut t, "total cost", &b.total_cost.to_string());
    row(&mut t, "APR interest only", &format!("{} %", b.apr_interest));
    row(&mut t, "APR with fees", &format!("{} %", b.apr_with_fees));
    row(&mut t, "APR with insurance", &format!("{} %", b.apr_with_insurance));
    row(&mut t, "APR all in", &format!("{} %", b.apr_all_in));
    t.push_str("</table>");
    s.push_str(&t);
    s.push_str(&schedule(&q.schedule));
    s.push_str("</div>");
    s
}

/// An account's state (its JSON form): the standing, then one row per installment with what is
/// due, paid and outstanding.
pub fn account_state(state: &serde_json::Value) -> String {
    let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    let total = |parts: &serde_json::Value| -> String {
        let sum: rust_decimal::Decimal = ["principal", "interest", "fees", "penalties"]
            .iter()
            .filter_map(|k| {
                parts.get(*k).and_then(|v| v.as_str()).and_then(|s| s.parse::<rust_decimal::Decimal>().ok())
            })
            .sum();
        sum.to_string()
    };
    let mut s = format!("<table {STYLE}><caption>Account on {}</caption>", esc(&text(&state["date"])));
    for key in ["status", "days_past_due", "bucket"] {
        row(&mut s, key, &text(&state[key]));
    }
    for key in ["overdue", "due_by_date", "outstanding", "payoff"] {
        row(&mut s, key, &total(&state[key]));
    }
    row(&mut s, "overpaid", &text(&state["overpaid"]));
    s.push_str("</table><table ");
    s.push_str(STYLE);
    s.push_str("><tr><th>#</th><th>due date</th><th>due</th><th>paid</th><th>outstanding</th><th>settled on</th></tr>");
    for i in state["installments"].as_array().into_iter().flatten() {
        let settled = if i["settled_on"].is_null() { String::new() } else { text(&i["settled_on"]) };
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td style=\"text-align:right\">{}</td><td style=\"text-align:right\">{}</td><td style=\"text-align:right\">{}</td><td>{}</td></tr>",
            esc(&text(&i["number"])),
            esc(&text(&i["due_date"])),
            total(&i["due"]),
            total(&i["paid"]),
            total(&i["outstanding"]),
            esc(&settled)
        );
    }
    s.push_str("</table>");
    s
}
