package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import ai.backend.local.engine.Kernel;
import ai.backend.local.sessions.Session;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The core routes through real HTTP. */
class CoreApiTest {
  static final String V4 = "v4.20181215";
  static final String V9 = "v9.20250722";

  @RegisterExtension
  static final LocalServerExtension local = new LocalServerExtension();

  @Test
  void helloIsPublic() throws Exception {
    TestClient.Resp r = local.client().send("GET", "/", null, null, null, false, null, null);
    assertEquals(200, r.status());
    assertEquals("v9.20250722", r.json().get("version").getAsString());
    assertEquals("BackendAI", r.headers().firstValue("Server").orElseThrow());
    assertEquals("1000", r.headers().firstValue("X-RateLimit-Limit").orElseThrow());
    assertEquals("900", r.headers().firstValue("X-RateLimit-Window").orElseThrow());
    assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    assertFalse(local.server().toString().contains(local.server().secretKey()));
  }

  @Test
  void authProbeAndFailures() throws Exception {
    TestClient.Resp ok = local.client().call("POST", "/auth/test", V9, "{\"echo\": \"hi\"}");
    assertEquals(200, ok.status());
    assertEquals("yes", ok.json().get("authorized").getAsString());
    assertEquals("hi", ok.json().get("echo").getAsString());
    assertEquals("30000", ok.headers().firstValue("X-RateLimit-Limit").orElseThrow());
    assertTrue(
        Integer.parseInt(ok.headers().firstValue("X-RateLimit-Remaining").orElseThrow()) < 30000);

    TestClient.Resp bad =
        local.client().send("GET", "/auth", V9, null, null, true, "wrong-secret", null);
    assertEquals(401, bad.status());
    assertEquals("auth-failed", bad.type());
    assertEquals("Signature mismatch", bad.json().get("msg").getAsString());
    assertEquals(
        "application/problem+json", bad.headers().firstValue("Content-Type").orElseThrow());

    String old = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(20).toString();
    TestClient.Resp skew =
        local.client().send("GET", "/auth", V9, null, null, true, local.server().secretKey(), old);
    assertEquals(400, skew.status());
    assertEquals("invalid-auth-params", skew.type());
    assertEquals("Date/time sync error", skew.json().get("msg").getAsString());

    TestClient.Resp noVersion = local
        .client()
        .send("GET", "/auth", null, null, null, true, local.server().secretKey(), null);
    assertEquals(400, noVersion.status());
    assertEquals("invalid-auth-params", noVersion.type());
    assertEquals(
        "API version missing in request headers", noVersion.json().get("msg").getAsString());

    TestClient.Resp unsupported = local.client().call("GET", "/auth", "v9.20990101", null);
    assertEquals(400, unsupported.status());
    assertEquals("generic-bad-request", unsupported.type());
    assertEquals("Unsupported API version.", unsupported.json().get("msg").getAsString());

    TestClient.Resp unsigned =
        local.client().send("GET", "/auth", V9, null, null, false, null, null);
    assertEquals(401, unsigned.status());
    assertEquals("auth-failed", unsigned.type());

    TestClient.Resp v4 =
        local.client().send("GET", "/kernel/nosuch", V4, null, null, true, "wrong", null);
    assertEquals(401, v4.status());
    assertEquals(
        "Credential/signature mismatch. (Signature mismatch)",
        v4.json().get("title").getAsString());
    assertFalse(v4.json().has("msg"));
    assertEquals("BackendAI-API/v4.20181215", v4.headers().firstValue("Server").orElseThrow());
  }

  @Test
  void rawTargetIsSignedUndecoded() throws Exception {
    // %2F, %20 and + must reach the verifier exactly as sent; the session lookup then 404s
    TestClient.Resp r =
        local.client().call("GET", "/session/no%20such%2Fsess+x?files=a+b&files=c%2Fd", V9, null);
    assertEquals(404, r.status(), r.text());
    assertEquals("session-not-found", r.type());
  }

