package org.microcredit

import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.microcredit.Hostile.CHRONO_MAX
import org.microcredit.Hostile.MAX
import org.microcredit.Hostile.check
import org.microcredit.Hostile.currencies
import org.microcredit.Hostile.dates
import org.microcredit.Hostile.decimals
import org.microcredit.Hostile.doubles
import org.microcredit.Hostile.frequencies
import org.microcredit.Hostile.show
import org.microcredit.Hostile.uints
import java.math.BigDecimal
import java.time.DayOfWeek
import java.time.LocalDate
import org.microcredit.core.*
import org.microcredit.core.Collection
import org.json.JSONArray

/**
 * Every exported function of the Kotlin API called with hostile values (issue 14, "Show"): 40-digit
 * and 1E+1000 decimals, ±1E+30, `Decimal::MAX`, dates at both ends of `LocalDate` and of chrono,
 * empty lists, 10 MB strings, JSON nested 100,000 deep, 0 / -1 / Int.MAX_VALUE as `UInt`, NaN and
 * infinities. Each call returns a value or throws a `MicrocreditException` subtype other than
 * `Internal`, with a bounded message ([Hostile.check]); each case is its own dynamic test.
 */
class HostileInputTest {
    private val base: LoanTerms = Fixtures.weeklyLoan()
    private val one = BigDecimal.ONE
    private val rate = BigDecimal("0.01")

    private fun case(label: String, call: () -> Any?): DynamicTest = dynamicTest(label) { check(label, call) }

    /** Every exported function is covered below (keep in step with `#[uniffi::export]` in bindings/mobile/src). */
    @Test
    fun everyExportIsCovered() {
        val exported = listOf(
            "quote", "schedule", "termsFromJson", "termsToJson", "quoteFromJson", "quoteToJson",
            "loanTermsWithDefaults", "pmt", "ipmt", "ppmt", "fv", "rate", "irr", "xirr", "npv", "costOfFlows", "flowsRepayment",
            "annualise", "regZApr", "debugPanic",
            // LoanAccount: its constructors (companion functions) and its methods.
            "open", "fromEventsJson", "LoanAccount.recordRepayment", "LoanAccount.recordDisbursement",
            "LoanAccount.recordEventJson", "LoanAccount.reverse", "LoanAccount.stateOn", "LoanAccount.eventsJson",
            "LoanAccount.rules", "LoanAccount.payoffOn",
        )
        // The generated top-level functions and constructors (indented four spaces, backquoted
        // names), and each object's methods (declared in its `<Object>Interface`).
        val source = java.io.File("target/generated-sources/uniffi/org/microcredit/microcredit_mobile.kt").readText()
        val functions = Regex("""(?m)^(?:    @Throws\(\w+::class\) |\s+\*/ )fun `(\w+)`\(""").findAll(source)
            .map { it.groupValues[1] }
        val methods = Regex("""(?s)public interface (\w+)Interface \{(.*?)\n    companion object""").findAll(source)
            .flatMap { block -> Regex("""(?m)^    fun `(\w+)`\(""").findAll(block.groupValues[2]).map { "${block.groupValues[1]}.${it.groupValues[1]}" } }
        val generated = (functions + methods).toSet()
        assertEquals(exported.toSet(), generated, "exported functions changed: add hostile cases for the new ones")
    }

    /**
     * The one exception that is not a `MicrocreditException`: uniffi's generated Kotlin encodes every
     * String as UTF-8 and refuses one that is not valid UTF-16 (a lone surrogate) before the call
     * reaches Rust. It is a `java.nio.charset.CharacterCodingException` (documented in the README).
     */
    @Test
    fun aLoneSurrogateIsRefusedBeforeTheCall() {
        assertThrows(java.nio.charset.CharacterCodingException::class.java) { termsFromJson(Hostile.LONE_SURROGATE) }
        assertThrows(java.nio.charset.CharacterCodingException::class.java) { quote(base.copy(currency = "US" + Hostile.LONE_SURROGATE)) }
        // A valid pair (an emoji) crosses and is a typed error.
        assertThrows(MicrocreditException.UnknownCurrency::class.java) { quote(base.copy(currency = "\uD83D\uDCB5")) }
    }

