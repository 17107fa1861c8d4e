package io.dirsync.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.DirectoryEntity;

/** A read view of one directory with its parsed settings. Changes go through the engine. */
public final class Directory {

    /** Keycloak attributes every directory maps (SPEC §3.1 required mappings). */
    public static final List<String> REQUIRED_TARGETS = List.of("username", "email", "firstName", "lastName");

    static final ObjectMapper JSON = new ObjectMapper();

    private final DirectoryEntity entity;
    private final DirectoryTypeFactory type;
    private final ObjectNode settings;

    Directory(DirectoryEntity entity, DirectoryTypeFactory type) {
        this.entity = entity;
        this.type = type;
        this.settings = parse(entity.getSettings());
    }

    static ObjectNode parse(String json) {
        if (json == null || json.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(json);
            return node instanceof ObjectNode o ? o : JSON.createObjectNode();
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    DirectoryEntity entity() {
        return entity;
    }

    /** The same directory as it would be with {@code newSettings}; nothing is stored. */
    Directory withSettings(ObjectNode newSettings) {
        DirectoryEntity copy = new DirectoryEntity();
        copy.setId(entity.getId());
        copy.setRealmId(entity.getRealmId());
        copy.setType(entity.getType());
        copy.setName(entity.getName());
        copy.setStatus(entity.getStatus());
        copy.setSettings(newSettings.toString());
        return new Directory(copy, type);
    }

    public String id() { return entity.getId(); }
    public String realmId() { return entity.getRealmId(); }
    /** The directory's kind: its provider factory, whose id is the stored {@code type}. */
    public DirectoryTypeFactory type() { return type; }
    public String typeId() { return entity.getType(); }
    public String name() { return entity.getName(); }
    public DirectoryStatus status() { return DirectoryStatus.parse(entity.getStatus()); }
    public long createdAt() { return entity.getCreatedAt(); }
    public Long firstSyncAt() { return entity.getFirstSyncAt(); }
    public Long lastRequestAt() { return entity.getLastRequestAt(); }

    /**
     * The Keycloak user-storage component that backs this directory's users, or null (see
     * {@link DirectoryTypeFactory#federationLink}): its users carry that federation link, so Keycloak validates their
     * passwords there.
     */
    public String federationLink() {
        return type.federationLink(this);
    }

    /** A copy of the settings; change them with the engine's updateDirectory. */
    public ObjectNode settings() {
        return settings.deepCopy();
    }

    public String setting(String key) {
        JsonNode n = settings.get(key);
        return n == null || n.isNull() ? null : n.asText();
    }

    /**
     * Rule 2: whether this directory may also adopt (or take over) administrators, service accounts and accounts
     * linked to another login provider. Off unless an admin turned it on.
     */
    public boolean adoptsPrivilegedUsers() {
        return settings.path(AdoptionGuard.SETTING).asBoolean(false);
    }

    /** Whether its users may sign in with a Keycloak password ({@link DirectoryTypeFactory#passwordSignIn}). */
    public boolean passwordSignIn() {
        return type.passwordSignIn(this);
    }

    /** The optional mappings, in the order the admin configured them. */
    public List<AttributeMapping> mappings() {
        return mappingsOf(settings);
    }

    static List<AttributeMapping> mappingsOf(ObjectNode settings) {
        List<AttributeMapping> result = new ArrayList<>();
        JsonNode list = settings.get("mappings");
        if (list != null && list.isArray()) {
            for (JsonNode m : list) {
                String source = m.path("source").asText(null);
                String target = m.path("target").asText(null);
                if (source != null && target != null && !source.isBlank() && !target.isBlank()) {
                    result.add(new AttributeMapping(source.trim(), target.trim()));
                }
            }
        }
        return Collections.unmodifiableList(result);
    }

    /** Keycloak attributes this directory writes: read-only for its users (rule 4). */
    public Set<String> mappedAttributes() {
        Set<String> targets = new LinkedHashSet<>(REQUIRED_TARGETS);
        for (AttributeMapping m : mappings()) {
            targets.add(m.target());
        }
        return targets;
    }

    /** The label used in managed group names (rule 6), given by the directory's type. */
    public String groupLabel() {
        return type.groupLabel(this);
    }

    /** Rule 6: {@code Engineering from Okta Sync "Corp Okta"}. */
    public String managedGroupName(String sourceName) {
        return sourceName + " from " + groupLabel() + " Sync \"" + name() + "\"";
    }

    /** Rules 8 and 9: {@code Engineering (formerly from "Corp Okta")}. */
    public String formerGroupName(String sourceName) {
        return sourceName + " (formerly from \"" + name() + "\")";
    }

    static String fold(String value) {
        return DirSyncStore.fold(value);
    }
}
