package org.microcredit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test
import org.microcredit.Hostile.CHRONO_MAX
import org.microcredit.Hostile.MAX
import java.math.BigDecimal
import java.time.DayOfWeek
import java.time.LocalDate
import org.microcredit.core.*
import org.microcredit.core.Collection

/**
 * The findings of issue 14 ("Hardening") whose code path Kotlin reaches, one test each (finding 1
 * is Python's recursion and 4-5 are the batch, which Kotlin does not export). Each fails with the
 * bug and passes with the fix.
 */
class HardeningRegressionTest {
    private fun d(text: String) = BigDecimal(text)

    /** A plain loan: 1000 USD, 24 % a year, 12 months from 2025-01-15. */
    private fun loan(): LoanTerms = loanTermsWithDefaults(
        principal = d("1000"), currency = "USD", rate = InterestRate(d("24"), RatePeriod.YEAR), installments = 12u,
        frequency = Frequency.Months(1u, MonthEnd.SAME_DAY), disbursementDate = LocalDate.of(2025, 1, 15),
    )

    /** [call] throws a typed `MicrocreditException` other than `Internal` (not a panic, not a value). */
    private fun typedError(what: String, call: () -> Any?): MicrocreditException {
        val e = try {
            val value = call()
            fail<Nothing>("$what: expected a typed MicrocreditException, got a value: ${value.toString().take(300)}")
        } catch (e: MicrocreditException) {
            e
        } catch (e: InternalException) {
            fail<Nothing>("$what: InternalException (a Rust panic): ${e.message}")
        }
        assertFalse(e is MicrocreditException.Internal) { "$what: MicrocreditException.Internal without a kind of its own: ${e.message}" }
        return e
    }

    /** Finding 2: near chrono's last day a weekly loan is a typed error, not a panic. */
    @Test
    fun finding2WeeklyLoanNearTheCalendarLimit() {
        val terms = loan().copy(
            disbursementDate = LocalDate.parse("+262142-12-29"), firstRepaymentDate = LocalDate.parse("+262142-12-30"),
            frequency = Frequency.Weeks(1u),
        )
        typedError("quote") { quote(terms) }
        typedError("schedule") { schedule(terms) }
        typedError("termsToJson") { termsToJson(terms) }
        val json = """{"principal": "1000", "currency": "USD", "rate": {"percent": "24", "per": "year"},
            "installments": 12, "frequency": {"unit": "weeks", "every": 1},
            "disbursement_date": "+262142-12-29", "first_repayment_date": "+262142-12-30"}"""
        val fromJson = try {
            termsFromJson(json)
        } catch (e: MicrocreditException) {
            assertFalse(e is MicrocreditException.Internal, e.message)
            null
        }
        if (fromJson != null) typedError("quote of the JSON terms") { quote(fromJson) }
    }

    /** Finding 2: semi-monthly loans starting within 14 days of the limit. */
    @Test
    fun finding2SemiMonthlyWithin14DaysOfTheLimit() {
        for (back in 0L..14L) for (days in listOf(Frequency.SemiMonthly(listOf(1u, 15u)), Frequency.SemiMonthly(listOf(15u, 31u)))) {
            val terms = loan().copy(disbursementDate = CHRONO_MAX.minusDays(back), frequency = days, installments = 2u)
            typedError("semi-monthly $days from ${terms.disbursementDate}") { quote(terms) }
        }
    }

    /** Finding 2: moving a due date to the next meeting day (or working day) past the limit. */
    @Test
    fun finding2WorkingDayRulesNearTheLimit() {
        // Weekly from MAX - 20: due MAX - 13 and MAX - 6 (`last`, a holiday). The next meeting
        // (MAX + 1) does not exist, nor does the next working day (only the loan's weekday works).
        val start = CHRONO_MAX.minusDays(20)
        val last = start.plusWeeks(2)
        for (rule in listOf(BusinessDayRule.NEXT_MEETING_DAY, BusinessDayRule.NEXT)) {
            val weekly = loan().copy(
                disbursementDate = start, frequency = Frequency.Weeks(1u), installments = 2u,
                businessDays = BusinessDays(DayOfWeek.values().filter { it != start.dayOfWeek }, listOf(last), rule),
            )
            typedError("weekly near the limit, $rule") { quote(weekly) }
        }
        // Daily up to the last day, which is not a working day: `next` would move it past the end.
        val daily = loan().copy(
            disbursementDate = CHRONO_MAX.minusDays(3), frequency = Frequency.Days(1u), installments = 3u,
            businessDays = BusinessDays(listOf(CHRONO_MAX.dayOfWeek), emptyList(), BusinessDayRule.NEXT),
        )
        typedError("daily to the last day, next") { quote(daily) }
    }

