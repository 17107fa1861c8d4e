package io.dirsync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Liquibase changelog against the released one ({@code .ci/released-version}, read with {@code git show}): a
 * released changeSet is never edited (Liquibase would refuse to start on its checksum), and every changeSet since the
 * release only adds, because in a rolling update the released build's node keeps running on the schema the new node
 * migrated (README "Upgrading"): new tables and indexes, new columns that are nullable or have a default, constraints
 * on new tables only. Anything else needs a stop-all upgrade, decided deliberately here and said in the README.
 * {@code .ci/upgrade.sh} runs the upgrade itself; this catches the mistake in the default suite.
 */
class ChangelogAdditiveTest {

    private static final String CHANGELOG = "src/main/resources/META-INF/dirsync-changelog.xml";
    /** Changes an old node never notices. */
    private static final Set<String> ADDITIVE = Set.of("createTable", "createIndex", "dropIndex", "addColumn",
        "addForeignKeyConstraint", "addUniqueConstraint", "addPrimaryKey", "dropUniqueConstraint");
    /** Changes that constrain a table, allowed only on a table the new changeSets create. */
    private static final Set<String> ON_NEW_TABLES_ONLY = Set.of("addForeignKeyConstraint", "addUniqueConstraint", "addPrimaryKey");
    /** Elements of a changeSet that change nothing. */
    private static final Set<String> NOT_CHANGES = Set.of("comment", "preConditions", "rollback", "validCheckSum");

    @Test
    void everyReleasedChangeSetIsStillThereUnchanged() throws Exception {
        Map<String, String> released = changeSets(releasedChangelog());
        Map<String, String> current = changeSets(Files.readAllBytes(Path.of(CHANGELOG)));
        assertTrue(released.size() >= 8, "the released changelog's changeSets: " + released.keySet());
        assertEquals(List.of(), edited(released, current), "released changeSets edited or removed (add a new changeSet instead)");
    }

    @Test
    void everyChangeSetSinceTheReleaseOnlyAdds() throws Exception {
        Map<String, String> released = changeSets(releasedChangelog());
        byte[] current = Files.readAllBytes(Path.of(CHANGELOG));
        assertEquals(List.of(), notAdditive(released.keySet(), current),
            "changeSets since the release that an old node of a rolling update would not survive");
    }

