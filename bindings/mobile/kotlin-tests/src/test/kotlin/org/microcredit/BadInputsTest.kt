package org.microcredit

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.math.BigDecimal
import org.microcredit.core.*

/**
 * The shared table of bad inputs (`tests/golden/bad_inputs.json`), also run by the Rust and Python
 * tests: every case fails with the same kind, code, field and error kind in all three.
 */
class BadInputsTest {
    private val table = JSONObject(File(Fixtures.goldenDir, "bad_inputs.json").readText())
    private val base: JSONObject = table.getJSONObject("base")
    private val cases: List<JSONObject> =
        table.getJSONArray("cases").let { a -> (0 until a.length()).map { a.getJSONObject(it) } }

    /** What the table compares, read from an exception: kind, code, field, error kind. */
    private data class Seen(val kind: String, val code: String, val field: String?, val errorKind: String)

    private fun seen(e: MicrocreditException): Seen = when (e) {
        is MicrocreditException.Validation -> Seen("invalid_field", e.errorCode, e.field, "validation")
        is MicrocreditException.TooManyDecimals -> Seen("too_many_decimals", e.errorCode, e.field, "validation")
        is MicrocreditException.Overflow -> Seen("overflow", e.errorCode, null, "validation")
        is MicrocreditException.LimitExceeded -> Seen("limit_exceeded", e.errorCode, e.what, "validation")
        is MicrocreditException.UnknownCurrency -> Seen("unknown_currency", e.errorCode, "currency", "currency")
        is MicrocreditException.CurrencyMismatch -> Seen("currency_mismatch", e.errorCode, null, "currency")
        is MicrocreditException.NoConvergence -> Seen("no_convergence", e.errorCode, null, "solver")
        is MicrocreditException.NoRate -> Seen("no_rate", e.errorCode, null, "solver")
        is MicrocreditException.Json -> Seen("json", e.errorCode, null, "json")
        is MicrocreditException.Internal -> Seen(e.kind, e.errorCode, null, "internal")
    }

    private fun messages(e: MicrocreditException): Pair<String, String> = when (e) {
        is MicrocreditException.Validation -> e.messageEn to e.messageEs
        is MicrocreditException.TooManyDecimals -> e.messageEn to e.messageEs
        is MicrocreditException.Overflow -> e.messageEn to e.messageEs
        is MicrocreditException.LimitExceeded -> e.messageEn to e.messageEs
        is MicrocreditException.UnknownCurrency -> e.messageEn to e.messageEs
        is MicrocreditException.CurrencyMismatch -> e.messageEn to e.messageEs
        is MicrocreditException.NoConvergence -> e.messageEn to e.messageEs
        is MicrocreditException.NoRate -> e.messageEn to e.messageEs
        is MicrocreditException.Json -> e.messageEn to e.messageEs
        is MicrocreditException.Internal -> e.messageEn to e.messageEs
    }

    /** The terms JSON of a case: raw `json`, or the base with the keys of `set` replaced. */
    private fun termsJson(case: JSONObject): String {
        if (case.has("json")) return case.getString("json")
        val terms = JSONObject(base.toString())
        val set = case.getJSONObject("set")
        for (k in set.keys()) terms.put(k, set.get(k))
        return terms.toString()
    }

    private fun decs(a: org.json.JSONArray): List<BigDecimal> = (0 until a.length()).map { BigDecimal(a.getString(it)) }

    /** Run a case: the exception it ends in. */
    private fun run(case: JSONObject): MicrocreditException {
        val args = case.optJSONObject("args") ?: JSONObject()
        try {
            when (case.optString("call", "")) {
                "" -> schedule(termsFromJson(termsJson(case)))
                "pmt" -> pmt(
                    BigDecimal(args.getString("rate")), BigDecimal(args.getString("nper")),
                    BigDecimal(args.getString("pv")), BigDecimal.ZERO, When.END,
                )
                "irr" -> irr(decs(args.getJSONArray("values")))
                "npv" -> npv(BigDecimal(args.getString("rate")), decs(args.getJSONArray("values")), NpvStyle.NUMPY)
                "currency" -> schedule(termsFromJson(base.toString()).copy(currency = args.getString("code")))
                else -> fail("unknown call ${case.optString("call")}")
            }
        } catch (e: MicrocreditException) {
            return e
        }
        fail<Unit>("${case.getString("id")}: must be rejected")
        throw AssertionError()
    }

    @Test
    fun theTableIsLargeEnough() {
        assertTrue(cases.size >= 25, "${cases.size} cases")
    }

    @TestFactory
    fun everyBadInputFailsTheSameWay(): List<DynamicTest> = cases.map { case ->
        DynamicTest.dynamicTest(case.getString("id")) {
            val e = run(case)
            val want = Seen(
                case.getString("kind"),
                case.getString("code"),
                if (case.isNull("field")) null else case.getString("field"),
                case.getString("error_kind"),
            )
            assertEquals(want, seen(e), e.toString())
            val (en, es) = messages(e)
            if (case.has("message_en")) assertEquals(case.getString("message_en"), en)
            if (case.has("message_es")) assertEquals(case.getString("message_es"), es)
            assertNotEquals(en, es, "no Spanish message")
            val params = case.optJSONObject("params")
            if (params != null && e is MicrocreditException.Validation) {
                for (k in params.keys()) {
                    assertEquals(params.getString(k), e.params.firstOrNull { it.name == k }?.value, "param $k of ${e.params}")
                }
            }
        }
    }

    @Test
    fun oneErrorInEnglishAndSpanish() {
        val terms = JSONObject(base.toString()).put("principal", "0").toString()
        val e = assertThrows(MicrocreditException.Validation::class.java) { termsFromJson(terms) }
        assertEquals("not_positive", e.errorCode)
        assertTrue(e.params.isEmpty())
        assertEquals("invalid principal: 0 (must be greater than zero)", e.messageEn)
        assertEquals("valor no válido en principal: 0 (debe ser mayor que cero)", e.messageEs)
    }
}
