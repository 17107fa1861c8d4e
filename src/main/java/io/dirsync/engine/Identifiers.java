package io.dirsync.engine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.UserStoragePrivateUtil;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.IdentifierEntity;

/**
 * Rule 3: usernames and aliases share one case-insensitive namespace per realm. The checks here give the
 * clear message (naming the other user); the unique constraint on DIRSYNC_IDENTIFIER makes it hold under
 * concurrent writers. Used by the engine for its writes and by the user-profile validator for admin edits.
 */
public final class Identifiers {

    private final KeycloakSession session;
    private final DirSyncStore store;

    Identifiers(KeycloakSession session, DirSyncStore store) {
        this.session = session;
        this.store = store;
    }

    /** Display name of an identifier slot, as the admin console labels it. */
    public static String slotLabel(int slot) {
        return slot == IdentifierEntity.USERNAME_SLOT ? "username" : "Username Alias " + slot;
    }

    /**
     * Who, other than {@code userId}, already logs in with {@code value}: a message naming that user, or empty.
     *
     * @param slot 0 when {@code value} is to be a username, 1..8 for an alias
     */
    public Optional<String> clash(RealmModel realm, String userId, int slot, String value) {
        return clash(realm, userId, slot, value, null);
    }

    /** Like {@link #clash(RealmModel, String, int, String)}, without asking when {@code known} says nobody holds it. */
    Optional<String> clash(RealmModel realm, String userId, int slot, String value, KnownAbsent known) {
        if (value == null || value.isBlank() || (known != null && known.noIdentifier(slot, value.trim()))) {
            return Optional.empty();
        }
        String folded = Directory.fold(value);
        String what = slot == IdentifierEntity.USERNAME_SLOT ? "Username '" + value + "'" : slotLabel(slot) + " '" + value + "'";
        Optional<IdentifierEntity> row = store.identifier(realm.getId(), folded);
        if (row.isPresent() && !row.get().getUserId().equals(userId)) {
            IdentifierEntity other = row.get();
            String role = other.getSlot() == IdentifierEntity.USERNAME_SLOT ? "the username" : "an alias";
            return Optional.of(what + " is already " + role + " of user '" + usernameOf(realm, other.getUserId()) + "'");
        }
        if (slot != IdentifierEntity.USERNAME_SLOT) {
            // Keycloak's own users only: through session.users() a federated realm would also search (and import
            // from) its LDAP directories for a name that is not a Keycloak user yet.
            UserModel byUsername = UserStoragePrivateUtil.userLocalStorage(session).getUserByUsername(realm, folded);
            if (byUsername != null && !byUsername.getId().equals(userId)) {
                return Optional.of(what + " is already the username of user '" + byUsername.getUsername() + "'");
            }
        }
        for (String[] holder : store.aliasHolders(realm.getId(), value, userId)) {
            return Optional.of(what + " is already an alias of user '" + holder[1] + "'");
        }
        return Optional.empty();
    }

    /**
     * Makes the identifier rows of a managed user match {@code desired} (slot → value; a null value removes
     * the slot). Slots absent from {@code desired} are left alone.
     *
     * @param known      what the caller's batch is known not to meet (or null)
     * @param createdNow the user was created in this transaction (after its username was checked with {@link #clash}),
     *                   so has no identifier rows yet
     * @throws SyncConflictException (UNIQUENESS) naming the other user when a value is taken
     */
    void assign(RealmModel realm, String userId, Map<Integer, String> desired, boolean createdNow, KnownAbsent known) {
        Map<Integer, IdentifierEntity> current = new HashMap<>();
        if (!createdNow) {
            for (IdentifierEntity e : store.identifiersOf(userId)) {
                current.put(e.getSlot(), e);
            }
        }
        Map<Integer, String> toInsert = new HashMap<>();
        Set<String> seen = new HashSet<>();
        boolean[] removed = {false};
        // Keep the username's folded value first so that an alias repeating it is simply not indexed twice.
        desired.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            int slot = entry.getKey();
            String value = entry.getValue() == null || entry.getValue().isBlank() ? null : entry.getValue().trim();
            IdentifierEntity existing = current.get(slot);
            String folded = Directory.fold(value);
            if (value == null || !seen.add(folded)) {
                if (existing != null) {
                    store.remove(existing);
                    removed[0] = true;
                }
                return;
            }
            if (existing != null && existing.getValueFolded().equals(folded)) {
                return;
            }
            // (a new user's username was checked before the user was created)
            if (!(createdNow && slot == IdentifierEntity.USERNAME_SLOT)) {
                clash(realm, userId, slot, value, known).ifPresent(message -> {
                    throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS, message);
                });
            }
            if (existing != null) {
                store.remove(existing);
                removed[0] = true;
            }
            toInsert.put(slot, value);
        });
        if (toInsert.isEmpty()) {
            return;
        }
        if (removed[0]) {
            store.flush(); // removed values are free again before the new ones are inserted
        }
        for (Map.Entry<Integer, String> e : toInsert.entrySet()) {
            IdentifierEntity row = new IdentifierEntity();
            row.setId(KeycloakModelUtils.generateId());
            row.setRealmId(realm.getId());
            row.setUserId(userId);
            row.setSlot(e.getKey());
            row.setValue(e.getValue());
            row.setValueFolded(Directory.fold(e.getValue()));
            store.persist(row);
        }
        try {
            store.flush();
        } catch (ModelDuplicateException concurrentWriter) {
            throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                "Username or alias " + toInsert.values() + " was just taken by another user");
        }
    }

    private String usernameOf(RealmModel realm, String userId) {
        UserModel u = session.users().getUserById(realm, userId);
        return u == null ? userId : u.getUsername();
    }
}
