package ai.backend.local.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A kernel made of local processes: the run queue and the kernel's lifecycle. Query mode of a
 * runtime with a persistent interpreter (python) goes to that interpreter ({@link PythonDriver});
 * batch mode (every runtime) and query mode of the other runtimes run shell steps as child processes
 * ({@link StepRunner}). What differs between runtimes is in {@link LanguageRuntime}.
 *
 * <p>Runs are serialized by a fair semaphore (the FIFO "turn"), taken by {@code query}/{@code batch}
 * and released when the run produces its final status (not when the client fetches it).
 */
final class LocalKernel implements Kernel, PythonDriver.Owner {
  private final LanguageRuntime runtime;
  private final Path workDir;
  private final Workspace workspace;
  private final ProcessLauncher launcher;
  private final StepRunner steps;
  private final Toolchain tools;
  private final KernelLimits limits;
  private final EngineThreads threads;
  private final Path privateDir;
  private final ProcessGuard guard;
  private final String guardKey; // the session's work directory name: its processes' tag
  private final Path driverScript;
  private final Consumer<LocalKernel> onClose;
  private final SecureRandom random;
  private final Semaphore turn = new Semaphore(1, true);
  private final LogBuffer log = new LogBuffer(64 * 1024);
  private final Object lock = new Object();
  private final AtomicInteger numQueries = new AtomicInteger();
  private PythonDriver driver; // guarded by lock
  private volatile Run current;
  private volatile ScheduledFuture<?> timeoutTask;
  private volatile long memMax;
  private volatile boolean closed;

  LocalKernel(
      LanguageRuntime runtime,
      Toolchain tools,
      Path workDir,
      Map<String, String> environ,
      KernelLimits limits,
      EngineThreads threads,
      Path driverScript,
      SecureRandom random,
      ProcessGuard guard,
      List<String> namespace,
      Consumer<LocalKernel> onClose)
      throws IOException {
    this.guard = guard;
    this.guardKey = workDir.getFileName().toString();
    this.runtime = runtime;
    this.tools = tools;
    this.workDir = workDir;
    this.limits = limits == null ? KernelLimits.defaults() : limits;
    this.threads = threads;
    this.driverScript = driverScript;
    this.random = random;
    this.onClose = onClose;
    Map<String, String> e = new HashMap<>();
    e.put("PATH", tools.kernelPath());
    e.put("TERM", "xterm");
    e.put("LANG", "C.UTF-8");
    e.put("USER", "work");
    e.put("HOME", workDir.toString());
    // python children of batch steps: prompts must reach the pipe before input() blocks
    e.put("PYTHONUNBUFFERED", "1");
    if (environ != null) {
      e.putAll(environ);
    }
    e.putAll(guard.env(guardKey)); // last: session code cannot choose its own tag
    this.privateDir = Files.createTempDirectory(guard.home(), "bai-kernel-");
    long memory = runtime.limitAddressSpace() ? this.limits.memoryBytes() : 0;
    this.launcher = new ProcessLauncher(tools, workDir, e, guard, guardKey, namespace, memory);
    this.workspace = new Workspace(tools, workDir, privateDir);
    this.steps = new StepRunner(launcher, tools, threads, log, this::finished);
  }

  /** Starts the persistent interpreter (python); called by the engine right after construction. */
  void init() throws IOException {
    log.event("kernel started: runtime " + runtime.id() + ", work dir " + workDir);
    if (runtime.persistentInterpreter()) {
      synchronized (lock) {
        driver = startDriver();
      }
    }
  }

  @Override
  public String runtime() {
    return runtime.id();
  }

  // ---------------------------------------------------------------- execute

