import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How fast the machine runs a fixed piece of work, sampled through a benchmark: this VM shares its host,
 * and when the host is busy the same work takes more CPU time (the guest counts the cycles it lost as
 * its own), so a slower machine shows as a factor above 1.
 *
 * A daemon thread of the benchmark hashes the same 256 KiB every 250 ms and records the CPU time of its
 * own thread for it, not the elapsed time: waiting behind the benchmark's other processes in this VM's
 * run queue does not count, only how much work a CPU second buys. The reference is the median of the
 * samples taken before the benchmark starts anything (3 s); a stretch's figure is the median of its
 * samples divided by it. Caches shared with the benchmark's own processes can add a few percent at the
 * highest rates, so runs are compared at the same step.
 */
final class MachineSpeed implements AutoCloseable {
    private static final int PERIOD_MS = 250;
    private static final byte[] DATA = new byte[256 * 1024];

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final List<long[]> samples = new ArrayList<>(); // {epoch ms, CPU ns}
    private final Thread thread;
    private final double reference;
    private volatile boolean running = true;

    /** Starts sampling, after taking the reference (blocks ~5 s). */
    static MachineSpeed start() throws InterruptedException {
        return new MachineSpeed();
    }

    private MachineSpeed() throws InterruptedException {
        Arrays.fill(DATA, (byte) 7);
        long until = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < until) {
            work(); // fully compiled (the digest's intrinsic too) before it is measured: 2 s
        }
        thread = new Thread(this::sample, "machine-speed");
        thread.setDaemon(true);
        thread.start();
        Thread.sleep(3_000);
        double[] first;
        synchronized (samples) {
            first = samples.stream().mapToDouble(s -> s[1]).sorted().toArray();
        }
        reference = first.length == 0 ? Double.NaN : first[first.length / 2];
        System.out.printf("machine speed: the probe's work takes %.2f ms of CPU before the benchmark starts (its reference)%n", reference / 1e6);
    }

    private void sample() {
        while (running) {
            long t0 = threads.getCurrentThreadCpuTime();
            work();
            long cpu = threads.getCurrentThreadCpuTime() - t0;
            synchronized (samples) {
                samples.add(new long[] {System.currentTimeMillis(), cpu});
            }
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static int work() {
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

    /** The probe's median CPU time between the two instants (epoch ms), relative to its reference: 1.00 is as fast as at the start. */
    double factor(double fromMillis, double toMillis) {
        double[] in;
        synchronized (samples) {
            in = samples.stream().filter(s -> s[0] >= fromMillis && s[0] < toMillis).mapToDouble(s -> s[1]).sorted().toArray();
        }
        return in.length == 0 ? Double.NaN : in[in.length / 2] / reference;
    }

    /** "machine x1.07" for a stretch: how much more CPU time the same work took than at the start. */
    String describe(double fromMillis, double toMillis) {
        return String.format("machine x%.2f", factor(fromMillis, toMillis));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
