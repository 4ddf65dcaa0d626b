import io.hlbridge.engine.sources.samples.SourceSamples;
import io.hlbridge.engine.sources.samples.SourceSamples.Buyer;
import io.hlbridge.engine.sources.samples.SourceSamples.Sample;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** bench/send-source: one signed sample delivery of a store platform to a source's webhook URL. */
public final class SendSource {
    static final Map<String, Function<SourceSamples, Function<Buyer, Sample>>> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("purchase", s -> s::purchase);
        SCENARIOS.put("full-refund", s -> s::fullRefund);
        SCENARIOS.put("partial-refund", s -> s::partialRefund);
        SCENARIOS.put("renewal", s -> b -> s.renewal(b, 2));
        SCENARIOS.put("failed-renewal", s -> b -> s.failedRenewal(b, 1));
        SCENARIOS.put("cancellation", s -> s::cancellation);
        SCENARIOS.put("abandoned", s -> s::abandonedCheckout);
        SCENARIOS.put("ignored", s -> s::ignored);
        SCENARIOS.put("ping", s -> b -> s.ping());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        java.util.List<String> positional = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                usage(0);
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        if (positional.size() < 2) {
            usage(2);
        }
        String url = positional.get(0);
        SourceSamples samples = SourceSamples.of(positional.get(1));
        String scenario = positional.size() > 2 ? positional.get(2) : "purchase";
        if (samples == null || !SCENARIOS.containsKey(scenario) || !url.matches("https?://.+/sources/[^/]+/[^/]+")) {
            System.err.println(samples == null ? "unknown platform '" + positional.get(1) + "'"
                    : !SCENARIOS.containsKey(scenario) ? "unknown scenario '" + scenario + "'"
                    : "not a source's webhook URL: " + url);
            usage(2);
        }
        String tag = options.getOrDefault("tag", Long.toString(System.currentTimeMillis() / 1000, 36));
        Buyer buyer = new Buyer(tag, options.getOrDefault("email", "ada@example.com"), "Ada", "Lovelace",
                options.getOrDefault("product", "prod_1"), "Course X", Long.parseLong(options.getOrDefault("price-cents", "4900")));
        Sample sample = SCENARIOS.get(scenario).apply(samples).apply(buyer);
        if (sample == null) {
            System.err.println(positional.get(1) + " has no '" + scenario + "' delivery");
            System.exit(2);
        }
        String secret = options.get("secret");
        if (secret != null) {
            sample = samples.signed(sample, secret, System.currentTimeMillis() / 1000);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        sample.headers().forEach((k, v) -> {
            if (!Set.of("content-length", "host", "connection", "expect", "upgrade").contains(k.toLowerCase())) {
                request.header(k, v);
            }
        });
        request.method(sample.method(), HttpRequest.BodyPublishers.ofByteArray(sample.body()));
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            System.out.println(r.statusCode() + " " + r.body());
        } catch (ConnectException e) {
            System.err.println("no engine answers at " + URI.create(url).resolve("/") + " (is it running? see README: Run it)");
            System.exit(1);
        }
    }

    static void usage(int status) {
        (status == 0 ? System.out : System.err).println("""
                Usage: bench/send-source WEBHOOK_URL PLATFORM [SCENARIO] [--secret S] [--email E] [--product P] [--tag T]
                  WEBHOOK_URL  the source's URL, as the console or POST …/sources answered it
                  PLATFORM     %s
                  SCENARIO     %s (default purchase)
                  --secret     the source's signing secret (Stripe whsec_…, WooCommerce secret, Shopify app secret,
                               ThriveCart secret word); SamCart signs nothing
                  --tag        ids of orders, subscriptions and refunds are derived from it: send a purchase and then
                               its refund with the same --tag
                """.formatted(String.join(", ", SourceSamples.all().stream().map(SourceSamples::platform).toList()),
                String.join(", ", SCENARIOS.keySet())));
        System.exit(status);
    }
}
