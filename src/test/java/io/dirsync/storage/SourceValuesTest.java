package io.dirsync.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** How a SCIM document becomes the indexed values filters and sorting read (no server needed). */
class SourceValuesTest {

    @Test
    void attributesSubAttributesAndExtensionsAreFlattenedWithLowerCasedPathsAndFoldedValues() {
        List<SourceValues.Row> rows = SourceValues.rows("{\"displayName\":\"Ann Archer\",\"active\":true,"
            + "\"name\":{\"middleName\":\"B\"},"
            + "\"urn:acme:Custom:User\":{\"shoeSize\":44,\"Locker\":{\"Floor\":\"3\"}},\"empty\":null}");
        assertTrue(rows.contains(new SourceValues.Row(null, "displayname", 0, "ann archer")), rows::toString);
        assertTrue(rows.contains(new SourceValues.Row(null, "active", 0, "true")), rows::toString);
        assertTrue(rows.contains(new SourceValues.Row(null, "name.middlename", 0, "b")), rows::toString);
        assertTrue(rows.contains(new SourceValues.Row("urn:acme:Custom:User", "urn:acme:custom:user:shoesize", 0, "44")),
            rows::toString);
        assertTrue(rows.contains(new SourceValues.Row("urn:acme:Custom:User", "urn:acme:custom:user:locker.floor", 0, "3")),
            rows::toString);
        assertEquals(5, rows.size(), "a null is no value: " + rows);
    }

    @Test
    void theElementsOfAListAreNumberedPrimaryFirstSoThatAValueFilterMatchesWithinOne() {
        List<SourceValues.Row> rows = SourceValues.rows("{\"emails\":[{\"value\":\"Home@x.test\",\"type\":\"home\"},"
            + "{\"value\":\"work@x.test\",\"type\":\"work\",\"primary\":true}]}");
        assertTrue(rows.contains(new SourceValues.Row(null, "emails.value", 0, "work@x.test")), rows::toString);
        assertTrue(rows.contains(new SourceValues.Row(null, "emails.type", 0, "work")), rows::toString);
        assertTrue(rows.contains(new SourceValues.Row(null, "emails.value", 1, "home@x.test")), rows::toString);
        assertTrue(rows.contains(new SourceValues.Row(null, "emails.type", 1, "home")), rows::toString);
    }

    @Test
    void longValuesAreCutAndOneDocumentStoresAtMostItsShare() {
        String longValue = "x".repeat(400);
        assertEquals(SourceValueEntity.MAX_VALUE,
            SourceValues.rows("{\"title\":\"" + longValue + "\"}").get(0).valueFolded().length());
        StringBuilder many = new StringBuilder("{\"roles\":[");
        for (int i = 0; i < 800; i++) {
            many.append(i == 0 ? "" : ",").append("{\"value\":\"r").append(i).append("\"}");
        }
        assertEquals(SourceValues.MAX_ROWS, SourceValues.rows(many.append("]}").toString()).size());
        assertTrue(SourceValues.rows("not json").isEmpty());
        assertTrue(SourceValues.rows(null).isEmpty());
    }
}