    /** Terms with one field made hostile: the options a field officer's app can set. */
    private fun hostileTerms(): List<Pair<String, LoanTerms>> {
        val out = mutableListOf<Pair<String, LoanTerms>>()
        for (d in decimals) {
            out += "principal=${show(d)}" to base.copy(principal = d)
            out += "rate=${show(d)}" to base.copy(rate = InterestRate(d, RatePeriod.YEAR))
            out += "installmentMultiple=${show(d)}" to base.copy(installmentMultiple = d)
            out += "fee.amount=${show(d)}" to base.copy(fees = listOf(Fee(kind = FeeKind.PER_INSTALLMENT, amount = d, collect = Collection.DEDUCTED)))
            out += "fee.percent=${show(d)}" to base.copy(fees = listOf(Fee(kind = FeeKind.UPFRONT, percent = d, collect = Collection.FINANCED)))
            out += "insurance=${show(d)}" to base.copy(insurance = Insurance(d, InsuranceBasis.OUTSTANDING_BALANCE, Collection.DEDUCTED))
            out += "insuranceUpfront=${show(d)}" to base.copy(insurance = Insurance(d, InsuranceBasis.PRINCIPAL_UPFRONT, Collection.FINANCED))
            out += "savings.perInstallment=${show(d)}" to base.copy(savings = CompulsorySavings(BigDecimal.ZERO, d))
            out += "savings.atDisbursement=${show(d)}" to base.copy(savings = CompulsorySavings(d, BigDecimal.ZERO))
        }
        for (p in RatePeriod.values()) out += "rate=1E+27/$p" to base.copy(rate = InterestRate(BigDecimal("1E+27"), p))
        for (c in currencies) out += "currency=${show(c)}" to base.copy(currency = c)
        for (n in uints) {
            out += "installments=$n" to base.copy(installments = n)
            out += "graceOnPrincipal=$n" to base.copy(graceOnPrincipal = n)
            out += "graceOnInterestPayment=$n" to base.copy(graceOnInterestPayment = n)
            out += "interestFreePeriods=$n" to base.copy(interestFreePeriods = n)
        }
        for (f in frequencies) out += "frequency=$f" to base.copy(frequency = f)
        for (d in dates) {
            out += "disbursement=$d" to base.copy(disbursementDate = d)
            out += "firstRepayment=$d" to base.copy(firstRepaymentDate = d)
            out += "holiday=$d" to base.copy(businessDays = BusinessDays(listOf(DayOfWeek.SUNDAY), listOf(d), BusinessDayRule.NEXT))
        }
        // Near the ends of chrono's calendar, with every frequency, working-day rule and shape.
        val nearEnd = listOf(CHRONO_MAX, CHRONO_MAX.minusDays(1), CHRONO_MAX.minusDays(3), CHRONO_MAX.minusDays(14), CHRONO_MAX.minusDays(40))
        val shortFrequencies = listOf(
            Frequency.Days(1u), Frequency.Weeks(1u), Frequency.Weeks(2u), Frequency.Months(1u, MonthEnd.LAST_DAY),
            Frequency.Months(1u, MonthEnd.SAME_DAY), Frequency.SemiMonthly(listOf(1u, 15u)), Frequency.SemiMonthly(listOf(15u, 31u)),
        )
        for (start in nearEnd) for (f in shortFrequencies) {
            val t = base.copy(disbursementDate = start, frequency = f, installments = 3u, fees = emptyList())
            out += "nearEnd $start $f" to t
            out += "nearEnd $start $f first=${start.plusDays(1)}" to t.copy(firstRepaymentDate = if (start < CHRONO_MAX) start.plusDays(1) else start)
            for (rule in BusinessDayRule.values()) {
                // Every weekday but one is non-working, so dates move as far as they can.
                out += "nearEnd $start $f $rule" to t.copy(
                    businessDays = BusinessDays(DayOfWeek.values().filter { it != DayOfWeek.MONDAY }, listOf(CHRONO_MAX), rule),
                )
            }
            for (method in InterestMethod.values()) for (shape in Amortization.values()) for (basis in InterestBasis.values()) {
                out += "nearEnd $start $f $method $shape $basis" to t.copy(interestMethod = method, amortization = shape, interestBasis = basis)
            }
        }
        val nearStart = Hostile.CHRONO_MIN
        for (f in shortFrequencies) for (rule in BusinessDayRule.values()) {
            out += "nearStart $f $rule" to base.copy(
                disbursementDate = nearStart, frequency = f, installments = 3u,
                businessDays = BusinessDays(DayOfWeek.values().filter { it != DayOfWeek.SUNDAY }, emptyList(), rule),
            )
        }
        // Calendars: no working day, every weekday listed twice, 100,000 holidays.
        out += "allWeekdaysOff" to base.copy(businessDays = BusinessDays(DayOfWeek.values().toList(), emptyList(), BusinessDayRule.NEXT))
        out += "weekdaysTwice" to base.copy(businessDays = BusinessDays(DayOfWeek.values().toList() + DayOfWeek.values().toList(), emptyList(), BusinessDayRule.PREVIOUS))
        val holidays = (0L until 100_000L).map { LocalDate.of(2025, 1, 1).plusDays(it) }
        for (rule in BusinessDayRule.values()) {
            out += "100000 holidays $rule" to base.copy(businessDays = BusinessDays(listOf(DayOfWeek.SUNDAY), holidays, rule))
        }
        // Fees: none of amount and percent, both, 10,000 of them, a 10 MB name.
        out += "fee without amount" to base.copy(fees = listOf(Fee(kind = FeeKind.UPFRONT, collect = Collection.DEDUCTED)))
        out += "fee with both" to base.copy(fees = listOf(Fee(kind = FeeKind.UPFRONT, amount = one, percent = one, collect = Collection.DEDUCTED)))
        out += "10000 fees" to base.copy(fees = List(10_000) { Fee(kind = FeeKind.PER_INSTALLMENT, amount = MAX, collect = Collection.FINANCED) })
        out += "fee name 10 MB" to base.copy(fees = listOf(Fee(name = Hostile.tenMbLetters, kind = FeeKind.UPFRONT, amount = one, collect = Collection.DEDUCTED)))
        // Everything at its largest at once.
        out += "all at max" to base.copy(
            principal = MAX, rate = InterestRate(MAX, RatePeriod.DAY), installments = 1200u, frequency = Frequency.Days(1u),
            installmentMultiple = MAX, graceOnPrincipal = 1199u, graceOnInterestPayment = 1199u,
            fees = listOf(Fee(kind = FeeKind.PER_INSTALLMENT, amount = MAX, collect = Collection.FINANCED)),
            insurance = Insurance(MAX, InsuranceBasis.OUTSTANDING_BALANCE, Collection.FINANCED),
            savings = CompulsorySavings(MAX, MAX),
        )
        out += "1200 daily installments at 1E+27 %/day" to base.copy(
            principal = BigDecimal("1E+27"), rate = InterestRate(BigDecimal("1E+27"), RatePeriod.DAY), installments = 1200u,
            frequency = Frequency.Days(1u), amortization = Amortization.INTEREST_ONLY_BALLOON,
        )
        return out
    }

