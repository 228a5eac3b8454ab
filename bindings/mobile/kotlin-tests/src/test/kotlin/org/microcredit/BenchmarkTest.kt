package org.microcredit

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test
import java.io.File
import org.microcredit.core.*

/**
 * Cost of one `quote` call from Kotlin on the JVM (JNA): a 52-installment weekly schedule with its
 * cost under all eight conventions. Tagged `benchmark`, so it runs only with
 * `bindings/mobile/run-tests.sh --bench` (Maven profile `-Pbenchmark`).
 */
@Tag("benchmark")
class BenchmarkTest {
    @Test
    fun quoteOf52WeeklyInstallments() {
        val terms = Fixtures.weeklyLoan()
        val warmup = Integer.getInteger("bench.warmup", 3_000)
        val iterations = Integer.getInteger("bench.iterations", 10_000)
        repeat(warmup) { quote(terms) }
        val nanos = LongArray(iterations)
        for (i in 0 until iterations) {
            val t0 = System.nanoTime()
            val q = quote(terms)
            nanos[i] = System.nanoTime() - t0
            if (q.schedule.installments.size != 52) error("wrong schedule")
        }
        nanos.sort()
        fun us(p: Double) = nanos[((iterations - 1) * p).toInt()] / 1000.0
        val json = termsToJson(terms)
        repeat(warmup) { quote(termsFromJson(json)) }
        val viaJson = LongArray(iterations)
        for (i in 0 until iterations) {
            val t0 = System.nanoTime()
            quote(termsFromJson(json))
            viaJson[i] = System.nanoTime() - t0
        }
        viaJson.sort()
        val line = "kotlin-jvm quote(52 weekly): median %.1f us, p10 %.1f us, p90 %.1f us, min %.1f us (n=%d, warm-up %d); termsFromJson+quote median %.1f us"
            .format(us(0.5), us(0.1), us(0.9), nanos[0] / 1000.0, iterations, warmup, viaJson[iterations / 2] / 1000.0)
        println(line)
        File("target/benchmark-kotlin.txt").writeText(line + "\n")
        assertEquals(52, quote(terms).schedule.installments.size)
    }
}
