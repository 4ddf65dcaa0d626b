import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** bench/send-event: one signed sample store event (JDK only, run as a single-file program). */
public final class SendEvent {
    static final java.util.List<String> TYPES = java.util.List.of("order.completed", "refund.created", "prospect.created",
            "subscription.charged", "subscription.charge_failed", "subscription.canceled", "subscription.restarted",
            "course.enrolled", "course.completed", "lesson.completed");

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            usage(0);
        }
        if (args.length > 0 && !TYPES.contains(args[0])) {
            System.err.println("unknown type '" + args[0] + "'");
            usage(2);
        }
        String type = args.length > 0 ? args[0] : "order.completed";
        String email = args.length > 1 ? args[1] : "ada@example.com";
        String product = args.length > 2 ? args[2] : "prod_1";
        String dataDir = env("ENGINE_DATA_DIR", "./data");
        String credentials = Files.exists(Path.of(dataDir, "demo-credentials.txt"))
                ? Files.readString(Path.of(dataDir, "demo-credentials.txt")) : "";
        String marketplace = env("MARKETPLACE_ID", value(credentials, "Demo marketplace id"));
        String secret = env("WEBHOOK_SECRET", value(credentials, "Webhook secret"));
        String base = env("ENGINE_URL", "http://localhost:" + env("ENGINE_HTTP_PORT", configuredPort()));
        if (marketplace == null || secret == null) {
            System.err.println("set MARKETPLACE_ID and WEBHOOK_SECRET, or start the engine once (README: Run it) to create "
                    + dataDir + "/demo-credentials.txt");
            System.exit(2);
        }
        String id = "evt_" + UUID.randomUUID();
        String n = id.substring(4, 12);
        String customer = "\"customer\":{\"email\":\"" + email + "\",\"first_name\":\"Ada\",\"last_name\":\"Lovelace\"}";
        String sub = "\"subscription\":{\"id\":\"sub_1\",\"product_id\":\"" + product + "\",\"product_name\":\"Membership\",\"kind\":\"recurring\",\"charge_number\":2}";
        String body = switch (type) {
            case "order.completed" -> "{\"type\":\"order.completed\"," + customer + ",\"order\":{\"id\":\"o_" + n + "\",\"total_cents\":4900,\"currency\":\"USD\"},"
                    + "\"items\":[{\"product_id\":\"" + product + "\",\"product_name\":\"Course X\",\"role\":\"primary\",\"price_cents\":4900,\"quantity\":1}]}";
            case "refund.created" -> "{\"type\":\"refund.created\"," + customer + ",\"refund\":{\"id\":\"r_" + n + "\"},\"order\":{\"id\":\"o_1\"},"
                    + "\"items\":[{\"product_id\":\"" + product + "\",\"price_cents\":4900,\"refunded_cents\":4900}]}";
            case "prospect.created" -> "{\"type\":\"prospect.created\"," + customer + ",\"prospect\":{\"id\":\"p_" + n + "\"},"
                    + "\"items\":[{\"product_id\":\"" + product + "\",\"product_name\":\"Course X\"}]}";
            case "subscription.charged", "subscription.charge_failed" -> "{\"type\":\"" + type + "\"," + customer + "," + sub + ",\"charge\":{\"id\":\"ch_" + n + "\"}}";
            case "subscription.canceled", "subscription.restarted" -> "{\"type\":\"" + type + "\"," + customer + "," + sub + "}";
            case "course.enrolled", "course.completed" -> "{\"type\":\"" + type + "\"," + customer + ",\"course\":{\"id\":\"" + product + "\",\"name\":\"Course X\"}}";
            case "lesson.completed" -> "{\"type\":\"lesson.completed\"," + customer + ",\"course\":{\"id\":\"" + product + "\",\"name\":\"Course X\"},\"lesson\":{\"id\":\"l1\",\"name\":\"Intro\"}}";
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
        long ts = System.currentTimeMillis() / 1000;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        String signature = "v1," + Base64.getEncoder().encodeToString(mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> r;
        try {
            r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/webhooks/" + marketplace))
                .header("Content-Type", "application/json").header("webhook-id", id).header("webhook-timestamp", String.valueOf(ts))
                .header("webhook-signature", signature).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            System.err.println("no engine answers at " + base + " (is it running? see README: Run it; ENGINE_URL or ENGINE_HTTP_PORT names another)");
            System.exit(1);
            return;
        }
        System.out.println(r.statusCode() + " " + r.body());
    }

    static void usage(int status) {
        (status == 0 ? System.out : System.err).println("""
                Usage: bench/send-event [TYPE] [EMAIL] [PRODUCT_ID]
                  TYPE        %s (default order.completed)
                  EMAIL       the customer's email (default ada@example.com)
                  PRODUCT_ID  default prod_1
                Signs with the demo marketplace's secret from data/demo-credentials.txt unless MARKETPLACE_ID and
                WEBHOOK_SECRET are set; sends to ENGINE_URL, else localhost on ENGINE_HTTP_PORT, else the port of
                application.properties (engine.http-port).""".formatted(String.join(", ", TYPES)));
        System.exit(status);
    }

    /** engine.http-port of application.properties, as the engine reads it; 8080 without one. */
    static String configuredPort() {
        try (var in = Files.newInputStream(Path.of("application.properties"))) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            String port = p.getProperty("engine.http-port", "8080").trim();
            return port.isEmpty() ? "8080" : port;
        } catch (java.io.IOException none) {
            return "8080";
        }
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    static String value(String text, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + ":\\s+(\\S+)").matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
