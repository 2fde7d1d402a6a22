package ai.backend.it.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.SigningProfile;
import ai.backend.client.internal.ApiRequest;
import ai.backend.client.internal.UriBuilder;
import ai.backend.client.internal.signing.Signer;
import ai.backend.client.port.Hmac;
import ai.backend.client.port.TransportProvider;
import ai.backend.testsupport.SigningVectors;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every signing vector with the real {@link Hmac} of each adapter found through {@link ServiceLoader}
 * (JDK javax.crypto and Bouncy Castle must agree byte for byte).
 */
class SigningVectorsPerAdapterTest {

  static List<JsonObject> vectors() throws IOException {
    List<JsonObject> out = new ArrayList<>();
    for (JsonElement e :
        JsonParser.parseString(SigningVectors.json()).getAsJsonObject().getAsJsonArray("vectors")) {
      out.add(e.getAsJsonObject());
    }
    return out;
  }

  static List<TransportProvider> providers() {
    List<TransportProvider> list = new ArrayList<>();
    ServiceLoader.load(TransportProvider.class).forEach(list::add);
    return list;
  }

  @Test
  void bothAdaptersAreDiscoverable() {
    List<String> names = providers().stream().map(TransportProvider::name).toList();
    assertEquals(2, names.size(), "expected the jdk and apache providers, found " + names);
  }

  @TestFactory
  Stream<DynamicNode> everyVectorWithEveryAdapter() throws IOException {
    List<JsonObject> vectors = vectors();
    assertEquals(16, vectors.size());
    List<TransportProvider> providers = providers();
    assertFalse(providers.isEmpty(), "no TransportProvider on the class path");
    return providers.stream()
        .map(p -> DynamicContainer.dynamicContainer(
            p.name(),
            vectors.stream()
                .map(v ->
                    DynamicTest.dynamicTest(v.get("id").getAsString(), () -> check(p.hmac(), v)))));
  }

  private static void check(Hmac hmac, JsonObject v) {
    JsonObject in = v.getAsJsonObject("inputs");
    JsonObject mid = v.getAsJsonObject("intermediate");
    JsonObject server = v.getAsJsonObject("server_view");
    assertTrue(hmac.supports(s(in, "hash_type")), "adapter supports " + s(in, "hash_type"));
    Signer signer = new Signer(hmac, s(in, "hash_type"));

    List<ApiRequest.QueryParam> query = new ArrayList<>();
    for (JsonElement q : in.getAsJsonArray("query")) {
      JsonArray pair = q.getAsJsonArray();
      query.add(new ApiRequest.QueryParam(pair.get(0).getAsString(), pair.get(1).getAsString()));
    }
    URI uri = UriBuilder.build(URI.create(s(in, "endpoint")), s(in, "api_path"), query);
    String signedPath =
        Signer.signedPath(SigningProfile.fromId(s(in, "client_profile")), uri, s(in, "api_path"));
    byte[] body = s(in, "body").getBytes(StandardCharsets.UTF_8);

    // what the vector's client computes (authority as written)
    Signer.Result r = signer.sign(
        new Signer.Input(
            s(in, "method"),
            signedPath,
            s(in, "date"),
            uri.getRawAuthority(),
            s(in, "content_type"),
            s(in, "api_version"),
            body),
        s(in, "access_key"),
        s(in, "secret_key").toCharArray());
    assertEquals(s(mid, "signed_path"), r.signedPath());
    assertEquals(s(mid, "key_date"), r.keyDate());
    assertEquals(s(mid, "body_hash"), r.bodyHash());
    assertEquals(s(mid, "string_to_sign"), r.stringToSign());
    assertEquals(s(mid, "signing_key_hex"), r.signingKeyHex());
    assertEquals(s(v, "expected_signature"), r.signature());
    assertEquals(s(v, "expected_authorization"), r.authorization());

    // what the server recomputes, and what this client signs (Host as sent; no Content-Type ->
    // octet-stream)
    Signer.Result srv = signer.sign(
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
    assertEquals(s(server, "recomputed_signature"), srv.signature());
    boolean sendsContentType =
        v.getAsJsonObject("http_request").getAsJsonObject("headers").has("Content-Type");
    Signer.Result ours = signer.sign(
        new Signer.Input(
            s(in, "method"),
            signedPath,
            s(in, "date"),
            Signer.hostHeader(uri),
            sendsContentType ? s(in, "content_type") : null,
            s(in, "api_version"),
            body),
        s(in, "access_key"),
        s(in, "secret_key").toCharArray());
    assertEquals(s(server, "recomputed_signature"), ours.signature());
  }

  private static String s(JsonObject o, String name) {
    return o.get(name).getAsString();
  }
}