    @TestFactory
    fun quoteScheduleAndTermsToJson(): List<DynamicTest> = hostileTerms().flatMap { (label, terms) ->
        listOf(
            case("quote $label") { quote(terms) },
            case("schedule $label") { schedule(terms) },
            case("termsToJson $label") { termsToJson(terms) },
        )
    }

    @TestFactory
    fun loanTermsWithDefaults(): List<DynamicTest> {
        val out = mutableListOf<DynamicTest>()
        val rate = InterestRate(BigDecimal("24"), RatePeriod.YEAR)
        val date = LocalDate.of(2025, 1, 15)
        fun call(p: BigDecimal = BigDecimal("1000"), c: String = "USD", r: InterestRate = rate, n: UInt = 12u, f: Frequency = Frequency.Months(1u, MonthEnd.SAME_DAY), d: LocalDate = date) =
            loanTermsWithDefaults(p, c, r, n, f, d)
        for (p in decimals) out += case("principal=${show(p)}") { call(p = p) }
        for (c in currencies) out += case("currency=${show(c)}") { call(c = c) }
        for (x in decimals) for (per in RatePeriod.values()) out += case("rate=${show(x)}/$per") { call(r = InterestRate(x, per)) }
        for (n in uints) out += case("installments=$n") { call(n = n) }
        for (f in frequencies) out += case("frequency=$f") { call(f = f) }
        for (d in dates) for (f in frequencies) out += case("date=$d $f") { call(d = d, f = f) }
        return out
    }

