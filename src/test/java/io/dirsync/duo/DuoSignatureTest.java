package io.dirsync.duo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Duo's signing against the vectors published in Duo's official clients' tests, used here as data:
 * duo_client_python {@code tests/test_client.py} (TestQueryParameters, TestCanonicalize, TestSign) and duo_client_java
 * {@code HttpSignHMACTest}, {@code HttpCanonV5RequestTest}. No server.
 */
class DuoSignatureTest {

    static final String SKEY = "gtdfxv9YgVBYcF6dl2Eq17KUQJN2PLM2ODVTkvoT";
    static final String DATE = "Fri, 07 Dec 2012 17:18:00 -0000";

    /** test_client.py's unicode fuzz keys and values. */
    static Map<String, List<String>> fuzz() {
        Map<String, List<String>> p = new LinkedHashMap<>();
        p.put("\u469a\u287b\u35d0\u8ef3\u6727\u502a\u0810\ud091\u00c8\uc170", List.of("\u0f45\u1a76\u341a\u654c\uc23f\u9b09\uabe2\u8343\u1b27\u60d0"));
        p.put("\u7449\u7e4b\uccfb\u59ff\ufe5f\u83b7\uadcc\u900c\ucfd1\u7813", List.of("\u8db7\u5022\u92d3\u42ef\u207d\u8730\uacfe\u5617\u0946\u4e30"));
        p.put("\u7470\u9314\u901c\u9eae\u40d8\u4201\u82d8\u8c70\u1d31\ua042", List.of("\u17d9\u0ba8\u9358\uaadf\ua42a\u48be\ufb96\u6fe9\ub7ff\u32f3"));
        p.put("\uc2c5\u2c1d\u2620\u3617\u96b3F\u8605\u20e8\uac21\u5934", List.of("\ufba9\u41aa\ubd83\u840b\u2615\u3e6e\u652d\ua8b5\ud56bU"));
        return p;
    }

    static final String FUZZ_CANON = "%E4%9A%9A%E2%A1%BB%E3%97%90%E8%BB%B3%E6%9C%A7%E5%80%AA%E0%A0%90%ED%82%91%C3%88%EC%85%B0=%E0%BD%85%E1%A9%B6%E3%90%9A%E6%95%8C%EC%88%BF%E9%AC%89%EA%AF%A2%E8%8D%83%E1%AC%A7%E6%83%90&%E7%91%89%E7%B9%8B%EC%B3%BB%E5%A7%BF%EF%B9%9F%E8%8E%B7%EA%B7%8C%E9%80%8C%EC%BF%91%E7%A0%93=%E8%B6%B7%E5%80%A2%E9%8B%93%E4%8B%AF%E2%81%BD%E8%9C%B0%EA%B3%BE%E5%98%97%E0%A5%86%E4%B8%B0&%E7%91%B0%E9%8C%94%E9%80%9C%E9%BA%AE%E4%83%98%E4%88%81%E8%8B%98%E8%B1%B0%E1%B4%B1%EA%81%82=%E1%9F%99%E0%AE%A8%E9%8D%98%EA%AB%9F%EA%90%AA%E4%A2%BE%EF%AE%96%E6%BF%A9%EB%9F%BF%E3%8B%B3&%EC%8B%85%E2%B0%9D%E2%98%A0%E3%98%97%E9%9A%B3F%E8%98%85%E2%83%A8%EA%B0%A1%E5%A4%B4=%EF%AE%A9%E4%86%AA%EB%B6%83%E8%90%8B%E2%98%95%E3%B9%AE%E6%94%AD%EA%A2%B5%ED%95%ABU";

    static DuoSignature.Request fuzzPost() {
        return new DuoSignature.Request(DATE, "PoSt", "foO.BAr52.cOm", "/Foo/BaR2/qux", fuzz(), new byte[0], Map.of());
    }