    /** The checks themselves, on changelogs made up for them: each refuses what it must. */
    @Test
    void theChecksRefuseWhatARollingUpdateCannotTake() throws Exception {
        String released = changelog("""
            <changeSet author="dirsync" id="r1"><createTable tableName="T"><column name="A" type="INT"/></createTable></changeSet>""");
        Map<String, String> was = changeSets(released.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), edited(was, changeSets(changelog("""
            <changeSet author="dirsync" id="r1">
              <!-- a comment and other whitespace change no checksum -->
              <createTable tableName="T">  <column type="INT" name="A"/></createTable>
            </changeSet>""").getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of("r1 edited"), edited(was, changeSets(changelog("""
            <changeSet author="dirsync" id="r1"><createTable tableName="T"><column name="A" type="BIGINT"/></createTable></changeSet>""")
            .getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of("r1 removed"), edited(was, changeSets(changelog("").getBytes(StandardCharsets.UTF_8))));

        String ok = changelog("""
            <changeSet author="dirsync" id="n1">
              <addColumn tableName="T"><column name="B" type="VARCHAR(36)"/>
                <column name="C" type="INT" defaultValueNumeric="0"><constraints nullable="false"/></column></addColumn>
              <createTable tableName="U"><column name="ID" type="VARCHAR(36)"><constraints nullable="false"/></column></createTable>
              <addUniqueConstraint tableName="U" columnNames="ID" constraintName="UK_U"/>
              <createIndex tableName="T" indexName="IDX_T_B"><column name="B"/></createIndex>
            </changeSet>""");
        assertEquals(List.of(), notAdditive(Set.of(), ok.getBytes(StandardCharsets.UTF_8)));
        String bad = changelog("""
            <changeSet author="dirsync" id="n2">
              <addColumn tableName="T"><column name="D" type="INT"><constraints nullable="false"/></column></addColumn>
              <dropColumn tableName="T" columnName="A"/>
              <addUniqueConstraint tableName="T" columnNames="B" constraintName="UK_T_B"/>
              <sql>UPDATE T SET A = 1</sql>
            </changeSet>""");
        assertEquals(List.of("n2: addColumn T.D is NOT NULL without a default", "n2: dropColumn", "n2: addUniqueConstraint on T,"
            + " a table the release has", "n2: sql"), notAdditive(Set.of(), bad.getBytes(StandardCharsets.UTF_8)));
    }

    // ------------------------------------------------------------------ the checks

    /** Released changeSets missing from the current changelog or different in it. */
    static List<String> edited(Map<String, String> released, Map<String, String> current) {
        List<String> problems = new ArrayList<>();
        released.forEach((id, text) -> {
            if (!current.containsKey(id)) {
                problems.add(id + " removed");
            } else if (!current.get(id).equals(text)) {
                problems.add(id + " edited");
            }
        });
        return problems;
    }

    /** What the changeSets not in {@code releasedIds} do that is not additive. */
    static List<String> notAdditive(Set<String> releasedIds, byte[] changelog) throws Exception {
        List<Element> added = new ArrayList<>();
        for (Element set : elements(parse(changelog).getDocumentElement(), "changeSet")) {
            if (!releasedIds.contains(set.getAttribute("id"))) {
                added.add(set);
            }
        }
        Set<String> newTables = new HashSet<>();
        for (Element set : added) {
            for (Element change : elements(set, null)) {
                if (change.getTagName().equals("createTable")) {
                    newTables.add(change.getAttribute("tableName").toUpperCase(java.util.Locale.ROOT));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (Element set : added) {
            String id = set.getAttribute("id");
            for (Element change : elements(set, null)) {
                String kind = change.getTagName();
                String table = change.getAttribute("tableName");
                if (NOT_CHANGES.contains(kind)) {
                    continue;
                }
                if (!ADDITIVE.contains(kind)) {
                    problems.add(id + ": " + kind);
                } else if (ON_NEW_TABLES_ONLY.contains(kind) && !newTables.contains(table.toUpperCase(java.util.Locale.ROOT))) {
                    problems.add(id + ": " + kind + " on " + table + ", a table the release has");
                } else if (kind.equals("addColumn")) {
                    for (Element column : elements(change, "column")) {
                        boolean notNull = elements(column, "constraints").stream().anyMatch(c -> "false".equals(c.getAttribute("nullable")));
                        boolean hasDefault = column.getAttributes().getLength() > 0 && java.util.stream.IntStream
                            .range(0, column.getAttributes().getLength())
                            .anyMatch(i -> column.getAttributes().item(i).getNodeName().startsWith("defaultValue"));
                        if (notNull && !hasDefault) {
                            problems.add(id + ": addColumn " + table + "." + column.getAttribute("name") + " is NOT NULL without a default");
                        }
                    }
                }
            }
        }
        return problems;
    }

    /** Each changeSet's id and a canonical text of it (attributes sorted, whitespace and comments left out). */
    static Map<String, String> changeSets(byte[] changelog) throws Exception {
        Map<String, String> sets = new LinkedHashMap<>();
        for (Element set : elements(parse(changelog).getDocumentElement(), "changeSet")) {
            StringBuilder text = new StringBuilder();
            canonical(set, text);
            sets.put(set.getAttribute("id"), text.toString());
        }
        return sets;
    }

    private static void canonical(Element e, StringBuilder out) {
        out.append('<').append(e.getTagName());
        Map<String, String> attributes = new TreeMap<>();
        for (int i = 0; i < e.getAttributes().getLength(); i++) {
            Node a = e.getAttributes().item(i);
            attributes.put(a.getNodeName(), a.getNodeValue());
        }
        attributes.forEach((k, v) -> out.append(' ').append(k).append("=\"").append(v).append('"'));
        out.append('>');
        NodeList children = e.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node c = children.item(i);
            if (c instanceof Element child) {
                canonical(child, out);
            } else if (c.getNodeType() == Node.TEXT_NODE || c.getNodeType() == Node.CDATA_SECTION_NODE) {
                out.append(c.getNodeValue().strip().replaceAll("\\s+", " "));
            }
        }
        out.append("</").append(e.getTagName()).append('>');
    }

    private static List<Element> elements(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && (name == null || e.getTagName().equals(name))) {
                out.add(e);
            }
        }
        return out;
    }

    private static org.w3c.dom.Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (InputStream in = new ByteArrayInputStream(xml)) {
            return f.newDocumentBuilder().parse(in);
        }
    }

    private static String changelog(String sets) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\">\n"
            + sets + "\n</databaseChangeLog>\n";
    }

    /** The released changelog, from git; skipped only outside a git checkout (a source archive). */
    private static byte[] releasedChangelog() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of(".git")), "not a git checkout: no released changelog to compare with");
        String commit = Files.readAllLines(Path.of(".ci/released-version")).get(0).strip();
        Process git = new ProcessBuilder("git", "show", commit + ":" + CHANGELOG).redirectErrorStream(true).start();
        byte[] out = git.getInputStream().readAllBytes();
        assertTrue(git.waitFor(60, TimeUnit.SECONDS), "git show did not finish");
        assertEquals(0, git.exitValue(), "git show " + commit + ":" + CHANGELOG + " (a shallow clone? git fetch --unshallow): "
            + new String(out, StandardCharsets.UTF_8));
        return out;
    }
}
