package ai.backend.it.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No BACKEND_ENDPOINT: the CLI starts a background local server under a temp state dir and reuses it. */
class CliEmbeddedDefaultTest {
  @TempDir
  Path stateDir;

  @Test
  void startsReusesAndStopsTheLocalServer() throws Exception {
    Launcher cli = new Launcher().env("BACKEND_LOCAL_STATE_DIR", stateDir.toString());
    Long pid = null;
    try {
      Launcher.Result first =
          cli.cli("run", "-t", "embedded-test", "python", "-c", "greeting = 'hello world'");
      assertEquals(0, first.exitCode(), first.toString());
      assertTrue(
          first
              .stderr()
              .startsWith("\u2219 Using the local Backend.AI server at http://127.0.0.1:"),
          first.toString());
      assertEquals(
          1,
          first
              .stderr()
              .lines()
              .filter(l -> l.contains("local Backend.AI server"))
              .count());
      Path state = stateDir.resolve("server.json");
      assertTrue(Files.isRegularFile(state));
      assertEquals(
          "rw-------",
          java.nio.file.attribute.PosixFilePermissions.toString(
              Files.getPosixFilePermissions(state)));
      JsonObject st = JsonParser.parseString(Files.readString(state)).getAsJsonObject();
      pid = st.get("pid").getAsLong();

      // the session lives across commands: the same server is reused
      Launcher.Result second =
          cli.cli("run", "-t", "embedded-test", "--rm", "python", "-c", "print(greeting)");
      assertEquals(0, second.exitCode(), second.toString());
      assertEquals("hello world\n", second.stdout());
      assertTrue(
          second.stderr().contains("http://127.0.0.1:" + st.get("port").getAsInt()),
          second.toString());
      assertFalse(second.stderr().contains("started now"), second.toString());

      Launcher.Result status = cli.cli("local", "status", "--output", "json");
      assertEquals(0, status.exitCode(), status.toString());
      JsonObject s = JsonParser.parseString(status.stdout()).getAsJsonObject();
      assertTrue(s.get("running").getAsBoolean());
      assertEquals(pid.longValue(), s.get("pid").getAsLong());
    } finally {
      stopAndAwait(cli, pid);
    }
    Launcher.Result after = cli.cli("local", "status");
    assertEquals(3, after.exitCode(), after.toString());
  }

  /**
   * Every default path comes from {@code $HOME}, not from Java's {@code user.home} (the password
   * database's home): with {@code HOME} pointing at an empty folder, the state lands there and
   * nothing is written to the other home.
   */
  @Test
  void defaultPathsFollowHome(@TempDir Path home, @TempDir Path passwdHome) throws Exception {
    Launcher cli = new Launcher()
        .env("HOME", home.toString())
        // stands for the password database's home; -D after the launcher's own options wins
        .env("BACKEND_CLI_JAVA_OPTS", "-Duser.home=" + passwdHome);
    Path state = home.resolve(".backend.ai").resolve("local");
    Long pid = null;
    try {
      Launcher.Result status = cli.cli("local", "status", "--output", "json");
      assertEquals(3, status.exitCode(), status.toString());
      assertTrue(status.stdout().contains(state.toString()), status.toString());

      Launcher.Result run = cli.cli("run", "--rm", "python", "-c", "print('hi from HOME')");
      assertEquals(0, run.exitCode(), run.toString());
      assertEquals("hi from HOME\n", run.stdout());
      assertTrue(Files.isRegularFile(state.resolve("server.json")), "no server.json under $HOME");
      pid = JsonParser.parseString(Files.readString(state.resolve("server.json")))
          .getAsJsonObject()
          .get("pid")
          .getAsLong();

      Launcher.Result config = cli.cli("config");
      assertEquals(0, config.exitCode(), config.toString());
      assertTrue(
          config.stdout().contains(state.toString()) || config.stderr().contains(state.toString()),
          config.toString());
    } finally {
      stopAndAwait(cli, pid);
    }
    try (java.util.stream.Stream<Path> written = Files.list(passwdHome)) {
      assertEquals(java.util.List.of(), written.toList(), "written outside $HOME");
    }
  }

  /** {@code local stop}, then the server process (if it was seen) must be gone. */
  private static void stopAndAwait(Launcher cli, Long pid) throws Exception {
    Launcher.Result stop = cli.cli("local", "stop");
    assertEquals(0, stop.exitCode(), stop.toString());
    if (pid != null) {
      Optional<ProcessHandle> ph = ProcessHandle.of(pid);
      if (ph.isPresent()) {
        ph.get().onExit().get(15, TimeUnit.SECONDS);
      }
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "server still alive");
    }
  }
}
