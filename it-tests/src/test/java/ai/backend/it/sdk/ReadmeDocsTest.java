package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The documents showing the README examples must contain the code of the compiled example classes
 * ({@code ai.backend.it.readme}) verbatim between {@code <!-- example:NAME -->} markers; {@link
 * ReadmeExamplesTest} runs those classes.
 */
class ReadmeDocsTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void documentsShowTheExamplesVerbatim() throws IOException {
    int checked = 0;
    for (Path doc : List.of(ROOT.resolve("README.md"), ROOT.resolve("docs/sdk-examples.md"))) {
      if (!Files.exists(doc)) {
        continue;
      }
      String text = Files.readString(doc);
      for (String name : List.of("sync", "async")) {
        if (!text.contains("<!-- example:" + name + " -->")) {
          continue;
        }
        Path src = ROOT.resolve("it-tests/src/test/java/ai/backend/it/readme/"
            + (name.equals("sync") ? "SyncExample" : "AsyncExample") + ".java");
        assertEquals(
            between(Files.readString(src), "// example:" + name + "\n", "// /example:" + name),
            codeBlock(text, name),
            doc + " differs from " + src);
        checked++;
      }
    }
    assertTrue(checked >= 2, "no document carries both examples");
  }

  private static String codeBlock(String doc, String name) {
    String section =
        between(doc, "<!-- example:" + name + " -->", "<!-- /example:" + name + " -->");
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(section);
    assertTrue(m.find(), "no java code block for " + name);
    return m.group(1).strip();
  }

  private static String between(String s, String start, String end) {
    int a = s.indexOf(start);
    int b = s.indexOf(end, a + 1);
    assertFalse(a < 0 || b < 0, "markers " + start + " … " + end + " not found");
    return s.substring(a + start.length(), b).strip();
  }
}
