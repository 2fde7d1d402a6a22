package ai.backend.testsupport;

import java.io.File;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An optional toolchain some tests need, with the Debian package that installs it. {@link
 * #installed()} probes the machine (an executable on {@code PATH} that answers its version
 * option), so a test is skipped only where the tool is really absent.
 */
public enum Toolchain {
  /** Lua, found by local-server as lua5.4, lua5.3, lua, lua5.2 or lua5.1 (the {@code lua5} image). */
  LUA("lua5.4", List.of("lua5.4", "lua5.3", "lua", "lua5.2", "lua5.1"), "-v"),
  /** The C compiler (the {@code c} image, C batch builds). */
  GCC("gcc", List.of("gcc"), "--version"),
  /** The C++ compiler (the {@code cpp} image). */
  GPP("g++", List.of("g++"), "--version"),
  /** make (batch builds of a directory with a Makefile). */
  MAKE("make", List.of("make"), "--version"),
  /** Node.js (the {@code nodejs} image). */
  NODE("nodejs", List.of("node", "nodejs"), "--version"),
  /** tmux, which gives the CLI terminal tests a real terminal. */
  TMUX("tmux", List.of("tmux"), "-V");

  /** The text every skip for a missing toolchain starts with; the summary listener looks for it. */
  public static final String REASON_PREFIX = "missing toolchain: ";

  private final String debianPackage;
  private final List<String> executables;
  private final String versionOption;
  private final Probe probe = new Probe();

  Toolchain(String debianPackage, List<String> executables, String versionOption) {
    this.debianPackage = debianPackage;
    this.executables = executables;
    this.versionOption = versionOption;
  }

  /** The Debian package that provides the tool. */
  public String debianPackage() {
    return debianPackage;
  }

  /** Whether the tool is installed here (probed once per test JVM). */
  public boolean installed() {
    return probe.result(this).isPresent();
  }

  /** The skip reason: names the tool and how to install it. */
  public String reason() {
    return REASON_PREFIX
        + debianPackage
        + " (none of "
        + String.join(", ", executables)
        + " on PATH; install it with: apt-get install "
        + debianPackage
        + ")";
  }

  private Optional<String> find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String name : executables) {
      for (String dir : path.split(File.pathSeparator)) {
        File f = new File(dir.isEmpty() ? "." : dir, name);
        if (f.isFile() && f.canExecute() && answers(f.getPath())) {
          return Optional.of(f.getPath());
        }
      }
    }
    return Optional.empty();
  }

  private boolean answers(String executable) {
    try {
      Process p = new ProcessBuilder(executable, versionOption)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      p.getOutputStream().close();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The probe's answer, computed on first use. */
  private static final class Probe {
    private Optional<String> found;

    synchronized Optional<String> result(Toolchain t) {
      if (found == null) {
        found = t.find();
      }
      return found;
    }
  }
}
