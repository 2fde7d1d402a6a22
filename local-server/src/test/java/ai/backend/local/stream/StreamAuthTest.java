package ai.backend.local.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.api.LocalServerExtension;
import ai.backend.local.api.TestClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The upgrade GET is authenticated and checked like any request, before any upgrade. */
class StreamAuthTest {
  static final String V4 = "v4.20181215";
  static final String V9 = "v9.20250722";

  @RegisterExtension
  static final LocalServerExtension local = new LocalServerExtension();

  @BeforeAll
  static void start() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"auth-sh\"}")
            .status());
  }

  static WsTestClient.Refused refused(String target, String version, String secret) {
    return assertThrows(WsTestClient.Refused.class, () -> WsTestClient.open(
            local.client(), local.server().uri(), target, version, secret)
        .close());
  }

  @Test
  void unsignedOrWronglySignedUpgradesGet401() {
    for (String route : new String[] {"pty", "execute"}) {
      String target = "/stream/session/auth-sh/" + route;
      WsTestClient.Refused unsigned = refused(target, V9, null);
      assertEquals(401, unsigned.status);
      WsTestClient.Refused wrong = refused(target, V9, "not-the-secret");
      assertEquals(401, wrong.status);
    }
    assertEquals(401, refused("/stream/kernel/auth-sh/pty", V4, "not-the-secret").status);
  }

  @Test
  void unknownSessionGets404() {
    assertEquals(
        404, refused("/stream/session/no-such/pty", V9, local.server().secretKey()).status);
    assertEquals(
        404, refused("/stream/session/no-such/execute", V9, local.server().secretKey()).status);
    assertEquals(
        404, refused("/stream/kernel/no-such/execute", V4, local.server().secretKey()).status);
    // the v4 route in the current dialect does not exist, like the REST routes
    assertEquals(404, refused("/stream/kernel/auth-sh/pty", V9, local.server().secretKey()).status);
  }

  @Test
  void problemBodiesAndPlainGets() throws Exception {
    TestClient.Resp unsigned = local
        .client()
        .send("GET", "/stream/session/auth-sh/pty", V9, null, null, false, null, null);
    assertEquals(401, unsigned.status());
    assertEquals("auth-failed", unsigned.type());
    TestClient.Resp missing =
        local.client().call("GET", "/stream/session/no-such/execute", V9, null);
    assertEquals(404, missing.status());
    assertEquals("session-not-found", missing.type());
    TestClient.Resp v4 = local.client().call("GET", "/stream/kernel/no-such/pty", V4, null);
    assertEquals("kernel-not-found", v4.type());
    // signed and valid but not a WebSocket handshake
    TestClient.Resp plain = local.client().call("GET", "/stream/session/auth-sh/pty", V9, null);
    assertEquals(400, plain.status(), plain.text());
    assertTrue(plain
        .headers()
        .firstValue("Content-Type")
        .orElseThrow()
        .startsWith("application/problem+json"));
  }
}