    @TestFactory
    fun termsAndQuoteFromJson(): List<DynamicTest> {
        val valid = termsToJson(base)
        val validQuote = quoteToJson(quote(base))
        fun withField(json: String, field: String, value: String): String =
            json.replaceFirst(Regex("\"$field\":\\s*(\"[^\"]*\"|[^,}]+)"), "\"$field\": $value")
        val texts = mutableListOf(
            "empty" to "", "blank" to "   ", "null" to "null", "array" to "[]", "number" to "1e1000", "NUL" to "\u0000",
            "lone surrogate" to "\uD800", "10 MB letters" to Hostile.tenMbLetters, "10 MB digits" to Hostile.tenMbDigits,
            "100000 [" to Hostile.deepArrays, "100000 nested objects" to Hostile.deepObjects,
            "10 MB string" to "\"" + Hostile.tenMbLetters + "\"",
        )
        val fields = listOf(
            "principal" to listOf("\"${Hostile.tenMbDigits}\"", "\"1000.000000000000000000000000001\"", "\"1E+1000\"", "\"-1E+30\"", "1e1000", "\"NaN\"", "\"inf\"", "null", Hostile.deepArrays),
            "currency" to listOf("\"${Hostile.tenMbLetters}\"", "\"\"", "\"xyz\"", "1", Hostile.deepObjects),
            "installments" to listOf("0", "-1", "4294967296", "1e400", "\"${Hostile.tenMbDigits}\"", "1.5", "2147483647"),
            "disbursement_date" to listOf("\"+262142-12-29\"", "\"+262142-12-31\"", "\"+262143-01-01\"", "\"-262143-01-01\"", "\"-999999999-01-01\"", "\"2025-02-30\"", "\"${Hostile.tenMbDigits}\"", "\"\""),
            "frequency" to listOf("{\"unit\": \"days\", \"every\": 4294967295}", "{\"unit\": \"semi_monthly\", \"days\": [0, 99]}", "{\"unit\": \"weeks\"}", "{\"unit\": ${"{\"unit\": ".repeat(15_000)}1${"}".repeat(15_000)}}", "\"${Hostile.tenMbLetters}\""),
            "interest_method" to listOf("\"${Hostile.tenMbLetters}\"", "\"\"", "7"),
        )
        for ((field, values) in fields) for (v in values) texts += "terms $field=${show(v)}" to withField(valid, field, v)
        // The issue's calendar cases as JSON.
        texts += "weekly near the limit" to """{"principal": "1000", "currency": "USD", "rate": {"percent": "24", "per": "year"},
            "installments": 12, "frequency": {"unit": "weeks", "every": 1}, "disbursement_date": "+262142-12-29",
            "first_repayment_date": "+262142-12-30"}"""
        texts += "semi-monthly near the limit" to """{"principal": "1000", "currency": "USD", "rate": {"percent": "24", "per": "year"},
            "installments": 3, "frequency": {"unit": "semi_monthly", "days": [1, 15]}, "disbursement_date": "+262142-12-20"}"""
        val out = mutableListOf<DynamicTest>()
        for ((label, text) in texts) {
            out += case("termsFromJson $label") { termsFromJson(text) }
            out += case("quoteFromJson $label") { quoteFromJson(text) }
        }
        // A quote whose figures were tampered with.
        for (field in listOf("total", "principal", "annual_rate", "percent", "due_date", "net_amount")) {
            for (v in listOf("\"${Hostile.tenMbDigits}\"", "\"1E+1000\"", "\"1000.000000000000000000000000001\"", "\"+262143-01-01\"", "null", "-1")) {
                out += case("quoteFromJson $field=${show(v)}") { quoteFromJson(withField(validQuote, field, v)) }
            }
        }
        return out
    }

    @TestFactory
    fun quoteToJson(): List<DynamicTest> {
        val q = quote(base)
        val first = q.schedule.installments.first()
        val out = mutableListOf<DynamicTest>()
        out += case("no installments") { quoteToJson(q.copy(schedule = q.schedule.copy(installments = emptyList()))) }
        out += case("no costs") { quoteToJson(q.copy(costs = emptyList())) }
        for ((label, terms) in hostileTerms().filterIndexed { i, _ -> i % 7 == 0 }) {
            out += case("terms $label") { quoteToJson(q.copy(terms = terms)) }
        }
        for (d in decimals) {
            out += case("installment total=${show(d)}") { quoteToJson(q.copy(schedule = q.schedule.copy(installments = listOf(first.copy(total = d))))) }
            out += case("cost=${show(d)}") { quoteToJson(q.copy(costs = listOf(q.costs.first().copy(annualRate = d, percent = d)))) }
        }
        for (d in dates) out += case("due date $d") { quoteToJson(q.copy(schedule = q.schedule.copy(installments = listOf(first.copy(dueDate = d))))) }
        out += case("schedule currency 10 MB") { quoteToJson(q.copy(schedule = q.schedule.copy(currency = Hostile.tenMbLetters))) }
        out += case("100000 installments") { quoteToJson(q.copy(schedule = q.schedule.copy(installments = List(100_000) { first }))) }
        return out
    }

    @TestFactory
    fun paymentFunctions(): List<DynamicTest> {
        val out = mutableListOf<DynamicTest>()
        val normal = listOf(rate, BigDecimal("12"), BigDecimal("1000"), BigDecimal.ZERO, BigDecimal("3"))
        for (timing in When.values()) {
            for (slot in 0 until 5) for (d in decimals) {
                val a = normal.toMutableList().also { it[slot] = d }
                val l = "[$slot]=${show(d)} $timing"
                if (slot < 4) {
                    out += case("pmt $l") { pmt(a[0], a[1], a[2], a[3], timing) }
                    out += case("fv $l") { fv(a[0], a[1], a[2], a[3], timing) }
                    out += case("rate $l") { rate(a[1], a[2].negate(), a[2], a[3], timing) }
                }
                // ipmt/ppmt(rate, per, nper, pv, fv): slot 4 is `per`.
                out += case("ipmt $l") { ipmt(a[0], a[4], a[1], a[2], a[3], timing) }
                out += case("ppmt $l") { ppmt(a[0], a[4], a[1], a[2], a[3], timing) }
            }
            // Every argument hostile at once.
            for (d in decimals) for (e in listOf(MAX, MAX.negate(), BigDecimal.ZERO, BigDecimal("-2"), BigDecimal("0.5"))) {
                val l = "${show(d)},${show(e)} $timing"
                out += case("pmt all $l") { pmt(d, e, d, e, timing) }
                out += case("fv all $l") { fv(d, e, e, d, timing) }
                out += case("rate all $l") { rate(e, d, e, d, timing) }
                out += case("ipmt all $l") { ipmt(d, e, e, d, e, timing) }
                out += case("ppmt all $l") { ppmt(e, d, d, e, d, timing) }
            }
        }
        return out
    }

    @TestFactory
    fun ratesOfReturnAndNpv(): List<DynamicTest> {
        val out = mutableListOf<DynamicTest>()
        val lists = mutableListOf<Pair<String, List<BigDecimal>>>(
            "empty" to emptyList(), "one" to listOf(BigDecimal("-100")), "zeros" to List(10) { BigDecimal.ZERO },
            "all positive" to List(5) { BigDecimal("10") }, "max" to listOf(MAX, MAX.negate(), MAX),
            "1E+30" to listOf(BigDecimal("-1E+30"), BigDecimal("1E+30")), "tiny" to listOf(BigDecimal("-1E-28"), BigDecimal("2E-28")),
            "10000 flows" to listOf(BigDecimal("-100000")) + List(9_999) { BigDecimal("11") },
            "finding 6" to listOf(BigDecimal("900")) + List(599) { BigDecimal("-2") } + listOf(BigDecimal("10")),
        )
        for (d in decimals) lists += "with ${show(d)}" to listOf(BigDecimal("-100"), d, BigDecimal("110"))
        for ((label, values) in lists) {
            out += case("irr $label") { irr(values) }
            for (style in NpvStyle.values()) for (r in decimals + listOf(BigDecimal("-1"), BigDecimal("-2"))) {
                out += case("npv $label rate=${show(r)} $style") { npv(r, values, style) }
            }
            val days = values.indices.map { LocalDate.of(2025, 1, 1).plusDays(it * 30L) }
            out += case("xirr $label") { xirr(values, days) }
            out += case("xirr $label, one date short") { xirr(values, days.drop(1)) }
            out += case("xirr $label, one date") { xirr(values, List(values.size) { LocalDate.of(2025, 1, 1) }) }
        }
        for (d in dates) for (e in dates) {
            out += case("xirr dates $d $e") { xirr(listOf(BigDecimal("-100"), BigDecimal("110")), listOf(d, e)) }
        }
        return out
    }

    @TestFactory
    fun costOfFlows(): List<DynamicTest> {
        val out = mutableListOf<DynamicTest>()
        // Conventions are an enum: a hostile name cannot cross the boundary at all.
        val conventions = NamedConvention.entries.toList()
        val d0 = LocalDate.of(2025, 1, 1)
        val flowSets = mutableListOf<Pair<String, List<DatedAmount>>>(
            "empty" to emptyList(), "one" to listOf(DatedAmount(d0, BigDecimal("100"))),
            "normal" to listOf(DatedAmount(d0, BigDecimal("1000"))) + (1..12).map { DatedAmount(d0.plusMonths(it.toLong()), BigDecimal("-95")) },
            "same date" to List(3) { DatedAmount(d0, BigDecimal("100")) },
            "all positive" to (0..3).map { DatedAmount(d0.plusMonths(it.toLong()), BigDecimal("100")) },
        )
        for (d in decimals) flowSets += "amount ${show(d)}" to listOf(DatedAmount(d0, d), DatedAmount(d0.plusMonths(1), BigDecimal("-110")))
        for (d in dates) flowSets += "date $d" to listOf(DatedAmount(d0, BigDecimal("1000")), DatedAmount(d, BigDecimal("-1100")))
        flowSets += "chrono ends" to listOf(DatedAmount(Hostile.CHRONO_MIN, BigDecimal("1000")), DatedAmount(CHRONO_MAX, BigDecimal("-1100")))
        for ((label, flows) in flowSets) for (c in conventions) {
            out += case("$label ${show(c)}") { costOfFlows(flows, Frequency.Months(1u, MonthEnd.SAME_DAY), c) }
        }
        for ((label, flows) in flowSets) out += case("flowsRepayment $label") { flowsRepayment(flows) }
        val normal = flowSets[2].second
        for (f in frequencies) for (c in conventions) out += case("frequency $f $c") { costOfFlows(normal, f, c) }
        return out
    }

    @TestFactory
    fun annualiseAndRegZ(): List<DynamicTest> {
        val out = mutableListOf<DynamicTest>()
        for (how in Annualisation.values()) for (p in decimals + listOf(BigDecimal("-1"), BigDecimal("-2"))) for (m in doubles) {
            out += case("annualise ${show(p)} $m $how") { annualise(p, m, how) }
        }
        val flows = listOf(UnitPeriodFlow(BigDecimal("1000"), 0u, 0.0), UnitPeriodFlow(BigDecimal("-1044"), 1u, 0.0))
        for (m in doubles) out += case("regZApr ppy=$m") { regZApr(flows, m) }
        for (odd in doubles) out += case("regZApr odd=$odd") { regZApr(listOf(flows[0], flows[1].copy(odd = odd)), 12.0) }
        for (t in uints) out += case("regZApr t=$t") { regZApr(listOf(flows[0], flows[1].copy(t = t)), 12.0) }
        for (d in decimals) out += case("regZApr amount=${show(d)}") { regZApr(listOf(flows[0].copy(amount = d), flows[1]), 12.0) }
        out += case("regZApr empty") { regZApr(emptyList(), 12.0) }
        out += case("regZApr one") { regZApr(flows.take(1), 12.0) }
        out += case("regZApr 10000") { regZApr(flows + List(10_000) { UnitPeriodFlow(BigDecimal("-1"), it.toUInt(), 0.5) }, 12.0) }
        return out
    }

    /** A 1000 USD monthly loan's account, disbursed. */
    private val accountTerms: LoanTerms = termsFromJson(
        """{"principal": "1000", "currency": "USD", "rate": {"percent": "24", "per": "year"},
        "installments": 4, "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-01-10"}""",
    )
    private val d0 = LocalDate.of(2025, 1, 10)
    private fun disbursed(): LoanAccount =
        LoanAccount.open(accountTerms, null).also { it.recordDisbursement(BigDecimal("1000"), d0, "d", "o") }

    /**
     * Known gap of the core (reported): the core does not bound an event's amount, and an amount
     * from about 7.9E+26 USD up makes it panic: a second disbursement adds it to the first and
     * overflows (`Decimal` `+`), and a repayment or charge is recorded but the state that sums its
     * minor units then panics (`Currency::amount_of_minor`, past a decimal's 96 bits). While it
     * does, those cases are skipped here (a probe on a fresh account shows the panic), not passed;
     * once the core refuses such amounts, they run as the others do.
     */
    /**
     * [check] the call on a fresh [account], then its state on [on] and its events: each returns a
     * value or a typed error. [amount] is the amount the call records, if any (amounts past 1e12,
     * which once broke an account's state, are refused now; the parameter stays for the reader).
     */
    @Suppress("UNUSED_PARAMETER")
    private fun recordThenState(label: String, account: () -> LoanAccount, amount: BigDecimal?, on: LocalDate, call: (LoanAccount) -> Any?): DynamicTest =
        dynamicTest(label) {
            val a = account()
            check(label) { call(a) }
            check("$label, then stateOn") { a.stateOn(on) }
            check("$label, then payoffOn") { a.payoffOn(on) }
            check("$label, then eventsJson") { a.eventsJson() }
        }

    private val texts: List<Pair<String, String?>> = listOf(
        "null" to null, "empty" to "", "NUL" to "\u0000", "lone surrogate" to Hostile.LONE_SURROGATE,
        "65 chars" to "r".repeat(65), "10 MB" to Hostile.tenMbLetters, "emoji" to "\uD83D\uDCB5".repeat(64),
    )

    @TestFactory
    fun loanAccountRecordings(): List<DynamicTest> {
        val out = mutableListOf<DynamicTest>()
        val dates = Hostile.dates + listOf(d0, d0.minusDays(1), LocalDate.of(2025, 2, 10), LocalDate.of(2030, 1, 1))
        for (d in decimals) for (date in dates) {
            out += recordThenState("recordRepayment ${show(d)} $date", ::disbursed, d, date) {
                it.recordRepayment(d, date, "R-1", "cash", "d", "o")
            }
            out += recordThenState("recordDisbursement ${show(d)} $date", { LoanAccount.open(accountTerms, null) }, d, date) {
                it.recordDisbursement(d, date, "d", "o")
            }
            out += recordThenState("recordDisbursement ${show(d)} $date, after one", ::disbursed, d, date) {
                it.recordDisbursement(d, date, "d", "o")
            }
            out += recordThenState("charge ${show(d)} $date", ::disbursed, d, date) {
                it.recordEventJson("""{"id": "0194a000-0000-7000-8000-000000000001", "effective": "$date", "kind": "charge", "charge": "fee", "amount": "${d.toPlainString()} USD"}""")
            }
        }
        for ((label, t) in texts) {
            val text = t ?: ""
            out += recordThenState("recordRepayment receipt=$label", ::disbursed, null, d0) {
                it.recordRepayment(one, d0.plusDays(1), t, null, "d", "o")
            }
            out += recordThenState("recordRepayment channel=$label", ::disbursed, null, d0) {
                it.recordRepayment(one, d0.plusDays(1), null, t, "d", "o")
            }
            out += recordThenState("recordRepayment device=$label", ::disbursed, null, d0) {
                it.recordRepayment(one, d0.plusDays(1), null, null, text, "o")
            }
            out += recordThenState("recordDisbursement officer=$label", { LoanAccount.open(accountTerms, null) }, null, d0) {
                it.recordDisbursement(one, d0, "d", text)
            }
            out += recordThenState("reverse id=$label", ::disbursed, null, d0) { it.reverse(text, d0, "d", "o") }
            out += recordThenState("reverse device=$label", ::disbursed, null, d0) {
                it.reverse(JSONArray(it.eventsJson()).getJSONObject(0).getString("id"), d0, text, "o")
            }
        }
        for (date in dates) {
            out += recordThenState("reverse the disbursement on $date", ::disbursed, null, date) {
                it.reverse(JSONArray(it.eventsJson()).getJSONObject(0).getString("id"), date, "d", "o")
            }
            out += recordThenState("reverse an unknown id on $date", ::disbursed, null, date) {
                it.reverse("0194a000-0000-7000-8000-000000000000", date, "d", "o")
            }
            out += case("stateOn $date, approved") { LoanAccount.open(accountTerms, null).stateOn(date) }
            out += case("stateOn $date, disbursed") { disbursed().stateOn(date) }
            out += case("payoffOn $date, approved") { LoanAccount.open(accountTerms, null).payoffOn(date) }
            out += case("payoffOn $date, disbursed") { disbursed().payoffOn(date) }
        }
        out += case("stateOn after 200 repayments") {
            val a = disbursed()
            repeat(200) { i -> a.recordRepayment(BigDecimal("1.01"), d0.plusDays(i + 1L), "R-$i", null, "d", "o") }
            a.stateOn(CHRONO_MAX)
        }
        out += case("rules") { disbursed().rules() }
        return out
    }

    /** Event and rules texts: 10 MB, nested deep, the calendar's ends, amounts past what decimals hold. */
    @TestFactory
    fun loanAccountJson(): List<DynamicTest> {
        val out = mutableListOf<DynamicTest>()
        val id = "0194a000-0000-7000-8000-000000000009"
        fun event(fields: String) = """{"id": "$id", "effective": "2025-02-10", $fields}"""
        val garbage = listOf(
            "", "   ", "null", "[]", "{}", "1e1000", "\u0000", Hostile.tenMbLetters, Hostile.tenMbDigits, Hostile.deepArrays,
            Hostile.deepObjects, "\"" + Hostile.tenMbLetters + "\"",
        )
        val events = mutableListOf<String>()
        events += garbage
        val amounts = mutableMapOf<Int, BigDecimal>()
        for (amount in listOf("1E+1000", "79228162514264337593543950335", "1E+27", "1E+20", "1000.000000000000000000000000001", "-1", "0", "1.001", Hostile.tenMbDigits, "NaN")) {
            for (fields in listOf(""""kind": "repayment"""", """"kind": "charge", "charge": "fee"""", """"kind": "waiver", "part": "interest"""", """"kind": "refund"""")) {
                amount.takeIf { it.length < 100 }?.toBigDecimalOrNull()?.let { amounts[events.size] = it }
                events += event("""$fields, "amount": "$amount USD"""")
            }
        }
        for (date in listOf("+262142-12-31", "-262143-01-01", "+262143-01-01", "2025-02-30", Hostile.tenMbDigits, "")) {
            events += """{"id": "$id", "effective": "$date", "kind": "repayment", "amount": "1 USD"}"""
            events += """{"id": "$id", "effective": "$date", "kind": "write_off"}"""
        }
        for (kind in listOf("write_off", "recovery", "nonsense", Hostile.tenMbLetters)) events += event(""""kind": "$kind", "amount": "1 USD"""")
        events += event(""""kind": "repayment", "amount": "1 USD", "receipt": "${Hostile.tenMbLetters}"""")
        events += event(""""kind": "repayment", "amount": "1 ${Hostile.tenMbLetters}"""")
        events += event(""""kind": "reversal", "of": "${Hostile.tenMbLetters}"""")
        events += event(""""kind": "reversal", "of": "$id"""")
        events += """{"id": "${Hostile.tenMbLetters}", "effective": "2025-02-10", "kind": "write_off"}"""
        events += event(""""kind": "repayment", "amount": "1 USD", "recorded": {"at_unix_millis": 1e400, "device": "${Hostile.tenMbLetters}"}""")
        for ((i, e) in events.withIndex()) {
            out += recordThenState("recordEventJson #$i ${show(e)}", ::disbursed, amounts[i], CHRONO_MAX) { it.recordEventJson(e) }
            out += case("fromEventsJson #$i ${show(e)}") { LoanAccount.fromEventsJson(accountTerms, null, "[$e]").stateOn(CHRONO_MAX) }
        }
        for ((i, e) in garbage.withIndex()) out += case("fromEventsJson garbage #$i ${show(e)}") { LoanAccount.fromEventsJson(accountTerms, null, e) }
        val rules = garbage + listOf(
            """{"arrears": {"tolerance": "1E+1000"}}""", """{"arrears": {"tolerance": "-1"}}""",
            """{"arrears": {"tolerance": "79228162514264337593543950335"}}""", """{"arrears": {"grace_days": 4294967296}}""",
            """{"arrears": {"grace_days": 4294967295}}""", """{"arrears": {"buckets": []}}""",
            """{"arrears": {"buckets": [{"name": "a", "min_days": 0, "max_days": 4294967295}, {"name": "b", "min_days": 0}]}}""",
            """{"arrears": {"buckets": [${List(100_000) { """{"name": "b", "min_days": 0}""" }.joinToString(",")}]}}""",
            """{"arrears": {"buckets": [{"name": "${Hostile.tenMbLetters}", "min_days": 0}]}}""",
            """{"allocation": {"steps": []}}""", """{"allocation": {"named": "${Hostile.tenMbLetters}"}}""",
            """{"allocation": {"steps": [${List(100_000) { """{"timings": ["due"], "parts": ["interest"]}""" }.joinToString(",")}]}}""",
        )
        for ((i, r) in rules.withIndex()) {
            out += case("open rules #$i ${show(r)}") { LoanAccount.open(accountTerms, r) }
            out += case("fromEventsJson rules #$i ${show(r)}") { LoanAccount.fromEventsJson(accountTerms, r, "[]") }
        }
        // Terms made hostile, with and without rules.
        for ((label, terms) in hostileTerms().filterIndexed { i, _ -> i % 5 == 0 }) {
            out += case("open $label") { LoanAccount.open(terms, null).stateOn(CHRONO_MAX) }
            out += case("fromEventsJson $label") { LoanAccount.fromEventsJson(terms, "{}", "[]") }
        }
        // A long stored history loads in one pass (Account::merged), and its state is one replay.
        out += case("fromEventsJson 5000 events") {
            val pays = (1..5000).joinToString(",") { i ->
                """{"id": "0194a000-0000-7000-8000-${"%012d".format(i)}", "effective": "${d0.plusDays(i.toLong())}", "kind": "repayment", "amount": "0.01 USD"}"""
            }
            val disbursement = """{"id": "0194a000-0000-7000-8000-000000000000", "effective": "$d0", "kind": "disbursement", "amount": "1000 USD"}"""
            LoanAccount.fromEventsJson(accountTerms, null, "[$disbursement,$pays]").stateOn(CHRONO_MAX)
        }
        return out
    }
}
