package io.dirsync.scim;

import java.time.Instant;
import java.time.format.DateTimeParseException;
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

import com.fasterxml.jackson.databind.node.ValueNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.filters.FilterType;

import org.keycloak.models.jpa.entities.UserAttributeEntity;
import org.keycloak.models.jpa.entities.UserEntity;
import org.keycloak.models.jpa.entities.UserGroupMembershipEntity;

import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.storage.ManagedGroupEntity;
import io.dirsync.storage.ManagedUserEntity;
import io.dirsync.storage.SourceValueEntity;

/**
 * SCIM filters (RFC 7644 §3.4.2.2, the whole grammar: eq ne co sw ew gt ge lt le pr, and or not, grouping,
 * value paths) translated into one JPA criteria query over Keycloak's user table and the extension's own,
 * scoped to one directory, with sorting and stable paging. The database answers; no user is loaded to be
 * filtered. Users: what Keycloak holds (userName, name.givenName, name.familyName, active, externalId, id, meta, groups,
 * the attributes the directory maps) is compared on Keycloak's columns; every other attribute of the client's
 * document (displayName, title, emails, phoneNumbers, roles, Enterprise and custom extensions...) on its indexed
 * values ({@link SourceValueEntity}), with value filters matched within one element. Groups: displayName, externalId,
 * id, members (value), meta.created, meta.lastModified. Attribute names are case-insensitive; {@code password} is
 * refused (never returned).
 */
public final class ScimQuery {

    /** Documented limit on filter length. */
    public static final int MAX_FILTER_LENGTH = 2048;

    public record Page(long total, List<String> ids) {
    }

    private final EntityManager em;
    private final Directory directory;

    public ScimQuery(EntityManager em, Directory directory) {
        this.em = em;
        this.directory = directory;
    }

