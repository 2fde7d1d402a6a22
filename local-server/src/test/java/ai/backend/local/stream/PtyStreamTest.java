package ai.backend.local.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import ai.backend.local.api.LocalServerExtension;
import ai.backend.local.api.TestClient;
import ai.backend.local.engine.ProcessTrees;
import ai.backend.local.sessions.Session;
import ai.backend.local.sessions.SessionStatus;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /stream/…/pty} over real WebSockets: a shell on a real pseudo-terminal. */
class PtyStreamTest {
  static final String V4 = "v4.20181215";
  static final String V9 = "v9.20250722";
  static final Pattern PID = Pattern.compile("pid-(\\d+)-end");

  @RegisterExtension
  static final LocalServerExtension local = new LocalServerExtension();

  static void create(TestClient c, String name) throws Exception {
    TestClient.Resp r =
        c.call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"" + name + "\"}");
    assertEquals(201, r.status(), r.text());
  }

  /** A terminal socket with its output accumulated. */
  static final class Term implements AutoCloseable {
    final WsTestClient ws;
    final boolean expectBinary;
    final StringBuilder out = new StringBuilder();
    final java.util.List<String> errors = new java.util.ArrayList<>();

    Term(WsTestClient ws, boolean expectBinary) {
      this.ws = ws;
      this.expectBinary = expectBinary;
    }

    static Term open(LocalServer s, TestClient c, String name, boolean binary) throws Exception {
      return new Term(
          WsTestClient.open(c, s.uri(), "/stream/session/" + name + "/pty", V9, s.secretKey()),
          binary);
    }

    void type(String keys) {
      JsonObject o = new JsonObject();
      o.addProperty("type", "stdin");
      o.addProperty(
          "chars", Base64.getEncoder().encodeToString(keys.getBytes(StandardCharsets.UTF_8)));
      ws.send(o);
    }

    void resize(int rows, int cols) {
      JsonObject o = new JsonObject();
      o.addProperty("type", "resize");
      o.addProperty("rows", rows);
      o.addProperty("cols", cols);
      ws.send(o);
    }

    void control(String type) {
      JsonObject o = new JsonObject();
      o.addProperty("type", type);
      ws.send(o);
    }

    /** Reads out frames until the output (since the last call) matches; returns the match. */
    MatchResult await(Pattern p) throws Exception {
      while (true) {
        Matcher m = p.matcher(out.toString());
        if (m.find()) {
          out.delete(0, m.end());
          return m.toMatchResult();
        }
        readFrame();
      }
    }

    private void readFrame() throws Exception {
      WsTestClient.Msg msg = ws.next();
      assertEquals(expectBinary, msg.binary(), "frame type of " + msg.text());
      JsonObject o = msg.json();
      if (o.get("type").getAsString().equals("error")) {
        errors.add(o.get("data").getAsString());
        return;
      }
      assertEquals("out", o.get("type").getAsString(), o.toString());
      out.append(new String(
          Base64.getDecoder().decode(o.get("data").getAsString()), StandardCharsets.UTF_8));
    }

    /** Reads frames until an error frame came; returns its message. */
    String awaitError() throws Exception {
      while (errors.isEmpty()) {
        readFrame();
      }
      return errors.remove(0);
    }

    MatchResult await(String literal) throws Exception {
      return await(Pattern.compile(Pattern.quote(literal)));
    }

    long shellPid() throws Exception {
      type("echo pid-$$-end\r");
      return Long.parseLong(await(PID).group(1));
    }

    @Override
    public void close() {
      ws.close();
    }
  }

  static void assertGone(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + WsTestClient.WAIT.toNanos();
    while (ProcessTrees.alive(pid) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(ProcessTrees.alive(pid), "pid " + pid + " still alive");
  }

  @Test
  void echoResizeAndSttySize() throws Exception {
    create(local.client(), "pty-basic");
    try (Term t = Term.open(local.server(), local.client(), "pty-basic", false)) {
      t.type("echo hello-$((6*7))\r");
      t.await("hello-42");
      t.resize(33, 101);
      t.type("stty size\r");
      t.await("33 101");
      t.type("echo $TERM:$(basename \"$PWD\")\r");
      t.await("xterm-256color:"
          + local
              .server()
              .sessions()
              .find(local.server().accessKey(), "pty-basic")
              .orElseThrow()
              .id());
    }
  }

  /** A terminal's shell sees a read-only folder as the session's kernel does. */
  @Test
  void aTerminalCannotWriteIntoAReadOnlyMount() throws Exception {
    TestClient c = local.client();
    try (var e = ai.backend.local.engine.ProcessExecutionEngine.create()) {
      org.junit.jupiter.api.Assumptions.assumeTrue(
          e.readOnlyMountsUnavailable().isEmpty(),
          "FolderMountTest covers the refusal: " + e.readOnlyMountsUnavailable());
    }
    assertEquals(201, c.call("POST", "/folders", V9, "{\"name\": \"pty-ro\"}").status());
    TestClient.Resp r = c.call(
        "POST",
        "/session",
        V9,
        "{\"image\": \"sh\", \"name\": \"pty-ro\", \"config\": {\"mounts\": [\"pty-ro\"],"
            + " \"mount_options\": {\"pty-ro\": {\"permission\": \"ro\"}}}}");
    assertEquals(201, r.status(), r.text());
    try (Term t = Term.open(local.server(), local.client(), "pty-ro", false)) {
      t.type("echo x > pty-ro/f 2>/dev/null; echo rc-$?-end\r");
      assertNotEquals("0", t.await(Pattern.compile("rc-(\\d+)-end")).group(1));
      t.type("test -e pty-ro/f; echo exists-$?-end\r");
      t.await("exists-1-end");
    }
    assertEquals(200, c.call("DELETE", "/session/pty-ro", V9, null).status());
  }

  @Test
  void restartGivesAFreshShellAndKillsTheOld() throws Exception {
    create(local.client(), "pty-restart");
    try (Term t = Term.open(local.server(), local.client(), "pty-restart", false)) {
      long first = t.shellPid();
      t.type("sleep 300 &\r");
      t.type("echo bg-$!-end\r");
      long bg = Long.parseLong(t.await(Pattern.compile("bg-(\\d+)-end")).group(1));
      t.type("export MARK=old\r");
      t.control("restart");
      long second = t.shellPid();
      assertNotEquals(first, second);
      assertGone(first);
      assertGone(bg);
      t.type("echo mark=${MARK:-none}\r");
      t.await("mark=none");
    }
  }

  @Test
  void sessionDestroyClosesTheSocketAndKillsTheShell() throws Exception {
    create(local.client(), "pty-destroy");
    try (Term t = Term.open(local.server(), local.client(), "pty-destroy", false)) {
      long shell = t.shellPid();
      t.type("sleep 300 & echo bg-$!-end\r");
      long bg = Long.parseLong(t.await(Pattern.compile("bg-(\\d+)-end")).group(1));
      assertTrue(ProcessTrees.alive(bg));
      TestClient.Resp d = local.client().call("DELETE", "/session/pty-destroy", V9, null);
      assertEquals(200, d.status(), d.text());
      assertGone(shell);
      assertGone(bg);
      assertEquals(1000, t.ws.awaitClose());
    }
  }

  @Test
  void shellExitClosesTheSocketNormally() throws Exception {
    create(local.client(), "pty-exit");
    try (Term t = Term.open(local.server(), local.client(), "pty-exit", false)) {
      long shell = t.shellPid();
      t.type("exit\r");
      assertEquals(1000, t.ws.awaitClose());
      assertGone(shell);
    }
    assertEquals(
        200, local.client().call("DELETE", "/session/pty-exit", V9, null).status());
  }

  @Test
  void badMessagesAreAnsweredWithErrorsAndTheShellStays() throws Exception {
    create(local.client(), "pty-bad");
    try (Term t = Term.open(local.server(), local.client(), "pty-bad", false)) {
      t.ws.send("{not json");
      assertTrue(t.awaitError().startsWith("Malformed message"));
      t.ws.send("{\"type\": \"launch\"}");
      assertEquals("Unknown message type: launch", t.awaitError());
      t.ws.sendBinary(
          "{\"type\":\"stdin\",\"chars\":\"ZWNobyBubwo=\"}".getBytes(StandardCharsets.UTF_8));
      t.control("ping");
      t.type("echo still-$((40+2))\r");
      MatchResult got = t.await("still-42");
      assertFalse(got.group().contains("no"));
    }
  }

  @Test
  void v4RouteAndBinaryFrames() throws Exception {
    try (LocalServer s = LocalServer.builder().port(0).binaryStreamFrames(true).start()) {
      TestClient c = TestClient.of(s);
      TestClient.Resp r = c.call(
          "POST", "/kernel/create", V4, "{\"lang\": \"sh\", \"clientSessionToken\": \"pty-v4\"}");
      assertEquals(201, r.status(), r.text());
      long shell;
      try (Term t = new Term(
          WsTestClient.open(c, s.uri(), "/stream/kernel/pty-v4/pty", V4, s.secretKey()), true)) {
        t.type("echo hello-$((6*7))\r");
        t.await("hello-42");
        shell = t.shellPid();
        t.ws.send("nonsense");
        assertTrue(t.awaitError().startsWith("Malformed message")); // binary frames checked inside
      }
      assertGone(shell); // the client closed the socket
    }
  }

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  @Test
  void openTerminalKeepsTheSessionFromIdlingOutAndPingTouchesIt() throws Exception {
    ManualClock clock = new ManualClock();
    try (LocalServer s = LocalServer.builder()
        .port(0)
        .clock(clock)
        .idleTimeout(Duration.ofMinutes(10))
        .start()) {
      TestClient c = TestClient.of(s);
      create(c, "pty-idle");
      Session sess = s.sessions().find(s.accessKey(), "pty-idle").orElseThrow();
      Term t = Term.open(s, c, "pty-idle", false);
      long shell = t.shellPid();
      clock.millis.addAndGet(Duration.ofMinutes(1).toMillis());
      t.control("ping");
      t.type("echo synced-$((1+1))\r"); // handled after the ping
      t.await("synced-2");
      assertEquals(clock.millis.get(), sess.lastActivityMillis());
      clock.millis.addAndGet(Duration.ofMinutes(11).toMillis());
      assertEquals(0, s.sessions().sweepIdle(), "idled out with an open terminal");
      t.close();
      assertGone(shell);
      // once the socket is released the session idles out (closing it counted as activity)
      long deadline = System.nanoTime() + WsTestClient.WAIT.toNanos();
      int swept = 0;
      while (swept == 0 && System.nanoTime() < deadline) {
        clock.millis.addAndGet(Duration.ofMinutes(11).toMillis());
        swept = s.sessions().sweepIdle();
      }
      assertEquals(1, swept);
      assertEquals(SessionStatus.TERMINATED, sess.status());
    }
  }

  @Test
  void serverCloseEndsTerminals() throws Exception {
    LocalServer s = LocalServer.builder().port(0).start();
    long shell;
    try {
      TestClient c = TestClient.of(s);
      create(c, "pty-close");
      Term t = Term.open(s, c, "pty-close", false);
      shell = t.shellPid();
      s.close();
      assertEquals(1000, t.ws.awaitClose());
    } finally {
      s.close();
    }
    assertGone(shell);
  }
}
