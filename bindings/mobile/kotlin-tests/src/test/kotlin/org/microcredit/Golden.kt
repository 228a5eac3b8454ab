package org.microcredit

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertTrue
import java.io.File
import java.math.BigDecimal
import java.math.BigInteger
import org.microcredit.core.*

/**
 * Reading the shared golden cases (`tests/golden/`, format in `tests/golden/FORMAT.md`) the way the
 * Rust runner `tests/tests/golden.rs` reads them.
 */
object Golden {
    /** The `cases` of a golden file. */
    fun cases(name: String): List<JSONObject> {
        val file = File(Fixtures.goldenDir, name)
        assertTrue(file.exists(), "missing ${file.absolutePath}")
        val cases = JSONObject(file.readText()).getJSONArray("cases")
        return (0 until cases.length()).map { cases.getJSONObject(it) }
    }

    /** `known_gaps.json`: ids (or "id check" names) the engine does not match yet, with the reason. */
    val knownGaps: List<Pair<String, String>> by lazy {
        val file = File(Fixtures.goldenDir, "known_gaps.json")
        if (!file.exists()) return@lazy emptyList()
        val cases = JSONObject(file.readText()).optJSONArray("cases") ?: return@lazy emptyList()
        (0 until cases.length()).map {
            val c = cases.getJSONObject(it)
            c.optString("id", "") to c.optString("reason", "")
        }
    }

    /** Why a whole case is skipped (`"unsupported"`, or its id in known_gaps.json), or null. */
    fun skipReason(case: JSONObject): String? {
        if (case.has("unsupported")) return "unsupported: ${case.opt("unsupported")}"
        val id = case.optString("id", "")
        return knownGaps.firstOrNull { it.first == id }?.let { "known gap: ${it.second}" }
    }

    /** Why one check ("id check") of a case is skipped: listed in known_gaps.json with a reason. */
    fun checkSkipReason(name: String): String? =
        knownGaps.firstOrNull { it.first == name && it.second.isNotEmpty() }?.let { "known gap: ${it.second}" }

    /** A golden number: a JSON string (decimal or scientific) or a JSON number. */
    fun dec(v: Any?): BigDecimal = when (v) {
        is String -> BigDecimal(v.trim())
        is Number -> BigDecimal(v.toString())
        else -> throw AssertionError("not a number: $v")
    }

    /** serde_json's `as_u64`: a non-negative integer JSON number, else null. */
    fun asU64(v: Any?): Long? = when (v) {
        is Int -> v.toLong().takeIf { it >= 0 }
        is Long -> v.takeIf { it >= 0 }
        is BigInteger -> v.takeIf { it.signum() >= 0 && it.bitLength() < 64 }?.toLong()
        else -> null
    }

    /** serde_json's `as_f64`: any JSON number, else null. */
    fun asF64(v: Any?): Double? = (v as? Number)?.toDouble()

    /** Rust's `str::parse::<f64>()` (no surrounding spaces, no type suffix, no hex), else null. */
    fun parseF64(s: String): Double? {
        val t = s.lowercase()
        return when {
            t.matches(Regex("[+-]?(inf|infinity)")) -> if (t.startsWith("-")) Double.NEGATIVE_INFINITY else Double.POSITIVE_INFINITY
            t.matches(Regex("[+-]?nan")) -> Double.NaN
            t.matches(Regex("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) -> t.toDouble()
            else -> null
        }
    }

    /** The elements of a JSON array, or an empty list when it is missing or not an array. */
    fun list(v: Any?): List<Any?> = (v as? JSONArray)?.let { a -> (0 until a.length()).map { a.get(it) } } ?: emptyList()
}
