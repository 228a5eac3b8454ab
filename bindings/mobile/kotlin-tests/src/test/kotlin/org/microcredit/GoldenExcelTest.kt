package org.microcredit

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.math.BigDecimal
import java.time.LocalDate
import org.microcredit.core.*

/**
 * The spreadsheet-function cases shared with the Rust and Python tests (`tests/golden/excel.json`),
 * evaluated exactly as `spreadsheet_functions` in `tests/tests/golden.rs`: missing amount arguments
 * are zero, `when` is `"begin"`/`"1"` or else end, `npv_style` `"excel"` or else numpy, `guess` is
 * not used, and the result must be within `tolerance` (default 1e-9) of `expected`.
 */
class GoldenExcelTest {
    private fun arg(args: JSONObject, k: String): BigDecimal = if (args.has(k)) Golden.dec(args.get(k)) else BigDecimal.ZERO

    private fun timing(args: JSONObject): When = when (args.opt("when") as? String) {
        "begin", "1" -> When.BEGIN
        else -> When.END
    }

    private fun excelValue(case: JSONObject): BigDecimal {
        val a = case.getJSONObject("args")
        val values = { Golden.list(a.opt("values")).map(Golden::dec) }
        return when (val f = case.optString("function", "")) {
            "pmt" -> pmt(arg(a, "rate"), arg(a, "nper"), arg(a, "pv"), arg(a, "fv"), timing(a))
            "ipmt" -> ipmt(arg(a, "rate"), arg(a, "per"), arg(a, "nper"), arg(a, "pv"), arg(a, "fv"), timing(a))
            "ppmt" -> ppmt(arg(a, "rate"), arg(a, "per"), arg(a, "nper"), arg(a, "pv"), arg(a, "fv"), timing(a))
            "rate" -> rate(arg(a, "nper"), arg(a, "pmt"), arg(a, "pv"), arg(a, "fv"), timing(a))
            "irr" -> irr(values())
            "npv" -> {
                val style = if (case.opt("npv_style") as? String == "excel") NpvStyle.EXCEL else NpvStyle.NUMPY
                npv(arg(a, "rate"), values(), style)
            }
            "xirr" -> xirr(values(), Golden.list(a.get("dates")).map { LocalDate.parse(it as String) })
            else -> throw AssertionError("unknown function $f")
        }
    }

    @TestFactory
    fun spreadsheetFunctions(): List<DynamicTest> {
        val cases = Golden.cases("excel.json")
        assertTrue(cases.size >= 20, "expected the spreadsheet cases")
        return cases.map { case ->
            val id = case.optString("id", "?")
            DynamicTest.dynamicTest(id) {
                Golden.skipReason(case)?.let { assumeTrue(false, it) }
                val expected = Golden.dec(case.get("expected"))
                val tol = if (case.has("tolerance")) Golden.dec(case.get("tolerance")) else BigDecimal("0.000000001")
                val got = excelValue(case)
                assertTrue(
                    (got - expected).abs() <= tol,
                    "$id: got ${got.toPlainString()}, expected ${expected.toPlainString()} ± ${tol.toPlainString()}",
                )
            }
        }
    }
}
