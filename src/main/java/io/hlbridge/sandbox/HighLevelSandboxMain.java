package io.hlbridge.sandbox;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the HighLevel sandbox alone: {@code java -cp … io.hlbridge.sandbox.HighLevelSandboxMain [port]}.
 * Port from the first argument, else env {@code SANDBOX_PORT}, else 8090; host from env {@code SANDBOX_HOST}
 * (default 127.0.0.1).
 */
public final class HighLevelSandboxMain {

    private HighLevelSandboxMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String env = System.getenv("SANDBOX_PORT");
        int port = args.length > 0 ? Integer.parseInt(args[0]) : env != null && !env.isBlank() ? Integer.parseInt(env.trim()) : 8090;
        String host = System.getenv().getOrDefault("SANDBOX_HOST", "127.0.0.1");
        HighLevelSandbox.Running running = HighLevelSandbox.start(SandboxSettings.defaults(), host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "sandbox-shutdown"));
        SandboxSettings s = running.sandbox().settings();
        System.out.println("HighLevel sandbox listening on " + running.baseUrl()
                + " (client_id=" + s.clientId() + ", client_secret=" + s.clientSecret() + ", locations="
                + running.sandbox().locations() + ")");
        stopped.await();
    }
}
