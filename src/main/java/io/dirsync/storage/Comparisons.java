package io.dirsync.storage;

import java.util.Locale;

import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.Expression;
import jakarta.persistence.criteria.Path;
import jakarta.persistence.criteria.Predicate;

import io.dirsync.storage.Condition.Op;

/** The comparisons {@link UserQuery} and {@link GroupQuery} share, as criteria predicates. */
final class Comparisons {

    private Comparisons() {
    }

    /**
     * Text ignoring case. {@code folded}: the column holds its values lower-cased already, so it is compared as it
     * is and its index serves (Keycloak's usernames, ids, the {@code *_FOLDED} columns).
     */
    static Predicate text(CriteriaBuilder cb, Path<String> column, boolean folded, Op op, String value) {
        if (op == Op.PRESENT) {
            return cb.and(cb.isNotNull(column), cb.notEqual(column, ""));
        }
        if (value == null) {
            return op == Op.EQUAL ? cb.isNull(column) : cb.isNotNull(column);
        }
        String v = value.toLowerCase(Locale.ROOT);
        Expression<String> c = folded ? column : cb.lower(column);
        return switch (op) {
            case EQUAL -> cb.equal(c, v);
            // a row without a value differs from every value
            case NOT_EQUAL -> cb.or(cb.isNull(column), cb.notEqual(c, v));
            case CONTAINS -> cb.like(c, "%" + escape(v) + "%", '\\');
            case STARTS_WITH -> cb.like(c, escape(v) + "%", '\\');
            case ENDS_WITH -> cb.like(c, "%" + escape(v), '\\');
            case GREATER -> cb.greaterThan(c, v);
            case GREATER_OR_EQUAL -> cb.greaterThanOrEqualTo(c, v);
            case LESS -> cb.lessThan(c, v);
            case LESS_OR_EQUAL -> cb.lessThanOrEqualTo(c, v);
            case PRESENT -> throw new IllegalStateException();
        };
    }

    /** An epoch-milliseconds column; a row without a value matches no comparison. */
    static Predicate time(CriteriaBuilder cb, Path<Long> column, Op op, Long t) {
        if (op == Op.PRESENT) {
            return cb.isNotNull(column);
        }
        return switch (op) {
            case EQUAL -> cb.equal(column, t);
            case NOT_EQUAL -> cb.notEqual(column, t);
            case GREATER -> cb.greaterThan(column, t);
            case GREATER_OR_EQUAL -> cb.greaterThanOrEqualTo(column, t);
            case LESS -> cb.lessThan(column, t);
            case LESS_OR_EQUAL -> cb.lessThanOrEqualTo(column, t);
            default -> throw new IllegalArgumentException("Times are not compared with " + op);
        };
    }

    /** {@code v} as a literal inside a LIKE pattern with {@code \} as its escape. */
    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
