package io.dirsync.scim;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;


import com.fasterxml.jackson.databind.node.ValueNode;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.filters.FilterType;

import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.storage.Condition;
import io.dirsync.storage.Condition.Column;
import io.dirsync.storage.Condition.Op;
import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.GroupQuery;
import io.dirsync.storage.SortKey;
import io.dirsync.storage.UserQuery;

/**
 * SCIM filters (RFC 7644 §3.4.2.2, the whole grammar: eq ne co sw ew gt ge lt le pr, and or not, grouping,
 * value paths) and sorting translated into storage's {@link Condition}s and {@link SortKey}s over one directory's
 * users or groups, which storage answers with a page of ids and, unless the page tells it, a count. The database answers;
 * no user is loaded to be filtered. Users: what Keycloak holds (userName, name.givenName, name.familyName, active,
 * externalId, id, meta, groups, the attributes the directory maps) is compared on Keycloak's columns; every other
 * attribute of the client's document (displayName, title, emails, phoneNumbers, roles, Enterprise and custom
 * extensions...) on its indexed values ({@link Condition.DocumentValue}), with value filters matched within one
 * element ({@link Condition.SameElement}). Groups: displayName, externalId, id, members (value), meta.created,
 * meta.lastModified. Attribute names are case-insensitive; {@code password} is refused (never returned). What SCIM
 * means (names, "ne" on a multi-valued attribute, errors) is decided here; storage knows no SCIM.
 */
public final class ScimQuery {

    /** Documented limit on filter length. */
    public static final int MAX_FILTER_LENGTH = 2048;

    public record Page(long total, List<String> ids) {
    }

    private final UserQuery users;
    private final GroupQuery groups;
    private final Directory directory;

    public ScimQuery(DirSyncStore store, Directory directory) {
        this.users = store.userQuery(directory.realmId(), directory.id());
        this.groups = store.groupQuery(directory.id());
        this.directory = directory;
    }

