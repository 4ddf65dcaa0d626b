package io.hlbridge.engine.fuzz;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One generated HTTP request: method, raw path and query (already percent-encoded or not, as the
 * fuzzer chose), headers (a name may repeat), body bytes, and what the oracle must additionally
 * hold for it ({@link #mustNotSucceed}: e.g. a stale timestamp must never get a 2xx).
 */
record Probe(String label, String method, String pathAndQuery, List<Map.Entry<String, String>> headers, byte[] body,
             boolean mustNotSucceed, boolean mayBeCutOff) {

    Probe {
        headers = List.copyOf(headers);
    }

    HttpRequest toRequest(String baseUrl) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, String> header : headers) {
            builder.header(header.getKey(), header.getValue());
        }
        return builder.build();
    }

    static final class Builder {
        private final String label;
        private String method = "GET";
        private String pathAndQuery = "/";
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private byte[] body;
        private boolean mustNotSucceed;
        private boolean mayBeCutOff;

        Builder(String label) {
            this.label = label;
        }

        Builder method(String m) {
            this.method = m;
            return this;
        }

        Builder path(String p) {
            this.pathAndQuery = p;
            return this;
        }

        Builder header(String name, String value) {
            if (value != null) {
                headers.add(Map.entry(name, value));
            }
            return this;
        }

        Builder body(byte[] b) {
            this.body = b;
            return this;
        }

        Builder mustNotSucceed() {
            this.mustNotSucceed = true;
            return this;
        }

        Builder mayBeCutOff() {
            this.mayBeCutOff = true;
            return this;
        }

        Probe build() {
            return new Probe(label, method, pathAndQuery, headers, body, mustNotSucceed, mayBeCutOff);
        }
    }

    @Override
    public String toString() {
        String shownBody = body == null ? "none" : body.length > 300 ? body.length + " bytes"
                : new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "?");
        String shownPath = pathAndQuery.length() > 300 ? pathAndQuery.substring(0, 300) + "…(" + pathAndQuery.length() + ")" : pathAndQuery;
        List<String> shownHeaders = headers.stream()
                .map(h -> h.getKey() + ": " + (h.getValue().length() > 120 ? h.getValue().substring(0, 120) + "…" : h.getValue()))
                .toList();
        return label + " " + method + " " + shownPath + " " + shownHeaders + " body=" + shownBody;
    }
}
