package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.it.readme.AsyncExample;
import ai.backend.it.readme.SyncExample;
import ai.backend.testsupport.RequiresToolchain;
import ai.backend.testsupport.Toolchain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The README's Java examples are compiled classes ({@code ai.backend.it.readme}); this runs them against
 * local-server ({@link ReadmeDocsTest} checks the documents show them verbatim).
 */
class ReadmeExamplesTest extends SdkFixture {
  @Test
  @RequiresToolchain(Toolchain.LUA)
  void syncExampleRunsAndPrintsTheConsole() {
    String out = capture(() -> SyncExample.run(open("jdk", Mode.SYNC, V4).session()));
    assertEquals("42 apples\n", out);
  }

  @Test
  void asyncExampleRuns() {
    String out = capture(
        () -> AsyncExample.run(open("apache", Mode.ASYNC, V9).session().async()).join());
    assertTrue(out.contains("line 2"), out);
    assertTrue(out.contains("exit code 0"), out);
  }

  private static String capture(Runnable r) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
