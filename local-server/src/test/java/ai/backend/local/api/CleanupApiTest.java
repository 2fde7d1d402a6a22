package ai.backend.local.api;

import static ai.backend.local.api.ExecSteps.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import ai.backend.local.engine.Kernel;
import ai.backend.local.sessions.Session;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** No process outlives its session (destroy) or the server (close). */
class CleanupApiTest {
  static final String V4 = "v4.20181215";
  static final String V9 = "v9.20250722";
  static final long DEAD_WITHIN_MS = 10_000;

  @RegisterExtension
  static final LocalServerExtension local =
      new LocalServerExtension(b -> b.restFlushTimeout(Duration.ofMillis(300)));

  static boolean isSleep(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(h -> h.info().command())
        .map(c -> c.endsWith("/sleep") || c.equals("sleep"))
        .orElse(false);
  }

  /** Waits (bounded) until the kernel's pid list satisfies {@code cond}; returns that list. */
  static List<Long> awaitPids(Kernel k, Predicate<List<Long>> cond) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    List<Long> pids = k.pids();
    while (!cond.test(pids) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      pids = k.pids();
    }
    assertTrue(cond.test(pids), "kernel pids " + pids);
    return new ArrayList<>(pids);
  }

  @Test
  void destroyKillsPythonTreeWithChild() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"py-child\"}")
            .status());
    ExecSteps s = new ExecSteps(local.client(), "/session/py-child", V9);
    JsonObject r =
        s.query("import subprocess\nchild = subprocess.Popen(['sleep', '60'])\nprint(child.pid)");
    assertEquals("finished", status(r), r.toString());
    long child = Long.parseLong(ExecSteps.stdout(r).trim());
    Session sess =
        local.server().sessions().find(local.server().accessKey(), "py-child").orElseThrow();
    List<Long> pids = awaitPids(sess.kernel(), p -> p.contains(child));
    assertTrue(ExecSteps.alive(child));
    TestClient.Resp d = local.client().call("DELETE", "/session/py-child", V9, null);
    assertEquals(200, d.status(), d.text());
    ExecSteps.assertAllDead(pids, DEAD_WITHIN_MS);
    assertFalse(Files.exists(sess.workDir()), "work dir kept: " + sess.workDir());
  }

  @Test
  void destroyKillsRunningAndBackgroundedShellChildrenV4() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call(
                "POST",
                "/kernel/create",
                V4,
                "{\"lang\": \"sh\", \"clientSessionToken\": \"sh-bg\"}")
            .status());
    ExecSteps s = new ExecSteps(local.client(), "/kernel/sh-bg", V4);
    // a finished run that leaves a background child behind ...
    JsonObject bg = s.query("sleep 61 >/dev/null 2>&1 &\necho $!");
    assertEquals("finished", status(bg), bg.toString());
    long bgPid = Long.parseLong(ExecSteps.stdout(bg).trim());
    // ... and a run still in progress
    JsonObject running = s.call(ExecSteps.body("query", null, "sleep 60"));
    assertEquals("continued", status(running));
    Session sess =
        local.server().sessions().find(local.server().accessKey(), "sh-bg").orElseThrow();
    List<Long> pids =
        awaitPids(sess.kernel(), p -> p.stream().anyMatch(pid -> pid != bgPid && isSleep(pid)));
    pids.add(bgPid);
    TestClient.Resp d = local.client().call("DELETE", "/kernel/sh-bg", V4, null);
    assertEquals(200, d.status(), d.text());
    ExecSteps.assertAllDead(pids, DEAD_WITHIN_MS);
  }

  @Test
  void closeKillsEverySession(@TempDir Path work) throws Exception {
    List<Long> pids = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    LocalServer s = LocalServer.builder()
        .port(0)
        .workRoot(work)
        .restFlushTimeout(Duration.ofMillis(300))
        .start();
    try {
      TestClient c = TestClient.of(s);
      assertEquals(
          201,
          c.call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"close-py\"}")
              .status());
      assertEquals(
          201,
          c.call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"close-sh\"}")
              .status());
      assertEquals(
          201,
          c.call(
                  "POST",
                  "/kernel/create",
                  V4,
                  "{\"lang\": \"python\", \"clientSessionToken\": \"close-v4\"}")
              .status());
      ExecSteps py = new ExecSteps(c, "/session/close-py", V9);
      assertEquals("finished", status(py.query("x = 1")));
      ExecSteps v4 = new ExecSteps(c, "/kernel/close-v4", V4);
      assertEquals("finished", status(v4.query("print(2)")));
      ExecSteps sh = new ExecSteps(c, "/session/close-sh", V9);
      assertEquals("continued", status(sh.call(ExecSteps.body("query", null, "sleep 60"))));

      for (String name : List.of("close-py", "close-sh", "close-v4")) {
        Session sess = s.sessions().find(s.accessKey(), name).orElseThrow();
        dirs.add(sess.workDir());
        Predicate<List<Long>> ready = name.equals("close-sh")
            ? p -> p.stream().anyMatch(CleanupApiTest::isSleep)
            : p -> !p.isEmpty();
        pids.addAll(awaitPids(sess.kernel(), ready));
      }
    } finally {
      s.close();
    }
    ExecSteps.assertAllDead(pids, DEAD_WITHIN_MS);
    for (Path d : dirs) {
      assertFalse(Files.exists(d), "work dir kept: " + d);
    }
    s.close(); // idempotent
  }
}
