package org.microcredit

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.math.BigDecimal
import java.time.LocalDate

/**
 * The golden schedule cases shared with the Rust and Python tests (`tests/golden/schedules.json`):
 * terms in through `termsFromJson`, schedule out, every key present in `expected` compared.
 * Cases marked `"unsupported"` or listed in `known_gaps.json` are reported as skipped.
 */
class GoldenScheduleTest {
    private fun knownGaps(): Map<String, String> {
        val file = File(Fixtures.goldenDir, "known_gaps.json")
        if (!file.exists()) return emptyMap()
        val cases = JSONObject(file.readText()).optJSONArray("cases") ?: return emptyMap()
        return (0 until cases.length()).associate {
            val c = cases.getJSONObject(it)
            c.getString("id") to c.optString("reason", "")
        }
    }

    private fun assertAmount(expected: String, actual: BigDecimal, what: String) {
        assertTrue(BigDecimal(expected).compareTo(actual) == 0, "$what: expected $expected, got ${actual.toPlainString()}")
    }

    @TestFactory
    fun goldenSchedules(): List<DynamicTest> {
        val file = File(Fixtures.goldenDir, "schedules.json")
        assertTrue(file.exists(), "missing ${file.absolutePath}")
        val cases = JSONObject(file.readText()).getJSONArray("cases")
        val gaps = knownGaps()
        assertTrue(cases.length() > 0, "no golden cases")
        return (0 until cases.length()).map { i ->
            val case = cases.getJSONObject(i)
            val id = case.getString("id")
            DynamicTest.dynamicTest(id) {
                assumeTrue(!case.has("unsupported"), "unsupported: ${case.opt("unsupported")}")
                assumeTrue(id !in gaps, "known gap: ${gaps[id]}")
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
            if (want.has("fees")) assertAmount(want.getString("fees"), got.fees, "$at fees")
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
