package ai.backend.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorded root usage is byte for byte what picocli prints, and is used only when it would be. */
class RootUsageTest {
  @TempDir
  Path dir;

  @AfterEach
  void clear() {
    System.clearProperty(RootUsage.FILE_PROPERTY);
    System.clearProperty("picocli.usage.width");
  }

  private static String help(String arg) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertEquals(0, Main.run(new String[] {arg}, new Term(ps, ps, false)));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void recordedTextIsWhatPicocliPrints() throws Exception {
    String picocli = help("--help");
    assertTrue(picocli.startsWith("Usage: backend.ai"), picocli);
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    String rendered = RootUsage.render(new Cli(new Term(sink, sink, false), "backend.ai"));
    assertEquals(picocli, rendered);

    Path file = dir.resolve("usage.txt");
    RootUsage.write(file, "recorded\n");
    System.setProperty(RootUsage.FILE_PROPERTY, file.toString());
    assertEquals("recorded\n", help("--help"));
    assertEquals("recorded\n", help("-h"));
  }

  @Test
  void notUsedWhenPicocliWouldRenderDifferently() throws Exception {
    Path file = dir.resolve("usage.txt");
    RootUsage.write(file, "recorded\n");
    System.setProperty(RootUsage.FILE_PROPERTY, file.toString());
    System.setProperty("picocli.usage.width", "100");
    assertNull(RootUsage.cached());
    assertNotEquals("recorded\n", help("--help"));
    System.clearProperty("picocli.usage.width");

    Files.writeString(file, "# backend.ai root usage v1 locale=xx-YY\nrecorded\n");
    assertNull(RootUsage.cached(), "another locale");
    Files.writeString(file, "garbage");
    assertNull(RootUsage.cached());
    Files.delete(file);
    assertNull(RootUsage.cached());
  }
}
