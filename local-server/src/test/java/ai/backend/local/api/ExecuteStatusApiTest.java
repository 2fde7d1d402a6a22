package ai.backend.local.api;

import static ai.backend.local.api.ExecSteps.exitCode;
import static ai.backend.local.api.ExecSteps.status;
import static ai.backend.local.api.ExecSteps.stdout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import ai.backend.local.engine.KernelLimits;
import ai.backend.testsupport.RequiresToolchain;
import ai.backend.testsupport.Toolchain;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every execute status of spec §5.7, over real HTTP, in both dialects. */
class ExecuteStatusApiTest {
  static final String V4 = "v4.20181215";
  static final String V9 = "v9.20250722";

  @RegisterExtension
  static final LocalServerExtension local =
      new LocalServerExtension(b -> b.restFlushTimeout(Duration.ofMillis(300)));

  static void create(String image, String name) throws Exception {
    TestClient.Resp r = local
        .client()
        .call("POST", "/session", V9, "{\"image\": \"" + image + "\", \"name\": \"" + name + "\"}");
    assertEquals(201, r.status(), r.text());
  }

  static void destroy(String path, String version) throws Exception {
    assertEquals(200, local.client().call("DELETE", path, version, null).status());
  }

  static final String SLOW = "import time\nprint('start', flush=True)\ntime.sleep(2)\nprint('end')";

  @Test
  void continuedUntilFinishedCurrentDialect() throws Exception {
    create("python", "cont-v9");
    ExecSteps s = new ExecSteps(local.client(), "/session/cont-v9", V9);
    JsonObject first = s.call(ExecSteps.body("query", null, SLOW));
    // the run sleeps far longer than the 300 ms flush timeout: the first answer cannot be final
    assertEquals("continued", status(first), first.toString());
    assertTrue(first.get("exitCode").isJsonNull());
    assertTrue(first.get("options").isJsonNull());
    JsonObject end = s.settle(first);
    assertEquals("finished", status(end));
    assertEquals(0, exitCode(end));
    assertEquals("start\nend\n", stdout(end));
    destroy("/session/cont-v9", V9);
  }

  @Test
  void continuedUntilFinishedV4WithSnakeCaseRunId() throws Exception {
    TestClient.Resp c = local
        .client()
        .call(
            "POST",
            "/kernel/create",
            V4,
            "{\"lang\": \"python:3.6\", \"clientSessionToken\": \"cont-v4\"}");
    assertEquals(201, c.status(), c.text());
    ExecSteps s = new ExecSteps(local.client(), "/kernel/cont-v4", V4);
    JsonObject res = s.call(ExecSteps.body("query", null, SLOW));
    assertEquals("continued", status(res));
    StringBuilder out = new StringBuilder(stdout(res));
    int calls = 0;
    while (status(res).equals("continued")) {
      assertTrue(++calls < ExecSteps.MAX_CALLS);
      JsonObject b = new JsonObject();
      b.addProperty("mode", "continue");
      b.addProperty("run_id", s.runId); // snake case is accepted too
      b.addProperty("code", "");
      res = s.call(b);
      out.append(stdout(res));
    }
    assertEquals("finished", status(res));
    assertEquals("start\nend\n", out.toString());

    TestClient.Resp noId = local
        .client()
        .call("POST", "/kernel/cont-v4", V4, "{\"mode\": \"continue\", \"code\": \"\"}");
    assertEquals(400, noId.status());
    assertEquals("invalid-api-params", noId.type());
    destroy("/kernel/cont-v4", V4);
  }

  @Test
  void continueWithoutRunIdIsInvalid() throws Exception {
    create("python", "noid");
    TestClient.Resp r = local
        .client()
        .call("POST", "/session/noid", V9, "{\"mode\": \"continue\", \"code\": \"\"}");
    assertEquals(400, r.status());
    assertEquals("invalid-api-params", r.type());
    TestClient.Resp nullId = local
        .client()
        .call(
            "POST",
            "/session/noid",
            V9,
            "{\"mode\": \"continue\", \"runId\": null, \"code\": \"\"}");
    assertEquals(400, nullId.status());
    assertEquals("invalid-api-params", nullId.type());
    destroy("/session/noid", V9);
  }

  @Test
  void waitingInputPlainAndPassword() throws Exception {
    create("python", "input-v9");
    ExecSteps s = new ExecSteps(local.client(), "/session/input-v9", V9);
    JsonObject w = s.query("name = input('Name: ')\nprint('hi ' + name)");
    assertEquals("waiting-input", status(w), s.statuses.toString());
    assertFalse(w.getAsJsonObject("options").get("is_password").getAsBoolean());
    assertTrue(w.get("exitCode").isJsonNull());
    assertTrue(stdout(w).contains("Name: "), w.toString());
    JsonObject f = s.input("Bob");
    assertEquals("finished", status(f));
    assertTrue(stdout(f).contains("hi Bob"), f.toString());

    JsonObject p =
        s.query("import getpass\npw = getpass.getpass('Secret: ')\nprint('len', len(pw))");
    assertEquals("waiting-input", status(p), s.statuses.toString());
    assertTrue(p.getAsJsonObject("options").get("is_password").getAsBoolean(), p.toString());
    JsonObject pf = s.input("hunter2");
    assertEquals("finished", status(pf));
    assertTrue(stdout(pf).contains("len 7"), pf.toString());
    assertFalse(stdout(pf).contains("hunter2"), "a password must not be echoed");
    destroy("/session/input-v9", V9);
  }

