package ai.backend.local.engine;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tools found on the search path once, at engine construction: each runtime's tool (which
 * executables provide it is in {@link LanguageRuntime}) and the helpers that start and watch
 * processes. Immutable after construction.
 */
final class Toolchain {
  final String searchPath;
  final String python;
  final String javac;
  final String bash;
  final String sh;
  final String setsid;
  final String prlimit;
  final String stdbuf;
  final String kill;
  /**
   * The prefix that starts a command with every signal at its default disposition (empty when no
   * tool for it is found). Ignored signals survive exec: a server started from a script's background
   * job (SIGINT and SIGQUIT ignored) or under nohup would otherwise pass that on to every kernel, and
   * interrupt, Ctrl-C in a terminal and run timeouts would silently do nothing.
   */
  final List<String> defaultSignals;

  private final Map<LanguageRuntime, String> runtimeTools; // null values: not installed

  Toolchain(String searchPath) {
    this.searchPath = searchPath == null ? "" : searchPath;
    python = realPython(first(LanguageRuntime.PYTHON.executables()));
    javac = find("javac");
    bash = find("bash");
    sh = new File("/bin/sh").canExecute() ? "/bin/sh" : first(LanguageRuntime.SH.executables());
    Map<LanguageRuntime, String> found = new EnumMap<>(LanguageRuntime.class);
    for (LanguageRuntime r : LanguageRuntime.values()) {
      found.put(
          r,
          switch (r) {
            case PYTHON -> python; // the real interpreter behind a shim
            case SH -> sh; // /bin/sh first, whatever the search path says
            default -> first(r.executables());
          });
    }
    runtimeTools = Collections.unmodifiableMap(found);
    setsid = find("setsid");
    prlimit = find("prlimit");
    stdbuf = find("stdbuf");
    kill = find("kill");
    defaultSignals = defaultSignalsPrefix(find("env"), python);
  }

  /**
   * coreutils {@code env --default-signal} (8.31+) where it works, else a python3 one-liner that
   * does the same before it execs the command.
   */
  private static List<String> defaultSignalsPrefix(String env, String python) {
    if (env != null && exitsZero(env, "--default-signal", "true")) {
      return List.of(env, "--default-signal");
    }
    if (python != null) {
      return List.of(
          python,
          "-I",
          "-c",
          "import os,signal,sys\n"
              + "for s in signal.valid_signals():\n"
              + "  try: signal.signal(s, signal.SIG_DFL)\n"
              + "  except (OSError, ValueError): pass\n"
              + "os.execvp(sys.argv[1], sys.argv[1:])");
    }
    return List.of();
  }

  private static boolean exitsZero(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      p.getOutputStream().close();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The absolute path of the tool {@code runtime} needs, or null when it is not installed. */
  String of(LanguageRuntime runtime) {
    return runtimeTools.get(runtime);
  }

  private String first(List<String> names) {
    for (String n : names) {
      String p = find(n);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  String find(String name) {
    for (String dir : searchPath.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      File f = new File(dir, name);
      if (f.isFile() && f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    return null;
  }

  /**
   * A pyenv/asdf shim costs ~0.4 s per start; ask it once for the real interpreter so kernels start
   * fast and do not depend on the shim's environment (HOME is the work dir inside kernels).
   */
  private static String realPython(String found) {
    if (found == null || !found.contains("/shims/")) {
      return found;
    }
    try {
      Process p = new ProcessBuilder(found, "-c", "import sys;print(sys.executable)")
          .redirectErrorStream(true)
          .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()) {
        Path real = Path.of(out);
        if (Files.isExecutable(real)) {
          return real.toString();
        }
      }
    } catch (IOException e) {
      return found;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return found;
  }

  /** PATH for kernel processes: the real python's directory first (shims need ~/.pyenv). */
  String kernelPath() {
    List<String> parts = new ArrayList<>();
    if (python != null) {
      parts.add(Path.of(python).getParent().toString());
    }
    parts.add(searchPath);
    return String.join(File.pathSeparator, parts);
  }
}
