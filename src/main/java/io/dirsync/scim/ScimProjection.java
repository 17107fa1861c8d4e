package io.dirsync.scim;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code attributes} and {@code excludedAttributes} (RFC 7644 §3.4.2.5) on every read: top-level attributes,
 * sub-attributes ({@code name.givenName}) and extension attributes ({@code urn:...:User:department}).
 * {@code id} and {@code schemas} are always returned.
 */
public final class ScimProjection {

    private final Set<String> include;
    private final Set<String> exclude;

    private ScimProjection(Set<String> include, Set<String> exclude) {
        this.include = include;
        this.exclude = exclude;
    }

    public static ScimProjection of(String attributes, String excludedAttributes) {
        return new ScimProjection(split(attributes), split(excludedAttributes));
    }

    /** Whether the request names the attributes to return (lists then build costly ones only when named). */
    public boolean include() {
        return include != null;
    }

    public boolean isEmpty() {
        return include == null && exclude == null;
    }

    /** Whether a top-level attribute will be returned (so that costly ones, like members, need not be built). */
    public boolean wants(String attribute) {
        String a = attribute.toLowerCase(Locale.ROOT);
        if (exclude != null && exclude.contains(a)) {
            return false;
        }
        if (include == null) {
            return true;
        }
        for (String i : include) {
            if (i.equals(a) || i.startsWith(a + ".")) {
                return true;
            }
        }
        return false;
    }

    public ObjectNode apply(ObjectNode doc) {
        if (isEmpty()) {
            return doc;
        }
        if (include != null) {
            ObjectNode out = ScimJson.MAPPER.createObjectNode();
            copy(doc, out, "schemas");
            copy(doc, out, "id");
            for (String path : include) {
                copyPath(doc, out, path);
            }
            doc = out;
        }
        if (exclude != null) {
            for (String path : exclude) {
                removePath(doc, path);
            }
        }
        return doc;
    }

    private static void copyPath(ObjectNode from, ObjectNode to, String path) {
        String[] parts = split(from, path);
        if (parts == null) {
            return;
        }
        if (parts[0] != null) {
            JsonNode ext = field(from, parts[0]);
            if (ext instanceof ObjectNode extension) {
                ObjectNode target = to.has(parts[0]) ? (ObjectNode) to.get(parts[0]) : to.putObject(parts[0]);
                copyAttribute(extension, target, parts[1]);
            }
        } else {
            copyAttribute(from, to, parts[1]);
        }
    }

    private static void copyAttribute(ObjectNode from, ObjectNode to, String path) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            copy(from, to, path);
            return;
        }
        String parent = path.substring(0, dot);
        JsonNode value = field(from, parent);
        String child = path.substring(dot + 1);
        if (value instanceof ObjectNode o) {
            ObjectNode target = to.has(actual(from, parent)) ? (ObjectNode) to.get(actual(from, parent)) : to.putObject(actual(from, parent));
            copy(o, target, child);
        } else if (value != null && value.isArray()) {
            var array = to.putArray(actual(from, parent));
            for (JsonNode element : value) {
                if (element instanceof ObjectNode o) {
                    ObjectNode e = array.addObject();
                    copy(o, e, child);
                }
            }
        }
    }

    private static void removePath(ObjectNode doc, String path) {
        String[] parts = split(doc, path);
        if (parts == null) {
            return;
        }
        ObjectNode holder = doc;
        if (parts[0] != null) {
            JsonNode ext = field(doc, parts[0]);
            if (!(ext instanceof ObjectNode o)) {
                return;
            }
            holder = o;
        }
        String attribute = parts[1];
        int dot = attribute.indexOf('.');
        if (dot < 0) {
            String key = actual(holder, attribute);
            if (!key.equals("id") && !key.equals("schemas")) {
                holder.remove(key);
            }
            return;
        }
        JsonNode value = field(holder, attribute.substring(0, dot));
        String child = attribute.substring(dot + 1);
        if (value instanceof ObjectNode o) {
            o.remove(actual(o, child));
        } else if (value != null && value.isArray()) {
            for (JsonNode element : value) {
                if (element instanceof ObjectNode o) {
                    o.remove(actual(o, child));
                }
            }
        }
    }

    /** [extension URN or null, attribute path below it]. */
    private static String[] split(ObjectNode doc, String path) {
        if (path.startsWith("urn:")) {
            for (String core : List.of(ScimJson.CORE_USER + ":", ScimJson.CORE_GROUP + ":")) {
                if (path.regionMatches(true, 0, core, 0, core.length())) {
                    return new String[] {null, path.substring(core.length())};
                }
            }
            Iterator<String> names = doc.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (n.startsWith("urn:") && path.toLowerCase(Locale.ROOT).startsWith(n.toLowerCase(Locale.ROOT))) {
                    if (path.length() == n.length()) {
                        return new String[] {null, n};
                    }
                    return new String[] {n, path.substring(n.length() + 1)};
                }
            }
            return null;
        }
        return new String[] {null, path};
    }

    private static void copy(ObjectNode from, ObjectNode to, String attribute) {
        String key = actual(from, attribute);
        if (from.has(key)) {
            to.set(key, from.get(key).deepCopy());
        }
    }

    private static JsonNode field(ObjectNode node, String name) {
        return node.get(actual(node, name));
    }

    /** The field's real spelling: attribute names are case-insensitive. */
    private static String actual(ObjectNode node, String name) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (n.equalsIgnoreCase(name)) {
                return n;
            }
        }
        return name;
    }

    private static Set<String> split(String list) {
        if (list == null || list.isBlank()) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim().toLowerCase(Locale.ROOT).startsWith("urn:") ? s.trim() : s.trim());
            }
        }
        List<String> lowered = new ArrayList<>();
        for (String s : out) {
            lowered.add(s.startsWith("urn:") ? s : s.toLowerCase(Locale.ROOT));
        }
        return new LinkedHashSet<>(lowered);
    }
}
