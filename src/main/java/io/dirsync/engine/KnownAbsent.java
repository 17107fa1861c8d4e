package io.dirsync.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.IdentifierEntity;

/**
 * What a batch of source users (one page of a pull run) is known <em>not</em> to meet in the realm, read with a few
 * set-based queries before the batch is applied, so that creating a new user costs no per-user look-ups for "is this
 * external id managed", "does a user have this username", "does anyone log in with this value" (rule 3) or "is this
 * e-mail taken". Only negative answers are kept: when a value is present, or unknown, the engine asks as usual.
 * <p>
 * Values are forgotten as soon as a user of the batch may take them ({@link #taken}), so two entries of one page
 * never both pass on a stale "absent". Another writer (a SCIM push, an admin) can still take a value in the moment
 * between this read and the entry's commit: the unique constraints on usernames, identifiers and e-mails then refuse
 * the commit, and {@link PullRun} applies that entry again with the full checks, which name the other user.
 * <p>
 * It also carries the directory as it was when the page was read, so that the page's entries are applied with one
 * set of settings without reading the directory's row again for each of them.
 * Not thread-safe: one run's thread uses it.
 */
public final class KnownAbsent {

    /** Values per look-up call (the store turns each call into statements of {@link DirSyncStore#SEEKS} seeks). */
    private static final int CHUNK = 200;

    private final Set<String> externalIds = new HashSet<>();
    private final Set<String> usernames = new HashSet<>();
    private final Set<String> identifiers = new HashSet<>();
    private final Set<String> emails = new HashSet<>();
    private final Directory directory;
    /** The directory's mapped attributes when the batch was read (which aliases count). */
    private final Set<String> mapped;

    private KnownAbsent(Directory directory) {
        this.directory = directory;
        this.mapped = directory.mappedAttributes();
    }

    /**
     * Reads what {@code batch} does not meet: external ids no user of {@code directory} has; usernames, identifier
     * values (username and aliases, as rule 3 compares them) and e-mails (folded) no Keycloak user of the realm holds.
     * Usernames and e-mails are looked up in Keycloak's own user table, so they are only used for directories whose
     * users the engine reads there (federated ones, see {@link DirectorySyncEngine#users}).
     */
    public static KnownAbsent load(KeycloakSession session, RealmModel realm, Directory directory,
                                   Collection<SourceUser> batch) {
        DirSyncStore store = DirectorySyncEngine.of(session).store();
        KnownAbsent known = new KnownAbsent(directory);
        Set<String> ids = new LinkedHashSet<>();
        Set<String> values = new LinkedHashSet<>();
        Set<String> mails = new LinkedHashSet<>();
        for (SourceUser s : batch) {
            if (s.externalId() != null) {
                ids.add(s.externalId());
            }
        }
        for (List<String> chunk : chunks(ids)) {
            Set<String> found = store.managedExternalIds(directory.id(), chunk);
            chunk.stream().filter(v -> !found.contains(v)).forEach(known.externalIds::add);
        }
        // The other look-ups matter for new users: an existing user's values rarely change (then it is asked as usual).
        for (SourceUser s : batch) {
            if (s.externalId() != null && !known.externalIds.contains(s.externalId())) {
                continue;
            }
            for (String v : known.identifierValues(s)) {
                values.add(v);
            }
            String email = s.attributes().get("email");
            if (email != null && !email.isBlank()) {
                mails.add(Directory.fold(email));
            }
        }
        Set<String> folded = new LinkedHashSet<>();
        values.forEach(v -> folded.add(Directory.fold(v)));
        for (List<String> chunk : chunks(folded)) {
            Set<String> users = store.localUsernames(realm.getId(), chunk);
            chunk.stream().filter(v -> !users.contains(v)).forEach(known.usernames::add);
            Set<String> held = store.identifierValues(realm.getId(), chunk);
            chunk.stream().filter(v -> !held.contains(v)).forEach(known.identifiers::add);
        }
        // Aliases admins typed on unmanaged users have no identifier rows: look at the attributes too, as sent and folded.
        Set<String> both = new LinkedHashSet<>(values);
        both.addAll(folded);
        for (List<String> chunk : chunks(both)) {
            for (String v : store.aliasValues(chunk)) {
                known.identifiers.remove(Directory.fold(v));
            }
        }
        if (!mails.isEmpty() && !realm.isDuplicateEmailsAllowed()) {
            for (List<String> chunk : chunks(mails)) {
                Set<String> used = new HashSet<>(store.localEmails(realm.getId(), chunk));
                chunk.stream().filter(v -> !used.contains(v)).forEach(known.emails::add);
            }
        }
        return known;
    }

    /** The directory as it was when the batch was read (read-only: changes go through the engine in a transaction). */
    Directory directory() {
        return directory;
    }

    /** Forgets every value {@code source} may now hold: it is being applied. */
    public void taken(SourceUser source) {
        if (source.externalId() != null) {
            externalIds.remove(source.externalId());
        }
        for (String v : identifierValues(source)) {
            String f = Directory.fold(v);
            usernames.remove(f);
            identifiers.remove(f);
        }
        String email = source.attributes().get("email");
        if (email != null) {
            emails.remove(Directory.fold(email));
        }
    }

    /** No user of the directory has this external id. */
    boolean noManagedUser(String externalId) {
        return externalId != null && externalIds.contains(externalId);
    }

    /** No Keycloak user (local store) has this username. */
    boolean noUsername(String value) {
        return value != null && usernames.contains(Directory.fold(value));
    }

    /**
     * Nobody holds {@code value} in the way {@link Identifiers#clash} checks for {@code slot}: no identifier row, no
     * alias attribute, and for an alias no Keycloak username either.
     */
    boolean noIdentifier(int slot, String value) {
        String f = Directory.fold(value);
        return value != null && identifiers.contains(f)
            && (slot == IdentifierEntity.USERNAME_SLOT || usernames.contains(f));
    }

    /** No Keycloak user (local store) has this e-mail. */
    boolean noEmail(String email) {
        return email != null && emails.contains(Directory.fold(email));
    }

    private List<String> identifierValues(SourceUser s) {
        List<String> values = new ArrayList<>();
        if (s.username() != null && !s.username().isBlank()) {
            values.add(s.username().trim());
        }
        for (int slot = 1; slot <= IdentifierEntity.MAX_ALIASES; slot++) {
            String alias = s.attributes().get("alias" + slot);
            if (alias != null && !alias.isBlank() && mapped.contains("alias" + slot)) {
                values.add(alias.trim());
            }
        }
        return values;
    }

    private static List<List<String>> chunks(Collection<String> values) {
        List<List<String>> chunks = new ArrayList<>();
        List<String> all = new ArrayList<>(values);
        for (int i = 0; i < all.size(); i += CHUNK) {
            chunks.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
        }
        return chunks;
    }
}