    /** Finding 3: amounts whose scaled or computed value does not fit: typed errors with a kind. */
    @Test
    fun finding3HugeAmountsAreTypedErrors() {
        val fee = Fee(kind = FeeKind.PER_INSTALLMENT, amount = d("1E+27"), collect = Collection.DEDUCTED)
        typedError("per-installment fee of 1e27") { quote(loan().copy(fees = listOf(fee))) }
        typedError("per-installment savings of 1e27") { quote(loan().copy(savings = CompulsorySavings(BigDecimal.ZERO, d("1E+27")))) }
        typedError("pmt(0, 1, MAX, fv=MAX)") { pmt(d("0"), d("1"), MAX, MAX, When.END) }
        typedError("fv(0, MAX, MAX, 0)") { fv(d("0"), MAX, MAX, d("0"), When.END) }
        typedError("pmt(MAX, 1, 1)") { pmt(MAX, d("1"), d("1"), d("0"), When.END) }
        typedError("npv(MAX, [1, 2])") { npv(MAX, listOf(d("1"), d("2")), NpvStyle.NUMPY) }
        typedError("ipmt(MAX, 1, 1, 1)") { ipmt(MAX, d("1"), d("1"), d("1"), d("0"), When.END) }
    }

    /** Finding 6: a root numpy-financial finds (0.000981) with a trailing positive flow. */
    @Test
    fun finding6IrrFindsTheRootNumpyFinancialFinds() {
        val values = listOf(d("900")) + List(599) { d("-2") } + listOf(d("10"))
        val r = irr(values)
        assertTrue((r - d("0.000981148857")).abs() < d("1E-9"), "irr = $r, numpy-financial 0.000981148857")
    }

    /** Finding 7: no installment on or before the disbursement, whatever the working-day rule. */
    @Test
    fun finding7NoDueDateOnOrBeforeTheDisbursement() {
        val wednesday = LocalDate.of(2025, 1, 15)
        val terms = loan().copy(
            frequency = Frequency.Days(1u), installments = 30u, disbursementDate = wednesday,
            businessDays = BusinessDays(DayOfWeek.values().filter { it != DayOfWeek.SUNDAY }, emptyList(), BusinessDayRule.PREVIOUS),
        )
        val s = try {
            schedule(terms)
        } catch (e: MicrocreditException) {
            assertFalse(e is MicrocreditException.Internal, e.message)
            return // refusing the terms is one of the two documented outcomes
        }
        for (i in s.installments) {
            assertTrue(i.dueDate > wednesday, "installment ${i.number} due ${i.dueDate}, on or before the disbursement $wednesday")
            assertTrue(i.dueDate.dayOfWeek == DayOfWeek.SUNDAY, "installment ${i.number} due ${i.dueDate}, not a working day")
        }
        // The first period has days (later ones may share a Sunday: `previous` gathers a week's
        // daily installments on it).
        assertTrue(s.installments.first().days > 0u, "the first installment has ${s.installments.first().days} days")
    }

    /** Finding 8: an installment multiple that rounds the installment (88.85) to zero is refused. */
    @Test
    fun finding8InstallmentMultipleRoundingToZeroIsRefused() {
        val terms = loan().copy(rate = InterestRate(d("12"), RatePeriod.YEAR))
        assertEquals(0, d("88.85").compareTo(schedule(terms).installments.first().total))
        val e = assertThrows(MicrocreditException.Validation::class.java) { schedule(terms.copy(installmentMultiple = d("1000"))) }
        assertEquals("installment_multiple", e.field)
        assertThrows(MicrocreditException.Validation::class.java) { quote(terms.copy(installmentMultiple = d("1000"))) }
    }

