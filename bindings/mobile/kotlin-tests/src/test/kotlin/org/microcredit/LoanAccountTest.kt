package org.microcredit

import org.json.JSONArray
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.math.BigDecimal
import java.time.LocalDate
import org.microcredit.core.*

/**
 * A field officer's day with a `LoanAccount`: open, disburse, collect a repayment with its receipt,
 * collect it again by mistake, mistype the amount on a receipt already used, and read what the
 * family owes (due by the date, overdue, days past due). The loan is the one of the golden
 * scenarios: 1000 USD, 2 % a month, 4 monthly installments of 262.62 from 2025-01-10.
 */
class LoanAccountTest {
    private val terms = termsFromJson(
        """{"principal": "1000", "currency": "USD", "rate": {"percent": "24", "per": "year"},
        "installments": 4, "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-01-10"}""",
    )
    private val device = "phone-7"
    private val officer = "officer-12"
    private fun day(m: Int, d: Int): LocalDate = LocalDate.of(2025, m, d)
    private fun total(p: Parts): BigDecimal = p.principal + p.interest + p.fees + p.penalties
    private fun assertAmount(expected: String, actual: BigDecimal, what: String) =
        assertTrue(BigDecimal(expected).compareTo(actual) == 0, "$what: expected $expected, got ${actual.toPlainString()}")

    @Test
    fun aFieldOfficersDay() {
        val account = LoanAccount.open(terms, null)
        assertEquals(Status.APPROVED, account.stateOn(day(1, 10)).status)
        assertEquals(Outcome.RECORDED, account.recordDisbursement(BigDecimal("1000"), day(1, 10), device, officer).outcome)

        // The first installment is due on 2025-02-10: on that day it is due, not overdue.
        val dueDay = account.stateOn(day(2, 10))
        assertEquals(Status.ACTIVE, dueDay.status)
        assertAmount("262.62", total(dueDay.dueByDate), "due by 2025-02-10")
        assertAmount("0", total(dueDay.overdue), "overdue on its due date")
        assertEquals(0u, dueDay.daysPastDue)

        // Collected with a receipt, then the same receipt entered again: counted once.
        val paid = account.recordRepayment(BigDecimal("262.62"), day(2, 10), "R-0042", "cash", device, officer)
        assertEquals(Outcome.RECORDED, paid.outcome)
        val afterPay = account.stateOn(day(3, 25))
        val again = account.recordRepayment(BigDecimal("262.62"), day(2, 10), "R-0042", "cash", device, officer)
        assertEquals(Outcome.ALREADY_RECORDED, again.outcome)
        assertEquals(emptyList<String>(), again.changed)
        assertEquals(afterPay, account.stateOn(day(3, 25)), "a repeated receipt changed the state")

        // The same receipt with another amount: a typed error with its stable code and Spanish text.
        val e = assertThrows(MicrocreditException.Validation::class.java) {
            account.recordRepayment(BigDecimal("26.26"), day(2, 10), "R-0042", "cash", device, officer)
        }
        assertEquals("receipt_conflict", e.errorCode)
        assertEquals("receipt", e.field)
        assertTrue(e.messageEs.isNotBlank() && e.messageEs != e.messageEn, "a Spanish message: ${e.messageEs}")
        assertEquals(afterPay, account.stateOn(day(3, 25)), "a refused receipt changed the state")

        // March's installment was not paid: on 2025-03-25 it is 15 days late.
        assertEquals(Status.IN_ARREARS, afterPay.status)
        assertEquals(15u, afterPay.daysPastDue)
        assertEquals("1-30", afterPay.bucket)
        assertAmount("262.62", total(afterPay.overdue), "overdue")
        assertAmount("262.62", total(afterPay.dueByDate), "due by 2025-03-25")
        assertAmount("242.62", afterPay.installments[0].paid.principal, "installment 1 principal paid")
        assertEquals(day(2, 10), afterPay.installments[0].settledOn)
        assertEquals(day(2, 10), afterPay.lastPayment)
        assertEquals(1, afterPay.applied.size)
        assertEquals(AppliedKind.REPAYMENT, afterPay.applied[0].kind)

        // The events, in the shared JSON form: minted ids (UUID v7, increasing), who recorded them.
        val events = JSONArray(account.eventsJson())
        assertEquals(2, events.length())
        val pay = events.getJSONObject(1)
        assertEquals("repayment", pay.getString("kind"))
        assertEquals("262.62 USD", pay.getString("amount"))
        assertEquals("R-0042", pay.getString("receipt"))
        assertEquals("cash", pay.getString("channel"))
        assertEquals(device, pay.getJSONObject("recorded").getString("device"))
        assertEquals(officer, pay.getJSONObject("recorded").getString("officer"))
        assertTrue(pay.getJSONObject("recorded").getLong("at_unix_millis") > 1_700_000_000_000L)
        val ids = (0 until events.length()).map { events.getJSONObject(it).getString("id") }
        assertTrue(ids.all { it[14] == '7' }, "version-7 ids: $ids")
        assertTrue(ids[0] < ids[1], "ids minted later sort later: $ids")

        // Another device reads the same events into the same state.
        val copy = LoanAccount.fromEventsJson(terms, null, account.eventsJson())
        assertEquals(afterPay, copy.stateOn(day(3, 25)))
        assertEquals(account.eventsJson(), copy.eventsJson())

        // A reversal undoes the repayment; reversing it twice is refused.
        val reversed = account.reverse(ids[1], day(3, 25), device, officer)
        assertEquals(Outcome.RECORDED, reversed.outcome)
        assertAmount("0", total(account.stateOn(day(3, 25)).paid), "paid after the reversal")
        val twice = assertThrows(MicrocreditException.Validation::class.java) { account.reverse(ids[1], day(3, 25), device, officer) }
        assertEquals("already_reversed", twice.errorCode)
        // The receipt of a reversed repayment may be used again.
        assertEquals(Outcome.RECORDED, account.recordRepayment(BigDecimal("100"), day(3, 25), "R-0042", null, device, officer).outcome)
    }

