package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ai.backend.local.Main} as a separate JVM: startup banner, SIGTERM, usage errors, keypair. */
class MainProcessTest {
  static final String V9 = "v9.20250722";
  static final String BANNER = "Backend.AI local server listening on ";
  private final List<Process> started = new ArrayList<>();
  private static final List<Long> detached = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (long pid : detached) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // only if a test failed
    }
    detached.clear();
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A started server process with its stdout lines queued by a reader thread. */
  final class Server {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> seen = new ArrayList<>();

    Server(String... args) throws Exception {
      this(List.of(), args);
    }

    /** {@code prefix}: what starts the JVM (e.g. a shell that ignores signals, then execs it). */
    Server(List<String> prefix, String... args) throws Exception {
      this(prefix, List.of(), args);
    }

    /** {@code jvmOptions}: e.g. a small heap. */
    Server(List<String> prefix, List<String> jvmOptions, String... args) throws Exception {
      this(prefix, jvmOptions, java.util.Map.of(), args);
    }

    /** {@code env}: variables added to the server's environment. */
    Server(
        List<String> prefix,
        List<String> jvmOptions,
        java.util.Map<String, String> env,
        String... args)
        throws Exception {
      String java = ProcessHandle.current()
          .info()
          .command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      List<String> cmd = new ArrayList<>(prefix);
      cmd.add(java);
      cmd.addAll(jvmOptions);
      cmd.addAll(List.of(
          "-Xshare:auto", "-cp", System.getProperty("java.class.path"), "ai.backend.local.Main"));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE);
      pb.environment().putAll(env);
      process = pb.start();
      started.add(process);
      Thread t = new Thread(
          () -> {
            try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
              String line;
              while ((line = r.readLine()) != null) {
                lines.add(line);
              }
            } catch (Exception e) {
              // process gone
            }
          },
          "main-test-stdout");
      t.setDaemon(true);
      t.start();
    }

    /** The next stdout line starting with {@code prefix}, within 60 s (JVM startup on a busy box). */
    String awaitLine(String prefix) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        String l = lines.poll(200, TimeUnit.MILLISECONDS);
        if (l != null) {
          seen.add(l);
          if (l.startsWith(prefix)) {
            return l;
          }
        } else if (!process.isAlive() && lines.isEmpty()) {
          break;
        }
      }
      String err = process.isAlive()
          ? ""
          : new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      throw new AssertionError(
          "no line starting with '" + prefix + "'; stdout so far " + seen + "; stderr " + err);
    }

    URI awaitListening() throws Exception {
      String l = awaitLine(BANNER);
      URI uri = URI.create(l.substring(BANNER.length()).trim());
      assertTrue(uri.toString().startsWith("http://127.0.0.1:"), l);
      return uri;
    }

    void stopAndAwait() throws Exception {
      List<ProcessHandle> kids = process.descendants().toList();
      process.destroy(); // SIGTERM: the shutdown hook closes the server
      assertTrue(
          process.waitFor(10, TimeUnit.SECONDS), "server did not exit within 10 s of SIGTERM");
      for (ProcessHandle k : kids) {
        try {
          k.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          throw new AssertionError("child " + k.pid() + " survived the server", e);
        }
      }
    }
  }

  @Test
  void startsServesAndStopsOnSigterm(@TempDir Path state) throws Exception {
    Server s = new Server(
        "--port",
        "0",
        "--access-key",
        "AKTESTMAIN",
        "--secret-key",
        "SKTESTMAIN",
        "--state-dir",
        state.toString());
    URI uri = s.awaitListening();
    assertEquals("export BACKEND_ENDPOINT=" + uri, s.awaitLine("export BACKEND_ENDPOINT="));
    assertEquals("export BACKEND_ACCESS_KEY=AKTESTMAIN", s.awaitLine("export BACKEND_ACCESS_KEY="));
    TestClient c = new TestClient(uri, "AKTESTMAIN", "SKTESTMAIN");
    TestClient.Resp hello = c.send("GET", "/", null, null, null, false, null, null);
    assertEquals(200, hello.status());
    JsonObject v = hello.json();
    assertEquals(LocalServer.DEFAULT_API_VERSION, v.get("version").getAsString());
    assertEquals(LocalServer.MANAGER_VERSION, v.get("manager").getAsString());
    TestClient.Resp auth = c.call("GET", "/auth", V9, null);
    assertEquals(200, auth.status(), auth.text());
    // a live session whose process tree must go away with the server
    assertEquals(
        201,
        c.call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"main-sess\"}")
            .status());
    assertEquals(
        200,
        c.call(
                "POST",
                "/session/main-sess",
                V9,
                "{\"mode\": \"query\", \"runId\": null, \"code\": \"print(1)\"}")
            .status());
    assertTrue(
        s.process.descendants().findAny().isPresent(),
        "the session's interpreter should be a child");
    s.stopAndAwait();
  }

  /** Starts an sh session in {@code s} whose code detaches a sleep; returns the sleep's pid. */
  private static long detachedSleep(Server s, Path dir, String name) throws Exception {
    TestClient c = new TestClient(s.awaitListening(), "AKTESTMAIN", "SKTESTMAIN");
    assertEquals(
        201,
        c.call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"" + name + "\"}")
            .status());
    Path pidFile = dir.resolve(name + ".pid");
    String code = "setsid -f sh -c 'echo $$ > " + pidFile + "; exec sleep 300'";
    TestClient.Resp r = c.call(
        "POST",
        "/session/" + name,
        V9,
        "{\"mode\": \"query\", \"runId\": null, \"code\": "
            + new com.google.gson.Gson().toJson(code) + "}");
    assertEquals(200, r.status(), r.text());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) {
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        detached.add(pid);
        assertTrue(ProcessHandle.of(pid).isPresent(), "the detached process runs");
        return pid;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the session never wrote " + pidFile);
  }

  private static void assertGone(long pid, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true) || zombie(pid)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(what + ": pid " + pid + " still runs");
  }

  private static boolean zombie(long pid) {
    try {
      String st = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = st.charAt(st.lastIndexOf(')') + 2);
      return state == 'Z' || state == 'X';
    } catch (java.io.IOException e) {
      return true;
    }
  }

  private static List<Path> homes(Path tmp) throws Exception {
    try (var s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("bai-server-")).toList();
    }
  }

  /** The secret key can come from the environment, so that it is not on the command line for ps. */
  @Test
  void secretKeyFromTheEnvironmentStaysOffTheCommandLine(@TempDir Path state) throws Exception {
    String secret = "SKFROMENVIRONMENT0123456789abcdefghijkl";
    Server s = new Server(
        List.of(),
        List.of(),
        java.util.Map.of("BACKEND_LOCAL_SECRET_KEY", secret),
        "--port",
        "0",
        "--access-key",
        "AKTESTENV",
        "--state-dir",
        state.toString());
    URI uri = s.awaitListening();
    TestClient c = new TestClient(uri, "AKTESTENV", secret);
    assertEquals(
        200, c.call("GET", "/auth", V9, null).status(), "requests signed with the secret key pass");
    String cmdline = new String(
        Files.readAllBytes(Path.of("/proc/" + s.process.pid() + "/cmdline")),
        StandardCharsets.UTF_8);
    assertFalse(cmdline.contains(secret), "the secret key is on the command line");
    s.stopAndAwait();
  }

  /** SIGTERM: the shutdown hook kills also what left the session's process tree, and deletes its files. */
  @Test
  void sigtermKillsDetachedSessionProcesses(@TempDir Path state, @TempDir Path tmp)
      throws Exception {
    Server s = new Server(
        List.of(),
        List.of("-Djava.io.tmpdir=" + tmp),
        "--port",
        "0",
        "--access-key",
        "AKTESTMAIN",
        "--secret-key",
        "SKTESTMAIN",
        "--state-dir",
        state.toString());
    long pid = detachedSleep(s, tmp, "term-sess");
    assertEquals(1, homes(tmp).size(), "one home for the server's temporary files");
    s.stopAndAwait();
    assertGone(pid, "a detached process after SIGTERM of the server");
    assertEquals(List.of(), homes(tmp), "the server's temporary files are gone");
  }

  /**
   * SIGKILL: nothing runs at exit, so the detached process and the temporary files stay; the next
   * start (same temporary directory) kills and deletes them.
   */
  @Test
  void theNextStartCleansWhatAKilledServerLeft(@TempDir Path state, @TempDir Path tmp)
      throws Exception {
    List<String> jvm = List.of("-Djava.io.tmpdir=" + tmp);
    Server first = new Server(
        List.of(),
        jvm,
        "--port",
        "0",
        "--access-key",
        "AKTESTMAIN",
        "--secret-key",
        "SKTESTMAIN",
        "--state-dir",
        state.toString());
    long pid = detachedSleep(first, tmp, "kill-sess");
    first.process.destroyForcibly();
    assertTrue(first.process.waitFor(10, TimeUnit.SECONDS));
    Thread.sleep(300);
    assertTrue(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid),
        "the detached process outlived the killed server (as it would without a cleanup)");
    List<Path> left = homes(tmp);
    assertEquals(1, left.size(), "the killed server's files stay behind");

    Server second = new Server(
        List.of(),
        jvm,
        "--port",
        "0",
        "--access-key",
        "AKTESTMAIN",
        "--secret-key",
        "SKTESTMAIN",
        "--state-dir",
        state.toString());
    second.awaitListening();
    assertGone(pid, "the killed server's detached process after the next start");
    assertFalse(
        Files.exists(left.get(0)), "the killed server's files are removed by the next start");
    second.stopAndAwait();
  }

  /**
   * A server started from a script's background job (or under nohup) inherits ignored SIGINT and
   * SIGQUIT, and ignored signals survive exec: without resetting them, interrupt would do nothing.
   */
  @Test
  void interruptWorksWhenTheServerWasStartedWithSigintIgnored(@TempDir Path state)
      throws Exception {
    Server s = new Server(
        List.of("/bin/sh", "-c", "trap '' INT QUIT; exec \"$@\"", "sh"),
        "--port",
        "0",
        "--access-key",
        "AKTESTSIG",
        "--secret-key",
        "SKTESTSIG",
        "--state-dir",
        state.toString());
    URI uri = s.awaitListening();
    // (the JVM installs its own SIGQUIT handler, thread dumps, whatever it inherited; SIGINT it
    // leaves)
    long ignored = signalMask(s.process.pid(), "SigIgn");
    assertEquals(
        0b10,
        ignored & 0b10,
        "the server JVM should have SIGINT ignored: " + Long.toHexString(ignored));
    TestClient c = new TestClient(uri, "AKTESTSIG", "SKTESTSIG");

    assertEquals(
        201,
        c.call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"sig-sh\"}")
            .status());
    assertInterrupted(c, "sig-sh", "echo started; sleep 30");
    assertEquals(
        201,
        c.call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"sig-py\"}")
            .status());
    JsonObject after =
        assertInterrupted(c, "sig-py", "print('started', flush=True)\nwhile True:\n    pass");
    assertTrue(after.toString().contains("KeyboardInterrupt"), after.toString());
    // the interpreter survived the interrupt and still runs code
    JsonObject next = CoreApiTestAccess.run(c, "/session/sig-py", V9, "print(6 * 7)");
    assertTrue(next.toString().contains("42"), next.toString());
    s.stopAndAwait();
  }

  /**
   * Downloads are streamed: a 600 MiB file comes out whole, as a tar part and as a single file, from a
   * server whose heap is 256 MiB; over --max-download-bytes is a 400 problem before any byte.
   */
  @Test
  void largeDownloadsStreamThroughASmallHeap(@TempDir Path state) throws Exception {
    long size = 600L << 20;
    Server s = new Server(
        List.of(),
        List.of("-Xmx256m"),
        "--port",
        "0",
        "--access-key",
        "AKTESTDL",
        "--secret-key",
        "SKTESTDL",
        "--state-dir",
        state.toString(),
        "--max-download-bytes",
        Long.toString(1L << 30));
    URI uri = s.awaitListening();
    TestClient c = new TestClient(uri, "AKTESTDL", "SKTESTDL");
    assertEquals(
        201,
        c.call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"download\"}")
            .status());
    JsonObject made = CoreApiTestAccess.run(
        c,
        "/session/download",
        V9,
        "truncate -s " + size + " big.bin && truncate -s " + (2L << 30)
            + " huge.bin && echo made"); // sparse
    assertTrue(made.toString().contains("made"), made.toString());

    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    for (String target : List.of(
        "/session/download/download?files=big.bin",
        "/session/download/download_single?file=big.bin")) {
      java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
              URI.create(uri + target))
          .POST(java.net.http.HttpRequest.BodyPublishers.noBody());
      c.headers("POST", target, V9, null, "SKTESTDL", null).forEach(b::header);
      java.net.http.HttpResponse<java.io.InputStream> r =
          http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, r.statusCode(), target);
      long n = 0;
      try (java.io.InputStream in = r.body()) {
        byte[] buf = new byte[1 << 16];
        for (int k; (k = in.read(buf)) >= 0; ) {
          n += k;
        }
      }
      // multipart/mixed: the tar (header + data + padding + end blocks) and the part framing
      assertTrue(
          target.contains("single") ? n == size : n > size + 1024 && n < size + 4096,
          target + ": " + n);
    }
    TestClient.Resp tooBig = c.call("POST", "/session/download/download?files=huge.bin", V9, null);
    assertEquals(400, tooBig.status(), tooBig.text());
    assertTrue(
        tooBig.json().get("msg").getAsString().contains("--max-download-bytes"), tooBig.text());
    assertTrue(s.process.isAlive(), "the server died");
    assertEquals(200, c.call("GET", "/auth", V9, null).status());
    s.stopAndAwait();
  }

  /** Starts {@code code}, waits for its first output, interrupts it: it must end within 2 s with 130. */
  private static JsonObject assertInterrupted(TestClient c, String session, String code)
      throws Exception {
    String path = "/session/" + session;
    JsonObject res = c.call(
            "POST",
            path,
            V9,
            "{\"mode\": \"query\", \"runId\": null, \"code\": "
                + new com.google.gson.JsonPrimitive(code) + "}")
        .json()
        .getAsJsonObject("result");
    String runId = res.get("runId").getAsString();
    StringBuilder console = new StringBuilder(res.getAsJsonArray("console").toString());
    while (!console.toString().contains("started")) {
      assertEquals("continued", res.get("status").getAsString(), res.toString());
      res = c.call(
              "POST",
              path,
              V9,
              "{\"mode\": \"continue\", \"runId\": \"" + runId + "\", \"code\": \"\"}")
          .json()
          .getAsJsonObject("result");
      console.append(res.getAsJsonArray("console"));
    }
    long t0 = System.nanoTime();
    assertEquals(204, c.call("POST", path + "/interrupt", V9, null).status());
    while (res.get("status").getAsString().equals("continued")) {
      res = c.call(
              "POST",
              path,
              V9,
              "{\"mode\": \"continue\", \"runId\": \"" + runId + "\", \"code\": \"\"}")
          .json()
          .getAsJsonObject("result");
      console.append(res.getAsJsonArray("console"));
      assertTrue(
          System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10),
          "still running 10 s after the interrupt");
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals("finished", res.get("status").getAsString(), res.toString());
    assertEquals(130, res.get("exitCode").getAsInt(), res.toString());
    assertTrue(ms < 2000, session + " ended " + ms + " ms after the interrupt");
    res.addProperty("allConsole", console.toString());
    return res;
  }

  /** A signal bit mask (SigIgn, SigBlk, ...) of a process, from /proc. */
  static long signalMask(long pid, String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseUnsignedLong(line.substring(field.length() + 1).trim(), 16);
      }
    }
    throw new AssertionError(field + " not found for " + pid);
  }

  @Test
  void badOptionExitsWithTwoAndOneStderrLine(@TempDir Path state) throws Exception {
    Server s = new Server("--bogus", "--state-dir", state.toString());
    assertTrue(s.process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, s.process.exitValue());
    String err = new String(s.process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    List<String> errLines = err.lines().toList();
    assertEquals(1, errLines.size(), err);
    assertTrue(errLines.get(0).contains("--bogus"), err);

    Server noValue = new Server("--port");
    assertTrue(noValue.process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, noValue.process.exitValue());
    assertEquals(
        1,
        new String(noValue.process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .count());
  }

  @Test
  void generatedKeypairIsPrivateAndReused(@TempDir Path state) throws Exception {
    Server first = new Server("--port", "0", "--state-dir", state.toString());
    URI uri = first.awaitListening();
    String ak = first
        .awaitLine("export BACKEND_ACCESS_KEY=")
        .substring("export BACKEND_ACCESS_KEY=".length());
    String sk = first
        .awaitLine("export BACKEND_SECRET_KEY=")
        .substring("export BACKEND_SECRET_KEY=".length());
    Path kp = state.resolve("keypair.json");
    assertTrue(Files.isRegularFile(kp));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kp)));
    JsonObject stored = JsonParser.parseString(Files.readString(kp)).getAsJsonObject();
    assertNotNull(stored);
    assertTrue(Files.readString(kp).contains(ak));
    assertEquals(200, new TestClient(uri, ak, sk).call("GET", "/auth", V9, null).status());
    first.stopAndAwait();

    Server second = new Server("--port", "0", "--state-dir", state.toString());
    URI uri2 = second.awaitListening();
    assertEquals("export BACKEND_ACCESS_KEY=" + ak, second.awaitLine("export BACKEND_ACCESS_KEY="));
    assertEquals("export BACKEND_SECRET_KEY=" + sk, second.awaitLine("export BACKEND_SECRET_KEY="));
    assertEquals(
        200, new TestClient(uri2, ak, sk).call("GET", "/auth", V9, null).status());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kp)));
    second.stopAndAwait();
  }
}
