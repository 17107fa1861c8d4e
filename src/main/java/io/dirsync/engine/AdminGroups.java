package io.dirsync.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rule 12: a pull directory's {@code adminGroups} setting, the same for every pull source, and the mapping of a user's
 * admin-group memberships to the five admin roles of {@link AdminRoleSets}.
 *
 * <pre>
 * adminGroups   [{"group": ..., "role": "owner|administrator|user-manager|help-desk|read-only"}]
 * </pre>
 *
 * A group is named by its source's identifier (an LDAP group's DN, an Entra group's object id), under the neutral key
 * {@code group} or the key its type names ({@link Naming#key()}, {@code dn} for LDAP: the setting as LDAP directories
 * always had it). A group listed twice grants each role it is listed with. The engine validates the setting when a
 * directory is saved ({@link #validate}), grants and revokes the roles during pull runs ({@link PullRun}); a source
 * only says which of its groups a user is in. A type without admin groups ({@link DirectoryTypeFactory#adminGroups()}
 * null, e.g. SCIM: a push source never grants a role) refuses the setting.
 */
public final class AdminGroups {

    /** The setting's key in a directory's settings. */
    public static final String SETTING = "adminGroups";
    /** The neutral key of a group's identifier, accepted for every type. */
    public static final String GROUP_KEY = "group";

    /**
     * How a type names its groups in the setting.
     *
     * @param key       the type's own key for a group's identifier ({@code dn}); {@link #GROUP_KEY} is accepted too
     * @param what      what the identifier is, for messages ("the group's LDAP DN")
     * @param canonical the identifier in the form the source reports memberships in (compared as strings); throws a
     *                  {@link SyncConflictException} that says why a value is not an identifier
     */
    public record Naming(String key, String what, UnaryOperator<String> canonical) {
    }

    /**
     * One entry of the setting.
     *
     * @param group     the group's identifier as the admin wrote it
     * @param canonical the identifier in its canonical form (see {@link Naming#canonical()})
     * @param role      the role its members get
     */
    public record AdminGroup(String group, String canonical, AdminRoleSets.Role role) {
    }

    private static final AdminGroups NONE = new AdminGroups(List.of());

    private final List<AdminGroup> groups;
    private final Map<String, Set<AdminRoleSets.Role>> rolesOfGroup = new LinkedHashMap<>();

    private AdminGroups(List<AdminGroup> groups) {
        this.groups = List.copyOf(groups);
        for (AdminGroup g : groups) {
            rolesOfGroup.computeIfAbsent(g.canonical(), k -> EnumSet.noneOf(AdminRoleSets.Role.class)).add(g.role());
        }
    }

    /** The admin groups of a directory (none for a type without admin groups). */
    public static AdminGroups of(Directory directory) {
        Naming naming = directory.type().adminGroups();
        return naming == null ? NONE : parse(directory.settings(), naming);
    }

    /**
     * Checks the setting of a directory of {@code type} before it is saved; the message says what to fix.
     *
     * @throws SyncConflictException (INVALID) when the setting is malformed, names an unknown role or a value that is
     *                               not one of the source's group identifiers, or the type has no admin groups
     */
    public static void validate(DirectoryTypeFactory type, ObjectNode settings) {
        Naming naming = type.adminGroups();
        if (naming == null) {
            JsonNode n = settings == null ? null : settings.get(SETTING);
            if (n != null && !n.isNull() && !(n.isArray() && n.isEmpty())) {
                throw invalid("settings." + SETTING + ": directories of type '" + type.getId() + "' have no admin groups"
                    + " (only pull directories grant admin roles); remove the setting");
            }
            return;
        }
        parse(settings, naming);
    }

    static AdminGroups parse(ObjectNode settings, Naming naming) {
        JsonNode list = settings == null ? null : settings.get(SETTING);
        if (list == null || list.isNull()) {
            return NONE;
        }
        String shape = "{\"" + naming.key() + "\": <" + naming.what() + ">, \"role\": \"owner|administrator|user-manager|"
            + "help-desk|read-only\"}";
        if (!list.isArray()) {
            throw invalid("settings." + SETTING + " must be a list of " + shape);
        }
        List<AdminGroup> groups = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode g = list.get(i);
            String at = "settings." + SETTING + "[" + i + "]";
            if (!g.isObject()) {
                throw invalid(at + " must be an object " + shape);
            }
            String own = text(g, naming.key());
            String neutral = naming.key().equals(GROUP_KEY) ? null : text(g, GROUP_KEY);
            if (own != null && neutral != null && !own.equals(neutral)) {
                throw invalid(at + " names its group twice (\"" + naming.key() + "\" and \"" + GROUP_KEY + "\"); keep one");
            }
            String id = own != null ? own : neutral;
            if (id == null) {
                throw invalid("Each of settings." + SETTING + " needs a \"" + naming.key() + "\" (" + naming.what()
                    + "; \"" + GROUP_KEY + "\" is accepted too): " + at + " has none");
            }
            String canonical;
            try {
                canonical = naming.canonical().apply(id);
            } catch (SyncConflictException e) {
                throw invalid(at + ": " + e.getMessage());
            }
            String role = text(g, "role");
            if (role == null) {
                throw invalid(at + " (" + id + ") needs a \"role\": one of owner, administrator, user-manager, help-desk,"
                    + " read-only");
            }
            AdminRoleSets.Role parsed;
            try {
                parsed = AdminRoleSets.Role.parse(role);
            } catch (SyncConflictException e) {
                throw invalid(at + " (" + id + "): " + e.getMessage());
            }
            groups.add(new AdminGroup(id, canonical, parsed));
        }
        return groups.isEmpty() ? NONE : new AdminGroups(groups);
    }

    /** The entries in the order of the setting. */
    public List<AdminGroup> groups() {
        return groups;
    }

    /** The groups' identifiers as the admin wrote them (e.g. for a source's scope). */
    public List<String> groupIds() {
        return groups.stream().map(AdminGroup::group).toList();
    }

    public boolean isEmpty() {
        return groups.isEmpty();
    }

    /** Every role some admin group grants. */
    public Set<AdminRoleSets.Role> roles() {
        Set<AdminRoleSets.Role> roles = EnumSet.noneOf(AdminRoleSets.Role.class);
        rolesOfGroup.values().forEach(roles::addAll);
        return Collections.unmodifiableSet(roles);
    }

    /**
     * The roles of a user who is in {@code userGroups}: the source's identifiers, in canonical form, of the groups the
     * user is in (groups that are no admin group are ignored; a source that resolves nested groups names the admin
     * group a user is in through a nested one).
     */
    public Set<AdminRoleSets.Role> rolesOf(Collection<String> userGroups) {
        Set<AdminRoleSets.Role> roles = EnumSet.noneOf(AdminRoleSets.Role.class);
        if (rolesOfGroup.isEmpty()) {
            return roles;
        }
        for (String g : userGroups) {
            Set<AdminRoleSets.Role> of = rolesOfGroup.get(g);
            if (of != null) {
                roles.addAll(of);
            }
        }
        return roles;
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() || !v.isValueNode() || v.asText().isBlank() ? null : v.asText().trim();
    }

    private static SyncConflictException invalid(String message) {
        return new SyncConflictException(SyncConflictException.Kind.INVALID, message);
    }
}
