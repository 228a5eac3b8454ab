package org.microcredit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.ByteArrayOutputStream
import java.io.PrintStream
import org.microcredit.core.*

/** Runs `examples/kotlin/QuoteTwoOffers.kt` (compiled as a test source root) so it cannot rot. */
class ExampleTest {
    @Test
    fun quoteTwoOffersRuns() {
        val (a, b) = org.microcredit.examples.quoteTwoOffers()
        assertEquals(24, a.schedule.installments.size)
        assertEquals(6, b.schedule.installments.size)

        val out = ByteArrayOutputStream()
        val saved = System.out
        System.setOut(PrintStream(out, true, "UTF-8"))
        try {
            org.microcredit.examples.main()
        } finally {
            System.setOut(saved)
        }
        val text = out.toString("UTF-8")
        print(text)
        assertTrue(text.contains("APR (MFTransparency)"), text)
        assertTrue(text.contains("Offer A: 24 installments"), text)
    }
}
