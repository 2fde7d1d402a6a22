package ai.backend.local.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ExecutionEngine} that runs kernels as local processes (Linux: uses {@code /proc},
 * {@code setsid}, optionally {@code prlimit} and {@code stdbuf}).
 *
 * <ul>
 *   <li>python: one persistent {@code python3} per kernel running a small driver script, so query
 *       mode keeps interpreter state; {@code input()}/{@code getpass()} become {@code waiting-input}.
 *   <li>c, cpp, java, nodejs, lua5, sh: query mode compiles/runs the snippet as a child process;
 *       batch mode (all runtimes) runs clean/build/exec shell steps in the work directory
 *       ({@link StepRunner}). Each runtime's images, tool and commands: {@link LanguageRuntime}.
 *   <li>A child process blocked reading its stdin pipe is detected through {@code /proc} and reported
 *       as {@code waiting-input} ({@link StdinWaitDetector}).
 * </ul>
 *
 * <p>Tools are looked up once, at construction. Use {@link #create()} (the JVM's {@code PATH}) or
 * {@link #create(String)} (an explicit search path, e.g. for tests).
 */
public final class ProcessExecutionEngine implements ExecutionEngine {
  private final Toolchain tools;
  private final Set<String> available;
  private final EngineThreads threads = new EngineThreads();
  private final SecureRandom random = new SecureRandom();
  private final Set<LocalKernel> kernels = ConcurrentHashMap.newKeySet();
  private final Path scratch;
  private final Path driverScript;
  private final ReadOnlyBinds binds;
  private final ProcessGuard guard;
  private final boolean ownsGuard;
  private volatile boolean closed;

  private ProcessExecutionEngine(String searchPath, ProcessGuard guard) {
    this.ownsGuard = guard == null;
    this.guard = guard != null ? guard : ProcessGuard.open();
    tools = new Toolchain(searchPath);
    Set<String> avail = new LinkedHashSet<>();
    for (LanguageRuntime r : LanguageRuntime.values()) {
      if (tools.of(r) != null) {
        avail.add(r.id());
      }
    }
    available = Collections.unmodifiableSet(avail);
    try {
      scratch = Files.createTempDirectory(this.guard.home(), "bai-engine-");
      driverScript = scratch.resolve("python_driver.py");
      binds = new ReadOnlyBinds(tools, scratch);
      try (InputStream in = ProcessExecutionEngine.class.getResourceAsStream("python_driver.py")) {
        if (in == null) {
          throw new IllegalStateException("python_driver.py resource missing");
        }
        Files.copy(in, driverScript);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An engine using the tools on this JVM's {@code PATH}. */
  public static ProcessExecutionEngine create() {
    return create(System.getenv("PATH"));
  }

  /** An engine using the tools found on {@code searchPath} (a {@code PATH}-style list). */
  public static ProcessExecutionEngine create(String searchPath) {
    return new ProcessExecutionEngine(searchPath, null);
  }

  /**
   * An engine whose processes and temporary files {@code guard} tracks (the server's; it is not closed
   * with the engine).
   */
  public static ProcessExecutionEngine create(String searchPath, ProcessGuard guard) {
    return new ProcessExecutionEngine(searchPath, java.util.Objects.requireNonNull(guard, "guard"));
  }

  @Override
  public Set<String> availableRuntimes() {
    return available;
  }

  @Override
  public String resolveRuntime(String image) {
    return LanguageRuntime.forImage(image).id();
  }

  @Override
  public Optional<String> unavailable(String image) {
    LanguageRuntime runtime = LanguageRuntime.forImage(image);
    if (tools.of(runtime) != null) {
      return Optional.empty();
    }
    return Optional.of("The image "
        + image
        + " needs "
        + runtime.toolHint()
        + ", which is not installed on the server's machine (install it with: apt-get install "
        + runtime.debianPackage()
        + ")");
  }

  @Override
  public Optional<String> readOnlyMountsUnavailable() {
    return binds.unavailable();
  }

  @Override
  public Kernel start(
      String image,
      Path workDir,
      Map<String, String> environ,
      KernelLimits limits,
      List<Path> readOnly) {
    unavailable(image).ifPresent(why -> {
      throw new RuntimeUnavailableException(why);
    });
    List<String> namespace = binds.prefix(readOnly);
    LanguageRuntime runtime = LanguageRuntime.forImage(image);
    if (closed) {
      throw new IllegalStateException("engine is closed");
    }
    LocalKernel k;
    try {
      Files.createDirectories(workDir);
      k = new LocalKernel(
          runtime,
          tools,
          workDir.toAbsolutePath(),
          environ,
          limits,
          threads,
          driverScript,
          random,
          guard,
          namespace,
          kernels::remove);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    kernels.add(k);
    try {
      k.init();
    } catch (IOException | RuntimeException e) {
      k.close();
      throw new RuntimeUnavailableException(
          "Runtime " + runtime.id() + " failed to start: " + e.getMessage());
    }
    if (closed) {
      k.close();
      throw new IllegalStateException("engine is closed");
    }
    return k;
  }

  /** Closes every kernel in parallel (each waits until its process tree is gone). Idempotent. */
  @Override
  public void close() {
    closed = true;
    List<Thread> closers = new ArrayList<>();
    List<LocalKernel> all = List.copyOf(kernels);
    // one /proc scan for all kernels instead of one per kernel (O(n^2) with hundreds of kernels)
    Map<Long, ProcTree.Stat> snapshot = all.isEmpty() ? Map.of() : ProcTree.snapshot();
    for (LocalKernel k : all) {
      closers.add(threads.start("close", () -> k.close(snapshot)));
    }
    for (Thread t : closers) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    guard.killAll(); // what left the kernels' trees, in one scan
    threads.close();
    try {
      Files.deleteIfExists(driverScript);
      Files.deleteIfExists(scratch);
    } catch (IOException e) {
      // temp files: best effort
    }
    if (ownsGuard) {
      guard.close();
    }
  }
}
