package ai.backend.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExitMarkerTest {
  static final String ESC = "\u001b";

  /** Feeds {@code text} in chunks of {@code size} bytes and collects what is shown. */
  static String feed(ExitMarker m, String text, int size) {
    byte[] all = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream shown = new ByteArrayOutputStream();
    for (int i = 0; i < all.length; i += size) {
      byte[] chunk = java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + size));
      shown.writeBytes(m.filter(chunk));
    }
    return shown.toString(StandardCharsets.UTF_8);
  }

  @Test
  void dropsThePromptAndEchoKeepsTheOutputAndReadsTheExitCode() {
    String screen = "root@vm:~$  printf '\\033]1337;BackendAIExecStart\\007'; ls; printf ...\r\n"
        + ESC + "]1337;BackendAIExecStart\u0007" + "a.txt  b.txt\r\nλ unicode\r\n"
        + ESC + "]1337;BackendAIExit=42\u0007" + "exit\r\n";
    for (int size : List.of(1, 2, 3, 7, 64, 4096)) {
      ExitMarker m = new ExitMarker();
      assertEquals("a.txt  b.txt\r\nλ unicode\r\n", feed(m, screen, size), "chunk size " + size);
      assertEquals(42, m.exitCode(), "chunk size " + size);
    }
  }

  @Test
  void noExitCodeUntilTheMarkerArrives() {
    ExitMarker m = new ExitMarker();
    assertEquals("", feed(m, "prompt$ ", 3));
    assertEquals(
        "out" + ESC + "[1m", feed(m, ESC + "]1337;BackendAIExecStart\u0007out" + ESC + "[1m", 5));
    assertNull(m.exitCode());
  }

  @Test
  void commandLineQuotesArguments() {
    String line = new String(
        ExitMarker.commandLine(List.of("sh", "-c", "echo 'a b'; exit 3")), StandardCharsets.UTF_8);
    assertEquals(
        " printf '\\033]1337;BackendAIExecStart\\007'; sh -c 'echo '\\''a b'\\''; exit 3';"
            + " printf '\\033]1337;BackendAIExit=%d\\007' $?; exit\r",
        line);
  }
}
