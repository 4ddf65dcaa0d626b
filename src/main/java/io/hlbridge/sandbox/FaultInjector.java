package io.hlbridge.sandbox;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Failure injection: the next {@code count} requests whose path contains a given text either get a
 * given HTTP status or have their connection closed without an answer. Rules are consumed first-come.
 * The text is matched literally (never compiled as a regex: a pattern from a request could take the
 * event loop for seconds), anywhere in the path, so it works whatever prefix the sandbox is mounted under.
 */
final class FaultInjector {

    /** What to do with a matching request. */
    enum Mode { STATUS, DROP }

    record Fault(Mode mode, int status) {
    }

    private static final class Rule {
        final String pathPart;
        final Fault fault;
        int remaining;

        Rule(String pathPart, Fault fault, int remaining) {
            this.pathPart = pathPart;
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private final List<Rule> rules = new ArrayList<>();

    synchronized void failNext(String pathPart, int status, int count) {
        if (status < 100 || status > 599) throw new IllegalArgumentException("status must be an HTTP status");
        add(pathPart, new Fault(Mode.STATUS, status), count);
    }

    synchronized void dropNext(String pathPart, int count) {
        add(pathPart, new Fault(Mode.DROP, 0), count);
    }

    private void add(String pathPart, Fault fault, int count) {
        if (count <= 0) throw new IllegalArgumentException("count must be > 0");
        if (pathPart.isEmpty()) throw new IllegalArgumentException("path must not be empty");
        rules.add(new Rule(pathPart, fault, count));
    }

    synchronized void clear() {
        rules.clear();
    }

    /** Consumes and returns the fault for this path, if any rule matches. */
    synchronized Optional<Fault> take(String path) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            if (path.contains(rule.pathPart)) {
                if (--rule.remaining <= 0) {
                    it.remove();
                }
                return Optional.of(rule.fault);
            }
        }
        return Optional.empty();
    }
}
