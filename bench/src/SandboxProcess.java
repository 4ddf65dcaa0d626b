import io.hlbridge.sandbox.HighLevelSandbox;
import io.hlbridge.sandbox.SandboxSettings;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * The HighLevel stand-in for the benchmarks, in a process of its own (as HighLevel is another
 * machine: its CPU is not the engine's, nor the sender's): the sandbox answering at once, advertising
 * {@code max} requests per {@code intervalMillis} per location.
 * {@code java -cp … SandboxProcess <max> <intervalMillis> <enforced>}; prints one line
 * {@code SANDBOX <baseUrl> <clientId> <clientSecret> <locationId>,<locationId>…} once it listens, and
 * ends when its standard input closes (the benchmark ended, however it ended) or on SIGTERM.
 */
public final class SandboxProcess {
    private SandboxProcess() {
    }

    public static void main(String[] args) throws Exception {
        int max = Integer.parseInt(args[0]);
        long interval = Long.parseLong(args[1]);
        boolean enforced = Boolean.parseBoolean(args[2]);
        SandboxSettings settings = SandboxSettings.builder().rateLimit(max, interval).rateLimitDaily(1_000_000_000L)
                .rateLimitEnforced(enforced).build();
        HighLevelSandbox.Running running = HighLevelSandbox.start(settings, "127.0.0.1", 0);
        SandboxSettings s = running.sandbox().settings();
        System.out.println("SANDBOX " + running.baseUrl() + " " + s.clientId() + " " + s.clientSecret() + " "
                + running.sandbox().locations().stream().map(l -> l.id()).collect(Collectors.joining(",")));
        System.out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing: only the end of the stream matters
                }
            } catch (java.io.IOException ignored) {
                // the parent is gone
            }
            stop.countDown();
        });
        stdin.setDaemon(true);
        stdin.start();
        stop.await();
        running.close();
        System.exit(0);
    }
}
