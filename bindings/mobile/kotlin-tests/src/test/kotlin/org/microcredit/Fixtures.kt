package org.microcredit

import java.io.File
import java.math.BigDecimal
import java.time.LocalDate
import org.microcredit.core.*
import org.microcredit.core.Collection

/** Shared inputs of the JVM tests. */
object Fixtures {
    /** `tests/golden/` at the repository root (set by surefire; falls back to a relative path). */
    val goldenDir: File = File(System.getProperty("golden.dir") ?: "../../../tests/golden")

    /** A 52-week loan a field officer would offer for a grocery stall: 500 USD, 3 % a month flat, 2 % fee. */
    fun weeklyLoan(): LoanTerms =
        loanTermsWithDefaults(
            principal = BigDecimal("500.00"),
            currency = "USD",
            rate = InterestRate(percent = BigDecimal("3"), per = RatePeriod.MONTH),
            installments = 52u,
            frequency = Frequency.Weeks(every = 1u),
            disbursementDate = LocalDate.of(2025, 3, 3),
        ).copy(
            interestMethod = InterestMethod.FLAT,
            fees = listOf(Fee(kind = FeeKind.UPFRONT, percent = BigDecimal("2"), collect = Collection.DEDUCTED)),
        )
}
