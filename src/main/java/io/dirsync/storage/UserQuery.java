package io.dirsync.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Expression;
import jakarta.persistence.criteria.Order;
import jakarta.persistence.criteria.Path;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import jakarta.persistence.criteria.Subquery;

import org.keycloak.models.jpa.entities.UserAttributeEntity;
import org.keycloak.models.jpa.entities.UserEntity;
import org.keycloak.models.jpa.entities.UserGroupMembershipEntity;

import io.dirsync.storage.Condition.Op;

/**
 * A directory's users (those its source has not deleted) that meet a {@link Condition}, counted and paged by the
 * database in one query each: Keycloak's user row joined with the managed-user row, with subqueries for attributes,
 * memberships and the source documents' indexed values ({@link SourceValueEntity}). No user is loaded to be filtered.
 */
public final class UserQuery {

    /** The most users an equality on a document value is resolved to before the users' query (see documentValue). */
    static final int RESOLVED_IDS = 100;

    private final EntityManager em;
    private final String realmId;
    private final String directoryId;

    UserQuery(EntityManager em, String realmId, String directoryId) {
        this.em = em;
        this.realmId = realmId;
        this.directoryId = directoryId;
    }

    /**
     * How many users meet {@code where} (null: all of the directory's). Rows are counted, not a column of them, so that
     * the unfiltered count (every SCIM list's totalResults) reads IDX_DIRSYNC_MUSER_COUNT alone: counting USER_ID,
     * PostgreSQL walked the table, 26 ms of a 41 ms first page at 100,000 users.
     */
    public long count(Condition where) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<Long> count = cb.createQuery(Long.class);
        Scope s = new Scope(cb, count);
        count.select(cb.count(cb.literal(1))).where(s.scoped(s.filter(where)));
        return em.createQuery(count).getSingleResult();
    }

    /** The ids of the users meeting {@code where}, ordered by {@code sort} in one direction, rows first..first+max. */
    public List<String> ids(Condition where, List<SortKey> sort, boolean descending, int first, int max) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<String> q = cb.createQuery(String.class);
        Scope s = new Scope(cb, q);
        Predicate filter = s.filter(where);
        List<Order> order = order(cb, s, sort, descending);
        q.select(s.m.get("userId")).where(s.scoped(filter)).orderBy(order);
        return em.createQuery(q).setFirstResult(first).setMaxResults(max).getResultList();
    }

    /**
     * As {@link #ids}, for a caller that reads the users' managed rows next (a page of resources): the rows come in the
     * same statement and stay in the persistence context, so {@link DirSyncStore#managedUser} and
     * {@link DirSyncStore#managedUsers} answer them without another statement (a {@code userName eq} look-up is one
     * statement fewer).
     */
    public List<String> idsWithRows(Condition where, List<SortKey> sort, boolean descending, int first, int max) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<ManagedUserEntity> q = cb.createQuery(ManagedUserEntity.class);
        Scope s = new Scope(cb, q);
        Predicate filter = s.filter(where);
        List<Order> order = order(cb, s, sort, descending);
        q.select(s.m).where(s.scoped(filter)).orderBy(order);
        return em.createQuery(q).setFirstResult(first).setMaxResults(max).getResultList().stream()
            .map(ManagedUserEntity::getUserId).toList();
    }

    private static List<Order> order(CriteriaBuilder cb, Scope s, List<SortKey> sort, boolean descending) {
        List<Order> order = new ArrayList<>();
        for (SortKey key : sort) {
            for (Expression<?> e : s.orderBy(key)) {
                order.add(descending ? cb.desc(e) : cb.asc(e));
            }
        }
        // a stable order, so that pages neither repeat nor skip users
        order.add(cb.asc(s.m.get("createdAt")));
        order.add(cb.asc(s.m.get("userId")));
        return order;
    }

    /**
     * One query's roots: the managed user {@code m}, and Keycloak's user {@code u} only when a condition or a sort reads
     * its columns (username, names). Most queries need {@code m} alone: a managed row never outlives its Keycloak user
     * (ModelGuard), and a join the database must plan is one it can plan badly — PostgreSQL, on tables not analyzed
     * yet, walked the realm's users once per managed user (105 ms for a count over 1,000 users instead of 1 ms).
     */
    private final class Scope {
        final CriteriaBuilder cb;
        final CriteriaQuery<?> query;
        final Root<ManagedUserEntity> m;
        private Root<UserEntity> u;

        Scope(CriteriaBuilder cb, CriteriaQuery<?> query) {
            this.cb = cb;
            this.query = query;
            this.m = query.from(ManagedUserEntity.class);
        }

        /** Keycloak's user row of {@code m}, joined on first use. */
        Root<UserEntity> u() {
            if (u == null) {
                u = query.from(UserEntity.class);
            }
            return u;
        }

        /** The condition's predicate (null for none); build it, and the sort, before {@link #scoped}. */
        Predicate filter(Condition condition) {
            return condition == null ? null : predicate(condition);
        }

        /** The directory's users meeting {@code filter}, joined to Keycloak's user if the filter or the sort read it. */
        Predicate scoped(Predicate filter) {
            List<Predicate> p = new ArrayList<>(List.of(cb.equal(m.get("directoryId"), directoryId),
                cb.equal(m.get("realmId"), realmId), cb.isFalse(m.get("sourceDeleted"))));
            if (u != null) {
                p.add(cb.equal(u.get("id"), m.get("userId")));
                p.add(cb.equal(u.get("realmId"), realmId));
            }
            if (filter != null) {
                p.add(filter);
            }
            return cb.and(p.toArray(Predicate[]::new));
        }

        List<Expression<?>> orderBy(SortKey key) {
            if (key instanceof SortKey.ByColumn c) {
                return List.of(column(c.column()));
            }
            SortKey.ByDocumentValue d = (SortKey.ByDocumentValue) key;
            // The primary element is numbered 0 (SourceValues); a null flag first, so that users without a value
            // sort as the greatest in either direction whatever the database's default place for nulls.
            Subquery<String> sq = query.subquery(String.class);
            Root<SourceValueEntity> v = sq.from(SourceValueEntity.class);
            sq.select(cb.least(v.<String>get("valueFolded"))).where(cb.equal(v.get("userId"), m.get("userId")),
                cb.equal(v.get("path"), d.path()), cb.equal(v.get("element"), 0));
            return List.of(cb.selectCase().when(cb.isNull(sq), 1).otherwise(0), sq);
        }

        private <T> Path<T> column(Condition.Column column) {
            return switch (column) {
                case USERNAME -> u().get("username");
                case FIRST_NAME -> u().get("firstName");
                case LAST_NAME -> u().get("lastName");
                case USER_EXTERNAL_ID -> m.get("externalId");
                case USER_ID -> m.get("userId");
                case USER_CREATED -> m.get("createdAt");
                case USER_LAST_MODIFIED -> m.get("lastModified");
                default -> throw new IllegalArgumentException(column + " is not a column of users");
            };
        }

        Predicate predicate(Condition c) {
            if (c instanceof Condition.And and) {
                return cb.and(and.parts().stream().map(this::predicate).toArray(Predicate[]::new));
            }
            if (c instanceof Condition.Or or) {
                return cb.or(or.parts().stream().map(this::predicate).toArray(Predicate[]::new));
            }
            if (c instanceof Condition.Not not) {
                return cb.not(predicate(not.condition()));
            }
            if (c instanceof Condition.Always) {
                return cb.conjunction();
            }
            if (c instanceof Condition.Text t && t.column() == Condition.Column.USERNAME && t.op() == Op.EQUAL
                && t.value() != null) {
                return usernameEquals(t.value());
            }
            if (c instanceof Condition.Text t) {
                // Keycloak stores usernames lower-cased, and ids are lower-case UUIDs
                boolean folded = t.column() == Condition.Column.USERNAME || t.column() == Condition.Column.USER_ID;
                return Comparisons.text(cb, column(t.column()), folded, t.op(), t.value());
            }
            if (c instanceof Condition.Time t) {
                return Comparisons.time(cb, column(t.column()), t.op(), t.epochMilli());
            }
            if (c instanceof Condition.Active) {
                return cb.and(cb.isNull(m.get("trashedAt")), cb.isTrue(m.get("sourceActive")));
            }
            if (c instanceof Condition.Attribute a) {
                return attribute(a);
            }
            if (c instanceof Condition.DocumentValue v) {
                return documentValue(v);
            }
            if (c instanceof Condition.SameElement e) {
                return sameElement(e);
            }
            if (c instanceof Condition.InGroup g) {
                return inGroup(g.groupId());
            }
            if (c instanceof Condition.InDirectoryGroup g) {
                return inDirectoryGroup(g.op(), g.name());
            }
            throw new IllegalArgumentException("Not a condition on users: " + c);
        }

        /**
         * {@code userName eq}, the look-up every push client makes before a create: the user's id from Keycloak's
         * (REALM_ID, USERNAME) unique index, once, then the managed row by its key. Written as {@code u.username = ?}
         * beside the join, PostgreSQL on tables not yet analyzed (a directory's first minutes of provisioning) planned a
         * nested loop that walked the realm's users once per managed user: 222 ms at 1,000 users instead of 1 ms.
         */
        private Predicate usernameEquals(String value) {
            Subquery<String> sq = query.subquery(String.class);
            Root<UserEntity> byName = sq.from(UserEntity.class);
            sq.select(byName.get("id")).where(cb.equal(byName.get("realmId"), realmId),
                cb.equal(byName.get("username"), value.toLowerCase(Locale.ROOT)));
            // "" for nobody: the comparison is then false, not null, so that not (userName eq "nobody") holds
            return cb.equal(m.get("userId"), cb.coalesce(sq, ""));
        }

        private Predicate attribute(Condition.Attribute c) {
            Subquery<Integer> sq = query.subquery(Integer.class);
            Root<UserAttributeEntity> a = sq.from(UserAttributeEntity.class);
            List<Predicate> p = new ArrayList<>();
            p.add(cb.equal(a.get("user").get("id"), m.get("userId")));
            p.add(cb.equal(a.get("name"), c.name()));
            if (c.op() != Op.PRESENT) {
                // the engine writes aliases folded (rule 3), so their values are compared as stored
                p.add(Comparisons.text(cb, a.get("value"), c.name().startsWith("alias"), c.op(), c.value()));
            }
            sq.select(cb.literal(1)).where(p.toArray(Predicate[]::new));
            return cb.exists(sq);
        }

        /**
         * Some value at the path matches: the users with one, by the (directory, path, value) index. An equality (the
         * {@code emails.value eq} look-up clients make before a create) looks the users up first, in a statement of
         * its own, and compares the ids: written as a subquery, PostgreSQL on tables not analyzed yet (a directory's
         * first minutes of provisioning) walked the directory's users in page order looking the value up for each
         * (0.77-0.81x the Admin REST API's e-mail look-up at 1,000 users). A value more than
         * {@value UserQuery#RESOLVED_IDS} users hold keeps the subquery.
         */
        private Predicate documentValue(Condition.DocumentValue c) {
            if (c.op() == Op.EQUAL && c.value() != null) {
                List<String> ids = usersWithValue(c);
                if (ids.size() <= RESOLVED_IDS) {
                    return ids.isEmpty() ? cb.disjunction() : m.get("userId").in(ids);
                }
            }
            Subquery<String> sq = query.subquery(String.class);
            Root<SourceValueEntity> v = sq.from(SourceValueEntity.class);
            sq.select(v.get("userId")).where(cb.equal(v.get("directoryId"), directoryId), cb.equal(v.get("path"), c.path()),
                valueMatch(v, c.op(), c.value()));
            return m.get("userId").in(sq);
        }

        /** Up to {@value UserQuery#RESOLVED_IDS} + 1 users of the directory with the condition's value at its path. */
        private List<String> usersWithValue(Condition.DocumentValue c) {
            CriteriaQuery<String> q = cb.createQuery(String.class);
            Root<SourceValueEntity> v = q.from(SourceValueEntity.class);
            q.select(v.get("userId")).distinct(true).where(cb.equal(v.get("directoryId"), directoryId),
                cb.equal(v.get("path"), c.path()), valueMatch(v, c.op(), c.value()));
            return em.createQuery(q).setMaxResults(RESOLVED_IDS + 1).getResultList();
        }

        /** The users with an element {@code e} under the path for which the inner condition holds. */
        private Predicate sameElement(Condition.SameElement c) {
            Subquery<String> sq = query.subquery(String.class);
            Root<SourceValueEntity> e = sq.from(SourceValueEntity.class);
            sq.select(e.get("userId")).where(cb.equal(e.get("directoryId"), directoryId),
                cb.like(e.get("path"), Comparisons.escape(c.path()) + ".%", '\\'), elementMatch(sq, e, c.inner()));
            return m.get("userId").in(sq);
        }

        private Predicate elementMatch(Subquery<?> outer, Root<SourceValueEntity> e, Condition c) {
            if (c instanceof Condition.And and) {
                return cb.and(and.parts().stream().map(p -> elementMatch(outer, e, p)).toArray(Predicate[]::new));
            }
            if (c instanceof Condition.Or or) {
                return cb.or(or.parts().stream().map(p -> elementMatch(outer, e, p)).toArray(Predicate[]::new));
            }
            if (c instanceof Condition.Not not) {
                return cb.not(elementMatch(outer, e, not.condition()));
            }
            if (!(c instanceof Condition.DocumentValue d)) {
                throw new IllegalArgumentException("Not a condition on an element: " + c);
            }
            // a value of the same user and the same element number as e
            Subquery<Integer> sq = outer.subquery(Integer.class);
            Root<SourceValueEntity> v = sq.from(SourceValueEntity.class);
            sq.select(cb.literal(1)).where(cb.equal(v.get("userId"), e.get("userId")),
                cb.equal(v.get("element"), e.get("element")),
                cb.equal(v.get("path"), d.path()),
                valueMatch(v, d.op(), d.value()));
            return cb.exists(sq);
        }

        private Predicate valueMatch(Root<SourceValueEntity> v, Op op, String value) {
            // the column is never null: a value is present unless empty
            return op == Op.PRESENT ? cb.notEqual(v.get("valueFolded"), "")
                : Comparisons.text(cb, v.get("valueFolded"), true, op, value);
        }

        private Predicate inGroup(String groupId) {
            Subquery<Integer> sq = query.subquery(Integer.class);
            Root<UserGroupMembershipEntity> g = sq.from(UserGroupMembershipEntity.class);
            List<Predicate> p = new ArrayList<>();
            p.add(cb.equal(g.get("user").get("id"), m.get("userId")));
            if (groupId != null) {
                p.add(cb.equal(g.get("groupId"), groupId));
            }
            sq.select(cb.literal(1)).where(p.toArray(Predicate[]::new));
            return cb.exists(sq);
        }

        private Predicate inDirectoryGroup(Op op, String name) {
            Subquery<Integer> sq = query.subquery(Integer.class);
            Root<UserGroupMembershipEntity> g = sq.from(UserGroupMembershipEntity.class);
            Root<ManagedGroupEntity> mg = sq.from(ManagedGroupEntity.class);
            List<Predicate> p = new ArrayList<>();
            p.add(cb.equal(g.get("user").get("id"), m.get("userId")));
            p.add(cb.equal(g.get("groupId"), mg.get("groupId")));
            p.add(cb.equal(mg.get("directoryId"), directoryId));
            if (op != Op.PRESENT) {
                p.add(Comparisons.text(cb, mg.get("sourceNameFolded"), true, op, name));
            }
            sq.select(cb.literal(1)).where(p.toArray(Predicate[]::new));
            return cb.exists(sq);
        }
    }
}
