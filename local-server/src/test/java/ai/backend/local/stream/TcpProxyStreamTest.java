package ai.backend.local.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.api.LocalServerExtension;
import ai.backend.local.api.TestClient;
import ai.backend.local.engine.ProcessTrees;
import ai.backend.local.sessions.Session;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /stream/session/{id}/apps} and {@code …/tcpproxy?app=http} through a real relay. */
class TcpProxyStreamTest {
  static final String V4 = "v4.20181215";
  static final String V9 = "v9.20250722";

  @RegisterExtension
  static final LocalServerExtension local = new LocalServerExtension();

  static Session create(String name) throws Exception {
    TestClient.Resp r = local
        .client()
        .call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"" + name + "\"}");
    assertEquals(201, r.status(), r.text());
    return local.server().sessions().find(local.server().accessKey(), name).orElseThrow();
  }

  /** One HTTP/1.0 exchange through a fresh relay socket; returns the raw response. */
  static String get(String target, String version, String path) throws Exception {
    try (WsTestClient ws = WsTestClient.open(
        local.client(), local.server().uri(), target, version, local.server().secretKey())) {
      ws.sendBinary(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      long deadline = System.nanoTime() + WsTestClient.WAIT.toNanos();
      while (true) {
        assertTrue(System.nanoTime() < deadline, "relay did not close; got " + got);
        WsTestClient.Msg m = ws.messages.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (m != null) {
          assertTrue(m.binary());
          got.writeBytes(m.bytes());
        } else if (ws.closed.isDone()) {
          break;
        }
      }
      assertEquals(1000, ws.awaitClose()); // the service closed the connection after its answer
      return got.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void appsListsTheHttpService() throws Exception {
    create("tcp-apps");
    TestClient.Resp r = local.client().call("GET", "/stream/session/tcp-apps/apps", V9, null);
    assertEquals(200, r.status(), r.text());
    JsonArray apps = r.jsonElement().getAsJsonArray();
    assertEquals(1, apps.size());
    JsonObject http = apps.get(0).getAsJsonObject();
    assertEquals("http", http.get("name").getAsString());
    assertEquals("http", http.get("protocol").getAsString());
    assertEquals(8000, http.getAsJsonArray("ports").get(0).getAsInt());
    assertEquals(
        404,
        local.client().call("GET", "/stream/session/no-such/apps", V9, null).status());
  }

  @Test
  void httpGetThroughTheRelayListsTheWorkDirectory() throws Exception {
    Session s = create("tcp-http");
    Files.writeString(s.workDir().resolve("proxied.txt"), "through the relay\n");
    String listing = get("/stream/session/tcp-http/tcpproxy?app=http", V9, "/");
    assertTrue(listing.startsWith("HTTP/1.0 200"), listing);
    assertTrue(listing.contains("Directory listing"), listing);
    assertTrue(listing.contains("proxied.txt"), listing);
    // a second connection reuses the running service
    List<Long> pids = local.server().streams().services(s).pids();
    assertEquals(1, pids.size());
    String file = get("/stream/session/tcp-http/tcpproxy?app=http&port=8000", V9, "/proxied.txt");
    assertTrue(file.endsWith("through the relay\n"), file);
    assertEquals(pids, local.server().streams().services(s).pids());
    // the service stops with the session
    assertEquals(
        200, local.client().call("DELETE", "/session/tcp-http", V9, null).status());
    for (long pid : pids) {
      assertFalse(ProcessTrees.alive(pid), "service pid " + pid + " alive after destroy");
    }
  }

  @Test
  void openRelayClosesWhenTheSessionEnds() throws Exception {
    create("tcp-end");
    WsTestClient ws = WsTestClient.open(
        local.client(),
        local.server().uri(),
        "/stream/session/tcp-end/tcpproxy?service=http",
        V9,
        local.server().secretKey());
    assertEquals(
        200, local.client().call("DELETE", "/session/tcp-end", V9, null).status());
    assertEquals(1000, ws.awaitClose());
  }

  @Test
  void unknownAppAndBadPortAreRefusedBeforeTheUpgrade() throws Exception {
    create("tcp-bad");
    WsTestClient.Refused unknown = assertThrows(
        WsTestClient.Refused.class,
        () -> WsTestClient.open(
            local.client(),
            local.server().uri(),
            "/stream/session/tcp-bad/tcpproxy?app=jupyter",
            V9,
            local.server().secretKey()));
    assertEquals(404, unknown.status);
    TestClient.Resp plain =
        local.client().call("GET", "/stream/session/tcp-bad/tcpproxy?app=jupyter", V9, null);
    assertEquals(404, plain.status());
    assertEquals("app-not-found", plain.type());
    TestClient.Resp port =
        local.client().call("GET", "/stream/session/tcp-bad/tcpproxy?app=http&port=9999", V9, null);
    assertEquals(400, port.status());
    assertEquals("invalid-api-params", port.type());
    TestClient.Resp none = local.client().call("GET", "/stream/session/tcp-bad/tcpproxy", V9, null);
    assertEquals(400, none.status());
  }

  @Test
  void v4Route() throws Exception {
    TestClient.Resp r = local
        .client()
        .call(
            "POST", "/kernel/create", V4, "{\"lang\": \"sh\", \"clientSessionToken\": \"tcp-v4\"}");
    assertEquals(201, r.status(), r.text());
    String listing = get("/stream/kernel/tcp-v4/tcpproxy?app=http", V4, "/");
    assertTrue(listing.contains("Directory listing"), listing);
  }
}
