package io.dirsync.scim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

/** The pure parts of the SCIM adapter: client dialects normalised, paths and values checked, projections. */
class ScimRequestParsingTest {

    static ObjectNode json(String s) {
        return ScimJson.parseObject(s.replace('\'', '"'));
    }

    @Test
    void aBodyWithAnythingAfterItsJsonValueIsMalformedNotTheValueBeforeIt() {
        // Found by HttpFuzzTest: POST /Users with a valid user followed by garbage created the user (Jackson stops at the
        // value's end unless told to fail on trailing tokens).
        for (String trailing : List.of("{\"userName\":\"a\"}xyz", "{\"userName\":\"a\"}{\"b\":2}", "{\"userName\":\"a\"} 1")) {
            ScimError e = assertThrows(ScimError.class, () -> ScimJson.parseObject(trailing), trailing);
            assertEquals(400, e.status(), trailing);
            assertTrue(e.getMessage().startsWith("Malformed JSON: "), e.getMessage());
            assertTrue(trailing.endsWith("xyz") || e.getMessage().contains("something follows the JSON object"), e.getMessage());
            assertFalse(e.getMessage().contains("jackson") || e.getMessage().contains("DeserializationFeature"), e.getMessage());
        }
        assertEquals("a", ScimJson.parseObject("{\"userName\":\"a\"}  \n").get("userName").asText(), "white space after is fine");
    }

    @Test
    void entrasValuePathFilterIsRewrittenToTheRfcForm() {
        assertEquals("emails[type eq \"work\" and value eq \"a@b.c\"]",
            ScimQuery.rewriteValuePaths("emails[type eq \"work\"].value eq \"a@b.c\""));
        assertEquals("userName eq \"x].y eq z\" and emails[type eq \"work\" and value pr]",
            ScimQuery.rewriteValuePaths("userName eq \"x].y eq z\" and emails[type eq \"work\"].value pr"));
        assertEquals("emails[type eq \"work\" and value co \"@corp\"]",
            ScimQuery.rewriteValuePaths("emails[type eq \"work\" and value co \"@corp\"]"), "RFC form unchanged");
        ScimQuery.parse(ScimQuery.rewriteValuePaths("emails[type eq \"work\"].value eq \"a@b.c\""));
    }

    @Test
    void bareFilterValuesAreQuotedOnlyWhereTheyAreValues() {
        assertEquals("userName sw \"O\"", ScimQuery.quoteBareValues("userName sw O"));
        assertEquals("meta.created gt \"2015-10-10T14:38:21.8617979-07:00\"",
            ScimQuery.quoteBareValues("meta.created gt 2015-10-10T14:38:21.8617979-07:00"));
        assertEquals("(userName eq \"a\" or title EQ \"Lead\") and active eq true and x gt 5 and y pr",
            ScimQuery.quoteBareValues("(userName eq a or title EQ Lead) and active eq true and x gt 5 and y pr"));
        assertEquals("emails[type eq \"work\"]", ScimQuery.quoteBareValues("emails[type eq work]"));
        assertEquals("userName eq \"C:\\\\x\"", ScimQuery.quoteBareValues("userName eq C:\\x"));
        // Parsed leniently when the filter does not parse as sent; what stays ambiguous is still invalidFilter.
        assertEquals("userName sw \"O\"", ScimQuery.parse("userName sw O").toString());
        assertThrows(ScimError.class, () -> ScimQuery.parse("userName eq a b"));
        assertThrows(ScimError.class, () -> ScimQuery.parse("userName eq"));
    }

    @Test
    void patchOperationsAreNormalisedAsClientsSendThem() {
        List<ObjectNode> ops = ScimPatch.operations(json("{'schemas':['urn:ietf:params:scim:api:messages:2.0:PatchOp'],"
            + "'Operations':[{'op':'Replace','value':{'name.givenName':'A','urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department':'D','active':false}}]}"));
        assertEquals(3, ops.size(), ops::toString);
        assertTrue(ops.stream().allMatch(o -> o.get("op").asText().equals("replace")));
        assertTrue(ops.stream().anyMatch(o -> "name.givenName".equals(o.path("path").asText())));
        assertTrue(ops.stream().anyMatch(o -> o.has("value") && o.get("value").has("active")));

        ScimError noSchema = assertThrows(ScimError.class, () -> ScimPatch.operations(json("{'Operations':[{'op':'add','path':'a','value':1}]}")));
        assertEquals(400, noSchema.status());
        assertThrows(ScimError.class, () -> ScimPatch.operations(json("{'schemas':['urn:ietf:params:scim:api:messages:2.0:PatchOp'],'Operations':[{'op':'move','path':'a'}]}")));
        assertThrows(ScimError.class, () -> ScimPatch.operations(json("{'schemas':['urn:ietf:params:scim:api:messages:2.0:PatchOp'],'Operations':[{'op':'remove'}]}")));
        assertThrows(ScimError.class, () -> ScimPatch.operations(json("{'schemas':['urn:ietf:params:scim:api:messages:2.0:PatchOp'],'Operations':[{'op':'add','path':'','value':1}]}")));
        assertEquals(Set.of("u1", "u2"), ScimPatch.memberValues("members[value eq \"u1\" or value eq \"u2\"]"));
    }

