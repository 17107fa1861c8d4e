package io.dirsync.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/** How the benchmarks drive a server: requests from parallel clients, and latencies of one request at a time. */
public final class Load {

    private Load() {
    }

    /** Runs {@code op(0) .. op(count - 1)} from {@code clients} threads; the wall time in milliseconds. */
    public static long parallel(int count, int clients, IntConsumer op) throws Exception {
        if (count <= 0) {
            return 0;
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        op.accept(i);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return Math.max(1, (System.nanoTime() - start) / 1_000_000);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Runs {@code op(0) .. op(warm - 1)} unmeasured (the JIT compiles the path first), then {@code op(warm) ..
     * op(warm + samples - 1)} one after another; their latencies in milliseconds.
     */
    public static double[] latencies(int warm, int samples, IntConsumer op) {
        for (int i = 0; i < warm; i++) {
            op.accept(i);
        }
        double[] ms = new double[samples];
        for (int s = 0; s < samples; s++) {
            long start = System.nanoTime();
            op.accept(warm + s);
            ms[s] = (System.nanoTime() - start) / 1e6;
        }
        return ms;
    }

    /** The p-th percentile (nearest rank). */
    public static double pct(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1))];
    }

    /** Sample {@code s} of a population 1..{@code population}, spread over all of it (a prime stride). */
    public static int spread(int s, int population) {
        return 1 + (int) ((s * 7919L) % population);
    }
}
