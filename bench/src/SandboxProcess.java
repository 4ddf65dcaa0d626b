import io.hlbridge.sandbox.HighLevelSandbox;
import io.hlbridge.sandbox.SandboxSettings;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * The HighLevel stand-in for the benchmarks, in a process of its own (as HighLevel is another
 * machine: its CPU is not the engine's, nor the sender's): the sandbox answering at once, advertising
 * {@code max} requests per {@code intervalMillis} per location.
 * {@code java -cp … SandboxProcess <max> <intervalMillis> <enforced> [warm-up seconds]}; prints one line
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
        int warmUpSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        if (warmUpSeconds > 0) { // HighLevel is never a JVM that just started: its JIT's warm-up is not the engine's to pay
            warmUp(running.baseUrl(), s, running.sandbox().locations().get(running.sandbox().locations().size() - 1).id(), warmUpSeconds);
        }
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

    /**
     * Connects to its own last location (the benchmarks use the first) and upserts contacts and adds
     * tags from 8 threads for {@code seconds}, as the engine will: the JIT compiles the sandbox's hot
     * paths before the engine starts. The calls are counted in /_sandbox/stats (the benchmark subtracts them).
     */
    static void warmUp(String base, SandboxSettings s, String location, int seconds) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
        String redirect = "http://127.0.0.1/warm-up";
        var approved = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/oauth/chooselocation/approve?response_type=code&client_id="
                + s.clientId() + "&redirect_uri=" + java.net.URLEncoder.encode(redirect, java.nio.charset.StandardCharsets.UTF_8)
                + "&scope=contacts.write&location_id=" + location)).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        String code = approved.headers().firstValue("Location").orElseThrow().replaceAll(".*[?&]code=([^&]*).*", "$1");
        String form = "client_id=" + s.clientId() + "&client_secret=" + s.clientSecret() + "&grant_type=authorization_code&user_type=Location&code="
                + code + "&redirect_uri=" + java.net.URLEncoder.encode(redirect, java.nio.charset.StandardCharsets.UTF_8);
        String token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(base + "/oauth/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                .path("access_token").asText();
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        int i = n.incrementAndGet();
                        String contact = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(call(base + "/contacts/upsert", token,
                                "{\"locationId\":\"" + location + "\",\"email\":\"warm-" + i + "@example.com\",\"firstName\":\"Warm\"}"),
                                java.net.http.HttpResponse.BodyHandlers.ofString()).body()).path("contact").path("id").asText();
                        http.send(call(base + "/contacts/" + contact + "/tags", token, "{\"tags\":[\"warm-up\"]}"),
                                java.net.http.HttpResponse.BodyHandlers.discarding());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("sandbox warm-up: " + e, e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    static java.net.http.HttpRequest call(String uri, String token, String json) {
        return java.net.http.HttpRequest.newBuilder(java.net.URI.create(uri)).header("Authorization", "Bearer " + token)
                .header("Version", "2021-07-28").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build();
    }
}
