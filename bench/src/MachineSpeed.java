import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How fast the machine runs two fixed pieces of work, sampled through a benchmark: this VM shares its host,
 * and when the host is busy the same work takes more CPU time (the guest counts the cycles it lost as its
 * own), so a slower machine shows as more milliseconds.
 *
 * A daemon thread of the benchmark runs, every second (about 5 ms of CPU):
 * <ul>
 * <li>compute: SHA-256 over the same 256 KiB, four times (it fits in the core's caches);</li>
 * <li>memory: 25,000 dependent reads at random places of a 32 MiB array (each waits for memory, as the
 * engine's and PostgreSQL's work often does: a neighbour that fills the shared caches slows this one, and
 * not the first).</li>
 * </ul>
 * and records the CPU time of its own thread for each, not the elapsed time: waiting behind the benchmark's
 * other processes in this VM's run queue does not count, only how much work a CPU second buys. The
 * references are the medians of the samples taken before the benchmark starts anything (4 s, after 2 s of
 * warming up); a stretch's figures are the medians of its samples, in ms, comparable across runs.
 */
final class MachineSpeed implements AutoCloseable {
    private static final int PERIOD_MS = 1000;
    private static final byte[] DATA = new byte[256 * 1024];
    private static final int[] NEXT = cycle(8 * 1024 * 1024);
    private static final int READS = 25_000;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final List<long[]> samples = new ArrayList<>(); // {epoch ms, compute CPU ns, memory CPU ns}
    private final Thread thread;
    private final double computeReference;
    private final double memoryReference;
    private volatile boolean running = true;
    private int position;

    /** Starts sampling, after taking the references (blocks ~6 s). */
    static MachineSpeed start() throws InterruptedException {
        return new MachineSpeed();
    }

    private MachineSpeed() throws InterruptedException {
        Arrays.fill(DATA, (byte) 7);
        long until = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < until) {
            compute(); // fully compiled (the digest's intrinsic too) before it is measured
            memory();
        }
        thread = new Thread(this::sample, "machine-speed");
        thread.setDaemon(true);
        thread.start();
        Thread.sleep(4_000);
        long now = System.currentTimeMillis();
        computeReference = median(0, now, 1);
        memoryReference = median(0, now, 2);
        System.out.printf("machine speed before the benchmark starts: compute %.2f ms, memory %.1f ms of CPU for the probe's fixed work"
                + " (bench/src/MachineSpeed.java; more is slower)%n", computeReference / 1e6, memoryReference / 1e6);
    }

    private void sample() {
        while (running) {
            long t0 = threads.getCurrentThreadCpuTime();
            compute();
            long t1 = threads.getCurrentThreadCpuTime();
            memory();
            long t2 = threads.getCurrentThreadCpuTime();
            synchronized (samples) {
                samples.add(new long[] {System.currentTimeMillis(), t1 - t0, t2 - t1});
            }
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static int compute() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = null;
            for (int i = 0; i < 4; i++) {
                sha.update(DATA);
                d = sha.digest();
            }
            return d[0];
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private int memory() {
        int p = position;
        for (int i = 0; i < READS; i++) {
            p = NEXT[p];
        }
        position = p;
        return p;
    }

    /** One random cycle through all the slots (Sattolo), so that every read depends on the one before. */
    static int[] cycle(int n) {
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i;
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i);
            int t = next[i];
            next[i] = next[j];
            next[j] = t;
        }
        return next;
    }

    private double median(double fromMillis, double toMillis, int column) {
        double[] in;
        synchronized (samples) {
            in = samples.stream().filter(s -> s[0] >= fromMillis && s[0] < toMillis).mapToDouble(s -> s[column]).sorted().toArray();
        }
        return in.length == 0 ? Double.NaN : in[in.length / 2];
    }

    /** "machine 0.66 / 9.8 ms": the probe's compute and memory work's median CPU time over the stretch (epoch ms). */
    String describe(double fromMillis, double toMillis) {
        return String.format("machine %.2f / %.1f ms", median(fromMillis, toMillis, 1) / 1e6, median(fromMillis, toMillis, 2) / 1e6);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