  @Test
  void routingErrors() throws Exception {
    TestClient.Resp unknown = local.client().call("GET", "/nothing/here", V9, null);
    assertEquals(404, unknown.status());
    assertEquals("url-not-found", unknown.type());
    assertEquals("Unknown URL path.", unknown.json().get("title").getAsString());
    TestClient.Resp v4unknown = local.client().call("GET", "/nothing", V4, null);
    assertEquals("generic-not-found", v4unknown.type());
    assertEquals(404, local.client().call("GET", "/kernel/abcd", V9, null).status());
    assertEquals(404, local.client().call("GET", "/session/abcd", V4, null).status());
    TestClient.Resp wrong = local.client().call("PUT", "/session/abcd", V9, "{}");
    assertEquals(405, wrong.status());
    assertEquals("method-not-allowed", wrong.type());
  }

  @Test
  void v4CreateExecuteDestroy() throws Exception {
    TestClient.Resp c = local
        .client()
        .call(
            "POST",
            "/kernel/create",
            V4,
            "{\"lang\": \"python:3.6\", \"clientSessionToken\": \"v4sess\", \"config\": {\"mounts\": [], \"environ\": null}}");
    assertEquals(201, c.status(), c.text());
    assertEquals("v4sess", c.json().get("kernelId").getAsString());
    assertTrue(c.json().get("created").getAsBoolean());
    TestClient.Resp again = local
        .client()
        .call(
            "POST",
            "/kernel/create",
            V4,
            "{\"lang\": \"python:3.6\", \"clientSessionToken\": \"v4sess\"}");
    assertEquals(201, again.status());
    assertFalse(again.json().get("created").getAsBoolean());
    TestClient.Resp conflict = local
        .client()
        .call(
            "POST",
            "/kernel/create",
            V4,
            "{\"lang\": \"lua:5.3\", \"clientSessionToken\": \"v4sess\"}");
    assertEquals(400, conflict.status());
    assertEquals("kernel-already-exists", conflict.type());

    JsonObject result = runToEnd("/kernel/v4sess", V4, "print('hello world')");
    assertEquals("finished", result.get("status").getAsString());
    assertEquals("hello world\n", stdout(result));

    TestClient.Resp info = local.client().call("GET", "/kernel/v4sess", V4, null);
    assertEquals(200, info.status());
    assertEquals("python:3.6", info.json().get("lang").getAsString());
    assertTrue(info.json().get("numQueriesExecuted").getAsInt() >= 1);

    List<Long> pids = pidsOf("v4sess");
    TestClient.Resp d = local.client().call("DELETE", "/kernel/v4sess", V4, null);
    assertEquals(200, d.status());
    assertTrue(d.json().getAsJsonObject("stats").has("cpu_used"));
    assertAllDead(pids);
    TestClient.Resp gone = local.client().call("GET", "/kernel/v4sess", V4, null);
    assertEquals(404, gone.status());
    assertEquals("kernel-not-found", gone.type());
    assertEquals("No such kernel.", gone.json().get("title").getAsString());

    TestClient.Resp badName = local
        .client()
        .call(
            "POST",
            "/kernel/create",
            V4,
            "{\"lang\": \"python\", \"clientSessionToken\": \"a b\"}");
    assertEquals(400, badName.status());
    assertEquals("invalid-api-params", badName.type());
  }