  @Override
  public ExecResult execute(ExecRequest request, Duration flushTimeout) {
    if (request == null || request.mode() == null) {
      throw new InvalidExecRequestException("mode is required");
    }
    long flush = flushTimeout == null ? 0 : Math.max(0, flushTimeout.toNanos());
    return switch (request.mode()) {
      case QUERY, BATCH -> newRun(request, flush);
      case CONTINUE -> collect(currentRun(request.runId()), flush);
      case INPUT -> {
        Run r = currentRun(request.runId());
        input(r, request.code());
        yield collect(r, flush);
      }
      case COMPLETE -> {
        String id = blank(request.runId()) ? newRunId() : request.runId();
        yield new ExecResult(
            id,
            ExecStatus.FINISHED,
            List.of(new ConsoleItem("completion", complete(request.code()))),
            0,
            false);
      }
    };
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private String newRunId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private Run currentRun(String runId) {
    if (blank(runId)) {
      throw new InvalidExecRequestException(
          "continue/input requires the run ID of the current run");
    }
    Run r = current;
    if (r == null || !r.id.equals(runId) || r.isDelivered()) {
      throw new InvalidExecRequestException("No such active run: " + runId);
    }
    return r;
  }

  private ExecResult collect(Run r, long flushNanos) {
    try {
      return r.await(System.nanoTime() + flushNanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ExecResult(r.id, ExecStatus.CONTINUED, List.of(), null, false);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("kernel is closed");
    }
  }

  private ExecResult newRun(ExecRequest req, long flushNanos) {
    ensureOpen();
    boolean batch = req.mode() == ExecMode.BATCH;
    String id = blank(req.runId()) ? newRunId() : req.runId();
    boolean interpreter = !batch && runtime.persistentInterpreter();
    List<StepRunner.StepSpec> plan = interpreter
        ? null
        : batch
            ? StepRunner.batch(req.options(), runtime, workspace)
            : StepRunner.query(runtime, workspace, req.code());
    try {
      turn.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the previous run");
    }
    Run run = new Run(id, interpreter, limits.maxOutputBytes());
    if (closed) {
      turn.release();
      throw new IllegalStateException("kernel is closed");
    }
    current = run;
    numQueries.incrementAndGet();
    armTimeout(run);
    try {
      if (interpreter) {
        PythonDriver d;
        synchronized (lock) {
          d = ensureDriver();
        }
        d.exec(run, req.code());
      } else {
        steps.start(run, plan);
      }
    } catch (IOException | RuntimeException e) {
      run.append("stderr", "[kernel] cannot start the run: " + e.getMessage() + "\n");
      finished(run, ExecStatus.FINISHED, 127);
    }
    return collect(run, flushNanos);
  }

  private void armTimeout(Run run) {
    Duration t = limits.runTimeout();
    if (t != null && !t.isZero() && !t.isNegative()) {
      // the kill may block briefly: do it off the shared scheduler thread
      timeoutTask =
          threads.schedule(() -> threads.start("timeout", () -> onTimeout(run)), t.toMillis());
    }
  }

  private void onTimeout(Run run) {
    if (run.isFinished()) {
      return;
    }
    log.event("run " + run.id + " exceeded the execution timeout; killing it");
    if (run.interpreter) {
      PythonDriver d;
      synchronized (lock) {
        d = driver;
        driver = null;
      }
      finished(run, ExecStatus.EXEC_TIMEOUT, null); // before the kill: EOF must not say "finished"
      if (d != null) {
        d.close();
      }
      synchronized (lock) {
        if (!closed && driver == null) {
          try {
            driver = startDriver(); // state is lost, the kernel stays usable
          } catch (IOException e) {
            log.event("python restart failed: " + e.getMessage());
          }
        }
      }
    } else {
      StepRunner.Step st = steps.current(); // before the turn passes on to the next run's step
      finished(run, ExecStatus.EXEC_TIMEOUT, null);
      steps.kill(st);
    }
  }

  /** Ends a run (idempotent) and passes the turn to the next run. */
  @Override
  public void finished(Run run, ExecStatus status, Integer exitCode) {
    run.finish(status, exitCode, () -> {
      ScheduledFuture<?> t = timeoutTask;
      if (t != null) {
        t.cancel(false);
      }
      turn.release();
    });
  }

  private void input(Run r, String text) {
    if (r.isFinished()) {
      return; // the remaining output (and final status) is still delivered by collect
    }
    if (r.interpreter) {
      if (!r.isWaitingInput()) {
        throw new InvalidExecRequestException("The run is not waiting for input");
      }
      PythonDriver d;
      synchronized (lock) {
        d = driver;
      }
      r.clearWaiting();
      try {
        if (d != null) {
          d.input(text);
        }
      } catch (IOException e) {
        log.event("cannot send input: " + e.getMessage());
      }
      return;
    }
    steps.input(r, text);
  }

  // ---------------------------------------------------------------- python interpreter

  private PythonDriver ensureDriver() throws IOException {
    if (driver == null || !driver.isAlive()) {
      if (driver != null) {
        driver.close();
      }
      driver = startDriver();
    }
    return driver;
  }

  private PythonDriver startDriver() throws IOException {
    List<String> cmd = launcher.wrap(List.of(tools.python, driverScript.toString()), false);
    PythonDriver d = new PythonDriver(cmd, launcher.builder(), launcher.groups(), this, threads);
    boolean ok;
    try {
      ok = d.awaitReady(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    }
    if (!ok) {
      d.close();
      throw new IOException("the python interpreter did not start; log:\n" + log);
    }
    log.event("python interpreter started (pid " + d.pid + ")");
    return d;
  }

  @Override
  public void log(String text) {
    log.append(text);
  }

  @Override
  public void event(String message) {
    log.event(message);
  }

  @Override
  public void exited(PythonDriver d, Run run, int exitCode) {
    log.event("python interpreter (pid " + d.pid + ") exited with code " + exitCode);
    synchronized (lock) {
      if (driver == d) {
        driver = null; // restarted on the next query
      }
    }
    if (run != null) {
      finished(run, ExecStatus.FINISHED, exitCode);
    }
  }

  // ---------------------------------------------------------------- control

  @Override
  public void interrupt() {
    if (closed) {
      return;
    }
    if (steps.interrupt()) {
      return;
    }
    Run r = current;
    PythonDriver d;
    synchronized (lock) {
      d = driver;
    }
    if (d != null && r != null && r.interpreter && !r.isFinished()) {
      ProcTree.signal(tools.kill, "INT", launcher.groups() ? -d.pid : d.pid);
    }
  }

  @Override
  public void restart() {
    ensureOpen();
    PythonDriver d;
    synchronized (lock) {
      d = driver;
      driver = null;
    }
    StepRunner.Step st = steps.current();
    Run r = current;
    if (r != null && !r.isFinished()) {
      r.append("stderr", "\n[kernel] restarted\n");
      finished(r, ExecStatus.FINISHED, 130);
    }
    steps.kill(st);
    if (d != null) {
      d.close();
    }
    steps.killLingering();
    log.event("restarted");
    if (runtime.persistentInterpreter()) {
      synchronized (lock) {
        if (!closed && driver == null) {
          try {
            driver = startDriver();
          } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
          }
        }
      }
    }
  }

  @Override
  public List<String> complete(String code) {
    if (!runtime.persistentInterpreter() || closed || code == null) {
      return List.of();
    }
    // The interpreter is single-threaded: while a run is going, there is no one to ask.
    if (!turn.tryAcquire()) {
      return List.of();
    }
    try {
      PythonDriver d;
      synchronized (lock) {
        d = ensureDriver();
      }
      return d.complete(code, 3000);
    } catch (IOException e) {
      return List.of();
    } finally {
      turn.release();
    }
  }

  @Override
  public String logs() {
    return log.toString();
  }

  private List<Long> roots() {
    List<Long> roots = new ArrayList<>();
    synchronized (lock) {
      if (driver != null) {
        roots.add(driver.pid);
      }
    }
    roots.addAll(steps.roots());
    return roots;
  }

  @Override
  public List<Long> pids() {
    List<Long> out = new ArrayList<>();
    for (long root : roots()) {
      for (long p : ProcTree.pids(root, launcher.groups())) {
        if (!out.contains(p)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  @Override
  public KernelStats stats() {
    long[] u = ProcTree.usage(roots(), launcher.groups());
    long max = Math.max(memMax, u[1]);
    memMax = max;
    return new KernelStats(u[0], max, u[1], numQueries.get());
  }

  @Override
  public boolean isAlive() {
    if (closed) {
      return false;
    }
    if (!runtime.persistentInterpreter()) {
      return true;
    }
    synchronized (lock) {
      return driver != null && driver.isAlive();
    }
  }

  @Override
  public void close() {
    close(null);
  }

  /** @param snapshot a recent process snapshot shared by the engine's parallel close, or null */
  void close(Map<Long, ProcTree.Stat> snapshot) {
    PythonDriver d;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      d = driver;
      driver = null;
    }
    StepRunner.Step st = steps.close();
    Run r = current;
    if (r != null && !r.isFinished()) {
      finished(r, ExecStatus.FINISHED, 137); // wakes a client still polling this run
    }
    steps.kill(st);
    if (d != null) {
      d.close(snapshot);
    }
    steps.killLingering();
    // what left the tree (setsid -f, double forks); at engine close one scan covers every kernel
    int escaped = snapshot == null ? guard.kill(guardKey) : 0;
    log.event(
        escaped > 0
            ? "kernel closed; killed " + escaped + " detached process(es)"
            : "kernel closed");
    try (Stream<Path> files = Files.walk(privateDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // temp dir: best effort
    }
    onClose.accept(this);
  }
}