    /** Translation only, no store: {@link #userWhere} for the property tests. */
    ScimQuery(Directory directory) {
        this.users = null;
        this.groups = null;
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
            return withoutNul(readFilter(rewriteValuePaths(text)));
        } catch (BadRequestException e) {
            // Compatibility: some clients send bare values (userName sw O, meta.created gt 2015-10-10T14:38:21-07:00).
            String quoted = quoteBareValues(text);
            if (!quoted.equals(text)) {
                try {
                    return withoutNul(readFilter(rewriteValuePaths(quoted)));
                } catch (BadRequestException ignored) {
                    // still not a filter: report the client's own text
                }
            }
            throw ScimError.badRequest("invalidFilter", "Invalid filter '" + text + "': " + e.getMessage());
        }
    }

    /**
     * The SDK's filter parser. It refuses most broken text with a BadRequestException, but some escape as another
     * exception — a JSON array or object where a comparison value belongs ({@code userName([]}) is a ClassCastException
     * inside it (found by ScimParsingPropertiesTest) — which the endpoint would answer with a 500: the same refusal.
     */
    private static Filter readFilter(String text) throws BadRequestException {
        try {
            return Filter.fromString(text);
        } catch (RuntimeException e) {
            throw BadRequestException.invalidFilter("it is not a filter (a value must be a string, number, boolean or"
                + " null, and every parenthesis and bracket must enclose a filter)");
        }
    }

    /** A comparison value with U+0000 (a JSON escape in the filter) reaches no query: PostgreSQL refuses it in text. */
    private static Filter withoutNul(Filter f) {
        switch (f.getFilterType()) {
            case AND, OR -> f.getCombinedFilters().forEach(ScimQuery::withoutNul);
            case NOT -> withoutNul(f.getInvertedFilter());
            case COMPLEX_VALUE -> withoutNul(f.getValueFilter());
            default -> {
                if (f.isComparisonFilter() && f.getComparisonValue() != null && f.getComparisonValue().asText().indexOf('\u0000') >= 0) {
                    throw ScimError.badRequest("invalidFilter", "A filter value must not contain the character U+0000");
                }
            }
        }
        return f;
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
        Condition where = filter == null ? null : userCondition(filter, null);
        return page(() -> sortBy == null || sortBy.isBlank() ? List.of() : List.of(userSortKey(sortBy)),
            () -> users.count(where), sort -> users.idsWithRows(where, sort, descending, first, max), first, max);
    }

    /**
     * A page and the total: the page first, and the count only when the page does not tell it (a page shorter than asked
     * for, not past the end, ends the result: a look-up of one user is one query, not two). sortBy is read only when
     * there is a page to order, as it always was: an empty result never refuses it.
     */
    private static Page page(Supplier<List<SortKey>> sortKeys, LongSupplier count, Function<List<SortKey>, List<String>> ids,
                             int first, int max) {
        List<SortKey> sort;
        try {
            sort = sortKeys.get();
        } catch (ScimError refused) {
            long total = count.getAsLong();
            if (max > 0 && first < total) {
                throw refused;
            }
            return new Page(total, List.of());
        }
        if (max <= 0) {
            return new Page(count.getAsLong(), List.of());
        }
        List<String> page = ids.apply(sort);
        if (page.size() < max && (first == 0 || !page.isEmpty())) {
            return new Page(first + page.size(), page);
        }
        return new Page(count.getAsLong(), page);
    }

    private static SortKey userSortKey(String attribute) {
        if (attribute.indexOf('\u0000') >= 0) {
            throw ScimError.badRequest("invalidValue", "sortBy must not contain the character U+0000");
        }
        return switch (normalise(attribute)) {
            case "username" -> new SortKey.ByColumn(Column.USERNAME);
            case "name.givenname" -> new SortKey.ByColumn(Column.FIRST_NAME);
            case "name.familyname" -> new SortKey.ByColumn(Column.LAST_NAME);
            case "externalid" -> new SortKey.ByColumn(Column.USER_EXTERNAL_ID);
            case "meta.created" -> new SortKey.ByColumn(Column.USER_CREATED);
            case "meta.lastmodified" -> new SortKey.ByColumn(Column.USER_LAST_MODIFIED);
            case "id" -> new SortKey.ByColumn(Column.USER_ID);
            // Any other attribute of the document: its primary (else first) value, users without one last ascending
            // and first descending (RFC 7644 §3.4.2.3).
            default -> new SortKey.ByDocumentValue(documentPath(searchable(normalise(attribute))));
        };
    }

    /** A users' filter as storage's condition, without running a query (the property tests' view of the translation). */
    Condition userWhere(Filter filter) {
        return userCondition(filter, null);
    }

    /** A groups' filter as storage's condition, without running a query. */
    static Condition groupWhere(Filter filter) {
        return groupCondition(filter, null);
    }

    /** {@code parent} is the multi-valued attribute a value filter applies to (emails[...]), or null. */
    private Condition userCondition(Filter f, String parent) {
        switch (f.getFilterType()) {
            case AND:
                return new Condition.And(f.getCombinedFilters().stream().map(c -> userCondition(c, parent)).toList());
            case OR:
                return new Condition.Or(f.getCombinedFilters().stream().map(c -> userCondition(c, parent)).toList());
            case NOT:
                return new Condition.Not(userCondition(f.getInvertedFilter(), parent));
            case COMPLEX_VALUE: {
                String attr = normalise(f.getAttributePath().toString());
                Condition mapped = mappedValuePath(attr, f.getValueFilter());
                if (mapped != null) {
                    return mapped;
                }
                // groups are Keycloak's memberships; any other multi-valued attribute is the client's document
                return attr.equals("groups") ? userCondition(f.getValueFilter(), attr) : element(attr, f.getValueFilter());
            }
            default:
                return comparison(f, parent);
        }
    }

    private Condition comparison(Filter f, String parent) {
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
                return text(Column.USERNAME, op, value);
            case "name.givenname":
                return text(Column.FIRST_NAME, op, value);
            case "name.familyname":
                return text(Column.LAST_NAME, op, value);
            case "externalid":
                return text(Column.USER_EXTERNAL_ID, op, value);
            case "id":
                return text(Column.USER_ID, op, value);
            case "active":
                return booleans(new Condition.Active(), op, value);
            case "meta.created":
                return dates(Column.USER_CREATED, op, value);
            case "meta.lastmodified":
                return dates(Column.USER_LAST_MODIFIED, op, value);
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
    private Condition mappedValuePath(String parent, Filter valueFilter) {
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
     * A comparison on an attribute of the users' SCIM documents, answered by their indexed values: a user matches
     * when any of its values at {@code path} does. {@code ne} is "no value equals", so a user without the attribute
     * matches it.
     */
    private static Condition indexed(String path, FilterType op, ValueNode value) {
        if (op == FilterType.NOT_EQUAL) {
            return new Condition.Not(indexed(path, FilterType.EQUAL, value));
        }
        return new Condition.DocumentValue(path, op(op), text(value));
    }

    /**
     * A value filter on a multi-valued attribute ({@code emails[type eq "work" and value co "@corp"]}): one element
     * of the attribute must match the whole inner filter.
     */
    private static Condition element(String attribute, Filter inner) {
        return new Condition.SameElement(attribute, elementCondition(attribute, inner));
    }

    private static Condition elementCondition(String attribute, Filter f) {
        switch (f.getFilterType()) {
            case AND:
                return new Condition.And(f.getCombinedFilters().stream().map(c -> elementCondition(attribute, c)).toList());
            case OR:
                return new Condition.Or(f.getCombinedFilters().stream().map(c -> elementCondition(attribute, c)).toList());
            case NOT:
                return new Condition.Not(elementCondition(attribute, f.getInvertedFilter()));
            case COMPLEX_VALUE:
                throw ScimError.badRequest("invalidFilter", "A value filter cannot hold another one: " + f);
            default:
                break;
        }
        FilterType op = f.getFilterType();
        ValueNode value = f.isComparisonFilter() ? f.getComparisonValue() : null;
        String path = attribute + "." + normalise(f.getAttributePath().toString());
        // ne within an element: the element has no such value (as for a whole attribute)
        return op == FilterType.NOT_EQUAL ? new Condition.Not(new Condition.DocumentValue(path, Op.EQUAL, text(value)))
            : new Condition.DocumentValue(path, op(op), text(value));
    }

    /** A Keycloak attribute the directory maps; {@code ne} is "no value equals". */
    private static Condition attribute(String target, FilterType op, ValueNode value) {
        if (op == FilterType.NOT_EQUAL) {
            return new Condition.Not(attribute(target, FilterType.EQUAL, value));
        }
        return new Condition.Attribute(target, op(op), text(value));
    }

    private static Condition membership(FilterType op, ValueNode value) {
        if (op == FilterType.PRESENT) {
            return new Condition.InGroup(null);
        }
        if (op != FilterType.EQUAL && op != FilterType.NOT_EQUAL) {
            throw ScimError.badRequest("invalidFilter", "groups supports eq, ne and pr");
        }
        Condition member = new Condition.InGroup(value.asText());
        return op == FilterType.EQUAL ? member : new Condition.Not(member);
    }

    /** groups.display: membership of a group of this directory whose source name matches. */
    private static Condition membershipByName(FilterType op, ValueNode value) {
        if (op == FilterType.NOT_EQUAL) {
            return new Condition.Not(new Condition.InDirectoryGroup(Op.EQUAL, text(value)));
        }
        return new Condition.InDirectoryGroup(op(op), text(value));
    }

    private static Condition booleans(Condition isTrue, FilterType op, ValueNode value) {
        if (op == FilterType.PRESENT) {
            return new Condition.Always();
        }
        boolean wanted = bool(value);
        Condition p = wanted ? isTrue : new Condition.Not(isTrue);
        return switch (op) {
            case EQUAL -> p;
            case NOT_EQUAL -> new Condition.Not(p);
            default -> throw ScimError.badRequest("invalidFilter", "Booleans support eq, ne and pr");
        };
    }

    // ------------------------------------------------------------------ groups

    public Page groups(Filter filter, String sortBy, boolean descending, int first, int max) {
        Condition where = filter == null ? null : groupCondition(filter, null);
        return page(() -> {
            if (sortBy == null || sortBy.isBlank()) {
                return List.of();
            }
            return List.of(new SortKey.ByColumn(switch (normalise(sortBy)) {
                case "displayname" -> Column.GROUP_NAME;
                case "externalid" -> Column.GROUP_EXTERNAL_ID;
                case "meta.created" -> Column.GROUP_CREATED;
                case "meta.lastmodified" -> Column.GROUP_LAST_MODIFIED;
                case "id" -> Column.GROUP_ID;
                default -> throw ScimError.badRequest("invalidValue", "Cannot sort groups by '" + sortBy + "'");
            }));
        }, () -> groups.count(where), sort -> groups.ids(where, sort, descending, first, max), first, max);
    }

    private static Condition groupCondition(Filter f, String parent) {
        switch (f.getFilterType()) {
            case AND:
                return new Condition.And(f.getCombinedFilters().stream().map(c -> groupCondition(c, parent)).toList());
            case OR:
                return new Condition.Or(f.getCombinedFilters().stream().map(c -> groupCondition(c, parent)).toList());
            case NOT:
                return new Condition.Not(groupCondition(f.getInvertedFilter(), parent));
            case COMPLEX_VALUE:
                return groupCondition(f.getValueFilter(), normalise(f.getAttributePath().toString()));
            default:
                break;
        }
        String attr = attributeOf(f, parent);
        FilterType op = f.getFilterType();
        ValueNode value = f.isComparisonFilter() ? f.getComparisonValue() : null;
        return switch (attr) {
            case "displayname" -> text(Column.GROUP_NAME, op, value);
            case "externalid" -> text(Column.GROUP_EXTERNAL_ID, op, value);
            case "id" -> text(Column.GROUP_ID, op, value);
            case "meta.created" -> dates(Column.GROUP_CREATED, op, value);
            case "meta.lastmodified" -> dates(Column.GROUP_LAST_MODIFIED, op, value);
            case "members", "members.value" -> {
                if (op == FilterType.EQUAL || op == FilterType.NOT_EQUAL) {
                    Condition member = new Condition.HasMember(value.asText());
                    yield op == FilterType.EQUAL ? member : new Condition.Not(member);
                }
                if (op != FilterType.PRESENT) {
                    throw ScimError.badRequest("invalidFilter", "members supports eq, ne and pr");
                }
                yield new Condition.HasMember(null);
            }
            default -> throw ScimError.badRequest("invalidFilter", "Cannot filter groups on '" + f.getAttributePath()
                + "': filterable are displayName, externalId, id, members, meta.created and meta.lastModified");
        };
    }

    // ------------------------------------------------------------------ shared

    /** A string comparison; storage compares ignoring case (SCIM's default, caseExact false). */
    private static Condition text(Column column, FilterType op, ValueNode value) {
        return new Condition.Text(column, op(op), text(value));
    }

    /** The comparison's value as text; null for none and for JSON null ({@code eq null} is "has no value"). */
    private static String text(ValueNode value) {
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Condition dates(Column column, FilterType op, ValueNode value) {
        if (op == FilterType.PRESENT) {
            return new Condition.Time(column, Op.PRESENT, null);
        }
        long t;
        try {
            t = Instant.parse(value.asText()).toEpochMilli();
        } catch (DateTimeParseException | NullPointerException e) {
            throw ScimError.badRequest("invalidFilter", "'" + value + "' is not a date-time such as 2026-01-31T12:00:00Z");
        }
        return switch (op) {
            case EQUAL, NOT_EQUAL, GREATER_THAN, GREATER_OR_EQUAL, LESS_THAN, LESS_OR_EQUAL -> new Condition.Time(column, op(op), t);
            default -> throw ScimError.badRequest("invalidFilter", "Dates support eq, ne, gt, ge, lt, le and pr, not " + op);
        };
    }

    private static Op op(FilterType type) {
        return switch (type) {
            case EQUAL -> Op.EQUAL;
            case NOT_EQUAL -> Op.NOT_EQUAL;
            case CONTAINS -> Op.CONTAINS;
            case STARTS_WITH -> Op.STARTS_WITH;
            case ENDS_WITH -> Op.ENDS_WITH;
            case GREATER_THAN -> Op.GREATER;
            case GREATER_OR_EQUAL -> Op.GREATER_OR_EQUAL;
            case LESS_THAN -> Op.LESS;
            case LESS_OR_EQUAL -> Op.LESS_OR_EQUAL;
            case PRESENT -> Op.PRESENT;
            default -> throw ScimError.badRequest("invalidFilter", "Unsupported operator " + type);
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
            return readFilter(sb.toString());
        } catch (BadRequestException e) {
            throw ScimError.badRequest("invalidFilter", "Invalid filter " + f + ": " + e.getMessage());
        }
    }

}
