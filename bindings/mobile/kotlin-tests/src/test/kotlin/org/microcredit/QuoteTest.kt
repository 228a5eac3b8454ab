package org.microcredit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.math.BigDecimal
import java.time.LocalDate
import org.microcredit.core.*
import org.microcredit.core.Collection

class QuoteTest {
    @Test
    fun weeklyLoanOf52InstallmentsWithCosts() {
        val terms = Fixtures.weeklyLoan()
        val q = quote(terms)
        assertEquals(52, q.schedule.installments.size)
        assertEquals((1..52).toList(), q.schedule.installments.map { it.number.toInt() })
        assertEquals(LocalDate.of(2025, 3, 10), q.schedule.installments.first().dueDate)
        assertEquals(0, BigDecimal("500.00").compareTo(q.schedule.totals.principal))
        assertEquals(0, BigDecimal("490.00").compareTo(q.schedule.disbursement.netAmount))
        // Every named convention, once, in the enum's order: costs are picked by name, never by position.
        assertEquals(NamedConvention.entries.toList(), q.costs.map { it.convention })
        val apr = q.costs.first { it.convention == NamedConvention.MFT_APR }.percent
        assertTrue(apr > BigDecimal("36"), "flat 3 %/month plus a fee costs more than 36 % a year, got $apr")
        assertTrue(q.breakdown.aprAllIn >= q.breakdown.aprInterest)
        assertEquals(0, q.breakdown.fees.compareTo(BigDecimal("10.00")))
        assertEquals(terms, q.terms)
    }

    @Test
    fun jsonRoundTrips() {
        val terms = Fixtures.weeklyLoan()
        assertEquals(terms, termsFromJson(termsToJson(terms)))
        val q = quote(terms)
        assertEquals(q, quoteFromJson(quoteToJson(q)))
    }

    @Test
    fun everyOptionCrossesTheBoundary() {
        val terms = loanTermsWithDefaults(
            principal = BigDecimal("1200"),
            currency = "PEN",
            rate = InterestRate(BigDecimal("36"), RatePeriod.YEAR),
            installments = 12u,
            frequency = Frequency.Months(every = 1u, monthEnd = MonthEnd.SAME_DAY),
            disbursementDate = LocalDate.of(2025, 1, 15),
        ).copy(
            firstRepaymentDate = LocalDate.of(2025, 2, 20),
            amortization = Amortization.EQUAL_PRINCIPAL,
            interestBasis = InterestBasis.ACTUAL_DAYS,
            dayCount = DayCount.ACT360,
            annuityRates = AnnuityRates.ACTUAL,
            graceOnPrincipal = 1u,
            rounding = RoundingMode.HALF_UP,
            fees = listOf(Fee(name = "comisión", kind = FeeKind.PER_INSTALLMENT, amount = BigDecimal("1.00"), collect = Collection.DEDUCTED)),
            insurance = Insurance(BigDecimal("0.1"), InsuranceBasis.OUTSTANDING_BALANCE, Collection.DEDUCTED),
            savings = CompulsorySavings(atDisbursementPercent = BigDecimal("10"), perInstallment = BigDecimal("0")),
            businessDays = BusinessDays(
                nonWorkingWeekdays = listOf(java.time.DayOfWeek.SUNDAY),
                holidays = listOf(LocalDate.of(2025, 5, 1)),
                rule = BusinessDayRule.NEXT,
            ),
        )
        assertEquals(terms, termsFromJson(termsToJson(terms)))
        val s = schedule(terms)
        assertEquals(12, s.installments.size)
        assertEquals("PEN", s.currency)
        assertTrue(s.installments.none { it.dueDate.dayOfWeek == java.time.DayOfWeek.SUNDAY })
        assertTrue(s.installments.all { it.fees.compareTo(BigDecimal("1.00")) == 0 })
        assertEquals(0, BigDecimal("120.00").compareTo(s.savingsRefund))
    }
}
