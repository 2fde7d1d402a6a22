package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.backend.client.ApiVersion;
import ai.backend.client.Config;
import ai.backend.client.Session;
import ai.backend.client.internal.RawCalls;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.RequestBody;
import ai.backend.local.LocalServer;
import ai.backend.local.api.LocalServerExtension;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RawCalls}, the CLI proxy's way through a session's pipeline, against local-server: a streamed
 * body goes out signed, also for a version whose signature covers the body (buffered first), and a
 * wrong secret is refused on the same route (so the route does check signatures).
 */
class RawCallsTest {
  @RegisterExtension
  static final LocalServerExtension LOCAL = new LocalServerExtension();

  private static LocalServer server() {
    return LOCAL.server();
  }

  private static int post(String version, String secret) {
    Config cfg = Config.builder()
        .endpoint(server().uri())
        .accessKey(server().accessKey())
        .secretKey(secret)
        .apiVersion(ApiVersion.parse(version))
        .negotiate(false)
        .build();
    byte[] body = "{\"query\":\"{ keypair { access_key } }\"}".getBytes(StandardCharsets.UTF_8);
    try (Session session = Session.builder().config(cfg).build();
        HttpResponse r = RawCalls.of(session)
            .send(
                "POST",
                URI.create(server().uri() + "/admin/graphql"),
                HttpHeaders.of("Content-Type", "application/json", "X-Forwarded-By", "test"),
                RequestBody.ofStream(
                    () -> new ByteArrayInputStream(body), body.length, "application/json"))) {
      return r.status();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v3.20170615", "v4.20181215", "v9.20250722"})
  void aStreamedBodyGoesOutSigned(String version) {
    assertEquals(200, post(version, server().secretKey()));
    assertEquals(401, post(version, server().secretKey() + "x"));
  }
}
