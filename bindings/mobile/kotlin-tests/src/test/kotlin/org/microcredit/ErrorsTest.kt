package org.microcredit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.math.BigDecimal
import java.time.LocalDate
import org.microcredit.core.*

/** Bad input is a typed `MicrocreditException`, never an `InternalException`; a panic does not kill the JVM. */
class ErrorsTest {
    private val base = Fixtures.weeklyLoan()

    @Test
    fun negativePrincipalIsAValidationError() {
        val e = assertThrows(MicrocreditException.Validation::class.java) {
            quote(base.copy(principal = BigDecimal("-100")))
        }
        assertEquals("principal", e.field)
        assertEquals("-100", e.value)
    }

    @Test
    fun moreDecimalsThanTheCurrencyAllows() {
        val e = assertThrows(MicrocreditException.TooManyDecimals::class.java) {
            schedule(base.copy(principal = BigDecimal("10.001")))
        }
        assertEquals("principal", e.field)
        assertEquals("USD", e.currency)
        assertEquals(2u, e.minorUnits)
    }

    @Test
    fun firstRepaymentBeforeDisbursement() {
        val e = assertThrows(MicrocreditException.Validation::class.java) {
            quote(base.copy(firstRepaymentDate = base.disbursementDate.minusDays(3)))
        }
        assertEquals("first_repayment_date", e.field)
    }

    @Test
    fun malformedJson() {
        assertThrows(MicrocreditException.Json::class.java) { termsFromJson("{\"principal\": \"100\", ") }
        assertThrows(MicrocreditException.Json::class.java) { termsFromJson("""{"principal": "100"}""") }
        assertThrows(MicrocreditException.Json::class.java) { quoteFromJson("[]") }
    }

    @Test
    fun unknownCurrencyFailsWhileLiftingAndIsStillTyped() {
        val e = assertThrows(MicrocreditException.UnknownCurrency::class.java) { quote(base.copy(currency = "XYZ")) }
        assertEquals("XYZ", e.code)
    }

    @Test
    fun unrepresentableDecimalAndDateAreTypedNotInternal() {
        // LocalDate.MAX (year 999999999) is beyond chrono's range: the date's try_lift fails.
        // 1E+40 does not fit rust_decimal's 96-bit mantissa: the custom type's try_lift fails.
        val big = assertThrows(MicrocreditException.Validation::class.java) {
            quote(base.copy(principal = BigDecimal("1E+40")))
        }
        assertEquals("decimal", big.field)
        val date = assertThrows(MicrocreditException.Validation::class.java) {
            schedule(base.copy(disbursementDate = LocalDate.MAX))
        }
        assertEquals("date", date.field)
    }

    @Test
    fun exceptionsAreOneSealedFamily() {
        val e: MicrocreditException = assertThrows(MicrocreditException::class.java) {
            quote(base.copy(installments = 0u))
        }
        assertTrue(e is MicrocreditException.Validation)
        assertTrue(e.message!!.contains("installments"), e.message)
    }

    @Test
    fun panicArrivesAsAnExceptionAndTheLibraryStillWorks() {
        val e = assertThrows(InternalException::class.java) { debugPanic() }
        assertTrue(e.message!!.contains("deliberate"), e.message)
        assertEquals(52, quote(base).schedule.installments.size)
    }
}
