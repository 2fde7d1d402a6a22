package ai.backend.local.engine;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tools found on the search path once, at engine construction, plus the image-to-runtime mapping.
 * Immutable after construction.
 */
final class Toolchain {
  static final List<String> RUNTIMES = List.of("python", "c", "cpp", "java", "nodejs", "lua5", "sh");

  final String searchPath;
  final String python;
  final String gcc;
  final String gpp;
  final String java;
  final String javac;
  final String node;
  final String lua;
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

  Toolchain(String searchPath) {
    this.searchPath = searchPath == null ? "" : searchPath;
    python = realPython(find("python3"));
    gcc = find("gcc");
    gpp = find("g++");
    java = find("java");
    javac = find("javac");
    node = first("node", "nodejs");
    lua = first("lua5.4", "lua5.3", "lua", "lua5.2", "lua5.1");
    bash = find("bash");
    sh = new File("/bin/sh").canExecute() ? "/bin/sh" : find("sh");
    setsid = find("setsid");
    prlimit = find("prlimit");
    stdbuf = find("stdbuf");
    kill = first("kill");
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
      Process p =
          new ProcessBuilder(cmd)
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

  /** The Debian package that installs each runtime's tools. */
  static final Map<String, String> DEBIAN_PACKAGES =
      Map.of(
          "python", "python3",
          "c", "gcc",
          "cpp", "g++",
          "java", "default-jdk-headless",
          "nodejs", "nodejs",
          "lua5", "lua5.4",
          "sh", "dash");

  /** Runtime name to the tool it needs (null when installed) — insertion-ordered. */
  Map<String, String> missingTools() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("python", python == null ? "python3" : null);
    m.put("c", gcc == null ? "gcc" : null);
    m.put("cpp", gpp == null ? "g++" : null);
    m.put("java", java == null ? "java" : null);
    m.put("nodejs", node == null ? "node" : null);
    m.put("lua5", lua == null ? "lua5.4 (or lua5.3, lua)" : null);
    m.put("sh", sh == null ? "sh" : null);
    return m;
  }

  /** Maps the last path segment of an image reference (tag stripped) to a runtime name. */
  static String runtimeOf(String image) {
    if (image == null || image.isBlank()) {
      throw new UnknownImageException("Unknown image: " + image);
    }
    String s = image.trim();
    int at = s.indexOf('@');
    if (at >= 0) {
      s = s.substring(0, at);
    }
    String last = s.substring(s.lastIndexOf('/') + 1);
    int colon = last.indexOf(':');
    String name = (colon >= 0 ? last.substring(0, colon) : last).toLowerCase(Locale.ROOT);
    if (name.startsWith("python")) {
      return "python";
    }
    switch (name) {
      case "c":
      case "gcc":
        return "c";
      case "cpp":
      case "c++":
      case "cxx":
      case "g++":
        return "cpp";
      case "node":
      case "nodejs":
        return "nodejs";
      case "sh":
      case "bash":
      case "shell":
        return "sh";
      default:
        break;
    }
    if (name.matches("(java|openjdk|jdk)\\d*")) {
      return "java";
    }
    if (name.matches("lua[0-9.]*")) {
      return "lua5";
    }
    throw new UnknownImageException("Unknown image: " + image);
  }

  private String first(String... names) {
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
      Process p =
          new ProcessBuilder(found, "-c", "import sys;print(sys.executable)")
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