  @Test
  void waitingInputV4() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call(
                "POST",
                "/kernel/create",
                V4,
                "{\"lang\": \"python\", \"clientSessionToken\": \"inp-v4\"}")
            .status());
    ExecSteps s = new ExecSteps(local.client(), "/kernel/inp-v4", V4);
    JsonObject w = s.query("x = input('X? ')\nprint(int(x) * 2)");
    assertEquals("waiting-input", status(w), s.statuses.toString());
    assertFalse(w.getAsJsonObject("options").get("is_password").getAsBoolean());
    JsonObject f = s.input("21");
    assertEquals("finished", status(f));
    assertTrue(stdout(f).contains("42"), f.toString());
    destroy("/kernel/inp-v4", V4);
  }

  @Test
  void finishedExitCodes() throws Exception {
    create("python", "codes");
    ExecSteps s = new ExecSteps(local.client(), "/session/codes", V9);
    JsonObject ok = s.query("print('fine')");
    assertEquals("finished", status(ok));
    assertEquals(0, exitCode(ok));
    JsonObject err = s.query("raise ValueError('boom')");
    assertEquals("finished", status(err));
    assertEquals(1, exitCode(err), err.toString());
    assertTrue(ExecSteps.out(err, "stderr").contains("ValueError"), err.toString());
    JsonObject exit3 = s.query("import sys\nsys.exit(3)");
    assertEquals("finished", status(exit3));
    assertEquals(3, exitCode(exit3), exit3.toString());
    // the session stays usable after the interpreter exited
    JsonObject after = s.query("print('again')");
    assertEquals("finished", status(after));
    assertEquals("again\n", stdout(after));
    destroy("/session/codes", V9);

    create("sh", "codes-sh");
    ExecSteps sh = new ExecSteps(local.client(), "/session/codes-sh", V9);
    assertEquals(0, exitCode(sh.query("echo ok")));
    assertEquals(1, exitCode(sh.query("false")));
    assertEquals(3, exitCode(sh.query("exit 3")));
    destroy("/session/codes-sh", V9);
  }

  static final String MAIN_C = String.join(
      "\n",
      "#include <stdio.h>",
      "#include \"mylib.h\"",
      "int main(void) {",
      "  char name[64];",
      "  printf(\"myvalue is %d\\n\", myvalue());",
      "  printf(\"your name? \");",
      "  fflush(stdout);",
      "  if (scanf(\"%63s\", name) != 1) return 1;",
      "  printf(\"hello, %s!\\n\", name);",
      "  return 0;",
      "}",
      "");
  static final String MYLIB_C = "#include \"mylib.h\"\nint myvalue(void) { return 42; }\n";
  static final String MYLIB_H = "#ifndef MYLIB_H\n#define MYLIB_H\nint myvalue(void);\n#endif\n";

  static void upload(String path, String version, List<String> names, List<String> contents)
      throws Exception {
    byte[] body = ExecSteps.multipart(
        "seedBoundary",
        names,
        contents.stream().map(c -> c.getBytes(StandardCharsets.UTF_8)).toList());
    TestClient.Resp r = local
        .client()
        .send(
            "POST",
            path + "/upload",
            version,
            body,
            "multipart/form-data; boundary=seedBoundary",
            true,
            local.server().secretKey(),
            null);
    assertEquals(204, r.status(), r.text());
  }

  static JsonObject opts(String... kv) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < kv.length; i += 2) {
      o.addProperty(kv[i], kv[i + 1]);
    }
    return o;
  }

  @Test
  @RequiresToolchain(Toolchain.GCC)
  void batchBuildWaitInputFinish() throws Exception {
    create("c", "batch-c");
    upload(
        "/session/batch-c",
        V9,
        List.of("main.c", "mylib.c", "mylib.h"),
        List.of(MAIN_C, MYLIB_C, MYLIB_H));
    ExecSteps s = new ExecSteps(local.client(), "/session/batch-c", V9);
    JsonObject built = s.batch(opts("build", "*", "exec", "*"));
    assertEquals("build-finished", status(built), s.statuses + " " + built);
    assertEquals(0, exitCode(built));
    JsonObject w = s.next();
    assertEquals("waiting-input", status(w), s.statuses + " " + w);
    assertFalse(w.getAsJsonObject("options").get("is_password").getAsBoolean());
    assertTrue(stdout(w).contains("myvalue is 42"), w.toString());
    assertTrue(stdout(w).contains("your name? "), w.toString());
    JsonObject f = s.input("Alice");
    assertEquals("finished", status(f), s.statuses.toString());
    assertEquals(0, exitCode(f));
    assertTrue(stdout(f).contains("hello, Alice!"), f.toString());
    destroy("/session/batch-c", V9);
  }

  @Test
  @RequiresToolchain(Toolchain.GCC)
  void batchV4() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call(
                "POST",
                "/kernel/create",
                V4,
                "{\"lang\": \"gcc\", \"clientSessionToken\": \"batch-v4\"}")
            .status());
    upload(
        "/kernel/batch-v4",
        V4,
        List.of("main.c", "mylib.c", "mylib.h"),
        List.of(MAIN_C, MYLIB_C, MYLIB_H));
    ExecSteps s = new ExecSteps(local.client(), "/kernel/batch-v4", V4);
    JsonObject built = s.batch(opts("build", "*", "exec", "*"));
    assertEquals("build-finished", status(built), s.statuses.toString());
    JsonObject w = s.next();
    assertEquals("waiting-input", status(w), s.statuses.toString());
    JsonObject f = s.input("Bob");
    assertEquals("finished", status(f));
    assertTrue(stdout(f).contains("hello, Bob!"), f.toString());
    destroy("/kernel/batch-v4", V4);
  }

  @Test
  void batchCleanFinished() throws Exception {
    create("sh", "batch-sh");
    upload("/session/batch-sh", V9, List.of("junk.o"), List.of("x"));
    ExecSteps s = new ExecSteps(local.client(), "/session/batch-sh", V9);
    JsonObject clean = s.batch(
        opts("clean", "rm -f junk.o", "build", "*", "exec", "test ! -e junk.o && echo clean-ok"));
    assertEquals("clean-finished", status(clean), s.statuses.toString());
    assertEquals(0, exitCode(clean));
    JsonObject built = s.next();
    assertEquals("build-finished", status(built), s.statuses.toString());
    JsonObject f = s.next();
    assertEquals("finished", status(f), s.statuses.toString());
    assertEquals(0, exitCode(f));
    assertTrue(stdout(f).contains("clean-ok"), f.toString());

    JsonObject star = s.batch(opts("clean", "*", "build", "*", "exec", "true"));
    assertEquals("clean-finished", status(star), s.statuses.toString());
    assertEquals("build-finished", status(s.next()));
    JsonObject f2 = s.next();
    assertEquals("finished", status(f2));
    assertEquals(0, exitCode(f2));
    destroy("/session/batch-sh", V9);
  }

  @Test
  @RequiresToolchain(Toolchain.GCC)
  void brokenBuildFinishesWith127() throws Exception {
    create("c", "batch-broken");
    upload(
        "/session/batch-broken",
        V9,
        List.of("main.c"),
        List.of("int main(void) { return 0 /* no semicolon */ }\n"));
    ExecSteps s = new ExecSteps(local.client(), "/session/batch-broken", V9);
    JsonObject res = s.batch(opts("build", "*", "exec", "*"));
    if (status(res).equals("build-finished")) {
      assertTrue(exitCode(res) != 0, res.toString());
      res = s.next();
    }
    assertEquals("finished", status(res), s.statuses.toString());
    assertEquals(127, exitCode(res), res.toString());
    assertFalse(s.statuses.contains("waiting-input"));
    destroy("/session/batch-broken", V9);
  }

  @Test
  void execTimeout() throws Exception {
    try (LocalServer s = LocalServer.builder()
        .port(0)
        .restFlushTimeout(Duration.ofMillis(300))
        .limits(new KernelLimits(Duration.ofSeconds(1), 0, 8 << 20))
        .start()) {
      TestClient c = TestClient.of(s);
      assertEquals(
          201,
          c.call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"slow\"}")
              .status());
      ExecSteps steps = new ExecSteps(c, "/session/slow", V9);
      JsonObject r = steps.query("import time\ntime.sleep(30)\nprint('never')");
      assertEquals("exec-timeout", status(r), steps.statuses.toString());
      assertFalse(stdout(r).contains("never"));
      // the kernel recovers: the next run works
      JsonObject again = steps.query("print('alive')");
      assertEquals("finished", status(again), steps.statuses.toString());
      assertEquals("alive\n", stdout(again));

      assertEquals(
          201,
          c.call(
                  "POST",
                  "/kernel/create",
                  V4,
                  "{\"lang\": \"sh\", \"clientSessionToken\": \"slow-v4\"}")
              .status());
      ExecSteps v4 = new ExecSteps(c, "/kernel/slow-v4", V4);
      assertEquals("exec-timeout", status(v4.query("sleep 30")), v4.statuses.toString());
    }
  }
}
