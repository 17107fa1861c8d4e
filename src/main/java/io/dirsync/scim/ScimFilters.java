package io.dirsync.scim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.filters.FilterType;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.storage.ManagedGroupEntity;
import io.dirsync.storage.ManagedUserEntity;

/**
 * SCIM filters answered by indexed look-ups (never by loading a directory's users): equality on the
 * attributes clients match on ({@code userName}, {@code externalId}, {@code id}, {@code emails.value},
 * {@code emails[type eq "work"].value}; {@code displayName} and {@code externalId} for groups), combined with
 * {@code and}/{@code or}. Parsed by UnboundID's SCIM SDK; anything else is a 400 invalidFilter that says what
 * is supported. Results are limited to the directory's own users and groups.
 */
public final class ScimFilters {

    /** Documented limit on filter length. */
    public static final int MAX_FILTER_LENGTH = 2048;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final Directory directory;
    private final DirectorySyncEngine engine;

    ScimFilters(KeycloakSession session, RealmModel realm, Directory directory) {
        this.session = session;
        this.realm = realm;
        this.directory = directory;
        this.engine = DirectorySyncEngine.of(session);
    }

    public List<UserModel> users(String filterText) {
        Map<String, UserModel> result = new LinkedHashMap<>();
        for (String id : userIds(parse(filterText))) {
            ManagedUserEntity m = engine.store().managedUser(id);
            if (m != null && m.getDirectoryId().equals(directory.id())) {
                UserModel u = session.users().getUserById(realm, id);
                if (u != null) {
                    result.put(id, u);
                }
            }
        }
        List<UserModel> users = new ArrayList<>(result.values());
        users.sort(Comparator.comparing(UserModel::getUsername));
        return users;
    }

    public List<ManagedGroupEntity> groups(String filterText) {
        Set<String> ids = groupIds(parse(filterText));
        List<ManagedGroupEntity> groups = new ArrayList<>();
        for (String id : ids) {
            engine.managedGroup(directory, id).ifPresent(groups::add);
        }
        groups.sort(Comparator.comparing(ManagedGroupEntity::getSourceNameFolded));
        return groups;
    }

    /** The user ids named by a {@code members[value eq "a" or value eq "b"]} path. */
    public static Set<String> memberValues(String path) {
        try {
            Filter f = Path.fromString(path).getElement(0).getValueFilter();
            Set<String> ids = new LinkedHashSet<>();
            collectValues(f, ids);
            return ids;
        } catch (BadRequestException e) {
            throw ScimError.badRequest("invalidPath", "Invalid path '" + path + "': " + e.getMessage());
        }
    }

    private static void collectValues(Filter f, Set<String> ids) {
        if (f == null) {
            throw ScimError.badRequest("invalidPath", "Expected members[value eq \"<user id>\"]");
        }
        if (f.getFilterType() == FilterType.OR) {
            for (Filter c : f.getCombinedFilters()) {
                collectValues(c, ids);
            }
        } else if (f.getFilterType() == FilterType.EQUAL && "value".equalsIgnoreCase(f.getAttributePath().toString())) {
            ids.add(f.getComparisonValue().asText());
        } else {
            throw ScimError.badRequest("invalidPath", "Only members[value eq \"<user id>\"] (joined by or) is supported, not " + f);
        }
    }

    private static Filter parse(String text) {
        if (text.length() > MAX_FILTER_LENGTH) {
            throw ScimError.badRequest("invalidFilter", "A filter has at most " + MAX_FILTER_LENGTH + " characters");
        }
        try {
            return Filter.fromString(text);
        } catch (BadRequestException e) {
            throw ScimError.badRequest("invalidFilter", "Invalid filter '" + text + "': " + e.getMessage());
        }
    }

    private Set<String> userIds(Filter f) {
        switch (f.getFilterType()) {
            case AND -> {
                Set<String> ids = null;
                for (Filter c : f.getCombinedFilters()) {
                    Set<String> part = userIds(c);
                    if (ids == null) {
                        ids = part;
                    } else {
                        ids.retainAll(part);
                    }
                }
                return ids == null ? new LinkedHashSet<>() : ids;
            }
            case OR -> {
                Set<String> ids = new LinkedHashSet<>();
                for (Filter c : f.getCombinedFilters()) {
                    ids.addAll(userIds(c));
                }
                return ids;
            }
            case EQUAL -> {
                String attr = attribute(f.getAttributePath());
                String value = f.getComparisonValue().asText();
                Set<String> ids = new LinkedHashSet<>();
                switch (attr) {
                    case "username" -> {
                        UserModel u = session.users().getUserByUsername(realm, value);
                        if (u != null) {
                            ids.add(u.getId());
                        }
                    }
                    case "externalid" -> engine.store().managedUserByExternalId(directory.id(), value)
                        .ifPresent(m -> ids.add(m.getUserId()));
                    case "id" -> ids.add(value);
                    case "emails", "emails.value" -> {
                        UserModel u = session.users().getUserByEmail(realm, value.toLowerCase(Locale.ROOT));
                        if (u != null) {
                            ids.add(u.getId());
                        }
                    }
                    default -> throw unsupported(f);
                }
                return ids;
            }
            default -> throw unsupported(f);
        }
    }

    private Set<String> groupIds(Filter f) {
        switch (f.getFilterType()) {
            case AND -> {
                Set<String> ids = null;
                for (Filter c : f.getCombinedFilters()) {
                    Set<String> part = groupIds(c);
                    if (ids == null) {
                        ids = part;
                    } else {
                        ids.retainAll(part);
                    }
                }
                return ids == null ? new LinkedHashSet<>() : ids;
            }
            case OR -> {
                Set<String> ids = new LinkedHashSet<>();
                for (Filter c : f.getCombinedFilters()) {
                    ids.addAll(groupIds(c));
                }
                return ids;
            }
            case EQUAL -> {
                String attr = attribute(f.getAttributePath());
                String value = f.getComparisonValue().asText();
                Set<String> ids = new LinkedHashSet<>();
                switch (attr) {
                    case "displayname" -> engine.store().managedGroupBySourceName(directory.id(), value)
                        .ifPresent(g -> ids.add(g.getGroupId()));
                    case "externalid" -> engine.store().managedGroups(directory.id()).stream()
                        .filter(g -> value.equals(g.getExternalId())).forEach(g -> ids.add(g.getGroupId()));
                    case "id" -> ids.add(value);
                    default -> throw unsupported(f);
                }
                return ids;
            }
            default -> throw unsupported(f);
        }
    }

    /** The attribute a path names, lower-cased, with an {@code emails[type eq "work"].value} filter allowed. */
    private static String attribute(Path path) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < path.size(); i++) {
            Path.Element e = path.getElement(i);
            Filter vf = e.getValueFilter();
            if (vf != null && !(vf.getFilterType() == FilterType.EQUAL && "type".equalsIgnoreCase(vf.getAttributePath().toString()))) {
                return "unsupported";
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(e.getAttribute());
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    private static ScimError unsupported(Filter f) {
        return ScimError.badRequest("invalidFilter", "Filter '" + f + "' is not supported: use eq on userName, "
            + "externalId, id or emails.value (displayName or externalId for groups), joined by and/or");
    }
}
