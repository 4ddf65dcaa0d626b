package io.hlbridge.engine.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hlbridge.engine.api.Json;
import io.hlbridge.engine.sources.samples.SourceSamples;
import io.hlbridge.engine.sources.samples.SourceSamples.Buyer;
import io.hlbridge.engine.sources.samples.SourceSamples.Sample;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every platform's translator and verifier against thousands of mutated deliveries: each sample's
 * body with a field removed, a value of another type put in its place (null, a number, a string, an
 * array, an object, an empty string, a huge number), garbage bodies; each signed properly, so the
 * translator is reached. A translator may answer a {@link Translation} or throw {@link Untranslatable},
 * a verifier may throw {@link NotAuthentic}: any other exception would be the engine's bug (the
 * intake would still answer 2xx, but the merchant would read "could not translate" instead of the reason).
 */
class TranslatorFuzzTest {
    static final int MUTATIONS_PER_SAMPLE = 300;

    static Stream<SourceSamples> platforms() {
        return SourceSamples.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void mutatedDeliveries_areTranslatedOrRejectedWithAReason_neverAnotherException(SourceSamples samples) {
        Instant now = Instant.now();
        SourcePlatform platform = SourcePlatforms.standard(Clock.systemUTC()).find(samples.platform()).orElseThrow();
        String secret = samples.exampleSecret();
        Buyer buyer = new Buyer("fz1", "fuzz@example.com", "Fuzz", "Er", "prod_fz", "Fuzz Course", 3_000);
        List<Sample> seeds = Stream.of(samples.purchase(buyer), samples.fullRefund(buyer), samples.partialRefund(buyer),
                samples.renewal(buyer, 2), samples.failedRenewal(buyer, 1), samples.cancellation(buyer),
                samples.abandonedCheckout(buyer), samples.ignored(buyer)).filter(Objects::nonNull).toList();
        long seed = now.toEpochMilli();
        Random random = new Random(seed);
        int translated = 0;
        for (Sample original : seeds) {
            for (int i = 0; i < MUTATIONS_PER_SAMPLE; i++) {
                Sample mutated = new Sample(original.method(), original.headers(), mutate(original, random));
                Sample signed;
                try {
                    signed = secret == null ? mutated : samples.signed(mutated, secret, now.getEpochSecond());
                } catch (RuntimeException unsignable) {
                    signed = mutated; // garbage the samples' own signer cannot read: the verifier meets it unsigned
                }
                Delivery delivery = new Delivery(signed.method(), signed.headers(), signed.body());
                try {
                    platform.verify(delivery, secret, now);
                    platform.deliveryId(delivery);
                    platform.translationOf(delivery);
                    translated++;
                } catch (NotAuthentic | Untranslatable expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                } catch (RuntimeException e) {
                    throw new AssertionError(samples.platform() + " (seed " + seed + ") threw " + e + " on "
                            + new String(signed.body(), StandardCharsets.UTF_8), e);
                }
            }
        }
        assertThat(translated).as("some mutations still translate").isPositive();
    }

    static byte[] mutate(Sample sample, Random random) {
        String contentType = sample.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("content-type"))
                .map(Map.Entry::getValue).findFirst().orElse("");
        String body = new String(sample.body(), StandardCharsets.UTF_8);
        if (random.nextInt(20) == 0) {
            return garbage(random);
        }
        if (contentType.startsWith("application/x-www-form-urlencoded")) {
            return mutateForm(body, random).getBytes(StandardCharsets.UTF_8);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (Exception notJson) {
            return garbage(random);
        }
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            JsonNode target = containers.get(random.nextInt(containers.size()));
            if (target instanceof ObjectNode object && object.size() > 0) {
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                String name = names.get(random.nextInt(names.size()));
                if (random.nextBoolean()) {
                    object.remove(name);
                } else {
                    object.set(name, oddValue(random));
                }
            } else if (target instanceof ArrayNode array && array.size() > 0) {
                int index = random.nextInt(array.size());
                if (random.nextBoolean()) {
                    array.remove(index);
                } else {
                    array.set(index, oddValue(random));
                }
            }
        }
        return Json.write(root).getBytes(StandardCharsets.UTF_8);
    }

    static String mutateForm(String body, Random random) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            fields.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        List<String> names = new ArrayList<>(fields.keySet());
        for (int n = 1 + random.nextInt(3); n > 0 && !names.isEmpty(); n--) {
            String name = names.get(random.nextInt(names.size()));
            if (random.nextBoolean()) {
                fields.remove(name);
            } else {
                fields.put(name, URLEncoder.encode(oddValue(random).asText(), StandardCharsets.UTF_8));
            }
        }
        StringBuilder out = new StringBuilder();
        fields.forEach((k, v) -> out.append(out.length() == 0 ? "" : "&").append(k).append('=').append(v));
        return out.toString();
    }

    static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.forEach(child -> collect(child, out));
        }
    }

    static JsonNode oddValue(Random random) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(9)) {
            case 0 -> f.nullNode();
            case 1 -> f.numberNode(random.nextInt(2000) - 1000);
            case 2 -> f.textNode("");
            case 3 -> f.textNode("x".repeat(random.nextInt(5)) + "é\u2028");
            case 4 -> f.arrayNode();
            case 5 -> f.objectNode();
            case 6 -> f.numberNode(new java.math.BigDecimal("1e400"));
            case 7 -> f.booleanNode(random.nextBoolean());
            default -> f.textNode("12.5.3");
        };
    }

    static byte[] garbage(Random random) {
        String[] bodies = {"", "[]", "null", "\"text\"", "{", "{\"a\":", "42", "webhook_id=", "%zz", "{\"type\":{}}"};
        return bodies[random.nextInt(bodies.length)].getBytes(StandardCharsets.UTF_8);
    }
}
