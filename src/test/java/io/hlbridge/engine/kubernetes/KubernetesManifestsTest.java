package io.hlbridge.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.hlbridge.engine.EngineSecrets;
import io.hlbridge.engine.EngineSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kubernetes/: every overlay, the base and the Camel K variant render with kustomize, and every object
 * they render (and the Secret template) matches its pinned, strict JSON schema in kubernetes/schemas/
 * (Kubernetes 1.30, Camel K 2.4's Integration CRD) under networknt's validator: an unknown field, a
 * wrong type or a missing required field fails. The routes ConfigMap must hold every route file of
 * routes/ and routes/sources/, mounted where ENGINE_ROUTES reads them; the engine's pods must stay
 * hardened. {@link #aBrokenManifestIsCaught} proves each check fails on a broken copy.
 *
 * <p>Rendering needs kustomize v4+ on the PATH, standalone ({@code kustomize build}) or inside kubectl
 * ({@code kubectl kustomize}, as this machine kind ships it).
 */
class KubernetesManifestsTest {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();
    static final YAMLMapper YAML = new YAMLMapper();
    static final Map<String, String> SCHEMAS = Map.of(
            "apps/v1 Deployment", "kubernetes-1.30/deployment-apps-v1.json",
            "v1 Service", "kubernetes-1.30/service-v1.json",
            "v1 ConfigMap", "kubernetes-1.30/configmap-v1.json",
            "v1 Secret", "kubernetes-1.30/secret-v1.json",
            "policy/v1 PodDisruptionBudget", "kubernetes-1.30/poddisruptionbudget-policy-v1.json",
            "autoscaling/v2 HorizontalPodAutoscaler", "kubernetes-1.30/horizontalpodautoscaler-autoscaling-v2.json",
            "networking.k8s.io/v1 NetworkPolicy", "kubernetes-1.30/networkpolicy-networking-v1.json",
            "camel.apache.org/v1 Integration", "camel-k-2.4.0/integration-camel-v1.json");
    static final Map<String, JsonSchema> COMPILED = new ConcurrentHashMap<>();

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/production", "base", "camel-k"})
    void rendersAndEveryObjectMatchesItsPinnedSchema(String dir) throws Exception {
        List<JsonNode> objects = render(ROOT.resolve("kubernetes").resolve(dir));
        assertThat(objects).isNotEmpty();
        assertThat(schemaProblems(objects)).isEmpty();
        assertThat(routeProblems(ROOT, objects)).isEmpty();
        assertThat(hardeningProblems(objects)).isEmpty();
    }

    @Test
    void theOverlaysSayWhatDiffers() throws Exception {
        JsonNode dev = workload(render(ROOT.resolve("kubernetes/overlays/dev")));
        JsonNode production = workload(render(ROOT.resolve("kubernetes/overlays/production")));
        assertThat(dev.path("metadata").path("namespace").asText()).isEqualTo("hlbridge-dev");
        assertThat(production.path("metadata").path("namespace").asText()).isEqualTo("hlbridge");
        assertThat(production.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(env(engineContainer(dev))).containsEntry("ENGINE_SANDBOX", "true");
        // never a stand-in in production (spec §9): the sandbox is the dev overlay's alone
        assertThat(env(engineContainer(production))).doesNotContainKey("ENGINE_SANDBOX");
        assertThat(engineContainer(production).path("image").asText()).isEqualTo("hlbridge/engine:0.1.0");
    }

    @Test
    void theSecretTemplateMatchesItsSchema_andTheEngineRefusesItsPlaceholders() throws Exception {
        JsonNode secret = YAML.readTree(ROOT.resolve("kubernetes/secret-template.yaml").toFile());
        assertThat(schemaProblems(List.of(secret))).isEmpty();
        Map<String, String> environment = new TreeMap<>();
        secret.path("stringData").fields().forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
        // only keys the engine reads: a misspelt key would be silently ignored
        assertThat(List.of(EngineSettings.VARIABLES)).containsAll(environment.keySet());
        EngineSettings settings = settings(environment);
        assertThatThrownBy(() -> EngineSecrets.resolve(settings)).hasMessageContaining("placeholder");
        assertThatThrownBy(settings::requireHighLevel).hasMessageContaining("HIGHLEVEL_CLIENT_ID");
        // and no kustomization applies it (an apply would overwrite the real Secret with the template)
        for (String dir : List.of("overlays/dev", "overlays/production", "camel-k")) {
            assertThat(render(ROOT.resolve("kubernetes").resolve(dir))).noneMatch(o -> o.path("kind").asText().equals("Secret"));
        }
    }

    @Test
    void aBrokenManifestIsCaught(@TempDir Path copy) throws Exception {
        copyTree(ROOT.resolve("kubernetes"), copy.resolve("kubernetes"));
        copyTree(ROOT.resolve("routes"), copy.resolve("routes"));
        Path production = copy.resolve("kubernetes/overlays/production");

        // a misspelt field, a wrong type, a missing required field: the schema catches each
        edit(copy.resolve("kubernetes/base/deployment.yaml"), "minReadySeconds: 60", "minReadySecond: 60");
        edit(copy.resolve("kubernetes/base/deployment.yaml"), "containerPort: 9876", "containerPort: \"9876\"");
        edit(copy.resolve("kubernetes/base/service.yaml"), "targetPort: http, protocol: TCP}", "targetPort: http, protocol: TCP, nodeport: 30080}");
        edit(copy.resolve("kubernetes/base/horizontalpodautoscaler.yaml"), "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: engine}\n", "");
        assertThat(String.join("\n", schemaProblems(render(production))))
                .contains("minReadySecond").contains("containerPort").contains("nodeport").contains("scaleTargetRef");

        // the Camel K Integration is held to its CRD's schema too
        edit(copy.resolve("kubernetes/camel-k/integration.yaml"), "    jvm:\n      enabled: false", "    jvm:\n      enable: false");
        assertThat(String.join("\n", schemaProblems(render(copy.resolve("kubernetes/camel-k"))))).contains("enable");

        // a route file that the ConfigMap does not list, one listed no more, or mounted elsewhere
        Files.createDirectories(copy.resolve("routes/sources"));
        Files.writeString(copy.resolve("routes/sources/new-platform.camel.yaml"), "- route: {from: {uri: 'direct:x', steps: []}}\n");
        edit(copy.resolve("routes/kustomization.yaml"), "      - webhooks.camel.yaml\n", "");
        edit(copy.resolve("kubernetes/base/deployment.yaml"), "{name: routes, mountPath: /etc/engine/routes", "{name: routes, mountPath: /etc/routes");
        assertThat(String.join("\n", routeProblems(copy, render(production))))
                .contains("new-platform.camel.yaml").contains("webhooks.camel.yaml").contains("/etc/engine/routes");

        // the hardening: a writable root filesystem, no preStop, a grace period shorter than the shutdown
        edit(copy.resolve("kubernetes/base/deployment.yaml"), "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false");
        edit(copy.resolve("kubernetes/base/deployment.yaml"), "terminationGracePeriodSeconds: 40", "terminationGracePeriodSeconds: 20");
        assertThat(String.join("\n", hardeningProblems(render(production))))
                .contains("readOnlyRootFilesystem").contains("terminationGracePeriodSeconds");

        // a kustomization that names a file that is not there does not render
        edit(production.resolve("kustomization.yaml"), "path: engine-production.yaml", "path: engine-prod.yaml");
        assertThatThrownBy(() -> render(production)).hasMessageContaining("engine-prod.yaml");
    }

    // ---- the checks --------------------------------------------------------------------------------

    /** Every object against the pinned schema of its apiVersion and kind; a kind without one is a problem too. */
    static List<String> schemaProblems(List<JsonNode> objects) throws IOException {
        List<String> problems = new ArrayList<>();
        for (JsonNode o : objects) {
            String key = o.path("apiVersion").asText() + " " + o.path("kind").asText();
            String name = key + " " + o.path("metadata").path("name").asText("(no name)");
            if (o.path("metadata").path("name").asText().isBlank()) {
                problems.add(name + ": metadata.name is required");
            }
            String file = SCHEMAS.get(key);
            if (file == null) {
                problems.add(name + ": no pinned schema for " + key + " (add it to kubernetes/schemas/generate)");
                continue;
            }
            schema(file).validate(o).forEach(v -> problems.add(name + ": " + v.getMessage()));
        }
        return problems;
    }

    static JsonSchema schema(String file) throws IOException {
        JsonSchema cached = COMPILED.get(file);
        if (cached == null) {
            try (InputStream in = Files.newInputStream(ROOT.resolve("kubernetes/schemas").resolve(file))) {
                cached = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(JSON.readTree(in));
            }
            COMPILED.put(file, cached);
        }
        return cached;
    }

    /**
     * The ConfigMap engine-routes holds every route file of routes/, routes/sources/ and routes/actions/, byte for byte,
     * and the engine's pods mount it where their ENGINE_ROUTES reads the routes.
     */
    static List<String> routeProblems(Path repo, List<JsonNode> objects) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, String> expected = new TreeMap<>();
        for (Path folder : List.of(repo.resolve("routes"), repo.resolve("routes/sources"), repo.resolve("routes/actions"))) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList()) {
                    if (expected.put(f.getFileName().toString(), Files.readString(f)) != null) {
                        problems.add(f.getFileName() + " is in two of routes/, routes/sources/ and routes/actions/: a ConfigMap is flat");
                    }
                }
            }
        }
        List<JsonNode> maps = objects.stream().filter(o -> o.path("kind").asText().equals("ConfigMap")
                && o.path("metadata").path("name").asText().startsWith("engine-routes")).toList();
        if (maps.size() != 1) {
            problems.add("expected one ConfigMap engine-routes, found " + maps.size());
            return problems;
        }
        JsonNode map = maps.get(0);
        TreeSet<String> keys = new TreeSet<>();
        map.path("data").fieldNames().forEachRemaining(keys::add);
        for (var e : expected.entrySet()) {
            if (!keys.contains(e.getKey())) {
                problems.add("ConfigMap engine-routes lacks " + e.getKey() + ": list it in routes/kustomization.yaml");
            } else if (!map.path("data").path(e.getKey()).asText().equals(e.getValue())) {
                problems.add("ConfigMap engine-routes holds another " + e.getKey() + " than the file");
            }
        }
        keys.stream().filter(k -> !expected.containsKey(k)).forEach(k -> problems.add("ConfigMap engine-routes holds " + k + ", which is no route file"));
        String mapName = map.path("metadata").path("name").asText();
        JsonNode workload = workload(objects);
        JsonNode pod = podSpec(workload);
        String routes = env(engineContainer(workload)).getOrDefault("ENGINE_ROUTES", "");
        if (!routes.startsWith("file:") || !routes.endsWith("/*.camel.yaml")) {
            problems.add("ENGINE_ROUTES must read the mounted folder (file:<dir>/*.camel.yaml), is " + routes);
            return problems;
        }
        String dir = routes.substring("file:".length(), routes.length() - "/*.camel.yaml".length());
        String volume = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("configMap").path("name").asText().equals(mapName)) {
                volume = v.path("name").asText();
            }
        }
        if (volume == null) {
            problems.add("no volume of the pod is the ConfigMap " + mapName);
            return problems;
        }
        boolean mounted = false;
        for (JsonNode m : engineContainer(workload).path("volumeMounts")) {
            mounted |= m.path("name").asText().equals(volume) && m.path("mountPath").asText().equals(dir);
        }
        if (!mounted) {
            problems.add("the ConfigMap " + mapName + " is not mounted at " + dir + ", where ENGINE_ROUTES reads the routes");
        }
        return problems;
    }

    /** What the issue asks of the engine's pods: non-root, read-only root filesystem, probes, preStop, sizes. */
    static List<String> hardeningProblems(List<JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        JsonNode workload = workload(objects);
        JsonNode pod = podSpec(workload);
        JsonNode c = engineContainer(workload);
        boolean integration = workload.path("kind").asText().equals("Integration");
        JsonNode container = workload.path("spec").path("traits").path("container");
        boolean nonRoot = integration ? container.path("runAsNonRoot").asBoolean()
                : pod.path("securityContext").path("runAsNonRoot").asBoolean() || c.path("securityContext").path("runAsNonRoot").asBoolean();
        if (!nonRoot) {
            problems.add("runAsNonRoot must be true");
        }
        if (!c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()) {
            problems.add("readOnlyRootFilesystem must be true");
        }
        if (!integration && c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)) {
            problems.add("allowPrivilegeEscalation must be false");
        }
        String tmpVolume = null;
        for (JsonNode m : c.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals("/tmp")) {
                tmpVolume = m.path("name").asText();
            }
        }
        boolean tmpIsEmptyDir = false;
        for (JsonNode v : pod.path("volumes")) {
            tmpIsEmptyDir |= v.path("name").asText().equals(tmpVolume) && v.has("emptyDir");
        }
        if (!tmpIsEmptyDir) {
            problems.add("/tmp must be a writable emptyDir (java.io.tmpdir, Vert.x's cache)");
        }
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            JsonNode get = c.path(probe).path("httpGet");
            String port = get.path("port").asText();
            if (!(port.equals("management") || port.equals("9876")) || !get.path("path").asText().startsWith("/observe/health/")) {
                problems.add(probe + " must ask the management port's /observe/health/…");
            }
        }
        if (!c.path("readinessProbe").path("httpGet").path("path").asText().equals("/observe/health/ready")) {
            problems.add("readinessProbe must be /observe/health/ready");
        }
        int preStop = 0;
        JsonNode command = c.path("lifecycle").path("preStop").path("exec").path("command");
        if (command.size() == 2 && command.get(0).asText().equals("sleep")) {
            preStop = command.get(1).asInt();
        } else {
            problems.add("a preStop sleep must let the endpoint removal spread before SIGTERM");
        }
        // SIGTERM: HighLevel calls in flight get camel.main.shutdown-timeout (20 s), then the hand-back and exit
        int grace = pod.path("terminationGracePeriodSeconds").asInt(30);
        if (grace < preStop + 20 + 10) {
            problems.add("terminationGracePeriodSeconds " + grace + " < preStop " + preStop + " s + 20 s shutdown + 10 s margin");
        }
        if (integration) {
            for (String k : List.of("requestCPU", "requestMemory", "limitCPU", "limitMemory")) {
                if (container.path(k).asText().isBlank()) {
                    problems.add("the container trait must set " + k);
                }
            }
        } else {
            for (String k : List.of("requests/cpu", "requests/memory", "limits/cpu", "limits/memory")) {
                String[] p = k.split("/");
                if (c.path("resources").path(p[0]).path(p[1]).asText().isBlank()) {
                    problems.add("resources." + p[0] + "." + p[1] + " must be set");
                }
            }
        }
        return problems;
    }

    // ---- helpers -----------------------------------------------------------------------------------

    static JsonNode workload(List<JsonNode> objects) {
        return objects.stream().filter(o -> List.of("Deployment", "Integration").contains(o.path("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment or Integration rendered"));
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    /** The engine's container: the Deployment's only one, or the Integration template's "integration". */
    static JsonNode engineContainer(JsonNode workload) {
        JsonNode containers = podSpec(workload).path("containers");
        if (containers.size() != 1) {
            throw new AssertionError("expected one container in " + workload.path("kind").asText() + ", found " + containers.size());
        }
        return containers.get(0);
    }

    static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new TreeMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    /** Renders a kustomization with kustomize (standalone, or kubectl's), as an operator would apply it. */
    static List<JsonNode> render(Path dir) throws Exception {
        List<String> command = onPath("kustomize") ? List.of("kustomize", "build", dir.toString())
                : onPath("kubectl") ? List.of("kubectl", "kustomize", dir.toString())
                : null;
        if (command == null) {
            throw new AssertionError("kustomize v4+ is needed on the PATH to render kubernetes/ (kubectl's own, or standalone)");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + err);
        }
        List<JsonNode> objects = new ArrayList<>();
        try (var docs = YAML.readValues(YAML.getFactory().createParser(out), JsonNode.class)) {
            while (docs.hasNext()) {
                JsonNode d = docs.next();
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    objects.add(d);
                }
            }
        }
        return objects;
    }

    static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isBlank() && Files.isExecutable(Path.of(d, tool)));
    }

    /** The engine's settings from {@code environment} and application.properties, as the engine reads them. */
    static EngineSettings settings(Map<String, String> environment) throws IOException {
        Properties file = new Properties();
        try (InputStream in = Files.newInputStream(ROOT.resolve("application.properties"))) {
            file.load(in);
        }
        Map<String, String> overrides = EngineSettings.environmentOverrides(environment);
        return EngineSettings.from(name -> Optional.ofNullable(overrides.getOrDefault(name, file.getProperty(name))).map(String::trim));
    }

    static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        if (!text.contains(from)) {
            throw new AssertionError(file + " no longer contains: " + from);
        }
        Files.writeString(file, text.replace(from, to));
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