    @Test
    void parametersAreEncodedAndSortedAsPythonsCanonParams() {
        assertEquals("", DuoSignature.canonParams(Map.of()));
        assertEquals("realname=First%20Last&username=root",
            DuoSignature.canonParams(Map.of("username", List.of("root"), "realname", List.of("First Last"))));
        assertEquals("digits=0123456789&letters=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                + "&punctuation=%21%22%23%24%25%26%27%28%29%2A%2B%2C-.%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E_%60%7B%7C%7D~"
                + "&whitespace=%09%0A%0B%0C%0D%20",
            DuoSignature.canonParams(Map.of("digits", List.of("0123456789"),
                "letters", List.of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                "punctuation", List.of("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
                "whitespace", List.of("\t\n\u000b\u000c\r "))));
        assertEquals("foo=1&foo_bar=2", DuoSignature.canonParams(Map.of("foo_bar", List.of("2"), "foo", List.of("1"))));
        assertEquals(FUZZ_CANON, DuoSignature.canonParams(fuzz()));
    }

    @Test
    void v2CanonicalRequestAndBothDigestsMatchDuosVectors() {
        DuoSignature.Request r = fuzzPost();
        assertEquals(DATE + "\nPOST\nfoo.bar52.com\n/Foo/BaR2/qux\n" + FUZZ_CANON, DuoSignature.canonicalV2(r));
        byte[] key = SKEY.getBytes(StandardCharsets.UTF_8);
        assertEquals("f01811cbbf9561623ab45b893096267fd46a5178", DuoSignature.hmacHex("HmacSHA1", key, DuoSignature.canonicalV2(r)));
        String sha512 = "0508065035a03b2a1de2f453e629e791d180329e157f65df6b3e0f08299d4321e1c5c7a7c7ee6b9e5fc80d1fb6fbf3ad5eb7c44dd3b3985a02c37aca53ec3698";
        assertEquals(sha512, DuoSignature.hmacHex("HmacSHA512", key, DuoSignature.canonicalV2(r)));
        assertTrue(DuoSignature.verify(r, key, "f01811cbbf9561623ab45b893096267fd46a5178"));
        assertTrue(DuoSignature.verify(r, key, sha512.toUpperCase()));
        assertFalse(DuoSignature.verify(r, "another-secret-key-of-forty-characters!!".getBytes(StandardCharsets.UTF_8), sha512));
        assertFalse(DuoSignature.verify(new DuoSignature.Request(DATE, "POST", "other.host", "/Foo/BaR2/qux", fuzz(),
            new byte[0], Map.of()), key, sha512), "another host");
        assertFalse(DuoSignature.verify(r, key, sha512.substring(0, 127) + "0"));
        assertFalse(DuoSignature.verify(r, key, "f01811cb"));
    }

    @Test
    void v4AndV5HashTheJsonBodyAndTheDuoHeadersLowerCasedAndSorted() {
        String json = "{\"alpha\":[\"a\",\"b\",\"c\",\"d\"],\"data\":\"abc123\",\"info\":{\"another\":2,\"test\":1}}";
        DuoSignature.Request r = new DuoSignature.Request("Tue, 17 Nov 2020 14:12:00", "POST", "foO.BaR52.cOm",
            "/Foo/BaR2/qux", Map.of(), json.getBytes(StandardCharsets.UTF_8),
            Map.of("x-duo-A", "header_value_1", "X-Duo-B", "header_value_2"));
        String hashedBody = DuoSignature.sha512Hex(json.getBytes(StandardCharsets.UTF_8));
        assertEquals("Tue, 17 Nov 2020 14:12:00\nPOST\nfoo.bar52.com\n/Foo/BaR2/qux\n\n" + hashedBody, DuoSignature.canonicalV4(r));
        assertEquals("Tue, 17 Nov 2020 14:12:00\nPOST\nfoo.bar52.com\n/Foo/BaR2/qux\n\n" + hashedBody + "\n"
            + "60be11a30e0756f2ee2afdce1db849b987dcf86c1133394bd7bbbc9877920330c4d78aceacbb377ab8cbd9a8efe6a410fed4047376635ac71226ab46ca10d2b1",
            DuoSignature.canonicalV5(r));
        DuoSignature.Request one = new DuoSignature.Request("Tue, 17 Nov 2020 14:12:00", "POST", "foO.BaR52.cOm",
            "/Foo/BaR2/qux", Map.of(), json.getBytes(StandardCharsets.UTF_8), Map.of("X-Duo-Header-1", "header_value_1"));
        assertTrue(DuoSignature.canonicalV5(one).endsWith("\n630b4bfe7e9abd03da2eee8f0a5d4e60a254ec880a839bcc2223bb5b9443e8ef24d58f0"
            + "254f1f5934bf8c017ebd0fd5b1acf86766bdbe74185e712a4092df3ed"));
        // The Java client's GET: parameters in the query, the hash of an empty body, no X-Duo headers.
        DuoSignature.Request get = new DuoSignature.Request(DATE, "gEt", "foO.BAr52.cOm", "/Foo/BaR2/qux",
            Map.of("data", List.of("abc123")), new byte[0], Map.of());
        assertEquals(DATE + "\nGET\nfoo.bar52.com\n/Foo/BaR2/qux\ndata=abc123\n" + DuoSignature.sha512Hex(new byte[0]) + "\n"
            + DuoSignature.sha512Hex(new byte[0]), DuoSignature.canonicalV5(get));
        byte[] key = SKEY.getBytes(StandardCharsets.UTF_8);
        assertTrue(DuoSignature.verify(r, key, DuoSignature.hmacHex("HmacSHA512", key, DuoSignature.canonicalV5(r))));
        DuoSignature.Request tampered = new DuoSignature.Request(r.date(), r.method(), r.host(), r.path(), r.params(),
            json.replace("abc123", "abc124").getBytes(StandardCharsets.UTF_8), r.duoHeaders());
        assertFalse(DuoSignature.verify(tampered, key, DuoSignature.hmacHex("HmacSHA512", key, DuoSignature.canonicalV5(r))));
    }

    @Test
    void datesAreRfc2822AsPythonAndJavaWriteThem() {
        assertEquals(1354900680000L, DuoSignature.parseDate("Fri, 07 Dec 2012 17:18:00 -0000"));
        assertEquals(1354900680000L, DuoSignature.parseDate("Fri, 07 Dec 2012 17:18:00 +0000"));
        assertEquals(1354900680000L, DuoSignature.parseDate("Fri, 7 Dec 2012 18:18:00 +0100"));
        assertEquals(1354900680000L, DuoSignature.parseDate("Fri, 07 Dec 2012 17:18:00 GMT"));
        assertNull(DuoSignature.parseDate("2012-12-07T17:18:00Z"));
        assertNull(DuoSignature.parseDate(null));
    }
}
