package io.dirsync.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.jpa.entities.UserEntity;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Every query of the extension, over Keycloak's entity manager (one transaction with Keycloak's writes): its own
 * tables, and the few reads and bulk writes of Keycloak's user tables the rules need.
 */
public final class DirSyncStore {

    /** Keycloak attributes that hold Username Alias 1..8. */
    public static final List<String> ALIAS_ATTRIBUTES =
        List.of("alias1", "alias2", "alias3", "alias4", "alias5", "alias6", "alias7", "alias8");

    private final EntityManager em;

    /**
     * How names and identifiers are compared: trimmed, lower-cased (the {@code *_FOLDED} columns hold this form, so
     * that usernames, aliases, directory and group names are unique case-insensitively).
     */
    public static String fold(String value) {
        return value == null ? null : value.trim().toLowerCase(Locale.ROOT);
    }

    public DirSyncStore(KeycloakSession session) {
        this(session.getProvider(JpaConnectionProvider.class).getEntityManager());
    }

    private DirSyncStore(EntityManager em) {
        this.em = em;
    }

    /** A directory's users, searched, counted and paged by the database. */
    public UserQuery userQuery(String realmId, String directoryId) {
        return new UserQuery(em, realmId, directoryId);
    }

    /** A directory's managed groups, searched, counted and paged by the database. */
    public GroupQuery groupQuery(String directoryId) {
        return new GroupQuery(em, directoryId);
    }

    /** Ends what the persistence context holds (a long loop over many rows keeps memory bounded). */
    public void clear() {
        em.clear();
    }

    public <T> T find(Class<T> type, String id) {
        return id == null ? null : em.find(type, id);
    }

    public void persist(Object entity) {
        em.persist(entity);
    }

    public void remove(Object entity) {
        if (entity != null) {
            em.remove(entity);
        }
    }

    public void flush() {
        em.flush();
    }

    /** Notes a push client's request on the directory row, as a bulk update (no entity read, no version check). */
    public void touchDirectory(String directoryId, long at) {
        em.createQuery("update DirectoryEntity d set d.lastRequestAt = :now where d.id = :id")
            .setParameter("now", at).setParameter("id", directoryId).executeUpdate();
    }

    public void deleteIdentifiersOf(String userId) {
        em.createNamedQuery("dirsync.deleteIdentifiersByUser").setParameter("userId", userId).executeUpdate();
    }

    /** A directory's push runs still open from days before {@code day}. */
    public List<SyncRunEntity> openPushRunsBefore(String directoryId, RunKind pushKind, RunStatus runningStatus, String day) {
        return em.createQuery("select r from SyncRunEntity r where r.directoryId = :d and r.kind = :push"
                + " and r.status = :running and r.pushDay < :day", SyncRunEntity.class)
            .setParameter("d", directoryId).setParameter("push", pushKind).setParameter("running", runningStatus)
            .setParameter("day", day).getResultList();
    }

    /** A directory's runs other than pushes that are still open. */
    public List<SyncRunEntity> openPullRuns(String directoryId, RunKind pushKind, RunStatus runningStatus) {
        return em.createQuery("select r from SyncRunEntity r where r.directoryId = :d and r.kind <> :push"
                + " and r.status = :running", SyncRunEntity.class)
            .setParameter("d", directoryId).setParameter("push", pushKind).setParameter("running", runningStatus)
            .getResultList();
    }

    /** A run's items of one outcome (e.g. the users a held run would trash). */
    public List<SyncRunItemEntity> runItems(String runId, Outcome outcome) {
        return em.createQuery("select i from SyncRunItemEntity i where i.runId = :runId and i.outcome = :outcome",
                SyncRunItemEntity.class)
            .setParameter("runId", runId).setParameter("outcome", outcome).getResultList();
    }

    // directories

    public List<DirectoryEntity> directories(String realmId) {
        return em.createNamedQuery("dirsync.directoriesByRealm", DirectoryEntity.class)
            .setParameter("realmId", realmId).getResultList();
    }

    public Optional<DirectoryEntity> directoryByName(String realmId, String nameFolded) {
        return em.createNamedQuery("dirsync.directoryByName", DirectoryEntity.class)
            .setParameter("realmId", realmId).setParameter("nameFolded", nameFolded)
            .getResultStream().findFirst();
    }

    // users

    public ManagedUserEntity managedUser(String userId) {
        return find(ManagedUserEntity.class, userId);
    }

