package ai.backend.local.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a run's shell steps as child processes, one after the other: the batch clean, build and exec
 * steps, or the single step of a query snippet in a runtime without a persistent interpreter. Each
 * step's stdin is a pipe held here, so {@link #input} can answer a prompt that the
 * {@link StdinWaitDetector} saw. One step runs at a time per kernel (the kernel's turn ensures it).
 */
final class StepRunner {
  /** Detection tick while a step runs and its output pipes are idle. */
  private static final long DETECT_MILLIS = 25;

  /**
   * One step: its command (built when the step starts, so a build sees the files of the clean; null
   * skips it with exit code 0), the status its end reports, and whether its output is the run's
   * (else it goes to the kernel log).
   */
  record StepSpec(Supplier<String> command, ExecStatus status, boolean show) {}

  /** Ends a run; the kernel's, which also passes the turn on. */
  interface Finisher {
    void finished(Run run, ExecStatus status, Integer exitCode);
  }

  /** The child process of the current step. */
  static final class Step {
    final Process process;
    final long pid;
    final OutputStream stdin;
    StreamPump out;
    StreamPump err;
    StdinWaitDetector detector;

    Step(Process p) {
      process = p;
      pid = p.pid();
      stdin = p.getOutputStream();
    }
  }

  private final ProcessLauncher launcher;
  private final Toolchain tools;
  private final EngineThreads threads;
  private final LogBuffer log;
  private final Finisher finisher;
  private final Object lock = new Object();
  private final List<Long> lingering = new CopyOnWriteArrayList<>();
  private volatile Step step; // written under lock
  private boolean closed; // guarded by lock

  StepRunner(
      ProcessLauncher launcher,
      Toolchain tools,
      EngineThreads threads,
      LogBuffer log,
      Finisher finisher) {
    this.launcher = launcher;
    this.tools = tools;
    this.threads = threads;
    this.log = log;
    this.finisher = finisher;
  }

  /** The query-mode step of {@code code}. */
  static List<StepSpec> query(LanguageRuntime runtime, Workspace w, String code) {
    return List.of(new StepSpec(() -> queryCommand(runtime, w, code), ExecStatus.FINISHED, true));
  }

  /** The batch-mode steps; {@code null} options mean build and exec with the runtime's defaults. */
  static List<StepSpec> batch(BatchOptions options, LanguageRuntime runtime, Workspace w) {
    BatchOptions o = options != null ? options : new BatchOptions(null, "*", true, "*");
    List<StepSpec> steps = new ArrayList<>();
    if (o.clean() != null) {
      steps.add(new StepSpec(() -> cleanCommand(o.clean()), ExecStatus.CLEAN_FINISHED, true));
    }
    steps.add(new StepSpec(
        () -> buildCommand(o.build(), runtime, w), ExecStatus.BUILD_FINISHED, o.buildLog()));
    steps.add(new StepSpec(() -> execCommand(o.exec(), runtime, w), ExecStatus.FINISHED, true));
    return steps;
  }

  private static String queryCommand(LanguageRuntime runtime, Workspace w, String code) {
    try {
      return runtime.queryCommand(w, w.nextSnippet(), code);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the snippet: " + e.getMessage(), e);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String cleanCommand(String opt) {
    return blank(opt) || opt.equals("*") ? null : opt;
  }

  private static String buildCommand(String opt, LanguageRuntime runtime, Workspace w) {
    if (blank(opt)) {
      return null;
    }
    if (!opt.equals("*")) {
      return opt;
    }
    for (String mf : List.of("Makefile", "makefile", "GNUmakefile")) {
      if (w.hasFile(mf)) {
        return "make";
      }
    }
    return runtime.defaultBuild(w);
  }

  private static String execCommand(String opt, LanguageRuntime runtime, Workspace w) {
    if (blank(opt)) {
      return null;
    }
    return opt.equals("*") ? runtime.defaultExec(w) : opt;
  }

  /** Runs {@code steps} for {@code run} on a thread of its own; the run's end is reported. */
  void start(Run run, List<StepSpec> steps) {
    threads.start("run", () -> runAll(run, steps));
  }

  private void runAll(Run run, List<StepSpec> steps) {
    try {
      for (StepSpec s : steps) {
        if (run.isFinished() || isClosed()) {
          return;
        }
        String cmd = s.command().get();
        int rc = cmd == null ? 0 : runProcess(run, cmd, s.show());
        if (run.isFinished()) {
          return;
        }
        if (s.status() == ExecStatus.FINISHED) {
          finisher.finished(run, ExecStatus.FINISHED, rc);
          return;
        }
        run.step(s.status(), rc);
        if (s.status() == ExecStatus.BUILD_FINISHED && rc != 0) {
          finisher.finished(run, ExecStatus.FINISHED, 127); // a failed build skips exec
          return;
        }
      }
    } catch (Exception e) {
      run.append("stderr", "[kernel] " + e + "\n");
      finisher.finished(run, ExecStatus.FINISHED, 127);
    }
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private int runProcess(Run run, String command, boolean show) throws Exception {
    ProcessBuilder pb = launcher.builder();
    pb.command(launcher.wrap(List.of(tools.sh, "-c", command), true));
    Step st;
    synchronized (lock) {
      if (closed) {
        return 137;
      }
      st = new Step(pb.start());
      step = st;
    }
    Consumer<String> out = show ? t -> sink(run, "stdout", t) : log::append;
    Consumer<String> err = show ? t -> sink(run, "stderr", t) : log::append;
    st.out = new StreamPump(st.process.getInputStream(), out);
    st.err = new StreamPump(st.process.getErrorStream(), err);
    st.detector = new StdinWaitDetector(st.process, launcher.groups(), st.out, st.err);
    threads.start("out-" + st.pid, st.out);
    threads.start("err-" + st.pid, st.err);
    StdinWaitDetector detector = st.detector;
    ScheduledFuture<?> ticks = threads.every(() -> detector.tick(run), DETECT_MILLIS);
    int rc;
    try {
      rc = st.process.waitFor();
    } finally {
      ticks.cancel(false);
    }
    // A background child may keep the pipes open; don't hang the run on it.
    st.out.awaitDone(1000);
    st.err.awaitDone(1000);
    synchronized (lock) {
      if (step == st) {
        step = null;
      }
    }
    if (!ProcTree.pids(st.pid, launcher.groups()).isEmpty()) {
      lingering.add(st.pid); // killed at close()
    }
    return rc;
  }

  private void sink(Run run, String type, String text) {
    if (!run.append(type, text)) {
      log.append(text);
    }
  }

  /** Writes one line to the current step's stdin. */
  void input(Run run, String text) {
    Step st = step;
    if (st == null) {
      throw new InvalidExecRequestException("No program of this run is reading input");
    }
    st.detector.inputWritten();
    run.clearWaiting();
    try {
      st.stdin.write((text + "\n").getBytes(StandardCharsets.UTF_8));
      st.stdin.flush();
    } catch (IOException e) {
      log.event("cannot send input: " + e.getMessage());
    }
  }

  /** The step now running, or null; pass it to {@link #kill} after ending its run. */
  Step current() {
    return step;
  }

  /** SIGINT to the current step's process group; false when no step runs. */
  boolean interrupt() {
    Step st = step;
    if (st == null) {
      return false;
    }
    ProcTree.signal(tools.kill, "INT", launcher.groups() ? -st.pid : st.pid);
    return true;
  }

  /** Kills a step's whole tree; null is ignored. */
  void kill(Step st) {
    if (st != null) {
      ProcTree.kill(st.pid, launcher.groups(), 100);
      st.process.destroyForcibly();
    }
  }

  /** Kills what earlier steps left running in the background. */
  void killLingering() {
    for (Long pid : lingering) {
      ProcTree.kill(pid, launcher.groups(), 100);
      lingering.remove(pid);
    }
  }

  /** Root PIDs of the step processes still alive (current and lingering). */
  List<Long> roots() {
    List<Long> roots = new ArrayList<>(lingering);
    Step st = step;
    if (st != null) {
      roots.add(st.pid);
    }
    return roots;
  }

  /**
   * Starts no more steps; returns the current one (or null) for the caller to {@link #kill} once it
   * has ended the run, so that the run reports the kernel's close, not the killed process's code.
   */
  Step close() {
    synchronized (lock) {
      closed = true;
      return step;
    }
  }
}
