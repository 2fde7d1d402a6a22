package ai.backend.local.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.backend.testsupport.SigningVectors;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Feeds every vector of shared/spec/signing-vectors.json into the verifier (read at test time). */
class SigningVectorsTest {

  @Test
  void vectorsVerifyAsTheServerViewSays() throws Exception {
    JsonObject root = JsonParser.parseString(SigningVectors.json()).getAsJsonObject();
    int checked = 0;
    for (JsonElement e : root.getAsJsonArray("vectors")) {
      JsonObject v = e.getAsJsonObject();
      String id = v.get("id").getAsString();
      JsonObject in = v.getAsJsonObject("inputs");
      JsonObject http = v.getAsJsonObject("http_request");
      JsonObject view = v.getAsJsonObject("server_view");
      boolean accepted = view.get("accepted").getAsBoolean();
      Map<String, String> headers = new LinkedHashMap<>();
      http.getAsJsonObject("headers")
          .entrySet()
          .forEach(h -> headers.put(h.getKey(), h.getValue().getAsString()));
      // what reaches the manager: a prefix-stripping proxy may have rewritten the target
      // (server_view)
      headers.keySet().removeIf(k -> k.equalsIgnoreCase("Host"));
      headers.put("Host", view.get("host").getAsString());
      String target = view.has("raw_path")
          ? view.get("raw_path").getAsString()
          : http.get("target").getAsString();
      String body = in.get("body").isJsonNull() ? "" : in.get("body").getAsString();
      Instant at = SignedDate.parse(in.get("date").getAsString())
          .orElseThrow()
          .dateTime()
          .toInstant();
      Keypair kp = new Keypair(
          in.get("access_key").getAsString(),
          in.get("secret_key").getAsString(),
          false,
          true,
          1000,
          10,
          at);
      HmacVerifier verifier = new HmacVerifier(
          ak -> ak.equals(kp.accessKey()) ? Optional.of(kp) : Optional.empty(),
          Clock.fixed(at.plusSeconds(30), ZoneOffset.UTC));
      SignedRequest req = new SignedRequest(
          http.get("method").getAsString(), target, headers, body.getBytes(StandardCharsets.UTF_8));
      try {
        HmacVerifier.Verified ok = verifier.verify(req);
        if (!accepted) {
          fail(id + ": accepted but the server view rejects it");
        }
        assertEquals(kp.accessKey(), ok.keypair().accessKey());
      } catch (AuthException ex) {
        if (accepted) {
          fail(id + ": rejected (" + ex.getMessage() + ")");
        }
        assertEquals(AuthException.Kind.FAILED, ex.kind(), id);
      }
      checked++;
    }
    assertTrue(checked >= 16, "vectors checked: " + checked);
  }

  @Test
  void dateFormsAndKeyDate() {
    assertEquals(
        "20181216", SignedDate.parse("2018-12-16T01:00:00+09:00").orElseThrow().keyDate());
    assertEquals(
        Instant.parse("2018-12-15T16:00:00Z"),
        SignedDate.parse("2018-12-16T01:00:00+09:00").orElseThrow().dateTime().toInstant());
    assertEquals(
        Instant.parse("2016-09-30T01:23:45Z"),
        SignedDate.parse("20160930T01:23:45Z").orElseThrow().dateTime().toInstant());
    assertEquals(
        Instant.parse("2018-12-15T04:05:06.123456Z"),
        SignedDate.parse("2018-12-15T04:05:06.123456").orElseThrow().dateTime().toInstant());
    assertEquals(
        Instant.parse("2018-12-15T04:05:06Z"),
        SignedDate.parse("Sat, 15 Dec 2018 04:05:06 GMT")
            .orElseThrow()
            .dateTime()
            .toInstant());
    assertEquals(
        Instant.parse("2018-12-15T04:05:06.1Z"),
        SignedDate.parse("2018-12-15T04:05:06.1Z").orElseThrow().dateTime().toInstant());
    assertTrue(SignedDate.parse("yesterday").isEmpty());
  }

  @Test
  void authorizationParsing() throws Exception {
    var c = HmacVerifier.parseAuthorization("BackendAI signMethod=HMAC-SHA3_256,credential=AK:abc");
    assertEquals(HashAlgorithm.SHA3_256, c.hash());
    assertEquals("AK", c.accessKey());
    for (String bad : List.of(
        "BackendAI",
        "Bearer x=y",
        "BackendAI signMethod=HMAC-SHA256",
        "BackendAI signMethod=HMAC-SHA256, credential=nocolon",
        "BackendAI signMethod=RSA-SHA256, credential=a:b",
        "BackendAI signMethod=HMAC-BLAKE9, credential=a:b")) {
      try {
        HmacVerifier.parseAuthorization(bad);
        fail("accepted: " + bad);
      } catch (AuthException e) {
        assertEquals(AuthException.Kind.INVALID_PARAMS, e.kind(), bad);
      }
    }
  }
}
