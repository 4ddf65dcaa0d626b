import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes strict JSON Schemas (draft-07) for the Kubernetes kinds the manifests use, from the official
 * Kubernetes Java client's models, and for Camel K's Integration, from its CRD. Run by ./generate.
 */
public final class GenerateSchemas {
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** file name, model class, apiVersion, kind */
    static final String[][] KINDS = {
        {"deployment-apps-v1", "V1Deployment", "apps/v1", "Deployment"},
        {"service-v1", "V1Service", "v1", "Service"},
        {"configmap-v1", "V1ConfigMap", "v1", "ConfigMap"},
        {"secret-v1", "V1Secret", "v1", "Secret"},
        {"poddisruptionbudget-policy-v1", "V1PodDisruptionBudget", "policy/v1", "PodDisruptionBudget"},
        {"horizontalpodautoscaler-autoscaling-v2", "V2HorizontalPodAutoscaler", "autoscaling/v2", "HorizontalPodAutoscaler"},
        {"networkpolicy-networking-v1", "V1NetworkPolicy", "networking.k8s.io/v1", "NetworkPolicy"},
    };

    public static void main(String[] args) throws Exception {
        Path k8s = Files.createDirectories(Path.of(args[0]));
        for (String[] k : KINDS) {
            Map<String, ObjectNode> definitions = new TreeMap<>();
            Class<?> root = Class.forName("io.kubernetes.client.openapi.models." + k[1]);
            ObjectNode schema = F.objectNode();
            schema.put("$schema", "http://json-schema.org/draft-07/schema#");
            schema.put("title", k[3] + " (" + k[2] + "), Kubernetes 1.30, strict");
            schema.setAll(model(root, definitions).deepCopy());
            definitions.remove(root.getSimpleName());
            pin(schema, k[2], k[3]);
            ObjectNode defs = schema.putObject("definitions");
            definitions.forEach(defs::set);
            JSON.writeValue(k8s.resolve(k[0] + ".json").toFile(), schema);
        }
        Path camelK = Files.createDirectories(Path.of(args[1]));
        try (InputStream in = GenerateSchemas.class.getClassLoader().getResourceAsStream("camel.apache.org_integrations.yaml")) {
            JsonNode crd = new YAMLMapper().readTree(in);
            JsonNode version = crd.path("spec").path("versions").get(0);
            ObjectNode schema = F.objectNode();
            schema.put("$schema", "http://json-schema.org/draft-07/schema#");
            schema.put("title", "Integration (camel.apache.org/" + version.path("name").asText() + "), Camel K " + args[1].replace("camel-k-", "") + ", strict");
            schema.setAll((ObjectNode) crdSchema(version.path("schema").path("openAPIV3Schema")));
            pin(schema, "camel.apache.org/" + version.path("name").asText(), "Integration");
            JSON.writeValue(camelK.resolve("integration-camel-v1.json").toFile(), schema);
        }
    }

    /** apiVersion and kind required and fixed, as kubeconform's schemas have them. */
    static void pin(ObjectNode schema, String apiVersion, String kind) {
        ObjectNode props = (ObjectNode) schema.get("properties");
        props.putObject("apiVersion").put("type", "string").putArray("enum").add(apiVersion);
        props.putObject("kind").put("type", "string").putArray("enum").add(kind);
        TreeSet<String> required = new TreeSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        required.add("apiVersion");
        required.add("kind");
        ArrayNode r = schema.putArray("required");
        required.forEach(r::add);
    }