    @Test
    fun otherEventsRulesAndErrors() {
        val rules = """{"allocation": {"named": "overdue_first"}, "arrears": {"grace_days": 3}}"""
        val account = LoanAccount.open(terms, rules)
        assertEquals(Allocation.Named(NamedAllocation.OVERDUE_FIRST), account.rules().allocation)
        assertEquals(3u, account.rules().arrears.graceDays)
        assertEquals(LoanAccount.open(terms, null).rules().arrears.buckets.first(), AgeBucket("current", 0u, 0u))

        account.recordDisbursement(BigDecimal("1000"), day(1, 10), device, officer)
        val charge = """{"id": "0194a000-0000-7000-8000-0000000000c1", "effective": "2025-02-15", "kind": "charge",
            "charge": "penalty", "amount": "5.00 USD", "name": "late payment"}"""
        assertEquals(Outcome.RECORDED, account.recordEventJson(charge).outcome)
        assertEquals(Outcome.ALREADY_RECORDED, account.recordEventJson(charge).outcome)
        assertAmount("5.00", account.stateOn(day(3, 1)).due.penalties, "penalty due")

        // Typed errors: another currency's amount, too many decimals, before the disbursement,
        // a bad id, bad JSON, bad rules.
        assertThrows(MicrocreditException.TooManyDecimals::class.java) {
            account.recordRepayment(BigDecimal("1.001"), day(2, 10), null, null, device, officer)
        }
        val early = assertThrows(MicrocreditException.Validation::class.java) {
            account.recordRepayment(BigDecimal("10"), day(1, 5), null, null, device, officer)
        }
        assertEquals("before_disbursement", early.errorCode)
        assertThrows(MicrocreditException.CurrencyMismatch::class.java) {
            account.recordEventJson(charge.replace("USD", "EUR").replace("c1\"", "c2\""))
        }
        val unknown = assertThrows(MicrocreditException.Validation::class.java) { account.reverse("not-a-uuid", day(2, 10), device, officer) }
        assertEquals("id", unknown.field)
        val never = assertThrows(MicrocreditException.Validation::class.java) {
            account.reverse("0194a000-0000-7000-8000-0000000000ff", day(2, 10), device, officer)
        }
        assertEquals("unknown_event", never.errorCode)
        assertThrows(MicrocreditException.Json::class.java) { account.recordEventJson("{") }
        assertThrows(MicrocreditException.Json::class.java) { LoanAccount.open(terms, """{"allocation": 1}""") }
        val position = assertThrows(MicrocreditException.Validation::class.java) {
            // A stored history is loaded as a set (each event checked on its own): a zero amount.
            LoanAccount.fromEventsJson(terms, null, """[{"id": "0194a000-0000-7000-8000-000000000001", "effective": "2025-02-05", "kind": "repayment", "amount": "0 USD"}]""")
        }
        assertEquals("events[0].amount", position.field)
        assertNotEquals("", position.messageEs)
    }
}
