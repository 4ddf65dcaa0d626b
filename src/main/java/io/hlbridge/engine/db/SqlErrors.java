package io.hlbridge.engine.db;

import java.sql.SQLException;

/** Reads PostgreSQL's SQLSTATE out of whatever wrapped it. */
public final class SqlErrors {
    private SqlErrors() {
    }

    public static boolean isUniqueViolation(Throwable e) {
        return hasState(e, "23505");
    }

    public static boolean isForeignKeyViolation(Throwable e) {
        return hasState(e, "23503");
    }

    /**
     * True when the database could not be reached or the connection broke: no connection from the pool
     * in time (Hikari's SQLTransientConnectionException), SQLSTATE class 08 (connection exception, a
     * commit of unknown fate among them), or the server shutting down / starting up (57P01-57P03).
     * Such a failure passes when the database is back: callers answer 503 or try again on their next tick.
     */
    public static boolean isDatabaseUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }

    public static boolean hasState(Throwable e, String state) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && state.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
