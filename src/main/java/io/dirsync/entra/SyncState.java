package io.dirsync.entra;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where an Entra directory's next incremental run starts, kept by the engine as the directory's sync state: the users
 * and groups delta links of the last run, the groups nested in each tracked group (so that a nested group's change is
 * recognised), and the scope the links were taken for (a change of groups or mapped properties makes them useless).
 */
record SyncState(String scopeKey, String usersDelta, String groupsDelta, Map<String, List<String>> nested) {

    static SyncState parse(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode n = GraphClient.JSON.readTree(json);
            if (!n.hasNonNull("usersDelta") || !n.hasNonNull("groupsDelta")) {
                return null;
            }
            Map<String, List<String>> nested = new LinkedHashMap<>();
            n.path("nested").fields().forEachRemaining(f -> {
                List<String> ids = new ArrayList<>();
                f.getValue().forEach(v -> ids.add(v.asText()));
                nested.put(f.getKey(), ids);
            });
            return new SyncState(n.path("scope").asText(""), n.get("usersDelta").asText(), n.get("groupsDelta").asText(),
                nested);
        } catch (IOException e) {
            return null; // unreadable: the next run is a full one
        }
    }

    String toJson() {
        ObjectNode n = GraphClient.JSON.createObjectNode();
        n.put("scope", scopeKey);
        n.put("usersDelta", usersDelta);
        n.put("groupsDelta", groupsDelta);
        ObjectNode nestedNode = n.putObject("nested");
        nested.forEach((group, ids) -> ids.forEach(nestedNode.withArray(group)::add));
        return n.toString();
    }
}
