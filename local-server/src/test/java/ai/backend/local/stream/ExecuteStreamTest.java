package ai.backend.local.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import ai.backend.local.api.LocalServerExtension;
import ai.backend.local.api.TestClient;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /stream/…/execute} over real WebSockets. */
class ExecuteStreamTest {
  static final String V4 = "v4.20181215";
  static final String V9 = "v9.20250722";

  @RegisterExtension
  static final LocalServerExtension local =
      new LocalServerExtension(b -> b.restFlushTimeout(Duration.ofMillis(300)));

  @BeforeAll
  static void start() throws Exception {
    TestClient.Resp r = local
        .client()
        .call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"exec-py\"}");
    assertEquals(201, r.status(), r.text());
  }

  static WsTestClient open(LocalServer s, TestClient c, String target, String version)
      throws Exception {
    return WsTestClient.open(c, s.uri(), target, version, s.secretKey());
  }

  static JsonObject run(String mode, String code) {
    JsonObject o = new JsonObject();
    o.addProperty("mode", mode);
    o.addProperty("code", code);
    o.add("options", new JsonObject());
    return o;
  }

  /** Frames read until (and including) the first with one of {@code until}. */
  static List<JsonObject> frames(WsTestClient ws, boolean binary, String... until)
      throws Exception {
    List<JsonObject> out = new ArrayList<>();
    while (true) {
      WsTestClient.Msg m = ws.next();
      assertEquals(binary, m.binary(), m.text());
      JsonObject f = m.json();
      out.add(f);
      for (String u : until) {
        if (f.get("status").getAsString().equals(u)) {
          return out;
        }
      }
      assertTrue(out.size() < 1000, "too many frames");
    }
  }

  static String stdout(List<JsonObject> frames) {
    StringBuilder sb = new StringBuilder();
    for (JsonObject f : frames) {
      for (JsonElement e : f.getAsJsonArray("console")) {
        JsonArray item = e.getAsJsonArray();
        if (item.get(0).getAsString().equals("stdout")) {
          sb.append(item.get(1).getAsString());
        }
      }
    }
    return sb.toString();
  }

  static JsonObject last(List<JsonObject> frames) {
    return frames.get(frames.size() - 1);
  }

  @Test
  void queryOutputIsStreamedInSeveralFrames() throws Exception {
    try (WsTestClient ws =
        open(local.server(), local.client(), "/stream/session/exec-py/execute", V9)) {
      ws.send(run(
          "query",
          "import time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.3)"));
      List<JsonObject> fs = frames(ws, false, "finished");
      assertEquals("0\n1\n2\n", stdout(fs));
      long withOutput =
          fs.stream().filter(f -> f.getAsJsonArray("console").size() > 0).count();
      assertTrue(withOutput > 1, "output came in one frame: " + fs);
      JsonObject fin = last(fs);
      assertEquals(0, fin.get("exitCode").getAsInt());
      assertTrue(fin.get("options").isJsonNull());
      assertEquals(new JsonArray(), fin.getAsJsonArray("files"));
      assertFalse(fin.has("runId"));
      for (JsonObject f : fs.subList(0, fs.size() - 1)) {
        assertEquals("continued", f.get("status").getAsString());
        assertTrue(f.get("exitCode").isJsonNull());
      }
      assertEquals(1000, ws.awaitClose());
    }
  }

  @Test
  void waitingInputIsAnsweredWithARawTextFrame() throws Exception {
    try (WsTestClient ws =
        open(local.server(), local.client(), "/stream/session/exec-py/execute", V9)) {
      ws.send(run("query", "name = input('Name? ')\nprint('hi ' + name)"));
      List<JsonObject> fs = frames(ws, false, "waiting-input", "finished");
      JsonObject wait = last(fs);
      assertEquals("waiting-input", wait.get("status").getAsString(), fs.toString());
      assertFalse(wait.getAsJsonObject("options").get("is_password").getAsBoolean());
      assertTrue(stdout(fs).contains("Name? "));
      ws.send("Alice {not json}");
      List<JsonObject> rest = frames(ws, false, "finished");
      assertTrue(stdout(rest).contains("hi Alice {not json}"), rest.toString());
      assertEquals(1000, ws.awaitClose());
    }
  }

  @Test
  void batchBuildThenExec() throws Exception {
    try (WsTestClient ws =
        open(local.server(), local.client(), "/stream/session/exec-py/execute", V9)) {
      JsonObject b = run("batch", "");
      JsonObject opts = new JsonObject();
      opts.addProperty("build", "echo building; echo 'print(6*7)' > answer.py");
      opts.addProperty("buildLog", true);
      opts.addProperty("exec", "python3 answer.py");
      b.add("options", opts);
      ws.send(b);
      List<JsonObject> fs = frames(ws, false, "finished");
      List<String> statuses = fs.stream()
          .map(f -> f.get("status").getAsString())
          .filter(s -> !s.equals("continued"))
          .toList();
      assertEquals(List.of("build-finished", "finished"), statuses);
      assertEquals("building\n42\n", stdout(fs));
      assertEquals(0, last(fs).get("exitCode").getAsInt());
      assertEquals(1000, ws.awaitClose());
    }
  }

  @Test
  void sessionByUuid() throws Exception {
    String id = local
        .server()
        .sessions()
        .find(local.server().accessKey(), "exec-py")
        .orElseThrow()
        .id()
        .toString();
    try (WsTestClient ws =
        open(local.server(), local.client(), "/stream/session/" + id + "/execute", V9)) {
      ws.send(run("query", "print(40 + 2)"));
      assertEquals("42\n", stdout(frames(ws, false, "finished")));
    }
  }

  @Test
  void badFirstFramesAreRejected() throws Exception {
    String[][] cases = {
      {"not json", "Invalid API parameters: "},
      {"{\"code\": \"print(1)\"}", "Invalid API parameters: mode is missing or empty!"},
      {
        "{\"mode\": \"continue\", \"code\": \"\"}",
        "Invalid API parameters: mode has an invalid value."
      },
      {"[1, 2]", "Invalid API parameters: "},
    };
    for (String[] c : cases) {
      try (WsTestClient ws =
          open(local.server(), local.client(), "/stream/session/exec-py/execute", V9)) {
        ws.send(c[0]);
        JsonObject f = ws.next().json();
        assertEquals("error", f.get("status").getAsString(), c[0]);
        assertTrue(f.get("msg").getAsString().startsWith(c[1]), f.toString());
        assertEquals(1000, ws.awaitClose());
      }
    }
  }

  @Test
  void clientDisconnectInterruptsTheRun() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"exec-abort\"}")
            .status());
    WsTestClient ws =
        open(local.server(), local.client(), "/stream/session/exec-abort/execute", V9);
    ws.send(
        run(
            "query",
            "import time\nmarker = 'kept'\nprint('sleeping', flush=True)\ntime.sleep(30)\nmarker = 'late'"));
    List<JsonObject> fs = frames(ws, false, "continued");
    while (!stdout(fs).contains("sleeping")) {
      fs.addAll(frames(ws, false, "continued"));
    }
    ws.ws.abort(); // the connection drops without a close handshake
    long t0 = System.nanoTime();
    JsonObject body = new JsonObject();
    body.addProperty("mode", "query");
    body.addProperty("code", "print(marker)");
    JsonObject res = local
        .client()
        .call("POST", "/session/exec-abort", V9, body.toString())
        .json()
        .getAsJsonObject("result");
    while (res.get("status").getAsString().equals("continued")) {
      JsonObject cont = new JsonObject();
      cont.addProperty("mode", "continue");
      cont.addProperty("runId", res.get("runId").getAsString());
      res = local
          .client()
          .call("POST", "/session/exec-abort", V9, cont.toString())
          .json()
          .getAsJsonObject("result");
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("finished", res.get("status").getAsString(), res.toString());
    assertEquals("kept\n", stdout(List.of(res)), res.toString());
    assertTrue(ms < 10_000, "the interrupted run blocked the next one for " + ms + " ms");
  }

  @Test
  void sessionDestroyMidRunSendsTheFinalFrameAndCloses() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"exec-destroy\"}")
            .status());
    try (WsTestClient ws =
        open(local.server(), local.client(), "/stream/session/exec-destroy/execute", V9)) {
      ws.send(run("query", "import time\nprint('up', flush=True)\ntime.sleep(30)"));
      List<JsonObject> fs = frames(ws, false, "continued");
      while (!stdout(fs).contains("up")) {
        fs.addAll(frames(ws, false, "continued"));
      }
      assertEquals(
          200, local.client().call("DELETE", "/session/exec-destroy", V9, null).status());
      List<JsonObject> rest = frames(ws, false, "finished");
      assertEquals(137, last(rest).get("exitCode").getAsInt());
      assertEquals(1000, ws.awaitClose());
    }
  }

  @Test
  void shRuntimeAndV4Route() throws Exception {
    TestClient.Resp r = local
        .client()
        .call(
            "POST",
            "/kernel/create",
            V4,
            "{\"lang\": \"sh\", \"clientSessionToken\": \"exec-v4\"}");
    assertEquals(201, r.status(), r.text());
    try (WsTestClient ws =
        open(local.server(), local.client(), "/stream/kernel/exec-v4/execute", V4)) {
      ws.send(run("query", "read x; echo got-$x; exit 3"));
      List<JsonObject> fs = frames(ws, false, "waiting-input", "finished");
      assertEquals("waiting-input", last(fs).get("status").getAsString(), fs.toString());
      ws.send("abc");
      List<JsonObject> rest = frames(ws, false, "finished");
      assertEquals("got-abc\n", stdout(rest));
      assertEquals(3, last(rest).get("exitCode").getAsInt());
    }
  }

  @Test
  void binaryFramesAndServerRestarting() throws Exception {
    LocalServer s = LocalServer.builder().port(0).binaryStreamFrames(true).start();
    try {
      TestClient c = TestClient.of(s);
      assertEquals(
          201,
          c.call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"exec-bin\"}")
              .status());
      try (WsTestClient ws = open(s, c, "/stream/session/exec-bin/execute", V9)) {
        ws.send(run("query", "print('bin')"));
        List<JsonObject> fs = frames(ws, true, "finished");
        assertEquals("bin\n", stdout(fs));
      }
      WsTestClient ws = open(s, c, "/stream/session/exec-bin/execute", V9);
      ws.send(run("query", "import time\nprint('go', flush=True)\ntime.sleep(30)"));
      List<JsonObject> fs = frames(ws, true, "continued");
      while (!stdout(fs).contains("go")) {
        fs.addAll(frames(ws, true, "continued"));
      }
      s.close();
      List<JsonObject> rest = frames(ws, true, "server-restarting");
      assertTrue(last(rest).get("msg").getAsString().contains("restart"));
      assertEquals(1000, ws.awaitClose());
    } finally {
      s.close();
    }
  }
}