    public static Filter parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.length() > MAX_FILTER_LENGTH) {
            throw ScimError.badRequest("invalidFilter", "A filter has at most " + MAX_FILTER_LENGTH + " characters");
        }
        try {
            return Filter.fromString(rewriteValuePaths(text));
        } catch (BadRequestException e) {
            // Compatibility: some clients send bare values (userName sw O, meta.created gt 2015-10-10T14:38:21-07:00).
            String quoted = quoteBareValues(text);
            if (!quoted.equals(text)) {
                try {
                    return Filter.fromString(rewriteValuePaths(quoted));
                } catch (BadRequestException ignored) {
                    // still not a filter: report the client's own text
                }
            }
            throw ScimError.badRequest("invalidFilter", "Invalid filter '" + text + "': " + e.getMessage());
        }
    }

    /**
     * The filter with each comparison's unquoted value that is not {@code true}, {@code false}, {@code null} or a
     * number put in quotes; only used when the filter does not parse as sent, and the result must parse as a whole
     * (so {@code userName eq a b} stays an error).
     */
    static String quoteBareValues(String f) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = f.length();
        String previous = "";
        while (i < n) {
            char c = f.charAt(i);
            if (c == '"') {
                int end = endOfString(f, i);
                out.append(f, i, end);
                previous = "\"";
                i = end;
                continue;
            }
            if (Character.isWhitespace(c) || c == '(' || c == ')' || c == '[' || c == ']') {
                out.append(c);
                i++;
                continue;
            }
            int j = i;
            while (j < n && !Character.isWhitespace(f.charAt(j)) && "()[]\"".indexOf(f.charAt(j)) < 0) {
                j++;
            }
            String token = f.substring(i, j);
            boolean comparison = OPERATORS.contains(previous.toLowerCase(Locale.ROOT)) && !previous.equalsIgnoreCase("pr");
            if (comparison && !List.of("true", "false", "null").contains(token.toLowerCase(Locale.ROOT))
                    && !token.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
                out.append('"').append(token.replace("\\", "\\\\")).append('"');
            } else {
                out.append(token);
            }
            previous = token;
            i = j;
        }
        return out.toString();
    }

    private static final List<String> OPERATORS = List.of("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr");

    /**
     * Entra filters on {@code emails[type eq "work"].value eq "x"}, which RFC 7644's grammar (and UnboundID's
     * parser) does not allow; it means {@code emails[type eq "work" and value eq "x"]}, so it is rewritten to that.
     */
    static String rewriteValuePaths(String f) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = f.length();
        while (i < n) {
            char c = f.charAt(i);
            if (c == '"') {
                int end = endOfString(f, i);
                out.append(f, i, end);
                i = end;
                continue;
            }
            if (c == ']' && i + 1 < n && f.charAt(i + 1) == '.') {
                int j = i + 2;
                while (j < n && (Character.isLetterOrDigit(f.charAt(j)) || f.charAt(j) == '_' || f.charAt(j) == '$')) {
                    j++;
                }
                String sub = f.substring(i + 2, j);
                int k = j;
                while (k < n && f.charAt(k) == ' ') {
                    k++;
                }
                String op = k + 2 <= n ? f.substring(k, k + 2).toLowerCase(Locale.ROOT) : "";
                if (!sub.isEmpty() && OPERATORS.contains(op)) {
                    if (op.equals("pr")) {
                        out.append(" and ").append(sub).append(" pr]");
                        i = k + 2;
                        continue;
                    }
                    int v = k + 2;
                    while (v < n && f.charAt(v) == ' ') {
                        v++;
                    }
                    int end = v < n && f.charAt(v) == '"' ? endOfString(f, v) : v;
                    while (end < n && f.charAt(end) != ' ' && f.charAt(end) != ')' && f.charAt(v) != '"') {
                        end++;
                    }
                    out.append(" and ").append(sub).append(' ').append(op).append(' ').append(f, v, end).append(']');
                    i = end;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static int endOfString(String f, int start) {
        int i = start + 1;
        while (i < f.length()) {
            char c = f.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '"') {
                return i + 1;
            }
            i++;
        }
        return f.length();
    }

    // ------------------------------------------------------------------ users

    public Page users(Filter filter, String sortBy, boolean descending, int first, int max) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<Long> count = cb.createQuery(Long.class);
        UserScope cs = new UserScope(cb, count);
        count.select(cb.count(cs.m)).where(cs.where(filter));
        long total = em.createQuery(count).getSingleResult();
        List<String> ids = List.of();
        if (max > 0 && first < total) {
            CriteriaQuery<String> q = cb.createQuery(String.class);
            UserScope s = new UserScope(cb, q);
            List<Order> order = new ArrayList<>();
            if (sortBy != null && !sortBy.isBlank()) {
                for (Expression<?> key : s.sortKeys(sortBy)) {
                    order.add(descending ? cb.desc(key) : cb.asc(key));
                }
            }
            order.add(cb.asc(s.m.get("createdAt")));
            order.add(cb.asc(s.m.get("userId")));
            q.select(s.m.get("userId")).where(s.where(filter)).orderBy(order);
            ids = em.createQuery(q).setFirstResult(first).setMaxResults(max).getResultList();
        }
        return new Page(total, ids);
    }

    private final class UserScope {
        final CriteriaBuilder cb;
        final CriteriaQuery<?> query;
        final Root<ManagedUserEntity> m;
        final Root<UserEntity> u;

        UserScope(CriteriaBuilder cb, CriteriaQuery<?> query) {
            this.cb = cb;
            this.query = query;
            this.m = query.from(ManagedUserEntity.class);
            this.u = query.from(UserEntity.class);
        }

        Predicate where(Filter filter) {
            // u.realmId lets the database answer userName/email equality from Keycloak's (REALM_ID, USERNAME) and
            // (REALM_ID, EMAIL_CONSTRAINT) indexes instead of walking the directory's users.
            Predicate scope = cb.and(cb.equal(u.get("realmId"), directory.realmId()), cb.equal(m.get("directoryId"), directory.id()),
                cb.equal(u.get("id"), m.get("userId")), cb.isFalse(m.get("sourceDeleted")));
            return filter == null ? scope : cb.and(scope, predicate(filter, null));
        }

        /** What to order by for {@code sortBy}, most significant first; each is ordered in the requested direction. */
        List<Expression<?>> sortKeys(String attribute) {
            return switch (normalise(attribute)) {
                case "username" -> List.of(u.get("username"));
                case "name.givenname" -> List.of(u.get("firstName"));
                case "name.familyname" -> List.of(u.get("lastName"));
                case "externalid" -> List.of(m.get("externalId"));
                case "meta.created" -> List.of(m.get("createdAt"));
                case "meta.lastmodified" -> List.of(m.get("lastModified"));
                case "id" -> List.of(m.get("userId"));
                default -> {
                    // Any other attribute of the document: its primary (else first) value. Users without one sort
                    // as the greatest value: last ascending, first descending (RFC 7644 §3.4.2.3), on every database.
                    Subquery<String> sq = query.subquery(String.class);
                    Root<SourceValueEntity> v = sq.from(SourceValueEntity.class);
                    sq.select(cb.least(v.<String>get("valueFolded"))).where(cb.equal(v.get("userId"), m.get("userId")),
                        cb.equal(v.get("path"), documentPath(searchable(normalise(attribute)))), cb.equal(v.get("element"), 0));
                    yield List.of(cb.selectCase().when(cb.isNull(sq), 1).otherwise(0), sq);
                }
            };
        }

        /** {@code parent} is the multi-valued attribute a value filter applies to (emails[...]), or null. */
        Predicate predicate(Filter f, String parent) {
            switch (f.getFilterType()) {
                case AND:
                    return cb.and(f.getCombinedFilters().stream().map(c -> predicate(c, parent)).toArray(Predicate[]::new));
                case OR:
                    return cb.or(f.getCombinedFilters().stream().map(c -> predicate(c, parent)).toArray(Predicate[]::new));
                case NOT:
                    return cb.not(predicate(f.getInvertedFilter(), parent));
                case COMPLEX_VALUE: {
                    String attr = normalise(f.getAttributePath().toString());
                    Predicate mapped = mappedValuePath(attr, f.getValueFilter());
                    if (mapped != null) {
                        return mapped;
                    }
                    // groups are Keycloak's memberships; any other multi-valued attribute is the client's document
                    return attr.equals("groups") ? predicate(f.getValueFilter(), attr) : element(attr, f.getValueFilter());
                }
                default:
                    return comparison(f, parent);
            }
        }

        private Predicate comparison(Filter f, String parent) {
            com.unboundid.scim2.common.Path path = f.getAttributePath();
            if (parent == null && path.size() >= 1 && path.getElement(0).getValueFilter() != null) {
                // A value path such as emails[type eq "work"].value eq "x" (Entra matches users this way).
                String target = mappedTarget(normalise(path.toString()));
                if (target != null) {
                    return attribute(target, f.getFilterType(), f.isComparisonFilter() ? f.getComparisonValue() : null);
                }
                String root = normalise(ScimQuery.withoutValueFilter(path));
                String sub = path.size() > 1 ? path.getElement(1).getAttribute() : "value";
                return element(root, Filter.and(path.getElement(0).getValueFilter(), rebase(f, sub)));
            }
            String attr = attributeOf(f, parent);
            FilterType op = f.getFilterType();
            ValueNode value = f.isComparisonFilter() ? f.getComparisonValue() : null;
            switch (attr) {
                case "username":
                    return strings(u.get("username"), op, value, true);
                case "name.givenname":
                    return strings(u.get("firstName"), op, value, false);
                case "name.familyname":
                    return strings(u.get("lastName"), op, value, false);
                case "externalid":
                    return strings(m.get("externalId"), op, value, false);
                case "id":
                    return strings(m.get("userId"), op, value, true);
                case "active": {
                    Predicate active = cb.and(cb.isNull(m.get("trashedAt")), cb.isTrue(m.get("sourceActive")));
                    return booleans(active, op, value);
                }
                case "meta.created":
                    return dates(m.get("createdAt"), op, value);
                case "meta.lastmodified":
                    return dates(m.get("lastModified"), op, value);
                case "groups":
                case "groups.value":
                    return membership(op, value);
                case "groups.display":
                    return membershipByName(op, value);
                default:
                    String target = mappedTarget(attr);
                    if (target != null) {
                        return attribute(target, op, value);
                    }
                    if (parent != null) {
                        throw ScimError.badRequest("invalidFilter", "Cannot filter on '" + attr + "' inside " + parent);
                    }
                    return indexed(documentPath(searchable(attr)), op, value);
            }
        }

        /**
         * {@code phoneNumbers[type eq "work" and value eq "x"]} where the directory maps
         * {@code phoneNumbers[type eq "work"].value}: the mapped attribute compared with "x".
         */
        private Predicate mappedValuePath(String parent, Filter valueFilter) {
            List<Filter> parts = valueFilter.getFilterType() == FilterType.AND ? valueFilter.getCombinedFilters() : List.of(valueFilter);
            Filter selector = null;
            Filter comparison = null;
            for (Filter p : parts) {
                if (p.getFilterType() == FilterType.EQUAL && "type".equalsIgnoreCase(p.getAttributePath().toString())) {
                    selector = p;
                } else if (comparison == null && p.getAttributePath() != null) {
                    comparison = p;
                } else {
                    return null;
                }
            }
            if (selector == null || comparison == null) {
                return null;
            }
            String source = parent + "[typeeq" + selector.getComparisonValue().toString().toLowerCase(Locale.ROOT) + "]."
                + normalise(comparison.getAttributePath().toString());
            String target = mappedTarget(source);
            return target == null ? null
                : attribute(target, comparison.getFilterType(), comparison.isComparisonFilter() ? comparison.getComparisonValue() : null);
        }

        /**
         * A comparison on an attribute of the users' SCIM documents, answered by the indexed values
         * (DIRSYNC_SOURCE_VALUE): a user matches when any of its values at {@code path} does. {@code ne} is "no value
         * equals", so a user without the attribute matches it.
         */
        private Predicate indexed(String path, FilterType op, ValueNode value) {
            if (op == FilterType.NOT_EQUAL) {
                return cb.not(indexed(path, FilterType.EQUAL, value));
            }
            Subquery<String> sq = query.subquery(String.class);
            Root<SourceValueEntity> v = sq.from(SourceValueEntity.class);
            sq.select(v.get("userId")).where(cb.equal(v.get("directoryId"), directory.id()), cb.equal(v.get("path"), path),
                valueMatch(v, op, value));
            return m.get("userId").in(sq);
        }

        /**
         * A value filter on a multi-valued attribute ({@code emails[type eq "work" and value co "@corp"]}): one element
         * of the attribute must match the whole inner filter.
         */
        private Predicate element(String attribute, Filter inner) {
            Subquery<String> sq = query.subquery(String.class);
            Root<SourceValueEntity> e = sq.from(SourceValueEntity.class);
            sq.select(e.get("userId")).where(cb.equal(e.get("directoryId"), directory.id()),
                cb.like(e.get("path"), escape(attribute) + ".%", '\\'), elementMatch(sq, e, attribute, inner));
            return m.get("userId").in(sq);
        }

        private Predicate elementMatch(Subquery<?> outer, Root<SourceValueEntity> e, String attribute, Filter f) {
            switch (f.getFilterType()) {
                case AND:
                    return cb.and(f.getCombinedFilters().stream().map(c -> elementMatch(outer, e, attribute, c)).toArray(Predicate[]::new));
                case OR:
                    return cb.or(f.getCombinedFilters().stream().map(c -> elementMatch(outer, e, attribute, c)).toArray(Predicate[]::new));
                case NOT:
                    return cb.not(elementMatch(outer, e, attribute, f.getInvertedFilter()));
                case COMPLEX_VALUE:
                    throw ScimError.badRequest("invalidFilter", "A value filter cannot hold another one: " + f);
                default:
                    break;
            }
            FilterType op = f.getFilterType();
            ValueNode value = f.isComparisonFilter() ? f.getComparisonValue() : null;
            if (op == FilterType.NOT_EQUAL) {
                return cb.not(elementMatch(outer, e, attribute, Filter.eq(f.getAttributePath(), value)));
            }
            Subquery<Integer> sq = outer.subquery(Integer.class);
            Root<SourceValueEntity> v = sq.from(SourceValueEntity.class);
            sq.select(cb.literal(1)).where(cb.equal(v.get("userId"), e.get("userId")),
                cb.equal(v.get("element"), e.get("element")),
                cb.equal(v.get("path"), attribute + "." + normalise(f.getAttributePath().toString())),
                valueMatch(v, op, value));
            return cb.exists(sq);
        }

        private Predicate valueMatch(Root<SourceValueEntity> v, FilterType op, ValueNode value) {
            return op == FilterType.PRESENT ? cb.notEqual(v.get("valueFolded"), "")
                : ScimQuery.this.strings(cb, v.get("valueFolded"), op, value, true);
        }

        private Predicate attribute(String target, FilterType op, ValueNode value) {
            if (op == FilterType.NOT_EQUAL) {
                return cb.not(attribute(target, FilterType.EQUAL, value));
            }
            Subquery<Integer> sq = query.subquery(Integer.class);
            Root<UserAttributeEntity> a = sq.from(UserAttributeEntity.class);
            List<Predicate> p = new ArrayList<>();
            p.add(cb.equal(a.get("user"), u));
            p.add(cb.equal(a.get("name"), target));
            if (op != FilterType.PRESENT) {
                p.add(ScimQuery.this.strings(cb, a.get("value"), op, value, target.startsWith("alias")));
            }
            sq.select(cb.literal(1)).where(p.toArray(Predicate[]::new));
            return cb.exists(sq);
        }

        private Predicate membership(FilterType op, ValueNode value) {
            Subquery<Integer> sq = query.subquery(Integer.class);
            Root<UserGroupMembershipEntity> g = sq.from(UserGroupMembershipEntity.class);
            List<Predicate> p = new ArrayList<>();
            p.add(cb.equal(g.get("user"), u));
            if (op == FilterType.PRESENT) {
                sq.select(cb.literal(1)).where(p.toArray(Predicate[]::new));
                return cb.exists(sq);
            }
            if (op != FilterType.EQUAL && op != FilterType.NOT_EQUAL) {
                throw ScimError.badRequest("invalidFilter", "groups supports eq, ne and pr");
            }
            p.add(cb.equal(g.get("groupId"), value.asText()));
            sq.select(cb.literal(1)).where(p.toArray(Predicate[]::new));
            return op == FilterType.EQUAL ? cb.exists(sq) : cb.not(cb.exists(sq));
        }

        /** groups.display: membership of a group of this directory whose source name matches. */
        private Predicate membershipByName(FilterType op, ValueNode value) {
            Subquery<Integer> sq = query.subquery(Integer.class);
            Root<UserGroupMembershipEntity> g = sq.from(UserGroupMembershipEntity.class);
            Root<ManagedGroupEntity> mg = sq.from(ManagedGroupEntity.class);
            List<Predicate> p = new ArrayList<>();
            p.add(cb.equal(g.get("user"), u));
            p.add(cb.equal(g.get("groupId"), mg.get("groupId")));
            p.add(cb.equal(mg.get("directoryId"), directory.id()));
            if (op != FilterType.PRESENT) {
                p.add(ScimQuery.this.strings(cb, mg.get("sourceNameFolded"), op == FilterType.NOT_EQUAL ? FilterType.EQUAL : op, value, true));
            }
            sq.select(cb.literal(1)).where(p.toArray(Predicate[]::new));
            return op == FilterType.NOT_EQUAL ? cb.not(cb.exists(sq)) : cb.exists(sq);
        }

        private Predicate strings(Path<String> column, FilterType op, ValueNode value, boolean storedLowerCase) {
            return ScimQuery.this.strings(cb, column, op, value, storedLowerCase);
        }

        private Predicate dates(Path<Long> column, FilterType op, ValueNode value) {
            return ScimQuery.this.dates(cb, column, op, value);
        }

        private Predicate booleans(Predicate isTrue, FilterType op, ValueNode value) {
            if (op == FilterType.PRESENT) {
                return cb.conjunction();
            }
            boolean wanted = bool(value);
            Predicate p = wanted ? isTrue : cb.not(isTrue);
            return switch (op) {
                case EQUAL -> p;
                case NOT_EQUAL -> cb.not(p);
                default -> throw ScimError.badRequest("invalidFilter", "Booleans support eq, ne and pr");
            };
        }


    }

    // ------------------------------------------------------------------ groups

    public Page groups(Filter filter, String sortBy, boolean descending, int first, int max) {
        CriteriaBuilder cb = em.getCriteriaBuilder();
        CriteriaQuery<Long> count = cb.createQuery(Long.class);
        Root<ManagedGroupEntity> cg = count.from(ManagedGroupEntity.class);
        count.select(cb.count(cg)).where(groupWhere(cb, count, cg, filter));
        long total = em.createQuery(count).getSingleResult();
        List<String> ids = List.of();
        if (max > 0 && first < total) {
            CriteriaQuery<String> q = cb.createQuery(String.class);
            Root<ManagedGroupEntity> g = q.from(ManagedGroupEntity.class);
            List<Order> order = new ArrayList<>();
            if (sortBy != null && !sortBy.isBlank()) {
                Expression<?> key = switch (normalise(sortBy)) {
                    case "displayname" -> g.get("sourceNameFolded");
                    case "externalid" -> g.get("externalId");
                    case "meta.created" -> g.get("createdAt");
                    case "meta.lastmodified" -> g.get("lastModified");
                    case "id" -> g.get("groupId");
                    default -> throw ScimError.badRequest("invalidValue", "Cannot sort groups by '" + sortBy + "'");
                };
                order.add(descending ? cb.desc(key) : cb.asc(key));
            }
            order.add(cb.asc(g.get("createdAt")));
            order.add(cb.asc(g.get("groupId")));
            q.select(g.get("groupId")).where(groupWhere(cb, q, g, filter)).orderBy(order);
            ids = em.createQuery(q).setFirstResult(first).setMaxResults(max).getResultList();
        }
        return new Page(total, ids);
    }

    private Predicate groupWhere(CriteriaBuilder cb, CriteriaQuery<?> q, Root<ManagedGroupEntity> g, Filter filter) {
        Predicate scope = cb.equal(g.get("directoryId"), directory.id());
        return filter == null ? scope : cb.and(scope, groupPredicate(cb, q, g, filter, null));
    }

    private Predicate groupPredicate(CriteriaBuilder cb, CriteriaQuery<?> q, Root<ManagedGroupEntity> g, Filter f, String parent) {
        switch (f.getFilterType()) {
            case AND:
                return cb.and(f.getCombinedFilters().stream().map(c -> groupPredicate(cb, q, g, c, parent)).toArray(Predicate[]::new));
            case OR:
                return cb.or(f.getCombinedFilters().stream().map(c -> groupPredicate(cb, q, g, c, parent)).toArray(Predicate[]::new));
            case NOT:
                return cb.not(groupPredicate(cb, q, g, f.getInvertedFilter(), parent));
            case COMPLEX_VALUE:
                return groupPredicate(cb, q, g, f.getValueFilter(), normalise(f.getAttributePath().toString()));
            default:
                break;
        }
        String attr = attributeOf(f, parent);
        FilterType op = f.getFilterType();
        ValueNode value = f.isComparisonFilter() ? f.getComparisonValue() : null;
        return switch (attr) {
            case "displayname" -> strings(cb, g.get("sourceNameFolded"), op, value, true);
            case "externalid" -> strings(cb, g.get("externalId"), op, value, false);
            case "id" -> strings(cb, g.get("groupId"), op, value, true);
            case "meta.created" -> dates(cb, g.get("createdAt"), op, value);
            case "meta.lastmodified" -> dates(cb, g.get("lastModified"), op, value);
            case "members", "members.value" -> {
                Subquery<Integer> sq = q.subquery(Integer.class);
                Root<UserGroupMembershipEntity> mm = sq.from(UserGroupMembershipEntity.class);
                List<Predicate> p = new ArrayList<>();
                p.add(cb.equal(mm.get("groupId"), g.get("groupId")));
                if (op == FilterType.EQUAL || op == FilterType.NOT_EQUAL) {
                    p.add(cb.equal(mm.get("user").get("id"), value.asText()));
                } else if (op != FilterType.PRESENT) {
                    throw ScimError.badRequest("invalidFilter", "members supports eq, ne and pr");
                }
                sq.select(cb.literal(1)).where(p.toArray(Predicate[]::new));
                yield op == FilterType.NOT_EQUAL ? cb.not(cb.exists(sq)) : cb.exists(sq);
            }
            default -> throw ScimError.badRequest("invalidFilter", "Cannot filter groups on '" + f.getAttributePath()
                + "': filterable are displayName, externalId, id, members, meta.created and meta.lastModified");
        };
    }

    // ------------------------------------------------------------------ shared

    private Predicate strings(CriteriaBuilder cb, Path<String> column, FilterType op, ValueNode value, boolean storedLowerCase) {
        if (op == FilterType.PRESENT) {
            return cb.and(cb.isNotNull(column), cb.notEqual(column, ""));
        }
        if (value == null || value.isNull()) {
            return op == FilterType.EQUAL ? cb.isNull(column) : cb.isNotNull(column);
        }
        String v = value.asText().toLowerCase(Locale.ROOT);
        Expression<String> c = storedLowerCase ? column : cb.lower(column);
        return switch (op) {
            case EQUAL -> cb.equal(c, v);
            case NOT_EQUAL -> cb.or(cb.isNull(column), cb.notEqual(c, v));
            case CONTAINS -> cb.like(c, "%" + escape(v) + "%", '\\');
            case STARTS_WITH -> cb.like(c, escape(v) + "%", '\\');
            case ENDS_WITH -> cb.like(c, "%" + escape(v), '\\');
            case GREATER_THAN -> cb.greaterThan(c, v);
            case GREATER_OR_EQUAL -> cb.greaterThanOrEqualTo(c, v);
            case LESS_THAN -> cb.lessThan(c, v);
            case LESS_OR_EQUAL -> cb.lessThanOrEqualTo(c, v);
            default -> throw ScimError.badRequest("invalidFilter", "Unsupported operator " + op);
        };
    }

    private Predicate dates(CriteriaBuilder cb, Path<Long> column, FilterType op, ValueNode value) {
        if (op == FilterType.PRESENT) {
            return cb.isNotNull(column);
        }
        long t;
        try {
            t = Instant.parse(value.asText()).toEpochMilli();
        } catch (DateTimeParseException | NullPointerException e) {
            throw ScimError.badRequest("invalidFilter", "'" + value + "' is not a date-time such as 2026-01-31T12:00:00Z");
        }
        return switch (op) {
            case EQUAL -> cb.equal(column, t);
            case NOT_EQUAL -> cb.notEqual(column, t);
            case GREATER_THAN -> cb.greaterThan(column, t);
            case GREATER_OR_EQUAL -> cb.greaterThanOrEqualTo(column, t);
            case LESS_THAN -> cb.lessThan(column, t);
            case LESS_OR_EQUAL -> cb.lessThanOrEqualTo(column, t);
            default -> throw ScimError.badRequest("invalidFilter", "Dates support eq, ne, gt, ge, lt, le and pr, not " + op);
        };
    }

    private static boolean bool(ValueNode value) {
        if (value != null && (value.isBoolean() || "true".equalsIgnoreCase(value.asText()) || "false".equalsIgnoreCase(value.asText()))) {
            return value.isBoolean() ? value.booleanValue() : Boolean.parseBoolean(value.asText().toLowerCase(Locale.ROOT));
        }
        throw ScimError.badRequest("invalidFilter", "Expected true or false, not " + value);
    }

    /** The attribute a comparison names, qualified by its parent for value filters, lower-cased. */
    private static String attributeOf(Filter f, String parent) {
        String path = normalise(f.getAttributePath().toString());
        return parent == null ? path : parent + "." + path;
    }

    /** Lower-cased path with core schema URNs dropped; value filters kept as written (for mapped sources). */
    static String normalise(String path) {
        String p = path.trim();
        for (String core : List.of(ScimJson.CORE_USER + ":", ScimJson.CORE_GROUP + ":")) {
            if (p.regionMatches(true, 0, core, 0, core.length())) {
                p = p.substring(core.length());
            }
        }
        return p.toLowerCase(Locale.ROOT).replace(" ", "");
    }

    /**
     * The path under which a document value is indexed: a multi-valued complex attribute named without a
     * sub-attribute means its {@code value} (RFC 7644 §3.4.2.2: {@code emails co "x"}).
     */
    static String documentPath(String normalisedPath) {
        ScimSchemas.Attr attr = ScimSchemas.CORE_USER_ATTRS.get(normalisedPath);
        return attr != null && attr.type() == ScimSchemas.Type.MULTI_COMPLEX ? normalisedPath + ".value" : normalisedPath;
    }

    /** A document attribute a client may filter and sort on: not one the server never returns (RFC 7643 §7). */
    static String searchable(String normalisedPath) {
        if (normalisedPath.equals("password") || normalisedPath.startsWith("password.")) {
            throw ScimError.badRequest("invalidFilter", "Cannot filter or sort on 'password': it is never returned");
        }
        return normalisedPath;
    }

    /** The attribute of a value path without its filter: {@code emails} of {@code emails[type eq "work"].value}. */
    static String withoutValueFilter(com.unboundid.scim2.common.Path path) {
        String urn = path.getSchemaUrn();
        String attribute = path.getElement(0).getAttribute();
        return urn == null ? attribute : urn + ":" + attribute;
    }

    private String mappedTarget(String normalisedPath) {
        for (AttributeMapping m : directory.mappings()) {
            if (normalise(m.source()).equals(normalisedPath)) {
                return m.target();
            }
        }
        return null;
    }

    /** The same comparison on a plain attribute name (used to peel a value path). */
    private static Filter rebase(Filter f, String attribute) {
        try {
            StringBuilder sb = new StringBuilder();
            sb.append(attribute).append(' ').append(switch (f.getFilterType()) {
                case EQUAL -> "eq"; case NOT_EQUAL -> "ne"; case CONTAINS -> "co"; case STARTS_WITH -> "sw";
                case ENDS_WITH -> "ew"; case GREATER_THAN -> "gt"; case GREATER_OR_EQUAL -> "ge"; case LESS_THAN -> "lt";
                case LESS_OR_EQUAL -> "le"; case PRESENT -> "pr";
                default -> throw ScimError.badRequest("invalidFilter", "Unsupported filter " + f);
            });
            if (f.isComparisonFilter()) {
                sb.append(' ').append(f.getComparisonValue().toString());
            }
            return Filter.fromString(sb.toString());
        } catch (BadRequestException e) {
            throw ScimError.badRequest("invalidFilter", "Invalid filter " + f + ": " + e.getMessage());
        }
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
