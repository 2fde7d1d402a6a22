package ai.backend.it.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI commands beyond the README walkthrough ({@code upload}/{@code ls}/{@code download},
 * {@code events}, {@code info}, {@code logs}, {@code admin query}, {@code interrupt},
 * {@code completion}), each run through {@code bin/backend.ai} as a process against an in-process
 * local server. Every test terminates its sessions and leaves no CLI process behind.
 *
 * <p>The proxy's WebSocket relay is tested in {@code CliEndToEndTest#proxyServesPlainUnsignedHttp}.
 */
class CliMoreCommandsTest {
  @RegisterExtension
  static final CliServerExtension server = new CliServerExtension();

  Launcher cli;
  final List<Process> started = new ArrayList<>();

  @BeforeEach
  void setUp(Launcher launcher) {
    cli = launcher;
  }

  /** Stops the processes the test started; then the extension checks none is left and ends the sessions. */
  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : started) {
      stop(p);
    }
  }

  private Process background(String... args) throws IOException {
    Process p = cli.start("backend.ai", args);
    started.add(p);
    return p;
  }

  private static void stop(Process p) throws InterruptedException {
    if (p.isAlive()) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Every stdout line of {@code p}, as it arrives. */
  private static BlockingQueue<String> lines(Process p) {
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    Thread t = new Thread(
        () -> {
          try (BufferedReader r = new BufferedReader(
              new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
              q.add(l);
            }
          } catch (IOException ignored) {
            // process gone
          }
        },
        "cli-stdout");
    t.setDaemon(true);
    t.start();
    return q;
  }

  private void createSession(String name) throws Exception {
    Launcher.Result r = cli.cli("run", "-t", name, "python", "-c", "print('ready')");
    assertEquals(0, r.exitCode(), r.toString());
  }

  @Test
  void uploadLsDownloadRoundTrip(@TempDir Path work) throws Exception {
    createSession("files-test");
    Path src = work.resolve("src");
    Files.createDirectories(src.resolve("data"));
    byte[] payload = new byte[70_000];
    new Random(42).nextBytes(payload);
    Files.write(src.resolve("data/blob.bin"), payload);
    Files.writeString(src.resolve("notes.txt"), "hello files\n");

    Launcher.Result up = cli.in(src).cli("upload", "files-test", "data/blob.bin", "notes.txt");
    assertEquals(0, up.exitCode(), up.toString());
    assertTrue(up.stderr().contains("\u2714 Uploaded 2 file(s)."), up.toString());

    Launcher.Result table = cli.cli("ls", "files-test");
    assertEquals(0, table.exitCode(), table.toString());
    assertTrue(table.stdout().startsWith("File name"), table.toString());
    assertTrue(table.stdout().contains("notes.txt"), table.toString());
    assertTrue(table.stdout().contains("data"), table.toString());

    Launcher.Result json = cli.cli("ls", "files-test", "data", "--output", "json");
    assertEquals(0, json.exitCode(), json.toString());
    JsonArray entries = JsonParser.parseString(json.stdout()).getAsJsonArray();
    JsonObject blob = null;
    for (JsonElement e : entries) {
      if (e.getAsJsonObject().get("name").getAsString().equals("blob.bin")) {
        blob = e.getAsJsonObject();
      }
    }
    assertNotNull(blob, json.toString());
    assertEquals(payload.length, blob.get("size").getAsLong(), json.toString());

    Path dest = work.resolve("out");
    Launcher.Result down =
        cli.cli("download", "files-test", "data/blob.bin", "notes.txt", "--dest", dest.toString());
    assertEquals(0, down.exitCode(), down.toString());
    assertTrue(down.stderr().contains("\u2714 Downloaded 2 file(s)"), down.toString());
    assertArrayEquals(payload, Files.readAllBytes(find(dest, "blob.bin")));
    assertEquals("hello files\n", Files.readString(find(dest, "notes.txt")));

    Launcher.Result missing =
        cli.cli("upload", "files-test", work.resolve("nope.txt").toString());
    assertEquals(66, missing.exitCode(), missing.toString());
  }

  private static Path find(Path dir, String fileName) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().equals(fileName))
          .findFirst()
          .orElseThrow(() -> new AssertionError(fileName + " not downloaded under " + dir));
    }
  }

  @Test
  void eventsPrintsNdjsonForASessionCreatedAndTerminatedMeanwhile() throws Exception {
    Process events = background("events", "--output", "json");
    BlockingQueue<String> out = lines(events);
    // the subscription is ready some time after the process starts: retry with fresh names until
    // seen
    List<JsonObject> seen = new ArrayList<>();
    String found = null;
    for (int attempt = 0; attempt < 8 && found == null; attempt++) {
      String name = "events-test-" + attempt;
      createSession(name);
      Launcher.Result term = cli.cli("terminate", name);
      assertEquals(0, term.exitCode(), term.toString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (found == null && System.nanoTime() < deadline) {
        String line = out.poll(200, TimeUnit.MILLISECONDS);
        if (line == null) {
          assertTrue(events.isAlive(), "events exited early: " + events.exitValue());
          continue;
        }
        JsonObject ev =
            JsonParser.parseString(line).getAsJsonObject(); // every line is one JSON object
        assertTrue(ev.has("event"), line);
        seen.add(ev);
        if (ev.get("event").getAsString().equals("session_terminated")
            && name.equals(str(ev, "sessionName"))) {
          found = name;
        }
      }
    }
    assertNotNull(found, "no session_terminated event; got " + seen);
    String name = found;
    assertTrue(
        seen.stream()
            .anyMatch(e -> name.equals(str(e, "sessionName"))
                && !e.get("event").getAsString().equals("session_terminated")
                && e.get("event").getAsString().startsWith("session_")),
        "no creation event for " + name + ": " + seen);
    stop(events);
    assertFalse(events.isAlive());
  }

  private static String str(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }

  @Test
  void infoAndLogs() throws Exception {
    Launcher.Result run = cli.cli("run", "-t", "info-test", "python", "-c", "print('hello')");
    assertEquals(0, run.exitCode(), run.toString());

    Launcher.Result info = cli.cli("info", "info-test");
    assertEquals(0, info.exitCode(), info.toString());
    assertTrue(info.stdout().startsWith("Field"), info.toString());
    assertTrue(info.stdout().contains("info-test"), info.toString());
    Launcher.Result infoJson = cli.cli("info", "info-test", "--output", "json");
    assertEquals(0, infoJson.exitCode(), infoJson.toString());
    JsonObject o = JsonParser.parseString(infoJson.stdout()).getAsJsonObject();
    assertEquals("RUNNING", o.get("status").getAsString(), infoJson.toString());
    assertEquals("python", o.get("image").getAsString(), infoJson.toString());

    Launcher.Result logs = cli.cli("logs", "info-test");
    assertEquals(0, logs.exitCode(), logs.toString());
    // the local server's container log is its kernel's lifecycle lines, not the program's output
    assertFalse(logs.stdout().isBlank(), logs.toString());
    String firstLine = logs.stdout().lines().findFirst().orElseThrow();
    Launcher.Result logsJson = cli.cli("logs", "info-test", "--output", "json");
    assertEquals(0, logsJson.exitCode(), logsJson.toString());
    JsonObject lj = JsonParser.parseString(logsJson.stdout()).getAsJsonObject();
    assertEquals("info-test", lj.get("name").getAsString());
    assertTrue(lj.get("logs").getAsString().startsWith(firstLine), logsJson.toString());

    Launcher.Result missing = cli.cli("info", "no-such-session");
    assertEquals(66, missing.exitCode(), missing.toString());
  }

  @Test
  void adminQueryPrintsJson() throws Exception {
    createSession("gql-test");
    String q =
        "query($limit: Int!) { compute_session_list(limit: $limit, offset: 0) { items { name status } total_count } }";
    Launcher.Result r = cli.cli("admin", "query", q, "--var", "limit=10", "--output", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonObject list = JsonParser.parseString(r.stdout())
        .getAsJsonObject()
        .getAsJsonObject("compute_session_list");
    assertTrue(list.get("total_count").getAsInt() >= 1, r.toString());
    boolean found = false;
    for (JsonElement e : list.getAsJsonArray("items")) {
      found |= e.getAsJsonObject().get("name").getAsString().equals("gql-test");
    }
    assertTrue(found, r.toString());

    Launcher.Result pretty = cli.cli("admin", "query", "{ keypair { access_key } }");
    assertEquals(0, pretty.exitCode(), pretty.toString());
    assertEquals(
        CliServerExtension.ACCESS_KEY,
        JsonParser.parseString(pretty.stdout())
            .getAsJsonObject()
            .getAsJsonObject("keypair")
            .get("access_key")
            .getAsString(),
        pretty.toString());

    Launcher.Result bad = cli.cli("admin", "query", "{ no_such_field }");
    assertTrue(bad.exitCode() != 0, bad.toString());
  }

  @Test
  void interruptStopsTheRunningCode() throws Exception {
    createSession("interrupt-test");
    Process run = background(
        "run",
        "-t",
        "interrupt-test",
        "python",
        "-c",
        "import time\nfor i in range(600):\n    print(i, flush=True)\n    time.sleep(0.1)");
    BlockingQueue<String> out = lines(run);
    assertEquals("0", out.poll(60, TimeUnit.SECONDS), "the program did not start");
    Launcher.Result r = cli.cli("interrupt", "interrupt-test");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stderr().contains("\u2714 Interrupted session interrupt-test."), r.toString());
    assertTrue(run.waitFor(30, TimeUnit.SECONDS), "run still going after interrupt");
    assertTrue(run.exitValue() != 0, "interrupted code should not exit 0");
    assertTrue(out.size() < 550, "the loop ran to its end");

    Launcher.Result missing = cli.cli("interrupt", "no-such-session");
    assertEquals(66, missing.exitCode(), missing.toString());
  }

  @Test
  void completionBashIsAValidScript(@TempDir Path dir) throws Exception {
    Launcher.Result r = cli.cli("completion", "bash");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().length() > 1000, r.toString());
    assertTrue(r.stdout().contains("complete "), r.toString());
    Path script = dir.resolve("backend.ai.bash");
    Files.writeString(script, r.stdout());
    Process bash = new ProcessBuilder("bash", "-n", script.toString())
        .redirectErrorStream(true)
        .start();
    String msg = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, bash.exitValue(), msg);

    Launcher.Result zsh = cli.cli("completion", "zsh");
    assertEquals(0, zsh.exitCode(), zsh.toString());
    assertTrue(zsh.stdout().contains("bashcompinit"), zsh.toString());
  }
}