    @Test
    void patchPathsAndValuesOfRfcAttributesAreChecked() {
        ScimSchemas.checkUserPath("name.givenName");
        ScimSchemas.checkUserPath("emails[type eq \"work\"].value");
        ScimSchemas.checkUserPath("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");
        ScimSchemas.checkUserPath("urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:costCentreCode");
        ScimSchemas.checkUserPath("favouriteColour");
        for (String bad : List.of("userName.userName", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeNumber",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:Group:employeeNumber", "name.nickName")) {
            assertEquals(400, assertThrows(ScimError.class, () -> ScimSchemas.checkUserPath(bad)).status(), bad);
        }
        ScimSchemas.checkGroupPath("members[value eq \"x\"]");
        assertThrows(ScimError.class, () -> ScimSchemas.checkGroupPath("nickName"));

        ScimSchemas.checkUserValues(json("{'userName':'a','active':'False','emails':[{'value':'a@b','primary':'true'}],'employeeNumber':42}"));
        assertThrows(ScimError.class, () -> ScimSchemas.checkUserValues(json("{'userType':true}")));
        assertThrows(ScimError.class, () -> ScimSchemas.checkUserValues(json("{'emails':'a@b'}")));
        assertThrows(ScimError.class, () -> ScimSchemas.checkUserValues(json("{'name':'Ann'}")));
        assertThrows(ScimError.class, () -> ScimSchemas.checkUserValues(json("{'active':'maybe'}")));
    }

    @Test
    void projectionsKeepIdAndSelectNestedAndExtensionAttributes() {
        ObjectNode doc = json("{'schemas':['s'],'id':'1','userName':'u','name':{'givenName':'G','familyName':'F'},"
            + "'emails':[{'value':'a','type':'work'}],'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User':{'department':'D','division':'V'}}");
        ObjectNode only = ScimProjection.of("name.givenName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", null).apply(doc.deepCopy());
        assertEquals("1", only.get("id").asText());
        assertEquals("G", only.at("/name/givenName").asText());
        assertFalse(only.at("/name").has("familyName"));
        assertFalse(only.has("userName"));
        assertEquals("D", only.at("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User/department").asText());
        assertFalse(only.at("/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").has("division"));
        ObjectNode without = ScimProjection.of(null, "emails,id").apply(doc.deepCopy());
        assertFalse(without.has("emails"));
        assertTrue(without.has("id"), "id is always returned");
        assertFalse(ScimProjection.of(null, "members").wants("members"));
        assertTrue(ScimProjection.of("members.value", null).wants("members"));
    }

    @Test
    void theStoredDocumentIsCanonicalSoANoOpChangesNothing() {
        String a = ScimUserMapping.canonical(json("{'userName':'u','active':true,'nickName':'n','addresses':[{'type':'work','locality':'B'}],'password':'p'}"));
        String b = ScimUserMapping.canonical(json("{'addresses':[{'locality':'B','type':'work'}],'nickName':'n','userName':'U2','id':'x','meta':{}}"));
        assertEquals(a, b);
        assertFalse(a.contains("password"));
    }

    @Test
    void primaryEmailIsPrimaryElseWorkElseFirst() {
        assertEquals("p@x", ScimUserMapping.primaryEmail(json("{'e':[{'value':'h@x','type':'home'},{'value':'p@x','primary':true}]}").get("e")));
        assertEquals("w@x", ScimUserMapping.primaryEmail(json("{'e':[{'value':'h@x','type':'home'},{'value':'w@x','type':'work'}]}").get("e")));
        assertEquals("h@x", ScimUserMapping.primaryEmail(json("{'e':[{'value':'h@x','type':'home'}]}").get("e")));
    }
}
