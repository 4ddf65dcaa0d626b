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

    private static boolean hasState(Throwable e, String state) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && state.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
