import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A busy neighbour on the benchmark's cores, for measuring the engine with less of the machine on purpose
 * instead of waiting for a slow hour: {@code BENCH_NEIGHBOUR=<cores>} (e.g. 0.5) runs, in a process of its
 * own, memory-bound work (dependent reads at random places of a 64 MiB array per thread, which also pushes the
 * engine's and PostgreSQL's data out of the shared caches) asking for that much CPU. It works in 10 ms periods:
 * each of its threads (one per started core) uses {@code cores / threads} of a period in CPU time, then sleeps;
 * on a full machine it gets less. It starts before the engine and runs until the benchmark ends (or dies with
 * it), then prints how much CPU it got, its start-up included (about a second of CPU per thread).
 *
 * It takes cores, as a busy host does: the engine and PostgreSQL get less done per second. It does not make
 * the host slower, and it does not show in MachineSpeed's probe, which counts only its own CPU time (a slow
 * host made the probe's memory work take 7–10 ms instead of 4–6; this neighbour leaves it as it was).
 */
final class Neighbour implements AutoCloseable {
    private static final int PERIOD_NANOS = 10_000_000;
    private final Process process;
    private final long startNanos = System.nanoTime();

    private Neighbour(Process process) {
        this.process = process;
    }

    /** The neighbour BENCH_NEIGHBOUR asks for, started; or null when it is not set. */
    static Neighbour fromEnvironment() throws Exception {
        String cores = System.getenv("BENCH_NEIGHBOUR");
        if (cores == null || cores.isBlank()) {
            return null;
        }
        double share = Double.parseDouble(cores.trim());
        if (share <= 0 || share > 2) {
            throw new IllegalArgumentException("BENCH_NEIGHBOUR is a number of cores above 0 and at most 2: " + cores);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "Neighbour", String.valueOf(share)).inheritIO().start();
        System.out.printf(Locale.ROOT, "neighbour (BENCH_NEIGHBOUR, its own process, pid %d): memory-bound work asking for %.2f of a core, "
                + "in 10 ms periods, from before the engine starts to the end%n", p.pid(), share);
        return new Neighbour(p);
    }

    /** Says how much CPU the neighbour got (less than asked for when the machine was too busy to give it). */
    @Override
    public void close() {
        double cpu = process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "neighbour: %.2f of a core on average over its %.0f s%n", cpu / ((System.nanoTime() - startNanos) / 1e9),
                (System.nanoTime() - startNanos) / 1e9);
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        // a benchmark killed without closing it (Ctrl-C, a crash) must not leave its cores busy
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
        double share = Double.parseDouble(args[0]);
        int threads = (int) Math.ceil(share);
        long busyNanos = (long) (PERIOD_NANOS * share / threads);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> run(busyNanos), "neighbour-" + t);
            thread.start();
            started.add(thread);
        }
        for (Thread thread : started) {
            thread.join();
        }
    }

    /**
     * Each period, works until its thread has used {@code busyNanos} of CPU in it (CPU time, not elapsed:
     * preempted, it still asks for its share, as a neighbour's demand does not shrink when the host is
     * busy), then sleeps to the period's end; a period overrun starts the next one at once.
     */
    private static void run(long busyNanos) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int[] next = MachineSpeed.cycle(16 * 1024 * 1024);
        int p = 0;
        long periodStart = System.nanoTime();
        while (true) {
            long cpuUntil = cpu.getCurrentThreadCpuTime() + busyNanos;
            while (cpu.getCurrentThreadCpuTime() < cpuUntil) {
                for (int i = 0; i < 1_000; i++) {
                    p = next[p];
                }
            }
            periodStart += PERIOD_NANOS;
            long sleep = periodStart - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                periodStart = System.nanoTime(); // the period overran (a busy machine): the next one starts now
            }
            if (p == -1) {
                System.out.println(p); // keeps the reads from being optimized away
            }
        }
    }
}
