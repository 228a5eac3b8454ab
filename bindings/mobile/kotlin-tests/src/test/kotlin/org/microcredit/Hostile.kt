package org.microcredit

import org.junit.jupiter.api.Assertions.assertTimeoutPreemptively
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.function.ThrowingSupplier
import java.util.function.Supplier
import java.math.BigDecimal
import java.time.Duration
import java.time.LocalDate
import org.microcredit.core.*

/**
 * Hostile values (issue 14) and the one rule every exported call must keep with them: it returns a
 * value or throws a `MicrocreditException` subtype other than `Internal` whose message echoes only
 * a bounded prefix of the input. Never `InternalException` (a Rust panic), never another exception,
 * never a hang.
 */
object Hostile {
    /** `Decimal::MAX` of the core: 2^96 - 1. */
    val MAX = BigDecimal("79228162514264337593543950335")

    /** 40 significant digits: more than a 96-bit decimal holds. */
    val FORTY_DIGITS = BigDecimal("1234567890123456789012345678901234567890")

    /** 29 significant digits, which `str::parse` used to round to 1000 (finding 10). */
    val ROUNDED_AWAY = BigDecimal("1000.000000000000000000000000001")

    /** 1E+1000: lowered by `toPlainString()` as "1" and a thousand zeros. */
    val HUGE_PLAIN = BigDecimal("1E+1000")

    val decimals: List<BigDecimal> = listOf(
        BigDecimal.ZERO, BigDecimal("-1"), BigDecimal("0.5"), BigDecimal("-0.999999"), BigDecimal("1E+30"),
        BigDecimal("-1E+30"), BigDecimal("1E+27"), BigDecimal("1E-28"), MAX, MAX.negate(), FORTY_DIGITS,
        FORTY_DIGITS.negate(), ROUNDED_AWAY, HUGE_PLAIN, HUGE_PLAIN.negate(), BigDecimal("1E-1000"),
        BigDecimal("0E-1000"),
    )

    /** The last days chrono can hold (+262142-12-31) and the first (-262143-01-01). */
    val CHRONO_MAX: LocalDate = LocalDate.of(262142, 12, 31)
    val CHRONO_MIN: LocalDate = LocalDate.of(-262143, 1, 1)

    val dates: List<LocalDate> = listOf(
        LocalDate.MIN, LocalDate.MAX, CHRONO_MAX, CHRONO_MAX.minusDays(2), CHRONO_MAX.minusDays(14),
        CHRONO_MAX.plusDays(1), CHRONO_MIN, CHRONO_MIN.plusDays(1), CHRONO_MIN.minusDays(1), LocalDate.of(0, 1, 1),
        LocalDate.of(9999, 12, 31), LocalDate.of(10000, 1, 1),
    )

    val uints: List<UInt> = listOf(0u, 1u, 1201u, Int.MAX_VALUE.toUInt(), (-1).toUInt())

    val doubles: List<Double> = listOf(
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, -1.0, 1.0, 0.9999999999999999,
        Double.MIN_VALUE, Double.MAX_VALUE, 1e-300, 12.0,
    )

    /** 10 MB strings. */
    val tenMbDigits: String = "9".repeat(10 shl 20)
    val tenMbLetters: String = "A".repeat(10 shl 20)

    /** Nested 100,000 levels deep. */
    val deepArrays: String = "[".repeat(100_000)
    val deepObjects: String = "{\"unit\":".repeat(100_000) + "1" + "}".repeat(100_000)

    val currencies: List<String> = listOf("", " ", "usd", "XYZ", "US", "USDD", "\u0000", LONE_SURROGATE, "€", tenMbLetters)

