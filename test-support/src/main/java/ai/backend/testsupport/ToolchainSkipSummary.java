package ai.backend.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts the tests skipped for missing toolchains, so that the build prints one line about them.
 * Registered through {@code META-INF/services} in every module that has test-support on its test
 * class path. Each module's run records its counts in {@code target/toolchain-skips/<module>.txt}
 * under the reactor root (system property {@code backendai.build.root}); the module that runs last
 * (system property {@code backendai.toolchains.summary=true}, set by it-tests) prints one line for
 * the whole build: which toolchains, how many tests each, and the Debian packages to install.
 */
public final class ToolchainSkipSummary implements TestExecutionListener {
  static final String ROOT_PROPERTY = "backendai.build.root";
  static final String SUMMARY_PROPERTY = "backendai.toolchains.summary";

  private final Map<String, Integer> skipped = new TreeMap<>();

  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    record(reason);
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      result.getThrowable().ifPresent(t -> record(t.getMessage()));
    }
  }

  private synchronized void record(String reason) {
    if (reason == null) {
      return;
    }
    for (Toolchain t : Toolchain.values()) {
      if (reason.contains(Toolchain.REASON_PREFIX + t.debianPackage() + " ")) {
        skipped.merge(t.debianPackage(), 1, Integer::sum);
      }
    }
  }

  @Override
  public synchronized void testPlanExecutionFinished(TestPlan plan) {
    String root = System.getProperty(ROOT_PROPERTY);
    Map<String, Integer> total = new TreeMap<>(skipped);
    try {
      if (root != null && !root.isBlank()) {
        Path dir = Path.of(root, "target", "toolchain-skips");
        Path mine = dir.resolve(Path.of(System.getProperty("user.dir")).getFileName() + ".txt");
        if (skipped.isEmpty()) {
          Files.deleteIfExists(mine);
        } else {
          Files.createDirectories(dir);
          StringBuilder sb = new StringBuilder();
          skipped.forEach((pkg, n) -> sb.append(pkg).append(' ').append(n).append('\n'));
          Files.writeString(mine, sb, StandardCharsets.UTF_8);
        }
        if (!Boolean.getBoolean(SUMMARY_PROPERTY)) {
          return;
        }
        total = readAll(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.println(line(total));
  }

  private static Map<String, Integer> readAll(Path dir) throws IOException {
    Map<String, Integer> total = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return total;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.txt")) {
      for (Path f : files) {
        for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          String[] kv = l.trim().split(" ");
          if (kv.length == 2) {
            total.merge(kv[0], Integer.parseInt(kv[1]), Integer::sum);
          }
        }
      }
    }
    return total;
  }

  static String line(Map<String, Integer> skipped) {
    if (skipped.isEmpty()) {
      return "[toolchains] no test skipped: every optional toolchain is installed";
    }
    StringBuilder sb = new StringBuilder("[toolchains] skipped for missing toolchains:");
    skipped.forEach((pkg, n) ->
        sb.append(' ').append(pkg).append(" (").append(n).append(n == 1 ? " test)," : " tests),"));
    sb.setLength(sb.length() - 1);
    sb.append("; to run them: apt-get install ").append(String.join(" ", skipped.keySet()));
    return sb.toString();
  }
}
