package io.hlbridge.engine.support;

import io.hlbridge.engine.Application;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.main.Main;
import org.jdbi.v3.core.Jdbi;

/**
 * A real engine (Camel Main, real HTTP on free ports, a real PostgreSQL) started in-process the way
 * {@code Application.main} starts it, with settings given as environment variables.
 */
public final class EngineUnderTest implements AutoCloseable {
    public static final String OPERATOR_TOKEN = "op_test_operator_token_0123456789abcdef";
    public static final String SECRET_KEY = "test-secret-key-not-for-production";

    private final Main main;
    private final Map<String, String> environment;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private EngineUnderTest(Map<String, String> environment) {
        this.environment = environment;
        this.main = Application.create(environment);
    }

    /** An engine on a fresh database of the shared test PostgreSQL. */
    public static EngineUnderTest start() {
        return start(Map.of());
    }

    public static EngineUnderTest start(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("ENGINE_DB_URL", TestDatabase.newDatabase());
        env.put("ENGINE_DB_USER", "postgres");
        env.put("ENGINE_ADMIN_TOKEN", OPERATOR_TOKEN);
        env.put("ENGINE_SECRET_KEY", SECRET_KEY);
        env.put("ENGINE_DB_POOL_SIZE", "8");
        env.put("ENGINE_SANDBOX", "true"); // an external database: the built-in sandbox only when asked for
        env.putAll(overrides);
        return startWith(env);
    }

    /**
     * The README's zero-setup settings: only a new data directory under target/ (the embedded
     * PostgreSQL goes there) and free ports.
     */
    public static Map<String, String> zeroSetupEnvironment(String dataDirPrefix) throws java.io.IOException {
        Map<String, String> env = new HashMap<>();
        env.put("ENGINE_DATA_DIR", java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("target"), dataDirPrefix).toString());
        env.put("ENGINE_HTTP_PORT", String.valueOf(freePort()));
        env.put("ENGINE_MANAGEMENT_PORT", String.valueOf(freePort()));
        return env;
    }

    /** An engine with exactly these settings (free ports are filled in when not given). */
    public static EngineUnderTest startWith(Map<String, String> environment) {
        Map<String, String> env = new HashMap<>(environment);
        env.putIfAbsent("ENGINE_HTTP_PORT", String.valueOf(freePort()));
        env.putIfAbsent("ENGINE_MANAGEMENT_PORT", String.valueOf(freePort()));
        env.putIfAbsent("ENGINE_ROUTES", "classpath:routes/*.camel.yaml,classpath:routes/sources/*.camel.yaml,classpath:routes/actions/*.camel.yaml");
        EngineUnderTest engine = new EngineUnderTest(env);
        try {
            engine.main.start();
        } catch (Exception e) {
            throw new IllegalStateException("engine did not start", e);
        }
        return engine;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + environment.get("ENGINE_HTTP_PORT");
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + environment.get("ENGINE_MANAGEMENT_PORT");
    }

    public Jdbi jdbi() {
        return Jdbi.create(main.getCamelContext().getRegistry().lookupByNameAndType("dataSource", DataSource.class));
    }

    public org.apache.camel.CamelContext context() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        return main.getCamelContext().getRegistry().lookupByNameAndType(name, type);
    }

    public HttpResponse<String> send(String method, String path, String bearer, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request.build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
