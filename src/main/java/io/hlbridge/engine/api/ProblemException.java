package io.hlbridge.engine.api;

import java.util.List;

/**
 * A request that cannot be served, with the RFC 9457 problem it answers: status, a short title, a
 * detail in words, and, when one field is at fault, that field's path (e.g. {@code customer.email}).
 * Thrown anywhere on a request's path; the shared route configuration turns it into
 * {@code application/problem+json}.
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String title;
    private final String field;
    private final List<FieldError> errors;
    private final int retryAfterSeconds;

    public record FieldError(String field, String message) {
    }

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, null, List.of());
    }

    public ProblemException(int status, String title, String detail, String field, List<FieldError> errors) {
        this(status, title, detail, field, errors, 0);
    }

    private ProblemException(int status, String title, String detail, String field, List<FieldError> errors,
                             int retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.field = field;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 503 with {@code Retry-After}: the engine cannot serve this now (database unreachable, shutting down). */
    public static ProblemException unavailable(String detail, int retryAfterSeconds) {
        return new ProblemException(503, "Service unavailable", detail, null, List.of(), retryAfterSeconds);
    }

    public static ProblemException invalidField(String field, String message) {
        return new ProblemException(400, "Invalid request", field + ": " + message, field,
                List.of(new FieldError(field, message)));
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad request", detail);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "Unauthorized", detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "Forbidden", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not found", detail);
    }

    public static ProblemException conflict(String detail, String field) {
        return new ProblemException(409, "Conflict", detail, field, List.of());
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** Seconds for the {@code Retry-After} header; 0: none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