    val frequencies: List<Frequency> = listOf(
        Frequency.Days(0u), Frequency.Days((-1).toUInt()), Frequency.Weeks(0u), Frequency.Weeks(Int.MAX_VALUE.toUInt()),
        Frequency.Months(0u, MonthEnd.LAST_DAY), Frequency.Months((-1).toUInt(), MonthEnd.SAME_DAY),
        Frequency.SemiMonthly(listOf(0u, 32u)), Frequency.SemiMonthly(listOf(15u, 1u)), Frequency.SemiMonthly(listOf(15u, 15u)),
        Frequency.SemiMonthly(listOf((-1).toUInt(), (-1).toUInt())), Frequency.SemiMonthly(listOf(1u, 15u)), Frequency.Days(1u),
        Frequency.SemiMonthly(listOf(1u)), Frequency.SemiMonthly(listOf(1u, 15u, 28u)),
        Frequency.Weeks(1u), Frequency.Months(1u, MonthEnd.SAME_DAY),
    )

    /** An error message longer than this copies input whole instead of a bounded prefix. */
    const val MESSAGE_BOUND = 2_000

    /** How long one call may take. */
    val TIMEOUT: Duration = Duration.ofSeconds(30)

    /** Run [call]: a value or a typed, bounded `MicrocreditException` other than `Internal`. */
    fun check(label: String, call: () -> Any?) {
        val outcome: Throwable? = assertTimeoutPreemptively(TIMEOUT, ThrowingSupplier<Throwable?> {
            try {
                call()
                null
            } catch (e: Throwable) {
                e
            }
        }, Supplier { "$label: took more than $TIMEOUT" })
        when (outcome) {
            null -> {}
            is MicrocreditException.Internal -> fail<Unit>("$label: MicrocreditException.Internal (kind ${outcome.kind}): ${outcome.message?.take(300)}")
            is MicrocreditException -> {
                val message = outcome.message ?: ""
                assertTrue(message.length <= MESSAGE_BOUND) {
                    "$label: ${outcome::class.simpleName} message of ${message.length} chars echoes input whole: ${message.take(200)}..."
                }
                for (field in fieldsOf(outcome)) {
                    assertTrue(field.length <= MESSAGE_BOUND) {
                        "$label: ${outcome::class.simpleName} field of ${field.length} chars: ${field.take(200)}..."
                    }
                }
            }
            // uniffi's generated Kotlin refuses a String that is not valid UTF-16 while lowering it,
            // before the call reaches Rust (documented in bindings/mobile/README.md, "Errors").
            is java.nio.charset.CharacterCodingException ->
                assertTrue(label.contains("lone surrogate")) { "$label: ${outcome::class.qualifiedName}: ${outcome.message}" }
            is InternalException -> fail<Unit>("$label: InternalException (a Rust panic): ${outcome.message?.take(300)}")
            else -> fail<Unit>("$label: ${outcome::class.qualifiedName} instead of a MicrocreditException: ${outcome.message?.take(300)}", outcome)
        }
    }

    /** The text fields of a typed error, each of which must echo only a bounded prefix. */
    fun fieldsOf(e: MicrocreditException): List<String> = when (e) {
        is MicrocreditException.Validation -> listOf(e.field, e.value, e.reason)
        is MicrocreditException.TooManyDecimals -> listOf(e.field, e.value, e.currency)
        is MicrocreditException.UnknownCurrency -> listOf(e.code)
        is MicrocreditException.CurrencyMismatch -> listOf(e.left, e.right)
        is MicrocreditException.NoConvergence -> listOf(e.what, e.reason)
        is MicrocreditException.NoRate -> listOf(e.what, e.reason)
        is MicrocreditException.Overflow -> listOf(e.what)
        is MicrocreditException.LimitExceeded -> listOf(e.what)
        is MicrocreditException.Json -> listOf(e.reason)
        is MicrocreditException.Internal -> listOf(e.kind, e.reason)
    }

    /** A short label for a value (a 10 MB string is not printed). */
    fun show(v: Any?): String {
        val s = v.toString()
        if (s.length > 40) return "${show(s.take(20))}…(${s.length} chars)"
        return s.map { c ->
            when {
                c.isSurrogate() -> "\\u%04X (lone surrogate)".format(c.code)
                c.isISOControl() -> "\\u%04X".format(c.code)
                else -> c.toString()
            }
        }.joinToString("")
    }

    /** A string that is not valid UTF-16. */
    const val LONE_SURROGATE = "\uD800"
}
