package io.dirsync.storage;

import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Order;
import jakarta.persistence.criteria.Path;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import jakarta.persistence.criteria.Subquery;

import org.keycloak.models.jpa.entities.UserGroupMembershipEntity;

/** A directory's managed groups that meet a {@link Condition}, counted and paged by the database. */
public final class GroupQuery {

    private final EntityManager em;
    private final String directoryId;

    GroupQuery(EntityManager em, String directoryId) {
        this.em = em;
        this.directoryId = directoryId;
    }

    /** How many groups meet {@code where} (null: all of the directory's). */
    public long count(Condition where) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<Long> count = cb.createQuery(Long.class);
        Root<ManagedGroupEntity> g = count.from(ManagedGroupEntity.class);
        count.select(cb.count(g)).where(where(cb, count, g, where));
        return em.createQuery(count).getSingleResult();
    }

    /** The ids of the groups meeting {@code where}, ordered by {@code sort} in one direction, rows first..first+max. */
    public List<String> ids(Condition where, List<SortKey> sort, boolean descending, int first, int max) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<String> q = cb.createQuery(String.class);
        Root<ManagedGroupEntity> g = q.from(ManagedGroupEntity.class);
        List<Order> order = new ArrayList<>();
        for (SortKey key : sort) {
            if (!(key instanceof SortKey.ByColumn c)) {
                throw new IllegalArgumentException("Groups sort on columns only: " + key);
            }
            Path<?> column = column(g, c.column());
            order.add(descending ? cb.desc(column) : cb.asc(column));
        }
        // a stable order, so that pages neither repeat nor skip groups
        order.add(cb.asc(g.get("createdAt")));
        order.add(cb.asc(g.get("groupId")));
        q.select(g.get("groupId")).where(where(cb, q, g, where)).orderBy(order);
        return em.createQuery(q).setFirstResult(first).setMaxResults(max).getResultList();
    }

    private Predicate where(CriteriaBuilder cb, CriteriaQuery<?> q, Root<ManagedGroupEntity> g, Condition condition) {
        Predicate scope = cb.equal(g.get("directoryId"), directoryId);
        return condition == null ? scope : cb.and(scope, predicate(cb, q, g, condition));
    }

    private static <T> Path<T> column(Root<ManagedGroupEntity> g, Condition.Column column) {
        return switch (column) {
            case GROUP_NAME -> g.get("sourceNameFolded");
            case GROUP_EXTERNAL_ID -> g.get("externalId");
            case GROUP_ID -> g.get("groupId");
            case GROUP_CREATED -> g.get("createdAt");
            case GROUP_LAST_MODIFIED -> g.get("lastModified");
            default -> throw new IllegalArgumentException(column + " is not a column of groups");
        };
    }

    private Predicate predicate(CriteriaBuilder cb, CriteriaQuery<?> q, Root<ManagedGroupEntity> g, Condition c) {
        if (c instanceof Condition.And and) {
            return cb.and(and.parts().stream().map(p -> predicate(cb, q, g, p)).toArray(Predicate[]::new));
        }
        if (c instanceof Condition.Or or) {
            return cb.or(or.parts().stream().map(p -> predicate(cb, q, g, p)).toArray(Predicate[]::new));
        }
        if (c instanceof Condition.Not not) {
            return cb.not(predicate(cb, q, g, not.condition()));
        }
        if (c instanceof Condition.Text t) {
            // the name column holds the source's name folded; ids are lower-case UUIDs
            boolean folded = t.column() != Condition.Column.GROUP_EXTERNAL_ID;
            return Comparisons.text(cb, column(g, t.column()), folded, t.op(), t.value());
        }
        if (c instanceof Condition.Time t) {
            return Comparisons.time(cb, column(g, t.column()), t.op(), t.epochMilli());
        }
        if (c instanceof Condition.HasMember h) {
            Subquery<Integer> sq = q.subquery(Integer.class);
            Root<UserGroupMembershipEntity> mm = sq.from(UserGroupMembershipEntity.class);
            List<Predicate> p = new ArrayList<>();
            p.add(cb.equal(mm.get("groupId"), g.get("groupId")));
            if (h.userId() != null) {
                p.add(cb.equal(mm.get("user").get("id"), h.userId()));
            }
            sq.select(cb.literal(1)).where(p.toArray(Predicate[]::new));
            return cb.exists(sq);
        }
        throw new IllegalArgumentException("Not a condition on groups: " + c);
    }
}