  @Test
  void currentCreateReuseConflictExecuteInfoDestroy() throws Exception {
    TestClient.Resp c = local
        .client()
        .call(
            "POST",
            "/session",
            V9,
            "{\"image\": \"python:3.9\", \"name\": \"cur-sess\", \"config\": {\"environ\": {\"FOO\": \"bar\"}}}");
    assertEquals(201, c.status(), c.text());
    String id = c.json().get("sessionId").getAsString();
    assertEquals("RUNNING", c.json().get("status").getAsString());
    assertTrue(c.json().get("created").getAsBoolean());
    TestClient.Resp reuse = local
        .client()
        .call("POST", "/session", V9, "{\"image\": \"python:3.9\", \"name\": \"cur-sess\"}");
    assertEquals(201, reuse.status());
    assertFalse(reuse.json().get("created").getAsBoolean());
    assertEquals(id, reuse.json().get("sessionId").getAsString());
    assertTrue(reuse.json().has("service_ports"));
    TestClient.Resp conflict = local
        .client()
        .call("POST", "/session", V9, "{\"image\": \"lua:5.3\", \"name\": \"cur-sess\"}");
    assertEquals(400, conflict.status());
    assertEquals("session-already-exists", conflict.type());
    assertEquals(
        id, conflict.json().getAsJsonObject("data").get("existingSessionId").getAsString());
    TestClient.Resp noReuse = local
        .client()
        .call(
            "POST",
            "/session",
            V9,
            "{\"image\": \"python:3.9\", \"name\": \"cur-sess\", \"reuseIfExists\": false}");
    assertEquals("session-already-exists", noReuse.type());

    JsonObject result = runToEnd("/session/cur-sess", V9, "import os\nprint(os.environ['FOO'])");
    assertEquals("bar\n", stdout(result));
    JsonObject byId = runToEnd("/session/" + id, V9, "x = 41\nprint(x + 1)");
    assertEquals("42\n", stdout(byId));

    TestClient.Resp info = local.client().call("GET", "/session/" + id, V9, null);
    assertEquals(200, info.status());
    assertEquals("RUNNING", info.json().get("status").getAsString());
    assertEquals("python:3.9", info.json().get("image").getAsString());
    assertEquals("default", info.json().get("domainName").getAsString());

    TestClient.Resp unknownImage = local
        .client()
        .call("POST", "/session", V9, "{\"image\": \"nosuchimage:1\", \"name\": \"img-sess\"}");
    assertEquals(404, unknownImage.status());
    assertEquals("image-not-found", unknownImage.type());
    // the answer lists what this server runs, in the message and as data
    String msg = unknownImage.json().get("msg").getAsString();
    assertTrue(msg.startsWith("Unknown image: nosuchimage:1; available images: "), msg);
    assertTrue(msg.contains("python"), msg);
    assertTrue(
        unknownImage
            .json()
            .getAsJsonObject("data")
            .getAsJsonArray("availableImages")
            .contains(new com.google.gson.JsonPrimitive("python")),
        unknownImage.json().toString());

    List<Long> pids = pidsOf("cur-sess");
    TestClient.Resp d = local.client().call("DELETE", "/session/cur-sess", V9, null);
    assertEquals(200, d.status());
    assertEquals("terminated", d.json().getAsJsonObject("stats").get("status").getAsString());
    assertAllDead(pids);
    TestClient.Resp gone = local
        .client()
        .call(
            "POST",
            "/session/cur-sess",
            V9,
            "{\"mode\": \"query\", \"code\": \"1\", \"runId\": null}");
    assertEquals(404, gone.status());
    assertEquals("session-not-found", gone.type());
  }

