package io.hlbridge.engine.highlevel.sandbox;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Failure injection: the next {@code count} requests whose path contains a match of a regex either get a
 * given HTTP status or have their connection closed without an answer. Rules are consumed first-come.
 * The regex is searched (not fully matched) in the request path, so it works whatever prefix the sandbox
 * is mounted under.
 */
final class FaultInjector {

    /** What to do with a matching request. */
    enum Mode { STATUS, DROP }

    record Fault(Mode mode, int status) {
    }

    private static final class Rule {
        final Pattern pattern;
        final Fault fault;
        int remaining;

        Rule(Pattern pattern, Fault fault, int remaining) {
            this.pattern = pattern;
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private final List<Rule> rules = new ArrayList<>();

    synchronized void failNext(String pathRegex, int status, int count) {
        if (status < 100 || status > 599) throw new IllegalArgumentException("status must be an HTTP status");
        add(pathRegex, new Fault(Mode.STATUS, status), count);
    }

    synchronized void dropNext(String pathRegex, int count) {
        add(pathRegex, new Fault(Mode.DROP, 0), count);
    }

    private void add(String pathRegex, Fault fault, int count) {
        if (count <= 0) throw new IllegalArgumentException("count must be > 0");
        rules.add(new Rule(Pattern.compile(pathRegex), fault, count));
    }

    synchronized void clear() {
        rules.clear();
    }

    /** Consumes and returns the fault for this path, if any rule matches. */
    synchronized Optional<Fault> take(String path) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            if (rule.pattern.matcher(path).find()) {
                if (--rule.remaining <= 0) {
                    it.remove();
                }
                return Optional.of(rule.fault);
            }
        }
        return Optional.empty();
    }
}