    /** Finding 9: a negative base with a fractional number of periods has no real result. */
    @Test
    fun finding9UndefinedPaymentsAreTypedErrors() {
        typedError("pmt(-2, 0.5, 1)") { pmt(d("-2"), d("0.5"), d("1"), d("0"), When.END) }
        typedError("fv(-2, 0.5, 0, -1)") { fv(d("-2"), d("0.5"), d("0"), d("-1"), When.END) }
    }

    /** Finding 10: 29 significant digits are refused, not rounded to 1000; long values are echoed bounded. */
    @Test
    fun finding10DecimalsBeyond28DigitsAreRefused() {
        val text = "1000.000000000000000000000000001"
        val p = assertThrows(MicrocreditException.Validation::class.java) { quote(loan().copy(principal = BigDecimal(text))) }
        assertEquals("decimal", p.field)
        assertEquals(text, p.value)
        assertThrows(MicrocreditException.Validation::class.java) {
            loanTermsWithDefaults(BigDecimal(text), "USD", InterestRate(d("24"), RatePeriod.YEAR), 12u, Frequency.Weeks(1u), LocalDate.of(2025, 1, 15))
        }
        assertThrows(MicrocreditException.Validation::class.java) { pmt(d("0.01"), d("12"), BigDecimal(text), d("0"), When.END) }
        assertThrows(MicrocreditException.Validation::class.java) { irr(listOf(d("-1000"), BigDecimal(text))) }
        // The same text in JSON is refused too, never read as 1000.
        val json = termsToJson(loan()).replace("\"1000\"", "\"$text\"")
        assertTrue(json.contains(text), json)
        typedError("termsFromJson with a 29-digit principal") { termsFromJson(json) }
    }

    /** Finding 10: a 10 MB value is echoed as a bounded prefix, never copied whole. */
    @Test
    fun finding10HugeValuesAreEchoedBounded() {
        val huge = "A".repeat(10 shl 20)
        val c = assertThrows(MicrocreditException.UnknownCurrency::class.java) { quote(loan().copy(currency = huge)) }
        assertTrue(c.code.length <= 67, "code of ${c.code.length} chars")
        // The message lists the fields: the code, and the English and Spanish messages, each
        // echoing the same bounded prefix (3 × 67 characters and their words).
        assertTrue(c.message!!.length <= 400, "message of ${c.message!!.length} chars")
        assertTrue(c.messageEs.length <= 120, "Spanish message of ${c.messageEs.length} chars")
        val digits = "9".repeat(10 shl 20)
        // 1E+10485760: lowered by toPlainString() as a 10 MB string (quick to build, unlike parsing one).
        val v = assertThrows(MicrocreditException.Validation::class.java) { irr(listOf(d("-1"), BigDecimal("1E+10485760"))) }
        assertTrue(v.value.length <= 67, "value of ${v.value.length} chars")
        // Through JSON: a 10 MB currency, amount and count.
        val json = termsToJson(loan())
        for ((label, bad) in listOf(
            "currency" to json.replace("\"USD\"", "\"$huge\""),
            "principal" to json.replace("\"1000\"", "\"$digits\""),
            "installments" to json.replace(Regex("\"installments\":\\s*12"), "\"installments\": \"$digits\""),
        )) {
            val e = typedError("termsFromJson with a 10 MB $label") { termsFromJson(bad) }
            assertTrue(e.message!!.length <= Hostile.MESSAGE_BOUND, "$label: message of ${e.message!!.length} chars")
            for (field in Hostile.fieldsOf(e)) assertTrue(field.length <= Hostile.MESSAGE_BOUND, "$label: a field of ${field.length} chars")
        }
    }

    /** The core's `limit_exceeded` kind has its own exception (no `Internal` for a known kind). */
    @Test
    fun limitExceededIsItsOwnException() {
        val e: MicrocreditException = MicrocreditException.LimitExceeded(
            "memory_limit", 3_840_000_000uL, 1_073_741_824uL, "limit_exceeded",
            "limit exceeded: memory_limit would need 3840000000, the limit is 1073741824",
            "límite superado: memory_limit necesitaría 3840000000 y el límite es 1073741824",
        )
        assertTrue(e.message!!.contains("memory_limit"), e.message)
        assertEquals(1_073_741_824uL, (e as MicrocreditException.LimitExceeded).limit)
    }
}
