package ai.backend.client.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The root's {@code --help} text, rendered once per build and reused when nothing could change it.
 *
 * <p>Building the root model and the 15 command stubs and laying the usage out costs picocli ~100 ms of
 * interpreted code at every {@code backend.ai --help}, for a text that depends only on the jar, the
 * width and colours, and the locale. The CDS training run (see the launcher) writes it, rendered as
 * picocli renders it for a non-terminal (80 columns, no ANSI), next to the class-data archive, and the
 * launcher hands its path to the commands run with that archive, i.e. with this very jar. It is used
 * only when picocli would print exactly that text: output not to a terminal, no {@code picocli.*}
 * setting, no variable forcing colours, same locale. Otherwise picocli renders as usual.
 */
final class RootUsage {
  /** The file to use; set by the launcher when it is newer than the jar. */
  static final String FILE_PROPERTY = "backendai.cli.usageFile";

  private static final String HEADER = "# backend.ai root usage v1 locale=";

  private RootUsage() {}

  /** The usage text as picocli prints it for {@code backend.ai --help} without a terminal. */
  static String render(Cli cli) {
    String width = System.getProperty("picocli.usage.width");
    System.clearProperty("picocli.usage.width");
    try {
      return Main.commandLine(cli, "").getUsageMessage(CommandLine.Help.Ansi.OFF);
    } finally {
      if (width != null) {
        System.setProperty("picocli.usage.width", width);
      }
    }
  }

  /** Writes the file read by {@link #cached()}. */
  static void write(Path file, String usage) throws IOException {
    Files.writeString(
        file, HEADER + Locale.getDefault().toLanguageTag() + "\n" + usage, StandardCharsets.UTF_8);
  }

  /** The recorded text if it is what picocli would print now, else null (render as usual). */
  static String cached() {
    String file = System.getProperty(FILE_PROPERTY);
    if (file == null || System.console() != null || !sameRendering()) {
      return null;
    }
    try {
      String s = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      String header = HEADER + Locale.getDefault().toLanguageTag() + "\n";
      return s.startsWith(header) ? s.substring(header.length()) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether picocli would lay the usage out as recorded: 80 columns, no colours. Without a console that
   * holds unless a {@code picocli.*} property is set (width, colours, tracing) or the environment asks
   * for colours (the variables picocli's {@code Ansi.AUTO} reads) or the OS is one where picocli looks
   * for a pseudo-terminal.
   */
  private static boolean sameRendering() {
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("picocli.")) {
        return false;
      }
    }
    return System.getenv("CLICOLOR_FORCE") == null
        && System.getenv("ANSICON") == null
        && System.getenv("CLICOLOR") == null
        && System.getenv("ConEmuANSI") == null
        && !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
  }
}
