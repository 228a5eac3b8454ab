package org.microcredit

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.math.BigDecimal
import java.time.LocalDate
import org.microcredit.core.*

/**
 * The loan-account scenarios shared with the Rust and Python tests (`tests/golden/accounts.json`),
 * run as `tests/tests/accounts.rs` runs them: each case's events go in through
 * `LoanAccount.fromEventsJson`; the state on each date asked about (the typed `AccountState`,
 * written back into the core's JSON field names by [AccountJson]) must hold the fields the case
 * lists; refused events fail with their code (and field) and leave the state as it was;
 * `already_recorded` events change nothing; `changed_by_last_event` lists what the last event
 * re-allocated. (`installments_count` and `then`, which the account module's next step adds to the
 * scenarios, are read as its `accounts.rs` reads them.)
 */
class GoldenAccountTest {
    @TestFactory
    fun accountScenarios(): List<DynamicTest> {
        val cases = Golden.cases("accounts.json")
        assertTrue(cases.size >= 10, "the scenarios file lost its cases")
        return cases.map { case -> DynamicTest.dynamicTest(case.getString("id")) { checkCase(case) } }
    }

    private fun checkCase(case: JSONObject) {
        val id = case.getString("id")
        assertTrue(case.optString("source", "").isNotEmpty(), "$id: every case cites its source")
        val terms = termsFromJson(case.getJSONObject("terms").toString())
        val rules = case.optJSONObject("rules")?.toString()
        val account = LoanAccount.fromEventsJson(terms, rules, case.getJSONArray("events").toString())
        val failures = mutableListOf<String>()
        val expects = Golden.list(case.get("expect")).map { it as JSONObject }
        for (expect in expects) {
            val on = expect.getString("on")
            val wanted = JSONObject(expect.toString()).also { it.remove("on") }
            mismatches(wanted, stateJson(account, on), on, failures)
        }
        val lastOn = expects.last().getString("on")
        val before = stateJson(account, lastOn).toString()
        for (refused in Golden.list(case.opt("refused")).map { it as JSONObject }) {
            val event = refused.getJSONObject("event").toString()
            val e = try {
                val r = account.recordEventJson(event)
                failures += "$id: $event was recorded ($r)"
                continue
            } catch (e: MicrocreditException) {
                e
            }
            val (code, field) = codeAndField(e)
            if (code != refused.getString("code")) failures += "$id: $event failed with $code (${e.message}), not ${refused.getString("code")}"
            if (refused.has("field") && field != refused.getString("field")) failures += "$id: ${e.message} names $field, not ${refused.getString("field")}"
            assertEquals(before, stateJson(account, lastOn).toString(), "$id: a refused event changed the state")
        }
        for (again in Golden.list(case.opt("already_recorded"))) {
            val r = account.recordEventJson(again.toString())
            assertEquals(Outcome.ALREADY_RECORDED, r.outcome, "$id: $again")
            assertEquals(before, stateJson(account, lastOn).toString(), "$id: a repeated event changed the state")
        }
        val counts = case.optJSONObject("installments_count")
        for (on in counts?.keySet().orEmpty()) {
            val got = stateJson(account, on).getJSONArray("installments").length()
            if (got.toLong() != counts!!.getLong(on)) failures += "$id $on: $got installments, expected ${counts.get(on)}"
        }
        case.optJSONObject("then")?.let { then ->
            account.recordEventJson(then.getJSONObject("event").toString())
            mismatches(then.get("expect"), stateJson(account, then.getString("on")), "then", failures)
        }
        if (case.has("changed_by_last_event")) {
            val events = JSONArray(account.eventsJson())
            val last = events.remove(events.length() - 1)
            val shorter = LoanAccount.fromEventsJson(terms, rules, events.toString())
            val got = shorter.recordEventJson(last.toString()).changed
            val want = Golden.list(case.get("changed_by_last_event")).map { it as String }
            if (got != want) failures += "$id: the last event changed $got, expected $want"
        }
        if (failures.isNotEmpty()) fail<Unit>("${failures.size} mismatches:\n" + failures.joinToString("\n"))
    }

