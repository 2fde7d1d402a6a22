package ai.backend.client.internal.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.backend.client.SigningProfile;
import ai.backend.client.internal.ApiRequest;
import ai.backend.client.internal.UriBuilder;
import ai.backend.testsupport.SigningVectors;
import ai.backend.transport.tck.ReferenceHmac;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every vector of {@code shared/spec/signing-vectors.json} (read at test time, or test-support's
 * copy of it) through the signer, the URI builder and the host derivation.
 */
class SigningVectorsTest {

  static List<JsonObject> vectors() throws IOException {
    JsonObject root = JsonParser.parseString(SigningVectors.json()).getAsJsonObject();
    List<JsonObject> out = new ArrayList<>();
    for (JsonElement e : root.getAsJsonArray("vectors")) {
      out.add(e.getAsJsonObject());
    }
    return out;
  }

  @Test
  void fileHasAllSixteenVectors() throws IOException {
    List<JsonObject> v = vectors();
    assertEquals(16, v.size());
    assertEquals(
        2, v.stream().filter(x -> x.get("kind").getAsString().equals("pitfall")).count());
  }

  @TestFactory
  Stream<DynamicTest> everyVector() throws IOException {
    return vectors().stream()
        .map(v -> DynamicTest.dynamicTest(v.get("id").getAsString(), () -> check(v)));
  }

  private static void check(JsonObject v) {
    JsonObject in = v.getAsJsonObject("inputs");
    JsonObject mid = v.getAsJsonObject("intermediate");
    JsonObject http = v.getAsJsonObject("http_request");
    JsonObject server = v.getAsJsonObject("server_view");
    boolean pitfall = v.get("kind").getAsString().equals("pitfall");
    Signer signer = new Signer(new ReferenceHmac(), s(in, "hash_type"));

    // 1. the request URI our builder produces is what the vector sends
    List<ApiRequest.QueryParam> query = new ArrayList<>();
    for (JsonElement q : in.getAsJsonArray("query")) {
      JsonArray pair = q.getAsJsonArray();
      query.add(new ApiRequest.QueryParam(pair.get(0).getAsString(), pair.get(1).getAsString()));
    }
    URI uri = UriBuilder.build(URI.create(s(in, "endpoint")), s(in, "api_path"), query);
    assertEquals(s(http, "target"), Signer.requestTarget(uri), "request target");

    // 2. signed path per profile
    SigningProfile profile = SigningProfile.fromId(s(in, "client_profile"));
    String signedPath = Signer.signedPath(profile, uri, s(in, "api_path"));
    assertEquals(s(mid, "signed_path"), signedPath, "signed_path");

    // 3. the vector's client signs the authority as written; ours signs the Host header that is
    // sent
    String hostAsWritten = uri.getRawAuthority();
    String ourHost = Signer.hostHeader(uri);
    assertEquals(s(mid, "signed_host"), hostAsWritten, "signed_host (authority as written)");
    assertEquals(s(http.getAsJsonObject("headers"), "Host"), ourHost, "Host header as sent");
    assertEquals(s(server, "host"), ourHost, "host the server sees");

    // 4. the vector's own computation, intermediate by intermediate
    byte[] body = s(in, "body").getBytes(StandardCharsets.UTF_8);
    Signer.Result r = signer.sign(
        new Signer.Input(
            s(in, "method"),
            signedPath,
            s(in, "date"),
            hostAsWritten,
            s(in, "content_type"),
            s(in, "api_version"),
            body),
        s(in, "access_key"),
        s(in, "secret_key").toCharArray());
    assertEquals(s(mid, "key_date"), r.keyDate(), "key_date");
    assertEquals(s(mid, "body_hash"), r.bodyHash(), "body_hash");
    assertEquals(s(mid, "string_to_sign"), r.stringToSign(), "string_to_sign");
    assertEquals(s(mid, "signing_key_hex"), r.signingKeyHex(), "signing_key_hex");
    assertEquals(s(v, "expected_signature"), r.signature(), "signature");
    assertEquals(s(v, "expected_authorization"), r.authorization(), "authorization");
    assertEquals(
        s(http.getAsJsonObject("headers"), "Authorization"), r.authorization(), "header sent");
    if (v.has("external_expected_signature")) {
      assertEquals(s(v, "external_expected_signature"), r.signature(), "external cross-check");
    }

    // 5. the server's recomputation from what it receives decides acceptance
    Signer.Result serverSide = signer.sign(
        new Signer.Input(
            s(in, "method"),
            s(server, "raw_path"),
            s(in, "date"),
            s(server, "host"),
            s(server, "content_type"),
            s(in, "api_version"),
            body),
        s(in, "access_key"),
        s(in, "secret_key").toCharArray());
    assertEquals(s(server, "recomputed_signature"), serverSide.signature(), "server recomputation");
    boolean accepted = server.get("accepted").getAsBoolean();
    assertEquals(accepted, serverSide.signature().equals(r.signature()), "accepted flag");
    assertEquals(!pitfall, accepted, "pitfall vectors are rejected by design");

    // 6. what this client signs: the Host it sends, and the content type it sends (none ->
    // octet-stream)
    String sentContentType =
        http.getAsJsonObject("headers").has("Content-Type") ? s(in, "content_type") : null;
    Signer.Result ours = signer.sign(
        new Signer.Input(
            s(in, "method"),
            signedPath,
            s(in, "date"),
            ourHost,
            sentContentType,
            s(in, "api_version"),
            body),
        s(in, "access_key"),
        s(in, "secret_key").toCharArray());
    assertEquals(
        s(server, "recomputed_signature"),
        ours.signature(),
        "our signature verifies on the server");
    if (pitfall) {
      assertNotEquals(s(v, "expected_signature"), ours.signature(), "we avoid the pitfall");
    }
  }

  @Test
  void keyDateUsesTheWrittenOffset() {
    assertEquals("20181216", Signer.keyDate("2018-12-16T01:00:00+09:00"));
    assertEquals("20250801", Signer.keyDate("2025-08-01T23:59:59.123Z"));
    assertEquals("20181215", Signer.keyDate("Sat, 15 Dec 2018 04:05:06 GMT"));
  }

  @Test
  void hostHeaderDropsDefaultPortsAndUserInfo() {
    assertEquals("api.backend.ai", Signer.hostHeader(URI.create("https://api.backend.ai:443/x")));
    assertEquals("api.backend.ai:80", Signer.hostHeader(URI.create("https://api.backend.ai:80/x")));
    assertEquals("h", Signer.hostHeader(URI.create("http://h:80")));
    assertEquals("h", Signer.hostHeader(URI.create("wss://h:443/stream")));
    assertEquals("h:8443", Signer.hostHeader(URI.create("wss://u:p@h:8443/stream")));
    assertEquals("[::1]:8081", Signer.hostHeader(URI.create("http://[::1]:8081/")));
  }

  @Test
  void bodyIsHashedOnlyBeforeV4AndNeverForMultipart() {
    assertTrue(Signer.hashesBody("v3.20170615", "application/json"));
    assertTrue(!Signer.hashesBody("v3.20170615", "multipart/form-data; boundary=x"));
    assertTrue(!Signer.hashesBody("v4.20181215", "application/json"));
    assertTrue(!Signer.hashesBody("v9.20250722", "application/json"));
    assertEquals("application/json", Signer.bareContentType("Application/JSON; charset=utf-8"));
    assertEquals("application/octet-stream", Signer.bareContentType(null));
  }

  private static String s(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null) {
      fail("vector lacks " + name);
    }
    return e.getAsString();
  }
}
