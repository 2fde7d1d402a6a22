package ai.backend.it.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged launchers ({@code bin/backend.ai}, {@code bin/lcc}, {@code bin/lpython}) as processes. */
final class Launcher {
  static final Path ROOT = findRoot();
  static final Path BIN = ROOT.resolve("bin");

  /** What a finished process left behind. */
  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private final Map<String, String> env = new HashMap<>();
  private Path workDir = ROOT;

  Launcher() {
    System.getenv().forEach((k, v) -> {
      if (!k.startsWith("BACKEND_") && !k.startsWith("SORNA_")) {
        env.put(k, v);
      }
    });
  }

  Launcher env(String key, String value) {
    if (value == null) {
      env.remove(key);
    } else {
      env.put(key, value);
    }
    return this;
  }

  Launcher in(Path dir) {
    this.workDir = dir;
    return this;
  }

  Map<String, String> env() {
    return env;
  }

  /** Runs {@code bin/<program> args} to completion with {@code stdin} as input. */
  Result run(String program, String stdin, String... args)
      throws IOException, InterruptedException {
    Process p = start(program, args);
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread to = pump(p.getInputStream(), out);
    Thread te = pump(p.getErrorStream(), err);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("timed out: " + program + " " + String.join(" ", args));
    }
    to.join();
    te.join();
    return new Result(
        p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Result cli(String... args) throws IOException, InterruptedException {
    return run("backend.ai", null, args);
  }

  /**
   * Starts {@code bin/<program> args} without waiting (the caller must stop it), with every signal
   * at its default disposition, as from a user's interactive shell: the test JVM may run in a
   * script's background job, which ignores SIGINT, and the CLI would inherit that.
   */
  Process start(String program, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("env", "--default-signal"));
    cmd.add(BIN.resolve(program).toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb.start();
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
    Thread t = new Thread(() -> {
      try (in) {
        in.transferTo(sink);
      } catch (IOException ignored) {
        // process gone
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static Path findRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("bin/backend.ai"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException(
          "bin/backend.ai not found above " + Path.of("").toAbsolutePath());
    }
    return p;
  }
}
