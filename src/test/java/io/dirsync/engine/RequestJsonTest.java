package io.dirsync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The one strict reader of clients' and admins' JSON: one value, nothing after it, refusals in the client's words. */
class RequestJsonTest {

    @Test
    void anythingAfterTheJsonValueIsMalformedAndSaysWhereItStarts() {
        Map<String, String> where = Map.of(
            "{\"a\":1}xyz", "line 1, column 8",
            "{\"a\":1}{\"b\":2}", "line 1, column 8",
            "{\"a\":1} 1", "line 1, column 9",
            "{\"a\":1}\n  ]", "line 2, column 3");
        where.forEach((text, at) -> {
            for (Runnable read : new Runnable[] {() -> RequestJson.read(text),
                    () -> RequestJson.read(text.getBytes(StandardCharsets.UTF_8))}) {
                RequestJson.Malformed e = assertThrows(RequestJson.Malformed.class, read::run, text);
                assertEquals("Malformed JSON: something follows the JSON object at " + at + "; send one JSON object",
                    e.getMessage(), text);
            }
        });
        assertEquals(1, RequestJson.read("{\"a\":1}  \n\t").get("a").asInt(), "white space after the value is fine");
        assertEquals(1, RequestJson.read("  {\"a\":1}".getBytes(StandardCharsets.UTF_8)).get("a").asInt());
    }

    @Test
    void otherMalformedJsonIsWordedForTheClientWithoutJacksonsNames() {
        for (String text : new String[] {"{\"type\": \"scim\", ", "{\"a\" 1}", "[1,2", "nul", "{\"a\":\"\\x\"}",
                "[".repeat(2000) + "]".repeat(2000), "", "   "}) {
            RequestJson.Malformed e = assertThrows(RequestJson.Malformed.class, () -> RequestJson.read(text), text);
            String m = e.getMessage();
            assertTrue(m.startsWith("Malformed JSON"), m);
            assertFalse(m.contains("`") || m.contains("Source:") || m.contains("REDACTED") || m.contains("jackson")
                || m.contains("Feature") || m.contains("Constraints") || m.contains("\n"), m);
        }
        String unended = assertThrows(RequestJson.Malformed.class, () -> RequestJson.read("{\"type\": \"scim\", ")).getMessage();
        assertTrue(unended.startsWith("Malformed JSON at line 1, column "), unended);
    }
}