    /** A model class as an object schema: its serialized fields, the required ones, nothing else. */
    static ObjectNode model(Class<?> c, Map<String, ObjectNode> definitions) throws Exception {
        String name = c.getSimpleName();
        if (definitions.containsKey(name)) {
            return definitions.get(name);
        }
        ObjectNode schema = F.objectNode();
        definitions.put(name, schema);
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        for (Field f : c.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            var serialized = f.getAnnotation(com.google.gson.annotations.SerializedName.class);
            props.set(serialized != null ? serialized.value() : f.getName(), type(f.getGenericType(), definitions));
        }
        Collection<?> fields = (Collection<?>) c.getField("openapiFields").get(null);
        if (!new TreeSet<Object>(fields).equals(new TreeSet<Object>(iterable(props.fieldNames())))) {
            throw new IllegalStateException(name + ": fields " + fields + " but properties " + props);
        }
        Collection<?> required = (Collection<?>) c.getField("openapiRequiredFields").get(null);
        if (!required.isEmpty()) {
            ArrayNode r = schema.putArray("required");
            new TreeSet<Object>(required).forEach(x -> r.add(x.toString()));
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    static <T> java.util.List<T> iterable(java.util.Iterator<T> it) {
        java.util.List<T> list = new java.util.ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    static JsonNode type(Type t, Map<String, ObjectNode> definitions) throws Exception {
        if (t instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (java.util.List.class.isAssignableFrom(raw)) {
                ObjectNode s = F.objectNode().put("type", "array");
                s.set("items", type(p.getActualTypeArguments()[0], definitions));
                return s;
            }
            if (Map.class.isAssignableFrom(raw)) {
                ObjectNode s = F.objectNode().put("type", "object");
                s.set("additionalProperties", type(p.getActualTypeArguments()[1], definitions));
                return s;
            }
            throw new IllegalStateException("unexpected " + t);
        }
        Class<?> c = (Class<?>) t;
        String n = c.getName();
        switch (n) {
            case "java.lang.String", "java.time.OffsetDateTime", "[B":
                return F.objectNode().put("type", "string");
            case "java.lang.Integer", "java.lang.Long":
                return F.objectNode().put("type", "integer");
            case "java.lang.Boolean":
                return F.objectNode().put("type", "boolean");
            case "java.lang.Double", "java.lang.Float", "java.math.BigDecimal":
                return F.objectNode().put("type", "number");
            case "java.lang.Object":
                return F.objectNode();
            case "io.kubernetes.client.custom.IntOrString": {
                ObjectNode s = F.objectNode();
                s.putArray("type").add("integer").add("string");
                return s;
            }
            case "io.kubernetes.client.custom.Quantity": {
                ObjectNode s = F.objectNode();
                s.putArray("type").add("string").add("number");
                s.put("pattern", "^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+|[numkMGTPE]|[KMGTPE]i)?$");
                return s;
            }
            default:
                break;
        }
        if (c.isEnum()) {
            ObjectNode s = F.objectNode().put("type", "string");
            ArrayNode values = s.putArray("enum");
            for (Object constant : c.getEnumConstants()) {
                var serialized = c.getField(((Enum<?>) constant).name()).getAnnotation(com.google.gson.annotations.SerializedName.class);
                values.add(serialized != null ? serialized.value() : constant.toString());
            }
            return s;
        }
        if (n.startsWith("io.kubernetes.client.openapi.models.")) {
            model(c, definitions);
            return F.objectNode().put("$ref", "#/definitions/" + c.getSimpleName());
        }
        throw new IllegalStateException("no JSON type for " + n);
    }

    /**
     * A CRD's structural schema as JSON Schema: descriptions and formats dropped, int-or-string and
     * nullable spelled out, and every object that lists its properties closed to others unless it
     * preserves unknown fields.
     */
    static JsonNode crdSchema(JsonNode in) {
        if (!in.isObject()) {
            return in;
        }
        ObjectNode out = F.objectNode();
        boolean preserve = in.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (in.path("x-kubernetes-int-or-string").asBoolean(false)) {
            out.putArray("type").add("integer").add("string");
        }
        var it = in.fields();
        while (it.hasNext()) {
            var e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            switch (k) {
                case "description", "format", "nullable", "example", "externalDocs" -> { }
                case "type" -> {
                    if (!out.has("type")) {
                        if (in.path("nullable").asBoolean(false)) {
                            out.putArray("type").add(v.asText()).add("null");
                        } else {
                            out.set("type", v);
                        }
                    }
                }
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    v.fields().forEachRemaining(p -> props.set(p.getKey(), crdSchema(p.getValue())));
                }
                case "items", "additionalProperties", "not" -> out.set(k, crdSchema(v));
                case "allOf", "anyOf", "oneOf" -> {
                    ArrayNode a = out.putArray(k);
                    v.forEach(x -> a.add(crdSchema(x)));
                }
                default -> {
                    if (!k.startsWith("x-kubernetes-")) {
                        out.set(k, v);
                    }
                }
            }
        }
        if (in.has("properties") && !in.has("additionalProperties") && !preserve) {
            out.put("additionalProperties", false);
        }
        return out;
    }
}
