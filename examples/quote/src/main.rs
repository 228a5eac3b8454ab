//! The main job: quote and schedule a few loans like those of a family micro-enterprise programme
//! (USD, weekly and monthly, with and without grace and fees), print their schedules, then their
//! true cost side by side. All figures come from `microcredit`; no personal data is involved.

use microcredit::{Convention, LoanTerms, Quote, Result};

/// Synthetic products a programme like IOM's in Ecuador might offer families.
const OFFERS: &[(&str, &str)] = &[
    (
        "Grocery stall: 600 USD, 16 weekly, 3 %/month flat, 2 % fee",
        r#"{"principal": "600", "currency": "USD", "rate": {"percent": "3", "per": "month"},
            "interest_method": "flat", "installments": 16, "frequency": {"unit": "weeks", "every": 1},
            "day_count": "act_364", "disbursement_date": "2025-03-03",
            "fees": [{"name": "disbursement fee", "kind": "upfront", "percent": "2"}]}"#,
    ),
    (
        "Sewing workshop: 1500 USD, 12 monthly, 24 %/year declining, 2 months grace on principal",
        r#"{"principal": "1500", "currency": "USD", "rate": {"percent": "24", "per": "year"},
            "installments": 12, "frequency": {"unit": "months", "every": 1},
            "disbursement_date": "2025-03-03", "grace_on_principal": 2}"#,
    ),
    (
        "Food cart: 900 USD, 9 monthly, 22 %/year, first payment after 45 days, insurance",
        r#"{"principal": "900", "currency": "USD", "rate": {"percent": "22", "per": "year"},
            "installments": 9, "frequency": {"unit": "months", "every": 1},
            "interest_basis": "actual_days", "day_count": "act_365f",
            "disbursement_date": "2025-03-03", "first_repayment_date": "2025-04-17",
            "insurance": {"percent": "0.08", "basis": "outstanding_balance"}}"#,
    ),
    (
        "Hairdresser (group loan): 400 USD, 12 fortnightly, 30 %/year, 10 % compulsory savings",
        r#"{"principal": "400", "currency": "USD", "rate": {"percent": "30", "per": "year"},
            "installments": 12, "frequency": {"unit": "weeks", "every": 2}, "day_count": "act_364",
            "disbursement_date": "2025-03-03", "installment_multiple": "0.05",
            "savings": {"at_disbursement_percent": "10", "per_installment": "0"},
            "fees": [{"kind": "per_installment", "amount": "0.50"}]}"#,
    ),
];

fn print_schedule(q: &Quote) {
    let s = &q.schedule;
    let d = &s.disbursement;
    println!(
        "  disbursed {} on {}; family receives {} (fees {}, insurance {}, savings held {})",
        d.loan_amount, d.date, d.net_amount, d.fees, d.insurance, d.savings
    );
    println!(
        "  {:>3}  {:<10} {:>4} {:>9} {:>9} {:>7} {:>7} {:>7} {:>9} {:>9}",
        "#", "due", "days", "principal", "interest", "fees", "insur.", "savings", "total", "balance"
    );
    for i in &s.installments {
        println!(
            "  {:>3}  {:<10} {:>4} {:>9} {:>9} {:>7} {:>7} {:>7} {:>9} {:>9}",
            i.number, i.due_date, i.days, i.principal, i.interest, i.fees, i.insurance, i.savings, i.total, i.balance
        );
    }
    let t = &s.totals;
    println!(
        "  {:>3}  {:<10} {:>4} {:>9} {:>9} {:>7} {:>7} {:>7} {:>9}",
        "sum", "", "", t.principal, t.interest, t.fees, t.insurance, t.savings, t.total
    );
    if !s.savings_refund.is_zero() {
        println!("  savings refunded with the last installment: {}", s.savings_refund);
    }
}

fn main() -> Result<()> {
    let mut quotes = Vec::new();
    for (label, json) in OFFERS {
        let terms = LoanTerms::from_json(json)?;
        let q = Quote::new(&terms)?;
        println!("\n== {label}");
        print_schedule(&q);
        quotes.push((label, q));
    }
    println!("\n== True cost of credit, side by side (percent a year)");
    let conventions = [
        Convention::MFT_APR,
        Convention::MFT_EIR,
        Convention::XIRR,
        Convention::ECUADOR_TEA,
        Convention::PERU_TCEA,
        Convention::MEXICO_CAT,
        Convention::EU_APRC,
    ];
    print!("{:<12}{:>12}", "offer", "nominal");
    for c in &conventions {
        print!("{:>12}", c.name);
    }
    println!("{:>12}", "cost USD");
    for (i, (_, q)) in quotes.iter().enumerate() {
        print!("{:<12}", format!("#{}", i + 1));
        let nominal = q.terms.annual_rate()?;
        print!("{:>12.2}", nominal.to_f64() * 100.0);
        for c in &conventions {
            match q.cost(c) {
                Some(c) => print!("{:>12}", c.percent),
                None => print!("{:>12}", "-"),
            }
        }
        println!("{:>12}", q.breakdown.total_cost);
    }
    println!("\nAPR layer by layer (MFTransparency): interest / + fees / + insurance / + savings");
    for (i, (label, q)) in quotes.iter().enumerate() {
        let b = &q.breakdown;
        println!(
            "  #{} {:>7} {:>7} {:>7} {:>7}   {}",
            i + 1,
            b.apr_interest,
            b.apr_with_fees,
            b.apr_with_insurance,
            b.apr_all_in,
            label
        );
    }
    Ok(())
}
