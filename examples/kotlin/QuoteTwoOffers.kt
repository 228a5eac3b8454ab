// Quote two loan offers for one family, side by side: what they receive in hand, what they repay
// and when, and the true cost of each under the conventions a field officer is asked about.
//
// A family in Machala wants 600 USD to start a sewing workshop. The programme can offer:
//   A. 24 weekly installments, 2.5 % a month flat, a 3 % fee withheld at disbursement;
//   B. 6 monthly installments, 30 % a year on the declining balance, a 5 USD fee and credit-life
//      insurance of 0.1 % of the balance each month.
// Which is cheaper? The nominal rates do not say; the APR does.
//
// Compiled and run by the Maven build of bindings/mobile/kotlin-tests (ExampleTest), so it cannot
// rot. No person's data appears here: the library never needs a name to price a loan.
package org.microcredit.examples

import org.microcredit.Quote
import org.microcredit.core.Collection
import org.microcredit.core.Fee
import org.microcredit.core.FeeKind
import org.microcredit.core.Frequency
import org.microcredit.core.Insurance
import org.microcredit.core.InsuranceBasis
import org.microcredit.core.InterestMethod
import org.microcredit.core.InterestRate
import org.microcredit.core.MonthEnd
import org.microcredit.core.NamedConvention
import org.microcredit.core.RatePeriod
import org.microcredit.loanTermsWithDefaults
import org.microcredit.quote
import java.math.BigDecimal
import java.time.LocalDate

/** The two offers, quoted: each is one call into the library (schedule and every cost at once). */
fun quoteTwoOffers(): Pair<Quote, Quote> {
    val disbursement = LocalDate.of(2025, 6, 2)
    val weekly = loanTermsWithDefaults(
        principal = BigDecimal("600"),
        currency = "USD",
        rate = InterestRate(percent = BigDecimal("2.5"), per = RatePeriod.MONTH),
        installments = 24u,
        frequency = Frequency.Weeks(every = 1u),
        disbursementDate = disbursement,
    ).copy(
        interestMethod = InterestMethod.FLAT,
        fees = listOf(Fee(name = "comisión de desembolso", kind = FeeKind.UPFRONT, percent = BigDecimal("3"), collect = Collection.DEDUCTED)),
    )
    val monthly = loanTermsWithDefaults(
        principal = BigDecimal("600"),
        currency = "USD",
        rate = InterestRate(percent = BigDecimal("30"), per = RatePeriod.YEAR),
        installments = 6u,
        frequency = Frequency.Months(every = 1u, monthEnd = MonthEnd.SAME_DAY),
        disbursementDate = disbursement,
    ).copy(
        fees = listOf(Fee(name = "gastos administrativos", kind = FeeKind.UPFRONT, amount = BigDecimal("5.00"), collect = Collection.DEDUCTED)),
        insurance = Insurance(percent = BigDecimal("0.1"), basis = InsuranceBasis.OUTSTANDING_BALANCE, collect = Collection.DEDUCTED),
    )
    return quote(weekly) to quote(monthly)
}

/** The cost under one convention, picked by name (the enum), never by its place in the list. */
private fun Quote.percent(convention: NamedConvention): BigDecimal = costs.first { it.convention == convention }.percent

private fun Quote.cost(convention: NamedConvention): String = percent(convention).toPlainString() + " %"

private fun row(label: String, a: Any, b: Any) = println("%-34s %16s %16s".format(label, a, b))

private fun printSchedule(title: String, q: Quote) {
    println()
    println("$title: ${q.schedule.installments.size} installments (${q.schedule.currency})")
    println("%3s  %-10s %9s %9s %8s %9s %9s".format("#", "due", "principal", "interest", "charges", "total", "balance"))
    for (i in q.schedule.installments) {
        val charges = i.fees + i.insurance + i.savings
        println(
            "%3d  %-10s %9s %9s %8s %9s %9s".format(
                i.number.toInt(), i.dueDate, i.principal.toPlainString(), i.interest.toPlainString(),
                charges.toPlainString(), i.total.toPlainString(), i.balance.toPlainString(),
            ),
        )
    }
}

fun main() {
    val (a, b) = quoteTwoOffers()
    println("Two offers for 600 USD (sewing workshop)")
    row("", "A: 24 weekly", "B: 6 monthly")
    row("nominal rate", "2.5 %/month flat", "30 %/year")
    row("received in hand", a.schedule.disbursement.netAmount, b.schedule.disbursement.netAmount)
    row("usual installment", a.schedule.installments.first().total, b.schedule.installments.first().total)
    row("total repaid", a.schedule.totals.total, b.schedule.totals.total)
    row("cost of credit (interest+charges)", a.breakdown.totalCost, b.breakdown.totalCost)
    row("APR (MFTransparency)", a.cost(NamedConvention.MFT_APR), b.cost(NamedConvention.MFT_APR))
    row("EIR (MFTransparency)", a.cost(NamedConvention.MFT_EIR), b.cost(NamedConvention.MFT_EIR))
    row("TEA (Ecuador, interest only)", a.cost(NamedConvention.ECUADOR_TEA), b.cost(NamedConvention.ECUADOR_TEA))
    row("  APR of the interest alone", a.breakdown.aprInterest.toPlainString() + " %", b.breakdown.aprInterest.toPlainString() + " %")
    row("  APR with fees and insurance", a.breakdown.aprAllIn.toPlainString() + " %", b.breakdown.aprAllIn.toPlainString() + " %")
    val cheaper = if (a.percent(NamedConvention.MFT_APR) < b.percent(NamedConvention.MFT_APR)) "A" else "B"
    println("Offer $cheaper costs the family less per year (lower APR).")
    printSchedule("Offer A", a)
    printSchedule("Offer B", b)
}
