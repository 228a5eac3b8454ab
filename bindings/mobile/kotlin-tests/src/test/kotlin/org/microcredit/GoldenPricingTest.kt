package org.microcredit

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.math.BigDecimal
import java.time.LocalDate
import org.microcredit.core.*

/**
 * The true-cost-of-credit cases shared with the Rust and Python tests (`tests/golden/pricing.json`),
 * evaluated exactly as `true_cost_of_credit` in `tests/tests/golden.rs`. One dynamic test per check
 * ("id what", e.g. `tucker-1pct-weekly eir`, `regz-... us_reg_z (dated flows)`,
 * `regz-... us_reg_z (unit periods)`), so a check listed in `known_gaps.json` is skipped alone.
 */
class GoldenPricingTest {
    private val hundred = BigDecimal(100)

    /** One comparison of a case: its name, how to compute it, the expected value. */
    private class Check(val what: String, val expected: BigDecimal, val compute: () -> BigDecimal)

    /** `frequency_of`: the period of dated flows from `periods.unit_period` or `periods_per_year`. */
    private fun frequencyOf(case: JSONObject): Frequency {
        val unit = (case.optJSONObject("periods")?.opt("unit_period") as? String) ?: ""
        val every = unit.trim().split(Regex("\\s+")).firstOrNull()?.toUIntOrNull() ?: 1u
        val ppy = Golden.asF64(case.opt("periods_per_year"))
        return when {
            unit.contains("semimonth") || ppy == 24.0 -> Frequency.SemiMonthly(listOf(1u, 16u))
            unit.contains("week") || ppy == 52.0 -> Frequency.Weeks(every = every)
            unit.contains("quarter") -> Frequency.Months(every = 3u, monthEnd = MonthEnd.SAME_DAY)
            unit.contains("year") -> Frequency.Months(every = 12u, monthEnd = MonthEnd.SAME_DAY)
            else -> Frequency.Months(every = every, monthEnd = MonthEnd.SAME_DAY)
        }
    }

    /**
     * `unit_period_apr`: Reg Z cases given on the unit-period grid (each payment line is `count`
     * equal payments at t, t+1, ... with odd fraction f_days / f_denominator); null when the case
     * has no such form (e.g. `unit_periods_per_year` "365/255" is not a number).
     */
    private fun unitPeriodFlows(periods: JSONObject?): Pair<List<UnitPeriodFlow>, Double>? {
        if (periods == null) return null
        val ppy = (periods.opt("unit_periods_per_year") as? String)?.let(Golden::parseF64) ?: return null
        val flows = mutableListOf<UnitPeriodFlow>()
        for ((key, sign) in listOf("advances" to BigDecimal.ONE, "payments" to BigDecimal.ONE.negate())) {
            val lines = periods.optJSONArray(key) ?: return null
            for (i in 0 until lines.length()) {
                val line = lines.getJSONObject(i)
                val count = Golden.asU64(line.opt("count")) ?: 1L
                val t = Golden.asU64(line.opt("t")) ?: return null
                val odd = Golden.dec(line.opt("f_days")).toDouble() / Golden.dec(line.opt("f_denominator")).toDouble()
                val amount = sign * Golden.dec(line.opt("amount"))
                for (k in 0 until count.toInt()) {
                    flows += UnitPeriodFlow(amount = amount, t = (t + k).toUInt(), odd = odd)
                }
            }
        }
        return flows to ppy
    }

    /** `pricing_value`: the checks of one case (none when it has no runnable form). */
    private fun checks(case: JSONObject): List<Check> {
        // Expected values are in percent unless the case says "fraction".
        val scale = if (case.opt("unit") == "fraction") BigDecimal.ONE else hundred
        val out = mutableListOf<Check>()
        val periodicFlows = case.optJSONArray("periodic_flows")
        val flows = case.optJSONArray("flows")
        if (case.has("periodic_rate")) {
            val r = Golden.dec(case.get("periodic_rate"))
            val m = Golden.asF64(case.opt("periods_per_year")) ?: throw AssertionError("periods_per_year is not a number")
            if (case.has("expected_apr")) {
                out += Check("apr", Golden.dec(case.get("expected_apr"))) { annualise(r, m, Annualisation.NOMINAL) * hundred }
            }
            if (case.has("expected_eir")) {
                out += Check("eir", Golden.dec(case.get("expected_eir"))) { annualise(r, m, Annualisation.EFFECTIVE) * scale }
            }
        } else if (periodicFlows != null) {
            val values = Golden.list(periodicFlows).map(Golden::dec)
            val m = Golden.asF64(case.opt("periods_per_year")) ?: throw AssertionError("periods_per_year is not a number")
            if (case.has("expected_apr")) {
                out += Check("apr", Golden.dec(case.get("expected_apr"))) { annualise(irr(values), m, Annualisation.NOMINAL) * scale }
            }
            if (case.has("expected_eir")) {
                out += Check("eir", Golden.dec(case.get("expected_eir"))) { annualise(irr(values), m, Annualisation.EFFECTIVE) * scale }
            }
        } else if (flows != null) {
            val dated = (0 until flows.length()).map {
                val f = flows.getJSONObject(it)
                DatedAmount(date = LocalDate.parse(f.getString("date")), amount = Golden.dec(f.get("amount")))
            }
            // The golden files name conventions as the core does (mft_apr): the enum entry of that name.
            val name = case.getString("convention")
            val convention = NamedConvention.entries.first { it.name.lowercase() == name }
            val frequency = frequencyOf(case)
            out += Check("$name (dated flows)", Golden.dec(case.get("expected"))) {
                costOfFlows(dated, frequency, convention).annualRate * scale
            }
        }
        unitPeriodFlows(case.optJSONObject("periods"))?.let { (upf, ppy) ->
            out += Check("us_reg_z (unit periods)", Golden.dec(case.get("expected"))) { regZApr(upf, ppy) * hundred }
        }
        return out
    }

    @TestFactory
    fun trueCostOfCredit(): List<DynamicTest> {
        val cases = Golden.cases("pricing.json")
        assertTrue(cases.size >= 15, "expected the pricing cases")
        return cases.flatMap { case ->
            val id = case.optString("id", "?")
            val skip = Golden.skipReason(case)
            if (skip != null) return@flatMap listOf(DynamicTest.dynamicTest(id) { assumeTrue(false, skip) })
            val tol = if (case.has("tolerance")) Golden.dec(case.get("tolerance")) else BigDecimal("0.005")
            val checks = checks(case)
            if (checks.isEmpty()) return@flatMap listOf(DynamicTest.dynamicTest(id) { fail<Unit>("$id: no runnable form") })
            checks.map { check ->
                val name = "$id ${check.what}"
                DynamicTest.dynamicTest(name) {
                    Golden.checkSkipReason(name)?.let { assumeTrue(false, it) }
                    val got = check.compute()
                    assertTrue(
                        (got - check.expected).abs() <= tol,
                        "$name: got ${got.setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString()}, " +
                            "expected ${check.expected.toPlainString()} ± ${tol.toPlainString()}",
                    )
                }
            }
        }
    }
}
