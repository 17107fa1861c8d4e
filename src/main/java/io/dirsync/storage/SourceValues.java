package io.dirsync.storage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A source document flattened into the rows of {@link SourceValueEntity}: every scalar value with its lower-cased
 * attribute path, an extension's attributes under their schema URN ({@code urn:...:user:department}), sub-attributes
 * as {@code attribute.sub}, and the elements of a list numbered with the primary one first. Deeper structures than
 * RFC 7643's (attribute, sub-attribute) are not indexed.
 */
public final class SourceValues {

    /** Rows kept per document at most: a limit on what one request can make the database store. */
    static final int MAX_ROWS = 500;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** @param schemaUrn the extension URN as the document spells it, or null for a core attribute */
    public record Row(String schemaUrn, String path, int element, String valueFolded) {
    }

    private SourceValues() {
    }

    public static List<Row> rows(String document) {
        List<Row> rows = new ArrayList<>();
        if (document == null || document.isBlank()) {
            return rows;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(document);
        } catch (Exception e) {
            return rows;
        }
        if (root instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                String name = f.getKey().toLowerCase(Locale.ROOT);
                if (name.startsWith("urn:") && f.getValue() instanceof ObjectNode extension) {
                    extension.fields().forEachRemaining(e -> attribute(f.getKey(),
                        name + ":" + e.getKey().toLowerCase(Locale.ROOT), e.getValue(), rows));
                } else {
                    attribute(null, name, f.getValue(), rows);
                }
            }
        }
        return rows.size() > MAX_ROWS ? rows.subList(0, MAX_ROWS) : rows;
    }

    private static void attribute(String urn, String path, JsonNode value, List<Row> rows) {
        if (value instanceof ArrayNode list) {
            List<JsonNode> elements = new ArrayList<>();
            list.forEach(elements::add);
            // The primary element first: a sort on a multi-valued attribute uses its primary value (RFC 7644 §3.4.2.3).
            elements.sort((a, b) -> Boolean.compare(primary(b), primary(a)));
            for (int i = 0; i < elements.size(); i++) {
                element(urn, path, i, elements.get(i), rows);
            }
        } else {
            element(urn, path, 0, value, rows);
        }
    }

    private static void element(String urn, String path, int element, JsonNode value, List<Row> rows) {
        if (value instanceof ObjectNode complex) {
            complex.fields().forEachRemaining(s -> scalar(urn, path + "." + s.getKey().toLowerCase(Locale.ROOT), element,
                s.getValue(), rows));
        } else {
            scalar(urn, path, element, value, rows);
        }
    }

    private static void scalar(String urn, String path, int element, JsonNode value, List<Row> rows) {
        if (value == null || value.isNull() || value.isContainerNode() || path.length() > 255
                || (urn != null && urn.length() > 255)) {
            return;
        }
        String folded = value.asText().toLowerCase(Locale.ROOT);
        rows.add(new Row(urn, path, element, folded.length() > SourceValueEntity.MAX_VALUE
            ? folded.substring(0, SourceValueEntity.MAX_VALUE) : folded));
    }

    private static boolean primary(JsonNode element) {
        JsonNode p = element.path("primary");
        return p.asBoolean(false) || "true".equalsIgnoreCase(p.asText());
    }
}
