package io.dirsync.duo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.utils.EmailValidationUtil;

import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.engine.InputLimits;
import io.dirsync.engine.RequestJson;
import io.dirsync.engine.SourceUser;
import io.dirsync.engine.SubjectStatus;

/**
 * Duo's user parameters ↔ the engine's {@link SourceUser}. The user's source document is Duo's own fields as the client
 * last set them ({@code username, realname, email, firstname, lastname, notes, status, alias1..8, phones, userType,
 * enabled}); a modify (Duo's {@code POST /users/{id}} changes only what it sends) is that document with the new values
 * laid over it, applied by the engine as a replace. Required mappings: {@code username, email, firstname → firstName,
 * lastname → lastName}; the others follow the directory's mappings (by default {@link #DEFAULT_MAPPINGS}).
 */
final class DuoUsers {

    /** Mappings of a new directory: aliases to Keycloak's alias attributes (rule 3), Duo's other fields as attributes. */
    static final Map<String, String> DEFAULT_MAPPINGS;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 1; i <= 8; i++) {
            m.put("alias" + i, "alias" + i);
        }
        m.put("realname", "displayName");
        m.put("phones", "phoneNumber");
        m.put("notes", "notes");
        DEFAULT_MAPPINGS = java.util.Collections.unmodifiableMap(m);
    }

    static final List<String> OFFERED_SOURCES = List.of("realname", "phones", "notes", "alias1", "alias2", "alias3",
        "alias4", "alias5", "alias6", "alias7", "alias8");

    /** Parameters a user create or modify accepts (Duo's, plus PingOne's {@code phones}, {@code enabled}, {@code userType}). */
    static final Set<String> USER_PARAMETERS = Set.of("username", "realname", "email", "firstname", "lastname", "status",
        "notes", "alias1", "alias2", "alias3", "alias4", "alias5", "alias6", "alias7", "alias8", "aliases", "phones",
        "enabled", "userType");

    private static final Pattern ALIAS = Pattern.compile("alias[1-8]");
    /** A numbered alias beyond Duo's eight: a known parameter with a bad position, refused rather than ignored. */
    private static final Pattern ALIAS_POSITION = Pattern.compile("alias[0-9]+");

    private DuoUsers() {
    }

    /**
     * The document after a create ({@code current} empty) or modify: checks every parameter (a 400 naming the first
     * bad one) and lays the values over {@code current}. An empty value clears a field.
     * <p>
     * A parameter this API does not know is ignored and not stored, as Duo's servers ignore the parameters they do not
     * know: Duo's Python client sends some its docstrings call "ignored if specified" (deprecated settings) or "New
     * argument for unreleased feature. Will be ignored if used" ({@code endpoint_verification}; duo_client_python
     * {@code duo_client/admin.py}, {@code update_settings} and {@code add_user_bypass_codes}), and a connector such as
     * PingOne's may send attributes of its own. Refused with 400 instead: an alias position beyond 8 and a custom
     * attribute (Duo refuses custom attributes not defined first; none are defined here), where ignoring would lose a
     * value the client meant to set.
     */
    static ObjectNode merge(ObjectNode current, Map<String, String> params) {
        ObjectNode doc = current.deepCopy();
        for (Map.Entry<String, String> p : params.entrySet()) {
            String name = p.getKey();
            String value = p.getValue();
            requireFits(name, value, Integer.MAX_VALUE);
            if (!USER_PARAMETERS.contains(name)) {
                if (ALIAS_POSITION.matcher(name).matches()) {
                    throw DuoError.invalidParameter(name, "aliases are alias1 to alias8");
                }
                if (name.startsWith("custom_attributes")) {
                    throw DuoError.invalidParameter(name, "no custom attributes are defined here");
                }
                continue;
            }
            switch (name) {
                case "aliases" -> aliases(value).forEach((k, v) -> put(doc, k, v));
                case "status" -> put(doc, name, status(value).id());
                case "enabled" -> put(doc, name, Boolean.toString(bool(value, "enabled")));
                case "userType" -> put(doc, name, userType(value));
                case "email" -> {
                    if (value != null && !value.isBlank() && (value.length() > InputLimits.EMAIL || !EmailValidationUtil.isValidEmail(value.trim()))) {
                        throw DuoError.invalidParameter("email", "'" + value + "' is not an e-mail address");
                    }
                    put(doc, name, value);
                }
                case "username" -> {
                    if (value == null || value.isBlank()) {
                        throw DuoError.invalidParameter("username", "must not be empty");
                    }
                    requireFits("username", value.trim(), InputLimits.USERNAME);
                    put(doc, name, value.trim());
                }
                default -> put(doc, name, value);
            }
        }
        return doc;
    }

    private static void put(ObjectNode doc, String name, String value) {
        if (value == null || value.isEmpty()) {
            doc.remove(name);
        } else {
            doc.put(name, value);
        }
    }

    /** Duo's {@code aliases}: {@code alias1=a&alias2=b} (form-encoded) or, in a JSON body, an object. */
    static Map<String, String> aliases(String value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        String v = value.trim();
        if (v.startsWith("{")) {
            JsonNode node;
            try {
                node = RequestJson.read(v);
            } catch (RequestJson.Malformed e) {
                throw DuoError.invalidParameter("aliases", "not a JSON object (" + e.getMessage() + ")");
            }
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        } else {
            DuoSignature.parseForm(v).forEach((k, vs) -> out.put(k, vs.get(vs.size() - 1)));
        }
        for (String k : out.keySet()) {
            if (!ALIAS.matcher(k).matches()) {
                throw DuoError.invalidParameter("aliases", "'" + k + "' is not alias1 to alias8");
            }
        }
        return out;
    }

    static SubjectStatus status(String value) {
        try {
            return SubjectStatus.parseSettable(value);
        } catch (IllegalArgumentException e) {
            throw DuoError.invalidParameter("status", "'" + value + "' is not active, bypass or disabled");
        }
    }

    static boolean bool(String value, String name) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw DuoError.invalidParameter(name, "'" + value + "' is not true or false");
        };
    }

    /** PingOne: {@code user} or {@code admin}; anything else fails, as its guide says. */
    static String userType(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("user") && !v.equals("admin")) {
            throw DuoError.invalidParameter("userType", "'" + value + "' is not user or admin");
        }
        return v;
    }

    /** The status the document asks for: {@code status} if sent, else {@code enabled=false} → disabled, else active. */
    static SubjectStatus wantedStatus(ObjectNode doc) {
        if (doc.hasNonNull("status")) {
            return SubjectStatus.parseSettable(doc.get("status").asText());
        }
        if (doc.hasNonNull("enabled") && !doc.get("enabled").asBoolean(true) && !"true".equals(doc.get("enabled").asText())) {
            return SubjectStatus.DISABLED;
        }
        return SubjectStatus.ACTIVE;
    }

    static SourceUser toSource(ObjectNode doc, Directory directory) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("email", text(doc, "email"));
        attributes.put("firstName", text(doc, "firstname"));
        attributes.put("lastName", text(doc, "lastname"));
        requireFits("firstname", attributes.get("firstName"), InputLimits.FIRST_NAME);
        requireFits("lastname", attributes.get("lastName"), InputLimits.LAST_NAME);
        for (AttributeMapping m : directory.mappings()) {
            String value = text(doc, m.source());
            requireFits(m.source(), value, InputLimits.ofUserAttribute(m.target()).orElse(Integer.MAX_VALUE));
            attributes.put(m.target(), value);
        }
        return new SourceUser(null, text(doc, "username"), attributes, true, sorted(doc).toString());
    }

    /** A value that does not fit its column (InputLimits), refused with Duo's name for the parameter. */
    static void requireFits(String parameter, String value, int limit) {
        String problem = InputLimits.problem(value, limit);
        if (problem != null) {
            throw DuoError.invalidParameter(parameter, problem);
        }
    }

    static String text(ObjectNode doc, String field) {
        JsonNode v = doc.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static ObjectNode sorted(ObjectNode doc) {
        ObjectNode out = DuoError.JSON.createObjectNode();
        new java.util.TreeSet<String>(iterable(doc)).forEach(k -> out.set(k, doc.get(k)));
        return out;
    }

    private static List<String> iterable(ObjectNode doc) {
        List<String> names = new java.util.ArrayList<>();
        doc.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
