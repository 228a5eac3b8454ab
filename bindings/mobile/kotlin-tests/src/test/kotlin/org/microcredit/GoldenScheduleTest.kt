package org.microcredit

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.math.BigDecimal
import java.time.LocalDate
import org.microcredit.core.*

/**
 * The golden schedule cases shared with the Rust and Python tests (`tests/golden/schedules.json`):
 * terms in through `termsFromJson`, schedule out, every key present in `expected` compared.
 * Cases marked `"unsupported"` or listed in `known_gaps.json` are reported as skipped.
 */
class GoldenScheduleTest {
    private fun assertAmount(expected: String, actual: BigDecimal, what: String) {
        assertTrue(BigDecimal(expected).compareTo(actual) == 0, "$what: expected $expected, got ${actual.toPlainString()}")
    }

    @TestFactory
    fun goldenSchedules(): List<DynamicTest> {
        val cases = Golden.cases("schedules.json")
        assertTrue(cases.isNotEmpty(), "no golden cases")
        return cases.map { case ->
            val id = case.getString("id")
            DynamicTest.dynamicTest(id) {
                Golden.skipReason(case)?.let { assumeTrue(false, it) }
                checkCase(id, case)
            }
        }
    }

    private fun checkCase(id: String, case: JSONObject) {
        val terms = termsFromJson(case.getJSONObject("terms").toString())
        val schedule = schedule(terms)
        val expected = case.getJSONObject("expected")
        val rows = expected.getJSONArray("installments")
        assertEquals(rows.length(), schedule.installments.size, "$id: number of installments")
        for (r in 0 until rows.length()) {
            val want = rows.getJSONObject(r)
            val got = schedule.installments[r]
            val at = "$id #${r + 1}"
            if (want.has("number")) assertEquals(want.getInt("number"), got.number.toInt(), "$at number")
            if (want.has("due_date")) assertEquals(LocalDate.parse(want.getString("due_date")), got.dueDate, "$at due_date")
            if (want.has("principal")) assertAmount(want.getString("principal"), got.principal, "$at principal")
            if (want.has("interest")) assertAmount(want.getString("interest"), got.interest, "$at interest")
            if (want.has("fees")) assertAmount(want.getString("fees"), got.fees + got.insurance, "$at fees")
            if (want.has("total")) assertAmount(want.getString("total"), got.total, "$at total")
            if (want.has("balance")) assertAmount(want.getString("balance"), got.balance, "$at balance")
        }
        if (expected.has("total_principal")) {
            assertAmount(expected.getString("total_principal"), schedule.totals.principal, "$id total_principal")
        }
        if (expected.has("total_interest")) {
            assertAmount(expected.getString("total_interest"), schedule.totals.interest, "$id total_interest")
        }
    }
}
