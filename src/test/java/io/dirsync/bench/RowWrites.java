package io.dirsync.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * Rows the Keycloak server inserted, updated and deleted, from PostgreSQL's own counters, when the suite runs on
 * PostgreSQL ({@code -Dkc.test.database=remote}, as .ci/run does); "n/a" on H2. Counters of other backends are
 * published when they go idle (at most 10 s later in PostgreSQL 15), hence the wait before each reading.
 */
public final class RowWrites implements AutoCloseable {
    private final java.sql.Connection connection;

    private RowWrites(java.sql.Connection connection) {
        this.connection = connection;
    }

    public static RowWrites none() {
        return new RowWrites(null);
    }

    public static RowWrites connect() throws java.sql.SQLException {
        String url = System.getProperty("kc.test.database.url", "");
        if (!url.startsWith("jdbc:postgresql:")) {
            return new RowWrites(null);
        }
        return new RowWrites(java.sql.DriverManager.getConnection(url, System.getProperty("kc.test.database.user"),
            System.getProperty("kc.test.database.password")));
    }

    /** The database's row counters, and each table's under its name (null on H2). */
    public Map<String, long[]> read() throws Exception {
        if (connection == null) {
            return null;
        }
        Thread.sleep(11_000);
        Map<String, long[]> counters = new HashMap<>();
        try (var st = connection.createStatement()) {
            st.execute("select pg_stat_clear_snapshot()");
            try (var rs = st.executeQuery("select tup_inserted, tup_updated, tup_deleted from pg_stat_database"
                + " where datname = current_database()")) {
                rs.next();
                counters.put("", new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
            }
            try (var rs = st.executeQuery("select relname, n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables")) {
                while (rs.next()) {
                    counters.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                }
            }
        }
        return counters;
    }

    /** Rows written since {@code before}: the database's totals, then the tables that were written most. */
    public String since(Map<String, long[]> before) throws Exception {
        return describe(before, read());
    }

    /** Whether rows are counted at all (PostgreSQL); on H2 every reading is null. */
    public boolean counting() {
        return connection != null;
    }

    /** Rows inserted, updated and deleted in all between two readings; -1 on H2. */
    public static long total(Map<String, long[]> before, Map<String, long[]> now) {
        if (before == null || now == null) {
            return -1;
        }
        long[] a = before.get("");
        long[] b = now.get("");
        return (b[0] - a[0]) + (b[1] - a[1]) + (b[2] - a[2]);
    }

    /** The rows written between two readings: the database's totals, then the tables that were written most. */
    public static String describe(Map<String, long[]> before, Map<String, long[]> now) {
        if (before == null || now == null) {
            return "n/a (H2)";
        }
        long[] a = before.get("");
        long[] b = now.get("");
        StringBuilder out = new StringBuilder(String.format("inserted=%d updated=%d deleted=%d", b[0] - a[0], b[1] - a[1],
            b[2] - a[2]));
        now.entrySet().stream().filter(e -> !e.getKey().isEmpty())
            .map(e -> {
                long[] was = before.getOrDefault(e.getKey(), new long[3]);
                long[] d = {e.getValue()[0] - was[0], e.getValue()[1] - was[1], e.getValue()[2] - was[2]};
                return Map.entry(e.getKey(), d);
            })
            .filter(e -> e.getValue()[0] + e.getValue()[1] + e.getValue()[2] > 0)
            .sorted((x, y) -> Long.compare(y.getValue()[0] + y.getValue()[1] + y.getValue()[2],
                x.getValue()[0] + x.getValue()[1] + x.getValue()[2]))
            .limit(10)
            .forEach(e -> out.append(String.format(" %s(+%d ~%d -%d)", e.getKey().toLowerCase(java.util.Locale.ROOT),
                e.getValue()[0], e.getValue()[1], e.getValue()[2])));
        return out.toString();
    }

    @Override
    public void close() throws java.sql.SQLException {
        if (connection != null) {
            connection.close();
        }
    }
}
