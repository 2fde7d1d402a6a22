package ai.backend.it.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    try {
      Class.forName("ai.backend.local.LocalServer");
    } catch (ClassNotFoundException e) {
      assumeTrue(false, "the local server is not available yet");
    }
    Launcher cli = new Launcher().env("BACKEND_LOCAL_STATE_DIR", stateDir.toString());
    Long pid = null;
    try {
      Launcher.Result first = cli.cli("run", "-t", "embedded-test", "python", "-c", "greeting = 'hello world'");
      assertEquals(0, first.exitCode(), first.toString());
      assertTrue(first.stderr().startsWith("\u2219 Using the local Backend.AI server at http://127.0.0.1:"),
          first.toString());
      assertEquals(1, first.stderr().lines().filter(l -> l.contains("local Backend.AI server")).count());
      Path state = stateDir.resolve("server.json");
      assertTrue(Files.isRegularFile(state));
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
      JsonObject st = JsonParser.parseString(Files.readString(state)).getAsJsonObject();
      pid = st.get("pid").getAsLong();

      // the session lives across commands: the same server is reused
      Launcher.Result second = cli.cli("run", "-t", "embedded-test", "--rm", "python", "-c", "print(greeting)");
      assertEquals(0, second.exitCode(), second.toString());
      assertEquals("hello world\n", second.stdout());
      assertTrue(second.stderr().contains("http://127.0.0.1:" + st.get("port").getAsInt()), second.toString());
      assertFalse(second.stderr().contains("started now"), second.toString());

      Launcher.Result status = cli.cli("local", "status", "--output", "json");
      assertEquals(0, status.exitCode(), status.toString());
      JsonObject s = JsonParser.parseString(status.stdout()).getAsJsonObject();
      assertTrue(s.get("running").getAsBoolean());
      assertEquals(pid.longValue(), s.get("pid").getAsLong());
    } finally {
      Launcher.Result stop = cli.cli("local", "stop");
      assertEquals(0, stop.exitCode(), stop.toString());
      if (pid != null) {
        Optional<ProcessHandle> ph = ProcessHandle.of(pid);
        if (ph.isPresent()) {
          ph.get().onExit().get(15, TimeUnit.SECONDS);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "server still alive");
      }
    }
    Launcher.Result after = cli.cli("local", "status");
    assertEquals(3, after.exitCode(), after.toString());
  }
}