    /** Ids in lists of at most 500, one statement's worth of bound parameters each. */
    private static List<List<String>> inChunks(Collection<String> userIds) {
        List<String> ids = new ArrayList<>(userIds);
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 500) {
            chunks.add(ids.subList(i, Math.min(ids.size(), i + 500)));
        }
        return chunks;
    }

    /**
     * {@link #managedUser} for a request about that one user, which reads Keycloak's user next: the managed row, Keycloak's
     * row of the user with its attributes and the user's status row (or that it has none) come in one statement into the persistence context, where Keycloak's {@code getUserById} (an {@code EntityManager#find}),
     * its attribute reads and {@link #userStatus} then find them. A user's request thus makes one round trip where it
     * made four (a PUT: 11 statements → 8).
     */
    public ManagedUserEntity managedUserWithKeycloakRow(String userId) {
        List<Object[]> rows = em.createQuery("select m, u, s from ManagedUserEntity m join UserEntity u on u.id = m.userId"
                + " left join SubjectStatusEntity s on s.subjectId = m.userId left join fetch u.attributes"
                + " where m.userId = :id", Object[].class)
            .setParameter("id", userId).getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        ManagedUserEntity m = (ManagedUserEntity) rows.get(0)[0];
        // Only when the query saw this context's own unsaved status rows: under flush mode AUTO (Keycloak's) it flushed
        // them first; under COMMIT it would not have.
        m.setKnownWithoutStatus(rows.get(0)[2] == null && em.getFlushMode() == FlushModeType.AUTO);
        return m;
    }

    /**
     * Keycloak's rows of these users into the persistence context, those not there yet in one statement per 500 ids, for a
     * caller that looks them up one by one next ({@code getUserById} is an {@code EntityManager#find}).
     */
    public void prefetchKeycloakUsers(Collection<String> userIds) {
        for (List<String> ids : inChunks(userIds)) {
            em.unwrap(org.hibernate.Session.class).byMultipleIds(UserEntity.class).enableSessionCheck(true).withBatchSize(ids.size())
                .multiLoad(ids);
        }
    }

    /**
     * {@link #managedUsers} with Keycloak's rows of the same users, in one query per 500 ids, for a caller that reads
     * those users next (the members a SCIM request names).
     */
    public Map<String, ManagedUserEntity> managedUsersWithKeycloakRows(Collection<String> userIds) {
        Map<String, ManagedUserEntity> found = new HashMap<>();
        for (List<String> ids : inChunks(userIds)) {
            em.createQuery("select m, u from ManagedUserEntity m join UserEntity u on u.id = m.userId where m.userId in :ids",
                    Object[].class)
                .setParameter("ids", ids).getResultList()
                .forEach(row -> found.put(((ManagedUserEntity) row[0]).getUserId(), (ManagedUserEntity) row[0]));
        }
        return found;
    }

    /**
     * The managed-user records of those of {@code userIds} that have one, by user id: those already in the persistence
     * context without a statement (a page read by {@link UserQuery#idsWithRows}), the others in one query per 500 ids.
     */
    public Map<String, ManagedUserEntity> managedUsers(Collection<String> userIds) {
        Map<String, ManagedUserEntity> found = new HashMap<>();
        for (List<String> ids : inChunks(userIds)) {
            em.unwrap(org.hibernate.Session.class).byMultipleIds(ManagedUserEntity.class).enableSessionCheck(true).withBatchSize(ids.size())
                .multiLoad(ids).stream().filter(java.util.Objects::nonNull)
                .forEach(m -> found.put(m.getUserId(), m));
        }
        return found;
    }

    /**
     * Keeps a managed user's source document and, in step with it, its values for filters and sorting
     * ({@link SourceValueEntity}); returns whether the document changed.
     */
    public boolean keepSourceDocument(ManagedUserEntity m, String document) {
        if (document == null || document.equals(m.getSourceDocument())) {
            return false;
        }
        String before = m.getSourceDocument();
        m.setSourceDocument(document);
        if (before == null) {
            indexSourceDocument(m, false);
        } else {
            reindexChangedValues(m, before);
        }
        return true;
    }

    /**
     * Rewrites the values of the elements whose values changed since the document {@code before} (a replace that changes
     * one attribute rewrites its row, not the document's every row), or all of them when that is fewer statements. The
     * stored rows are {@code before}'s: every document is indexed when it is written, and those stored before values
     * existed are indexed at start-up ({@code DirectorySyncEngineFactory#indexStoredDocuments}); a change to how
     * {@link SourceValues} flattens documents needs such a re-index too.
     */
    private void reindexChangedValues(ManagedUserEntity m, String before) {
        Map<String, List<SourceValues.Row>> was = byElement(SourceValues.rows(before));
        Map<String, List<SourceValues.Row>> now = byElement(SourceValues.rows(m.getSourceDocument()));
        Set<String> changed = new LinkedHashSet<>();
        was.forEach((key, rows) -> {
            if (!rows.equals(now.get(key))) {
                changed.add(key);
            }
        });
        now.forEach((key, rows) -> {
            if (!rows.equals(was.get(key))) {
                changed.add(key);
            }
        });
        int all = 1 + now.values().stream().mapToInt(List::size).sum();
        int some = changed.stream().mapToInt(key -> oneForOne(was.get(key), now.get(key)) ? 1
            : (was.containsKey(key) ? 1 : 0) + now.getOrDefault(key, List.of()).size()).sum();
        if (some >= all) {
            indexSourceDocument(m, true);
            return;
        }
        for (String key : changed) {
            List<SourceValues.Row> old = was.get(key);
            List<SourceValues.Row> rows = now.getOrDefault(key, List.of());
            // The common change (a name, a title: one value for another) is one UPDATE, not a DELETE and an INSERT.
            if (oneForOne(old, rows) && updateSourceValue(m, rows.get(0)) == 1) {
                continue;
            }
            if (old != null) {
                em.createNamedQuery("dirsync.deleteSourceValuesOfUserElement").setParameter("userId", m.getUserId())
                    .setParameter("path", old.get(0).path()).setParameter("element", old.get(0).element()).executeUpdate();
            }
            rows.forEach(row -> insertSourceValue(m, row));
        }
    }

    private static boolean oneForOne(List<SourceValues.Row> was, List<SourceValues.Row> now) {
        return was != null && now != null && was.size() == 1 && now.size() == 1;
    }

    /** Rewrites the one stored row of {@code row}'s element in place; answers how many rows it changed. */
    private int updateSourceValue(ManagedUserEntity m, SourceValues.Row row) {
        return em.createNamedQuery("dirsync.updateSourceValueOfUserElement").setParameter("userId", m.getUserId())
            .setParameter("path", row.path()).setParameter("element", row.element())
            .setParameter("schemaUrn", row.schemaUrn()).setParameter("valueFolded", row.valueFolded()).executeUpdate();
    }

    /** A document's rows by (path, element): the unit {@link #reindexChangedValues} rewrites. */
    private static Map<String, List<SourceValues.Row>> byElement(List<SourceValues.Row> rows) {
        Map<String, List<SourceValues.Row>> grouped = new HashMap<>();
        for (SourceValues.Row row : rows) {
            grouped.computeIfAbsent(row.element() + ":" + row.path(), k -> new ArrayList<>()).add(row);
        }
        return grouped;
    }

    /**
     * Inserts a new managed user with its source document and the document's values: the document is set before the
     * insert, so that Hibernate writes the row once instead of inserting it and then updating it.
     */
    public void persistManagedUser(ManagedUserEntity m, String document) {
        m.setSourceDocument(document);
        em.persist(m);
        indexSourceDocument(m, false);
    }

    /** Writes the values of the user's document again (after a change of owner, or for a document never indexed). */
    public void indexSourceDocument(ManagedUserEntity m, boolean replace) {
        if (replace) {
            em.createNamedQuery("dirsync.deleteSourceValuesOfUser").setParameter("userId", m.getUserId()).executeUpdate();
        }
        for (SourceValues.Row row : SourceValues.rows(m.getSourceDocument())) {
            insertSourceValue(m, row);
        }
    }

    private void insertSourceValue(ManagedUserEntity m, SourceValues.Row row) {
        SourceValueEntity v = new SourceValueEntity();
        v.setId(KeycloakModelUtils.generateId());
        v.setUserId(m.getUserId());
        v.setRealmId(m.getRealmId());
        v.setDirectoryId(m.getDirectoryId());
        v.setSchemaUrn(row.schemaUrn());
        v.setPath(row.path());
        v.setElement(row.element());
        v.setValueFolded(row.valueFolded());
        em.persist(v);
    }

    /**
     * The attribute paths the directory's users' documents hold, each with its extension URN as a client spelled it
     * (null for a core attribute): what discovery describes beside the RFC schemas.
     */
    public List<Object[]> sourcePaths(String directoryId) {
        return em.createNamedQuery("dirsync.sourcePathsOfDirectory", Object[].class)
            .setParameter("directoryId", directoryId).getResultList();
    }

    /**
     * Indexes, in batches of {@code batch} users after {@code afterUserId}, the documents that have no indexed value yet
     * (stored before values were indexed); returns the last user id looked at, or null when there are no more.
     */
    public String indexUnindexedDocuments(String afterUserId, int batch) {
        List<ManagedUserEntity> page = em.createQuery("select m from ManagedUserEntity m where m.userId > :after"
                + " and m.sourceDocument is not null"
                + " and not exists (select v.id from SourceValueEntity v where v.userId = m.userId) order by m.userId",
                ManagedUserEntity.class)
            .setParameter("after", afterUserId == null ? "" : afterUserId).setMaxResults(batch).getResultList();
        for (ManagedUserEntity m : page) {
            indexSourceDocument(m, false);
        }
        return page.isEmpty() ? null : page.get(page.size() - 1).getUserId();
    }

    public Optional<ManagedUserEntity> managedUserByExternalId(String directoryId, String externalId) {
        return em.createNamedQuery("dirsync.managedUserByExternalId", ManagedUserEntity.class)
            .setParameter("directoryId", directoryId).setParameter("externalId", externalId)
            .setMaxResults(1).getResultStream().findFirst();
    }

    /** Which of {@code externalIds} users of the directory have. */
    public Set<String> managedExternalIds(String directoryId, Collection<String> externalIds) {
        return existing("DIRSYNC_MANAGED_USER", "DIRECTORY_ID", "EXTERNAL_ID", pairs(directoryId, externalIds));
    }

    /** Which of {@code usernames} (folded, as Keycloak stores them) users in Keycloak's own user table have. */
    public Set<String> localUsernames(String realmId, Collection<String> usernames) {
        return existing("USER_ENTITY", "REALM_ID", "USERNAME", pairs(realmId, usernames));
    }

    /** Which of {@code emails} (folded, as Keycloak stores them) users in Keycloak's own user table have. */
    public List<String> localEmails(String realmId, Collection<String> emails) {
        return em.createQuery("select u.email from UserEntity u where u.realmId = :realmId and u.email in :emails",
                String.class)
            .setParameter("realmId", realmId).setParameter("emails", emails).getResultList();
    }

    /**
     * Ids of the directory's users that are not in the trash, {@code max} at a time in id order after
     * {@code afterUserId} (null: from the start): a full run's check of who it did not see, without loading the rows.
     */
    public List<String> activeUserIds(String directoryId, String afterUserId, int max) {
        // Along IDX_DIRSYNC_MUSER_DIR_TRASH (DIRECTORY_ID, DELETE_AFTER, USER_ID), ordered by all three columns: H2 then
        // reads the page from the index alone; ordered by the user id only, it read and sorted every row after the
        // page's start (5 million rows for the 100 pages of a 100,000-user directory, 25 s at each full run's end).
        // deleteAfter is set and cleared with trashedAt (ManagedUserEntity#trash/#untrash): null means not trashed.
        return em.createQuery("select m.userId from ManagedUserEntity m where m.directoryId = :directoryId"
                + " and m.deleteAfter is null and m.userId > :after order by m.directoryId, m.deleteAfter, m.userId", String.class)
            .setParameter("directoryId", directoryId).setParameter("after", afterUserId == null ? "" : afterUserId)
            .setMaxResults(max).getResultList();
    }

    public List<ManagedUserEntity> managedUsers(String directoryId, int first, int max) {
        return em.createNamedQuery("dirsync.managedUsersByDirectory", ManagedUserEntity.class)
            .setParameter("directoryId", directoryId).setFirstResult(first).setMaxResults(max).getResultList();
    }

    /** The directory's managed users that are not in the trash. */
    public long countActiveUsers(String directoryId) {
        return em.createNamedQuery("dirsync.countActiveUsersByDirectory", Long.class)
            .setParameter("directoryId", directoryId).getSingleResult();
    }

    public long countTrashedUsers(String directoryId) {
        return em.createNamedQuery("dirsync.countTrashedUsersByDirectory", Long.class)
            .setParameter("directoryId", directoryId).getSingleResult();
    }

    // identifiers (rule 3)

    public Optional<IdentifierEntity> identifier(String realmId, String folded) {
        return em.createNamedQuery("dirsync.identifierByValue", IdentifierEntity.class)
            .setParameter("realmId", realmId).setParameter("valueFolded", folded)
            .getResultStream().findFirst();
    }

    /** Which of {@code folded} values are a username or alias of a managed user of the realm. */
    public Set<String> identifierValues(String realmId, Collection<String> folded) {
        return existing("DIRSYNC_IDENTIFIER", "REALM_ID", "VALUE_FOLDED", pairs(realmId, folded));
    }

    public List<IdentifierEntity> identifiersOf(String userId) {
        return em.createNamedQuery("dirsync.identifiersByUser", IdentifierEntity.class)
            .setParameter("userId", userId).getResultList();
    }

    /**
     * Users other than {@code userId} holding {@code value} in an alias attribute. Covers aliases an admin
     * typed on unmanaged users, which have no identifier rows. Matches the value as typed and lower-cased.
     * <p>
     * One native statement (Keycloak's table, in its schema) of eight seeks on Keycloak's (NAME, VALUE) index of
     * USER_ATTRIBUTE; the realm is checked on the few rows found. With the realm in the query (a join to
     * USER_ENTITY), H2 started from the realm's users and scanned them all for every check: an LDAP sync of 10,000
     * users spent half its time here.
     */
    public List<String[]> aliasHolders(String realmId, String value, String exceptUserId) {
        List<?> rows = em.createNativeQuery(ALIAS_HOLDERS_SQL)
            .setParameter(1, value).setParameter(2, fold(value)).getResultList();
        List<String[]> holders = new ArrayList<>();
        for (Object row : rows) {
            Object[] r = (Object[]) row;
            String id = (String) r[0];
            UserEntity user = id.equals(exceptUserId) ? null : em.find(UserEntity.class, id);
            if (user != null && realmId.equals(user.getRealmId())) {
                holders.add(new String[] {id, user.getUsername(), (String) r[1]});
            }
        }
        return holders;
    }

    /**
     * Which of {@code values} (compared as stored) are held in an alias attribute by any user, in any realm: the
     * set-based form of {@link #aliasHolders}.
     */
    public Set<String> aliasValues(Collection<String> values) {
        List<String[]> pairs = new ArrayList<>();
        for (String name : ALIAS_ATTRIBUTES) {
            boolean used = !em.createQuery("select a.id from UserAttributeEntity a where a.name = :name", String.class)
                .setParameter("name", name).setMaxResults(1).getResultList().isEmpty();
            if (used) { // most realms use a few alias slots, if any
                values.forEach(v -> pairs.add(new String[] {name, v}));
            }
        }
        return existing("USER_ATTRIBUTE", "NAME", "VALUE", pairs);
    }

    /** Seeks per statement of {@link #existing}; a fixed count, so that each table has one statement to prepare. */
    static final int SEEKS = 64;

    /**
     * Which of the pairs' values exist in {@code table}: rows with {@code keyColumn} = the pair's key and
     * {@code column} = its value. One statement per {@link #SEEKS} pairs, each a {@code union all} of single-row
     * seeks on the table's (key, column) index; an IN list would do on PostgreSQL, but H2 uses an index for an IN
     * list only on the index's first column and would scan the key's rows (the whole realm) per statement.
     */
    private Set<String> existing(String table, String keyColumn, String column, List<String[]> pairs) {
        Set<String> found = new HashSet<>();
        if (pairs.isEmpty()) {
            return found;
        }
        String sql = java.util.stream.IntStream.range(0, SEEKS)
            .mapToObj(i -> "select " + column + " from {h-schema}" + table + " where " + keyColumn + " = ?" + (2 * i + 1)
                + " and " + column + " = ?" + (2 * i + 2))
            .collect(java.util.stream.Collectors.joining(" union all "));
        for (Object row : seekInBatches(sql, pairs)) {
            found.add((String) row);
        }
        return found;
    }

    /**
     * The rows of {@code sql}, a {@code union all} of {@link #SEEKS} seeks whose parameters are pairs (?1, ?2), (?3, ?4),
     * ..., run over all the pairs, {@link #SEEKS} per statement; the last pair repeats to fill up the last statement.
     */
    private List<Object> seekInBatches(String sql, List<String[]> pairs) {
        List<Object> rows = new ArrayList<>();
        for (int first = 0; first < pairs.size(); first += SEEKS) {
            jakarta.persistence.Query q = em.createNativeQuery(sql);
            for (int i = 0; i < SEEKS; i++) {
                String[] pair = pairs.get(Math.min(first + i, pairs.size() - 1));
                q.setParameter(2 * i + 1, pair[0]).setParameter(2 * i + 2, pair[1]);
            }
            rows.addAll(q.getResultList());
        }
        return rows;
    }

    /**
     * A user a pull may leave as it is when its entry is unchanged: its id, the digest its last apply stored and the
     * row's revision now.
     */
    public record AppliedDigest(String userId, String digest, long revision) {
    }

    private static final String APPLIED_DIGESTS_SQL = java.util.stream.IntStream.range(0, SEEKS)
        .mapToObj(i -> "select m.EXTERNAL_ID, m.USER_ID, m.SOURCE_DIGEST, m.REVISION, m.SOURCE_ACTIVE, m.SOURCE_DELETED,"
            + " u.FEDERATION_LINK from {h-schema}DIRSYNC_MANAGED_USER m join {h-schema}USER_ENTITY u on u.ID = m.USER_ID"
            + " where m.DIRECTORY_ID = ?" + (2 * i + 1) + " and m.EXTERNAL_ID = ?" + (2 * i + 2)
            + " and m.SOURCE_DIGEST is not null and m.TRASHED_AT is null")
        .collect(java.util.stream.Collectors.joining(" union all "));

    /**
     * By external id, those of the directory's users with these external ids whose last apply left a digest and that
     * are as that apply left them as far as this table and Keycloak's user row tell: not trashed, active and not deleted
     * by the source, still in Keycloak's user table with {@code federationLink} (a bulk delete or Keycloak's "Unlink
     * users" writes no event). The row's revision, which every change made through the engine bumps, tells whether
     * anything changed the user since. Seeks on (DIRECTORY_ID, EXTERNAL_ID) as {@link #existing} does, so that a page
     * costs the same at any directory size.
     */
    public Map<String, AppliedDigest> appliedDigests(String directoryId, Collection<String> externalIds, String federationLink) {
        Map<String, AppliedDigest> found = new HashMap<>();
        for (Object result : seekInBatches(APPLIED_DIGESTS_SQL, pairs(directoryId, externalIds))) {
            Object[] row = (Object[]) result;
            if (truth(row[4]) && !truth(row[5]) && java.util.Objects.equals(federationLink, row[6])) {
                found.put((String) row[0], new AppliedDigest((String) row[1], (String) row[2], ((Number) row[3]).longValue()));
            }
        }
        return found;
    }

    /** A boolean column as the driver returns it (a Boolean, or a number on databases without a boolean type). */
    private static boolean truth(Object value) {
        return value instanceof Boolean b ? b : value instanceof Number n && n.intValue() != 0;
    }

    private static List<String[]> pairs(String key, Collection<String> values) {
        return values.stream().map(v -> new String[] {key, v}).toList();
    }

    private static final String ALIAS_HOLDERS_SQL = ALIAS_ATTRIBUTES.stream()
        .map(name -> "select USER_ID, NAME from {h-schema}USER_ATTRIBUTE where NAME = '" + name + "' and VALUE in (?1, ?2)")
        .collect(java.util.stream.Collectors.joining(" union all "));

    // groups

    public ManagedGroupEntity managedGroup(String groupId) {
        return find(ManagedGroupEntity.class, groupId);
    }

    public List<ManagedGroupEntity> managedGroups(String directoryId) {
        return em.createNamedQuery("dirsync.managedGroupsByDirectory", ManagedGroupEntity.class)
            .setParameter("directoryId", directoryId).getResultList();
    }

    public long countManagedGroups(String directoryId) {
        return em.createNamedQuery("dirsync.countManagedGroupsByDirectory", Long.class)
            .setParameter("directoryId", directoryId).getSingleResult();
    }

    public Optional<ManagedGroupEntity> managedGroupBySourceName(String directoryId, String sourceName) {
        return em.createNamedQuery("dirsync.managedGroupBySourceName", ManagedGroupEntity.class)
            .setParameter("directoryId", directoryId).setParameter("sourceNameFolded", fold(sourceName))
            .getResultStream().findFirst();
    }

    // trash

    /** The managed user if it is in the trash, else null. */
    public ManagedUserEntity trashedUser(String userId) {
        ManagedUserEntity m = managedUser(userId);
        return m != null && m.isTrashed() ? m : null;
    }

    /**
     * A page of a realm's trash, the soonest deletion first (then by user id, so that pages never overlap), read along
     * an index: {@code IDX_DIRSYNC_MUSER_TRASH_PAGE} (realm) or {@code IDX_DIRSYNC_MUSER_DIR_TRASH} (one directory).
     *
     * @param directoryId only this directory's users; null for every directory's
     * @param search      only users whose username (Keycloak's, or the source's when Keycloak's user is gone) or
     *                    e-mail contains it, ignoring case, taken literally ({@code %} and {@code _} match themselves);
     *                    null for all
     */
    public List<ManagedUserEntity> trash(String realmId, String directoryId, String search, int first, int max) {
        return trashQuery("select m", realmId, directoryId, search, ManagedUserEntity.class, " order by m.deleteAfter, m.userId")
            .setFirstResult(first).setMaxResults(max).getResultList();
    }

    /** How many users {@link #trash(String, String, String, int, int)} pages through. */
    public long countTrash(String realmId, String directoryId, String search) {
        return trashQuery("select count(m)", realmId, directoryId, search, Long.class, "").getSingleResult();
    }

    /** A user is in the trash when its {@code deleteAfter} is set (set and cleared with {@code trashedAt}). */
    private <T> jakarta.persistence.TypedQuery<T> trashQuery(String select, String realmId, String directoryId, String search,
                                                           Class<T> type, String order) {
        String jpql = select + " from ManagedUserEntity m"
            + (search == null ? "" : " left join UserEntity u on u.id = m.userId")
            + " where m.realmId = :realmId and m.deleteAfter is not null"
            + (directoryId == null ? "" : " and m.directoryId = :directoryId")
            + (search == null ? "" : " and (lower(u.username) like :search escape '\\' or lower(u.email) like :search escape '\\'"
                + " or lower(m.sourceUsername) like :search escape '\\')")
            + order;
        jakarta.persistence.TypedQuery<T> q = em.createQuery(jpql, type).setParameter("realmId", realmId);
        if (directoryId != null) {
            q.setParameter("directoryId", directoryId);
        }
        if (search != null) {
            q.setParameter("search", containsPattern(search));
        }
        return q;
    }

    /** A LIKE pattern (escape {@code \}) matching text that contains {@code search} ignoring case, taken literally. */
    static String containsPattern(String search) {
        return "%" + Comparisons.escape(search.toLowerCase(Locale.ROOT)) + "%";
    }

    // statuses

    public SubjectStatusEntity status(String subjectId) {
        return find(SubjectStatusEntity.class, subjectId);
    }

    /**
     * A user's own status row ({@link #status}), given its managed row if it has one: no statement when that row was
     * read with the status and there was none ({@link #managedUserWithKeycloakRow}).
     */
    public SubjectStatusEntity userStatus(String userId, ManagedUserEntity managed) {
        return managed != null && managed.isKnownWithoutStatus() ? null : status(userId);
    }

    /** A new status row; a managed row of this context that knew the user had none forgets it. */
    public void persistStatus(SubjectStatusEntity s) {
        em.persist(s);
        ManagedUserEntity m = s.getSubjectType() == SubjectType.USER ? managedUser(s.getSubjectId()) : null;
        if (m != null) {
            m.setKnownWithoutStatus(false);
        }
    }

    public List<SubjectStatusEntity> statuses(Collection<String> subjectIds) {
        if (subjectIds.isEmpty()) {
            return List.of();
        }
        return em.createNamedQuery("dirsync.statusesOfSubjects", SubjectStatusEntity.class)
            .setParameter("subjectIds", subjectIds).getResultList();
    }

    /** One realm's trashed users whose time is up, the longest due first, at most {@code max}. */
    public List<ManagedUserEntity> trashDue(String realmId, long now, int max) {
        return em.createNamedQuery("dirsync.realmTrashDue", ManagedUserEntity.class)
            .setParameter("realmId", realmId).setParameter("now", now).setMaxResults(max).getResultList();
    }

    /** The realms that have a directory: the only ones with a trash to purge. */
    public List<String> realmsWithDirectories() {
        return em.createQuery("select distinct d.realmId from DirectoryEntity d", String.class).getResultList();
    }

    /** The realms whose trash purge of the period starting at {@code periodStart} has run (or is running). */
    public List<String> realmsPurgedInPeriod(long periodStart) {
        return em.createNamedQuery("dirsync.realmsPurgedInPeriod", String.class)
            .setParameter("periodStart", periodStart).getResultList();
    }

    public Optional<PurgeRunEntity> purgeRunOfPeriod(String realmId, long periodStart) {
        return em.createNamedQuery("dirsync.purgeRunOfPeriod", PurgeRunEntity.class).setParameter("realmId", realmId)
            .setParameter("periodStart", periodStart).getResultStream().findFirst();
    }

    /** A realm's trash purges, the latest period first. */
    public List<PurgeRunEntity> purgeRuns(String realmId, int first, int max) {
        return em.createNamedQuery("dirsync.purgeRunsOfRealm", PurgeRunEntity.class).setParameter("realmId", realmId)
            .setFirstResult(first).setMaxResults(max).getResultList();
    }

    /** Forgets a realm's purges of periods before {@code before}. */
    public int deletePurgeRunsBefore(String realmId, long before) {
        return em.createNamedQuery("dirsync.deletePurgeRunsBefore").setParameter("realmId", realmId)
            .setParameter("before", before).executeUpdate();
    }

    /** Marks the pull runs this node is running as alive, now (the server's wall clock). */
    public int beatRuns(Collection<String> runIds, long now) {
        return em.createNamedQuery("dirsync.runHeartbeat").setParameter("at", now).setParameter("ids", runIds)
            .setParameter("running", RunStatus.RUNNING).executeUpdate();
    }

    /** Running pulls whose heartbeat is older than {@code before}. */
    public List<SyncRunEntity> staleRuns(long before) {
        return em.createNamedQuery("dirsync.staleRuns", SyncRunEntity.class).setParameter("running", RunStatus.RUNNING)
            .setParameter("before", before).getResultList();
    }

    /** Closes a stale run as failed, unless a heartbeat came in since it was read; true when it was closed. */
    public boolean closeStaleRun(String runId, long before, long endedAt, String message) {
        return em.createNamedQuery("dirsync.closeStaleRun").setParameter("failed", RunStatus.FAILED)
            .setParameter("at", endedAt).setParameter("message", message).setParameter("id", runId)
            .setParameter("running", RunStatus.RUNNING).setParameter("before", before).executeUpdate() == 1;
    }

    /** The realms in which some group has a status. */
    public List<String> realmsWithGroupStatuses() {
        return em.createQuery("select distinct s.realmId from SubjectStatusEntity s where s.subjectType = :group",
                String.class).setParameter("group", SubjectType.GROUP).getResultList();
    }

    /** Whether any group of the realm has a status (bypass or disabled). */
    public boolean hasGroupStatuses(String realmId) {
        return !em.createQuery("select s.subjectId from SubjectStatusEntity s where s.realmId = :realmId"
                + " and s.subjectType = :group", String.class)
            .setParameter("realmId", realmId).setParameter("group", SubjectType.GROUP).setMaxResults(1)
            .getResultList().isEmpty();
    }

    // runs

    public List<SyncRunEntity> runs(String directoryId, int first, int max) {
        return em.createNamedQuery("dirsync.runsByDirectory", SyncRunEntity.class)
            .setParameter("directoryId", directoryId).setFirstResult(first).setMaxResults(max).getResultList();
    }

    /** How many runs the directory has (the history's total). */
    public long countRuns(String directoryId) {
        return em.createNamedQuery("dirsync.countRunsByDirectory", Long.class)
            .setParameter("directoryId", directoryId).getSingleResult();
    }

    /** Writes a run's progress without loading it (one short statement; see {@link SyncRunEntity}). */
    public void recordRunProgress(String runId, long read, long applied, long failed, int page, long at) {
        em.createNamedQuery("dirsync.runProgress").setParameter("read", read).setParameter("applied", applied)
            .setParameter("failed", failed).setParameter("page", page).setParameter("at", at).setParameter("id", runId)
            .executeUpdate();
    }

    /** The directory's newest run, of any kind. */
    public Optional<SyncRunEntity> latestRun(String directoryId) {
        return em.createNamedQuery("dirsync.runsByDirectory", SyncRunEntity.class)
            .setParameter("directoryId", directoryId).setMaxResults(1).getResultStream().findFirst();
    }

    /** The start of the directory's latest run of these kinds. */
    public Optional<Long> lastRunStart(String directoryId, Collection<RunKind> kinds) {
        return Optional.ofNullable(em.createQuery(
                "select max(r.startedAt) from SyncRunEntity r where r.directoryId = :d and r.kind in :kinds", Long.class)
            .setParameter("d", directoryId).setParameter("kinds", kinds).getSingleResult());
    }

    public Optional<SyncRunEntity> pushRunOfDay(String directoryId, String day) {
        return em.createNamedQuery("dirsync.pushRunOfDay", SyncRunEntity.class)
            .setParameter("directoryId", directoryId).setParameter("pushDay", day)
            .getResultStream().findFirst();
    }

    /** Rows of (subject type, outcome, count) of a run's items. */
    public List<Object[]> countItemsByTypeAndOutcome(String runId) {
        return em.createNamedQuery("dirsync.countItemsByTypeAndOutcome", Object[].class)
            .setParameter("runId", runId).getResultList();
    }

    /** Rows of (run id, subject type, outcome, count) of the items of these runs (a page of the history). */
    public List<Object[]> countItemsOfRuns(Collection<String> runIds) {
        return em.createNamedQuery("dirsync.countItemsOfRuns", Object[].class)
            .setParameter("runIds", runIds).getResultList();
    }

    /** A run's items of one outcome in the order they happened (errors, warnings), at most {@code max}. */
    public List<SyncRunItemEntity> itemsOfRun(String runId, Outcome outcome, int max) {
        return em.createNamedQuery("dirsync.itemsOfRunWithOutcome", SyncRunItemEntity.class)
            .setParameter("runId", runId).setParameter("outcome", outcome).setMaxResults(max).getResultList();
    }

    // tokens

    /**
     * The token whose hash is {@code hash}; its directory is read in the same statement and stays in the persistence
     * context, so the request's look-up of the directory that follows costs no statement.
     */
    private Optional<ScimTokenEntity> tokenByHash(String hash) {
        return em.createNamedQuery("dirsync.tokenByHash", Object[].class)
            .setParameter("tokenHash", hash).getResultStream().findFirst().map(row -> (ScimTokenEntity) row[0]);
    }

    public List<ScimTokenEntity> tokens(String directoryId) {
        return em.createNamedQuery("dirsync.tokensByDirectory", ScimTokenEntity.class)
            .setParameter("directoryId", directoryId).getResultList();
    }

    /**
     * Replaces a SCIM directory's tokens with one whose SHA-256 is {@code tokenHash} (the previous ones stop working at
     * once); the SCIM type's own credential, written here so that it never holds the entity.
     */
    public ScimToken replaceScimToken(String realmId, String directoryId, String tokenHash, long createdAt, long expiresAt) {
        for (ScimTokenEntity old : tokens(directoryId)) {
            remove(old);
        }
        ScimTokenEntity e = new ScimTokenEntity();
        e.setId(KeycloakModelUtils.generateId());
        e.setRealmId(realmId);
        e.setDirectoryId(directoryId);
        e.setTokenHash(tokenHash);
        e.setCreatedAt(createdAt);
        e.setExpiresAt(expiresAt);
        persist(e);
        return ScimToken.of(e);
    }

    /** The token whose SHA-256 is {@code tokenHash} (expired ones included), as a read view. */
    public Optional<ScimToken> scimTokenByHash(String tokenHash) {
        return tokenByHash(tokenHash).map(ScimToken::of);
    }

    /** A directory's newest token, as a read view. */
    public Optional<ScimToken> currentScimToken(String directoryId) {
        return tokens(directoryId).stream().findFirst().map(ScimToken::of);
    }

    // bulk clean-up

    /**
     * Unlinks the realm's users from a user-storage component in bulk, and drops the attributes the component found
     * them by (Keycloak's own "Unlink users" keeps those).
     */
    public void unlinkUsers(String realmId, String federationLink, Collection<String> componentAttributes) {
        em.createQuery("delete from UserAttributeEntity a where a.name in (:names) and a.user.id in"
                + " (select u.id from UserEntity u where u.realmId = :realmId and u.federationLink = :link)")
            .setParameter("names", componentAttributes).setParameter("realmId", realmId).setParameter("link", federationLink)
            .executeUpdate();
        em.createQuery("update UserEntity u set u.federationLink = null where u.realmId = :realmId and u.federationLink = :link")
            .setParameter("realmId", realmId).setParameter("link", federationLink).executeUpdate();
    }

    /** The type's own row of a directory (secrets, sync state), created empty when it has none yet. */
    public DirectoryStateEntity directoryState(String realmId, String directoryId) {
        DirectoryStateEntity state = em.find(DirectoryStateEntity.class, directoryId);
        if (state == null) {
            state = new DirectoryStateEntity();
            state.setDirectoryId(directoryId);
            state.setRealmId(realmId);
            state.setUpdatedAt(org.keycloak.common.util.Time.currentTimeMillis());
            em.persist(state);
        }
        return state;
    }

    /** The type's own row of a directory, or null when nothing was stored for it. */
    public DirectoryStateEntity findDirectoryState(String directoryId) {
        return em.find(DirectoryStateEntity.class, directoryId);
    }

    public void deleteDirectoryData(String directoryId) {
        for (String q : List.of("dirsync.deleteTokensByDirectory", "dirsync.deleteItemsByDirectory",
                "dirsync.deleteRunsByDirectory", "dirsync.deleteSourceValuesByDirectory", "dirsync.deleteEnrollmentsByDirectory",
                "dirsync.deleteManagedUsersByDirectory", "dirsync.deleteStateByDirectory")) {
            em.createNamedQuery(q).setParameter("directoryId", directoryId).executeUpdate();
        }
    }

    public void deleteUserData(String userId) {
        deleteIdentifiersOf(userId);
        em.createNamedQuery("dirsync.deleteSourceValuesOfUser").setParameter("userId", userId).executeUpdate();
        em.createNamedQuery("dirsync.deleteEnrollmentOfUser").setParameter("userId", userId).executeUpdate();
        remove(find(ManagedUserEntity.class, userId));
        remove(find(SubjectStatusEntity.class, userId));
    }

    public void deleteRealmData(String realmId) {
        for (String q : List.of("dirsync.deleteIdentifiersByRealm", "dirsync.deleteSourceValuesByRealm",
                "dirsync.deleteManagedUsersByRealm", "dirsync.deleteEnrollmentsByRealm",
                "dirsync.deleteManagedGroupsByRealm", "dirsync.deleteStatusByRealm",
                "dirsync.deleteItemsByRealm", "dirsync.deleteRunsByRealm", "dirsync.deleteTokensByRealm",
                "dirsync.deleteStateByRealm", "dirsync.deleteDirectoriesByRealm", "dirsync.deletePurgeRunsByRealm")) {
            em.createNamedQuery(q).setParameter("realmId", realmId).executeUpdate();
        }
    }

    // Enrollment e-mails (SPEC §4)

    /**
     * The directory's random key for enrollment links, made on first use when {@code create}; null when it has none (or
     * the directory is gone). Never shown.
     */
    public String enrollmentKey(String directoryId, boolean create) {
        DirectoryEntity d = find(DirectoryEntity.class, directoryId);
        if (d == null) {
            return null;
        }
        if (d.getEnrollmentKey() == null && create) {
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            d.setEnrollmentKey(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(key));
        }
        return d.getEnrollmentKey();
    }

    public Optional<EnrollmentEntity> enrollmentOfUser(String userId) {
        return em.createNamedQuery("dirsync.enrollmentOfUser", EnrollmentEntity.class).setParameter("userId", userId)
            .getResultStream().findFirst();
    }

    /**
     * The enrollment, locked until the transaction ends, so that two jobs (two nodes, or a job and an admin's Resend)
     * never act on it at once: the second reads what the first wrote.
     */
    public EnrollmentEntity lockEnrollment(String id) {
        return em.find(EnrollmentEntity.class, id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    public List<String> dueEnrollments(long now, int max) {
        return em.createNamedQuery("dirsync.enrollmentsDue", String.class).setParameter("state", EnrollmentState.PENDING)
            .setParameter("now", now).setMaxResults(max).getResultList();
    }

    /** Pending enrollments whose users have set up a credential of one of {@code types} since (they enrolled). */
    public List<String> pendingEnrollmentsWithCredential(Collection<String> types, int max) {
        return em.createQuery("select e.id from EnrollmentEntity e where e.state = :state and exists"
                + " (select c.id from CredentialEntity c where c.user.id = e.userId and c.type in :types)", String.class)
            .setParameter("state", EnrollmentState.PENDING).setParameter("types", types).setMaxResults(max).getResultList();
    }

    public List<String> enrollmentsOfDirectory(String directoryId, EnrollmentState state) {
        return em.createNamedQuery("dirsync.enrollmentsOfDirectoryInState", String.class)
            .setParameter("directoryId", directoryId).setParameter("state", state).getResultList();
    }

    /** The directory's users in scope (active in the source, not trashed) that have no enrollment row yet. */
    public List<String> usersWithoutEnrollment(String directoryId, int max) {
        return em.createNamedQuery("dirsync.usersWithoutEnrollment", String.class).setParameter("directoryId", directoryId)
            .setMaxResults(max).getResultList();
    }

    /** A page of a realm's pending enrollments with their users' usernames, oldest first; search: username or e-mail. */
    public List<Object[]> pendingEnrollments(String realmId, String directoryId, String search, int first, int max) {
        return pendingQuery("select e, u.username", realmId, directoryId, search, Object[].class, " order by e.queuedAt, e.id")
            .setFirstResult(first).setMaxResults(max).getResultList();
    }

    public long countPendingEnrollments(String realmId, String directoryId, String search) {
        return pendingQuery("select count(e)", realmId, directoryId, search, Long.class, "").getSingleResult();
    }

    private <T> jakarta.persistence.TypedQuery<T> pendingQuery(String select, String realmId, String directoryId, String search,
                                                             Class<T> type, String order) {
        String jpql = select + " from EnrollmentEntity e, UserEntity u where u.id = e.userId and e.realmId = :realmId"
            + " and e.state = :state" + (directoryId == null ? "" : " and e.directoryId = :directoryId")
            + (search == null ? "" : " and (lower(u.username) like :search escape '\\' or lower(e.email) like :search escape '\\')")
            + order;
        jakarta.persistence.TypedQuery<T> q = em.createQuery(jpql, type).setParameter("realmId", realmId)
            .setParameter("state", EnrollmentState.PENDING);
        if (directoryId != null) {
            q.setParameter("directoryId", directoryId);
        }
        if (search != null) {
            q.setParameter("search", containsPattern(search));
        }
        return q;
    }
}