  @Test
  void waitingInputAndInvalidMode() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"input-sess\"}")
            .status());
    TestClient.Resp r = local
        .client()
        .call(
            "POST",
            "/session/input-sess",
            V9,
            "{\"mode\": \"query\", \"runId\": null, \"code\": \"name = input('Name: ')\\nprint('hi ' + name)\"}");
    JsonObject res = r.json().getAsJsonObject("result");
    String runId = res.get("runId").getAsString();
    while (res.get("status").getAsString().equals("continued")) {
      res = local
          .client()
          .call(
              "POST",
              "/session/input-sess",
              V9,
              "{\"mode\": \"continue\", \"runId\": \"" + runId + "\", \"code\": \"\"}")
          .json()
          .getAsJsonObject("result");
    }
    assertEquals("waiting-input", res.get("status").getAsString());
    assertFalse(res.getAsJsonObject("options").get("is_password").getAsBoolean());
    TestClient.Resp in = local
        .client()
        .call(
            "POST",
            "/session/input-sess",
            V9,
            "{\"mode\": \"input\", \"run_id\": \"" + runId + "\", \"code\": \"Bob\"}");
    JsonObject fin = in.json().getAsJsonObject("result");
    while (fin.get("status").getAsString().equals("continued")) {
      fin = local
          .client()
          .call(
              "POST",
              "/session/input-sess",
              V9,
              "{\"mode\": \"continue\", \"runId\": \"" + runId + "\", \"code\": \"\"}")
          .json()
          .getAsJsonObject("result");
    }
    assertEquals("finished", fin.get("status").getAsString());
    assertTrue(stdout(fin).contains("hi Bob"), fin.toString());
    TestClient.Resp bad = local
        .client()
        .call("POST", "/session/input-sess", V9, "{\"mode\": \"continue\", \"code\": \"\"}");
    assertEquals(400, bad.status());
    assertEquals("invalid-api-params", bad.type());
    local.client().call("DELETE", "/session/input-sess", V9, null);
  }

  /** One environment rule at create, whatever the image. */
  @Test
  void invalidEnvironmentIsRefusedAtCreateForEveryImage() throws Exception {
    for (String image : List.of("python", "sh")) {
      for (String environ : List.of(
          "{\"A=B\": \"x\"}", "{\"\": \"x\"}", "{\"K\\u0000\": \"x\"}", "{\"K\": \"a\\u0000b\"}")) {
        TestClient.Resp r = local
            .client()
            .call(
                "POST",
                "/session",
                V9,
                "{\"image\": \"" + image + "\", \"name\": \"env-bad\", \"config\": {\"environ\": "
                    + environ + "}}");
        assertEquals(400, r.status(), image + " " + environ + ": " + r.text());
        assertEquals("invalid-api-params", r.type());
        assertTrue(r.json().get("msg").getAsString().startsWith("config.environ"), r.text());
      }
      assertTrue(
          local.server().sessions().find(local.server().accessKey(), "env-bad").isEmpty());
    }
    TestClient.Resp ok = local
        .client()
        .call(
            "POST",
            "/session",
            V9,
            "{\"image\": \"sh\", \"name\": \"env-ok\", \"config\": {\"environ\": {\"GREETING\": \"a=b c\"}}}");
    assertEquals(201, ok.status(), ok.text());
    JsonObject out = runToEnd("/session/env-ok", V9, "echo \"$GREETING\"");
    assertEquals("a=b c\n", stdout(out));
    local.client().call("DELETE", "/session/env-ok", V9, null);
  }

  @Test
  @SuppressWarnings(
      "try") // closed inside the block on purpose: the test is about what close() does
  void closeKillsEverything() throws Exception {
    try (LocalServer s = LocalServer.builder().start()) {
      TestClient c = TestClient.of(s);
      assertEquals(
          201,
          c.call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"close-me\"}")
              .status());
      Session sess = s.sessions().find(s.accessKey(), "close-me").orElseThrow();
      List<Long> pids = new ArrayList<>(sess.kernel().pids());
      assertFalse(pids.isEmpty());
      s.close();
      assertAllDead(pids);
      assertFalse(java.nio.file.Files.exists(sess.workDir()));
    }
  }

  static JsonObject runToEnd(String path, String version, String code) throws Exception {
    JsonObject body = new JsonObject();
    body.addProperty("mode", "query");
    body.add("runId", com.google.gson.JsonNull.INSTANCE);
    body.addProperty("code", code);
    TestClient.Resp r = local.client().call("POST", path, version, body.toString());
    assertEquals(200, r.status(), r.text());
    JsonObject res = r.json().getAsJsonObject("result");
    JsonArray console = new JsonArray();
    console.addAll(res.getAsJsonArray("console"));
    while (res.get("status").getAsString().equals("continued")) {
      JsonObject cont = new JsonObject();
      cont.addProperty("mode", "continue");
      cont.addProperty("runId", res.get("runId").getAsString());
      cont.addProperty("code", "");
      res = local
          .client()
          .call("POST", path, version, cont.toString())
          .json()
          .getAsJsonObject("result");
      console.addAll(res.getAsJsonArray("console"));
    }
    res.add("console", console);
    assertNotNull(res.get("runId"));
    assertTrue(res.has("files"));
    return res;
  }

  static String stdout(JsonObject result) {
    StringBuilder sb = new StringBuilder();
    for (var e : result.getAsJsonArray("console")) {
      JsonArray item = e.getAsJsonArray();
      if (item.get(0).getAsString().equals("stdout")) {
        sb.append(item.get(1).getAsString());
      }
    }
    return sb.toString();
  }

  static List<Long> pidsOf(String name) {
    Session s = local.server().sessions().find(local.server().accessKey(), name).orElseThrow();
    Kernel k = s.kernel();
    List<Long> pids = new ArrayList<>(k.pids());
    assertFalse(pids.isEmpty());
    return pids;
  }

  static void assertAllDead(List<Long> pids) throws InterruptedException {
    for (long pid : pids) {
      long deadline = System.currentTimeMillis() + 5000;
      while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " alive");
    }
  }
}