    private fun stateJson(account: LoanAccount, on: String): JSONObject = AccountJson.state(account.stateOn(LocalDate.parse(on)))

    /** The core's `Error::code` and `Error::field` of a typed exception. */
    private fun codeAndField(e: MicrocreditException): Pair<String, String?> = when (e) {
        is MicrocreditException.Validation -> e.errorCode to e.field
        is MicrocreditException.TooManyDecimals -> e.errorCode to e.field
        is MicrocreditException.UnknownCurrency -> e.errorCode to null
        is MicrocreditException.CurrencyMismatch -> e.errorCode to null
        is MicrocreditException.NoConvergence -> e.errorCode to null
        is MicrocreditException.NoRate -> e.errorCode to null
        is MicrocreditException.Overflow -> e.errorCode to null
        is MicrocreditException.LimitExceeded -> e.errorCode to null
        is MicrocreditException.Json -> e.errorCode to null
        is MicrocreditException.Internal -> e.errorCode to null
    }

    /**
     * Where [expected] (a JSON subset) differs from [actual]: objects by key, lists of objects by
     * their `event` or `number` key, everything else by equality (as `mismatches` in accounts.rs).
     */
    private fun mismatches(expected: Any?, actual: Any?, path: String, out: MutableList<String>) {
        when {
            expected is JSONObject && actual is JSONObject -> for (k in expected.keySet()) {
                if (actual.has(k)) mismatches(expected.get(k), actual.get(k), "$path.$k", out) else out += "$path.$k: missing"
            }
            expected is JSONArray && actual is JSONArray -> for (i in 0 until expected.length()) {
                val item = expected.get(i)
                val key = listOf("event", "number").firstOrNull { (item as? JSONObject)?.has(it) == true }
                val items = (0 until actual.length()).map { actual.get(it) }
                val found = if (key != null) {
                    items.firstOrNull { (it as? JSONObject)?.opt(key)?.let { v -> same(v, (item as JSONObject).get(key)) } == true }
                } else {
                    items.getOrNull(i)
                }
                if (found == null) out += "$path[$i]: no entry matching $item" else mismatches(item, found, "$path[$i]", out)
            }
            !same(expected, actual) -> out += "$path: expected $expected, got $actual"
        }
    }

    /** JSON equality of two scalars: strings as strings, numbers by value, null as null. */
    private fun same(a: Any?, b: Any?): Boolean = when {
        a is Number && b is Number -> BigDecimal(a.toString()).compareTo(BigDecimal(b.toString())) == 0
        else -> a == b
    }
}

/**
 * A value read through the typed records, written back with the core's JSON field names
 * (`dueByDate` -> `due_by_date`): money as plain decimal text, dates ISO, enums by their snake_case
 * name, unsigned numbers as numbers. Generic over the records' fields, so a field the core adds to
 * `AccountState` is compared with no change here.
 */
object AccountJson {
    fun state(s: AccountState): JSONObject = of(s) as JSONObject

    private fun snake(name: String): String = name.replace(Regex("([A-Z])")) { "_" + it.value.lowercase() }

    fun of(v: Any?): Any = when (v) {
        null -> JSONObject.NULL
        is BigDecimal -> v.toPlainString()
        is LocalDate -> v.toString()
        is String -> v
        is Enum<*> -> v.name.lowercase()
        is UInt -> v.toLong()
        is ULong -> v.toString().toBigInteger()
        is Int, is Long -> (v as Number).toLong()
        is Boolean -> v
        is List<*> -> JSONArray(v.map { of(it) })
        else -> JSONObject().also { o ->
            for (f in v.javaClass.declaredFields) {
                if (java.lang.reflect.Modifier.isStatic(f.modifiers)) continue
                f.isAccessible = true
                // A UInt field is stored as a Java int: read it back unsigned.
                val raw = f.get(v)
                o.put(snake(f.name), if (raw is Int) raw.toUInt().toLong() else of(raw))
            }
        }
    }
}
