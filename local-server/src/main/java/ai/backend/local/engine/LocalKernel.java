package ai.backend.local.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A kernel made of local processes. Python query mode goes to one persistent interpreter
 * ({@link PythonDriver}); batch mode (every runtime) and query mode of the other runtimes run shell
 * steps as child processes, each in its own session, whose stdin is a pipe held here.
 *
 * <p>Runs are serialized by a fair semaphore (the FIFO "turn"), taken by {@code query}/{@code batch}
 * and released when the run produces its final status (not when the client fetches it).
 */
final class LocalKernel implements Kernel, PythonDriver.Owner {
  /** stdin-wait detection tick while a child process runs and its output pipes are idle. */
  private static final long DETECT_MILLIS = 25;

  private static final Pattern JAVA_CLASS =
      Pattern.compile("(?m)^\\s*(?:public\\s+)?(?:final\\s+)?class\\s+(\\w+)");

  private final String runtime;
  private final Toolchain tools;
  private final Path workDir;
  private final Map<String, String> env;
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
  private final List<Long> lingering = new CopyOnWriteArrayList<>();
  private final AtomicInteger numQueries = new AtomicInteger();
  private final AtomicInteger queryFiles = new AtomicInteger();
  private PythonDriver driver; // guarded by lock
  private volatile Run current;
  private volatile Step step;
  private volatile ScheduledFuture<?> timeoutTask;
  private volatile long memMax;
  private volatile boolean closed;

  /** The child process of the current shell step. */
  private static final class Step {
    final Process process;
    final long pid;
    final OutputStream stdin;
    StreamPump out;
    StreamPump err;
    volatile ScheduledFuture<?> detector;
    String stdinId; // only touched by the scheduler thread
    long[] candidate; // only touched by the scheduler thread
    // rchar of the tree when input was written: until it changes, the reader has not consumed the
    // input yet and a "blocked in read" seen in /proc is stale (wakeup pending), not a new prompt.
    volatile long rcharAtInput = -1;

    Step(Process p) {
      process = p;
      pid = p.pid();
      stdin = p.getOutputStream();
    }
  }

  private record StepSpec(Supplier<String> command, String status, boolean show) {}

  LocalKernel(
      String runtime,
      Toolchain tools,
      Path workDir,
      Map<String, String> environ,
      KernelLimits limits,
      EngineThreads threads,
      Path driverScript,
      SecureRandom random,
      ProcessGuard guard,
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
    this.env = Map.copyOf(e);
    this.privateDir = Files.createTempDirectory(guard.home(), "bai-kernel-");
  }

  /** Starts the persistent interpreter (python); called by the engine right after construction. */
  void init() throws IOException {
    log.event("kernel started: runtime " + runtime + ", work dir " + workDir);
    if (runtime.equals("python")) {
      synchronized (lock) {
        driver = startDriver();
      }
    }
  }

  @Override
  public String runtime() {
    return runtime;
  }

  // ---------------------------------------------------------------- execute

  @Override
  public ExecResult execute(ExecRequest request, Duration flushTimeout) {
    if (request == null || request.mode() == null) {
      throw new InvalidExecRequestException("mode is required");
    }
    long flush = flushTimeout == null ? 0 : Math.max(0, flushTimeout.toNanos());
    switch (request.mode()) {
      case "query":
      case "batch":
        return newRun(request, flush);
      case "continue":
        return collect(currentRun(request.runId()), flush);
      case "input":
        {
          Run r = currentRun(request.runId());
          input(r, request.code());
          return collect(r, flush);
        }
      case "complete":
        {
          String id = blank(request.runId()) ? newRunId() : request.runId();
          return new ExecResult(
              id, "finished", List.of(new ConsoleItem("completion", complete(request.code()))), 0,
              false);
        }
      default:
        throw new InvalidExecRequestException("Unknown execution mode: " + request.mode());
    }
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
      throw new InvalidExecRequestException("continue/input requires the run ID of the current run");
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
      return new ExecResult(r.id, "continued", List.of(), null, false);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("kernel is closed");
    }
  }

  private ExecResult newRun(ExecRequest req, long flushNanos) {
    ensureOpen();
    boolean batch = req.mode().equals("batch");
    String id = blank(req.runId()) ? newRunId() : req.runId();
    boolean interpreter = !batch && runtime.equals("python");
    List<StepSpec> steps = null;
    if (batch) {
      BatchOptions o = req.options() != null ? req.options() : new BatchOptions(null, "*", true, "*");
      steps = new ArrayList<>();
      if (o.clean() != null) {
        steps.add(new StepSpec(() -> cleanCommand(o.clean()), "clean-finished", true));
      }
      steps.add(new StepSpec(() -> buildCommand(o.build()), "build-finished", o.buildLog()));
      steps.add(new StepSpec(() -> execCommand(o.exec()), "finished", true));
    } else if (!interpreter) {
      String code = req.code();
      steps = List.of(new StepSpec(() -> queryCommand(code), "finished", true));
    }
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
        List<StepSpec> s = steps;
        threads.start("run", () -> runSteps(run, s));
      }
    } catch (IOException | RuntimeException e) {
      run.append("stderr", "[kernel] cannot start the run: " + e.getMessage() + "\n");
      finished(run, "finished", 127);
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
      finished(run, "exec-timeout", null); // before the kill, so EOF does not report "finished"
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
      Step st = step;
      finished(run, "exec-timeout", null);
      if (st != null) {
        killStep(st);
      }
    }
  }

  /** Ends a run (idempotent) and passes the turn to the next run. */
  @Override
  public void finished(Run run, String status, Integer exitCode) {
    run.finish(
        status,
        exitCode,
        () -> {
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
    Step st = step;
    if (st == null) {
      throw new InvalidExecRequestException("No program of this run is reading input");
    }
    st.rcharAtInput = ProcTree.rchar(st.pid, tools.setsid != null);
    r.clearWaiting();
    try {
      st.stdin.write((text + "\n").getBytes(StandardCharsets.UTF_8));
      st.stdin.flush();
    } catch (IOException e) {
      log.event("cannot send input: " + e.getMessage());
    }
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
    List<String> cmd = wrap(List.of(tools.python, driverScript.toString()), false);
    PythonDriver d = new PythonDriver(cmd, builder(), tools.setsid != null, this, threads);
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
      finished(run, "finished", exitCode);
    }
  }

  // ---------------------------------------------------------------- child-process steps

  private ProcessBuilder builder() {
    ProcessBuilder pb = new ProcessBuilder().directory(workDir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb;
  }

  /**
   * Default signal dispositions whatever the server inherited, own session (so the tree can be found and signalled as a group), optional address-space limit
   * (not for the JVM and V8, which reserve huge virtual ranges), and unbuffered C stdio via stdbuf
   * (a prompt printed with printf must reach the pipe before the program blocks in scanf).
   */
  private List<String> wrap(List<String> cmd, boolean unbuffered) {
    List<String> out = new ArrayList<>(tools.defaultSignals);
    out.addAll(guard.launchPrefix(guardKey, tools.sh));
    if (tools.setsid != null) {
      out.add(tools.setsid);
    }
    if (limits.memoryBytes() > 0
        && tools.prlimit != null
        && !runtime.equals("java")
        && !runtime.equals("nodejs")) {
      out.add(tools.prlimit);
      out.add("--as=" + limits.memoryBytes());
    }
    if (unbuffered && tools.stdbuf != null) {
      out.add(tools.stdbuf);
      out.add("-o0");
      out.add("-e0");
    }
    out.addAll(cmd);
    return out;
  }

  private void runSteps(Run run, List<StepSpec> steps) {
    try {
      for (StepSpec s : steps) {
        if (run.isFinished() || closed) {
          return;
        }
        String cmd = s.command().get();
        int rc = cmd == null ? 0 : runProcess(run, cmd, s.show());
        if (run.isFinished()) {
          return;
        }
        if (s.status().equals("finished")) {
          finished(run, "finished", rc);
          return;
        }
        run.step(s.status(), rc);
        if (s.status().equals("build-finished") && rc != 0) {
          finished(run, "finished", 127); // a failed build skips exec
          return;
        }
      }
    } catch (Exception e) {
      run.append("stderr", "[kernel] " + e + "\n");
      finished(run, "finished", 127);
    }
  }

  private int runProcess(Run run, String command, boolean show) throws Exception {
    ProcessBuilder pb = builder();
    pb.command(wrap(List.of(tools.sh, "-c", command), true));
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
    threads.start("out-" + st.pid, st.out);
    threads.start("err-" + st.pid, st.err);
    st.detector = threads.every(() -> detect(run, st), DETECT_MILLIS);
    int rc;
    try {
      rc = st.process.waitFor();
    } finally {
      st.detector.cancel(false);
    }
    // A background child may keep the pipes open; don't hang the run on it.
    st.out.awaitDone(1000);
    st.err.awaitDone(1000);
    synchronized (lock) {
      if (step == st) {
        step = null;
      }
    }
    if (!ProcTree.pids(st.pid, tools.setsid != null).isEmpty()) {
      lingering.add(st.pid); // killed at close()
    }
    return rc;
  }

  private void sink(Run run, String type, String text) {
    if (!run.append(type, text)) {
      log.append(text);
    }
  }

  /**
   * Runs on the scheduler every {@value #DETECT_MILLIS} ms during a step. Reports
   * {@code waiting-input} when (1) both output pumps are parked in a read, (2) some thread of the
   * step's tree is blocked in read(2)/readv/pread64 on fd 0 and that fd 0 is our stdin pipe (from
   * {@code /proc/<pid>/task/<tid>/syscall} and {@code /proc/<pid>/fd/0}), and (3) both still hold
   * one tick later with no read completed in between: the program wrote its prompt before blocking,
   * so a pump that stays parked with an unchanged read count has consumed it. After an input line
   * was written, the tree's {@code rchar} must first change (the line was consumed).
   */
  private void detect(Run run, Step st) {
    try {
      if (run.isFinished() || run.isWaitingInput() || !st.process.isAlive()) {
        st.candidate = null;
        return;
      }
      if (!(st.out.parked && st.err.parked)) {
        st.candidate = null;
        return;
      }
      if (st.stdinId == null) {
        String id = ProcTree.stdinId(st.pid);
        if (id == null || !id.startsWith("pipe:")) {
          return;
        }
        st.stdinId = id;
      }
      long[] snap = {st.out.seq, st.err.seq};
      long atInput = st.rcharAtInput;
      if (atInput >= 0) {
        if (ProcTree.rchar(st.pid, tools.setsid != null) == atInput) {
          st.candidate = null;
          return;
        }
        st.rcharAtInput = -1;
      }
      if (!ProcTree.blockedReadingStdin(st.pid, st.stdinId)) {
        st.candidate = null;
        return;
      }
      if (st.candidate != null && Arrays.equals(st.candidate, snap)) {
        st.candidate = null;
        run.setWaiting(false);
      } else {
        st.candidate = snap;
      }
    } catch (RuntimeException e) {
      st.candidate = null;
    }
  }

  private void killStep(Step st) {
    ProcTree.kill(st.pid, tools.setsid != null, 100);
    st.process.destroyForcibly();
  }

  // ---------------------------------------------------------------- commands

  private static String q(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private String queryCommand(String code) {
    try {
      int n = queryFiles.incrementAndGet();
      switch (runtime) {
        case "c":
        case "cpp":
          {
            boolean c = runtime.equals("c");
            Path src = privateDir.resolve("q" + n + (c ? ".c" : ".cpp"));
            Path bin = privateDir.resolve("q" + n);
            Files.writeString(src, code);
            return q(c ? tools.gcc : tools.gpp) + " -o " + q(bin.toString()) + " " + q(src.toString())
                + (c ? " -lm" : "") + " && " + q(bin.toString());
          }
        case "nodejs":
          return q(tools.node) + " " + q(write("q" + n + ".js", code));
        case "lua5":
          return q(tools.lua) + " " + q(write("q" + n + ".lua", code));
        case "sh":
          return q(tools.bash != null ? tools.bash : tools.sh) + " " + q(write("q" + n + ".sh", code));
        case "java":
          {
            Matcher m = JAVA_CLASS.matcher(code);
            String src = code;
            String cls = "Main";
            if (m.find()) {
              cls = m.group(1);
            } else {
              src =
                  "public class Main { public static void main(String[] args) throws Exception {\n"
                      + code
                      + "\n} }\n";
            }
            Path dir = Files.createDirectories(privateDir.resolve("j" + n));
            Path file = dir.resolve(cls + ".java");
            Files.writeString(file, src);
            return q(tools.java) + " " + q(file.toString());
          }
        default: // python query runs in the interpreter; never here
          return q(tools.python) + " " + q(write("q" + n + ".py", code));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the snippet: " + e.getMessage(), e);
    }
  }

  private String write(String name, String code) throws IOException {
    Path p = privateDir.resolve(name);
    Files.writeString(p, code);
    return p.toString();
  }

  private static String cleanCommand(String opt) {
    return blank(opt) || opt.equals("*") ? null : opt;
  }

  private String buildCommand(String opt) {
    if (blank(opt)) {
      return null;
    }
    if (!opt.equals("*")) {
      return opt;
    }
    for (String mf : List.of("Makefile", "makefile", "GNUmakefile")) {
      if (Files.isRegularFile(workDir.resolve(mf))) {
        return "make";
      }
    }
    switch (runtime) {
      case "c":
        return q(tools.gcc) + " -Wall -o ./main *.c -lm";
      case "cpp":
        {
          List<String> srcs = filesEnding(".cpp", ".cc", ".cxx");
          String files = srcs.isEmpty() ? "*.cpp" : String.join(" ", srcs.stream().map(LocalKernel::q).toList());
          return q(tools.gpp) + " -o ./main " + files;
        }
      case "java":
        return (tools.javac != null ? q(tools.javac) : "javac") + " -d . *.java";
      case "python":
        return Files.isRegularFile(workDir.resolve("setup.py"))
            ? q(tools.python) + " setup.py develop"
            : null;
      default:
        return null;
    }
  }

  private String execCommand(String opt) {
    if (blank(opt)) {
      return null;
    }
    if (!opt.equals("*")) {
      return opt;
    }
    switch (runtime) {
      case "c":
      case "cpp":
        return "./main";
      case "python":
        return Files.isRegularFile(workDir.resolve("main.py"))
            ? q(tools.python) + " main.py"
            : "echo 'python3: cannot open file main.py: No such file or directory' >&2; exit 127";
      case "java":
        return q(tools.java) + " -cp . " + javaMainClass();
      case "nodejs":
        return q(tools.node) + " main.js";
      case "lua5":
        return q(tools.lua) + " main.lua";
      default:
        return "sh main.sh";
    }
  }

  private List<String> filesEnding(String... exts) {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(workDir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        for (String e : exts) {
          if (n.endsWith(e) && Files.isRegularFile(p)) {
            out.add(n);
          }
        }
      }
    } catch (IOException e) {
      return out;
    }
    out.sort(null);
    return out;
  }

  /** The class with a main method among the work dir's sources; {@code Main} otherwise. */
  private String javaMainClass() {
    for (String f : filesEnding(".java")) {
      try {
        String src = Files.readString(workDir.resolve(f));
        if (src.contains("static void main")) {
          return f.substring(0, f.length() - ".java".length());
        }
      } catch (IOException | RuntimeException e) {
        // unreadable: skip
      }
    }
    return "Main";
  }

  // ---------------------------------------------------------------- control

  @Override
  public void interrupt() {
    if (closed) {
      return;
    }
    boolean group = tools.setsid != null;
    Step st = step;
    if (st != null) {
      ProcTree.signal(tools.kill, "INT", group ? -st.pid : st.pid);
      return;
    }
    Run r = current;
    PythonDriver d;
    synchronized (lock) {
      d = driver;
    }
    if (d != null && r != null && r.interpreter && !r.isFinished()) {
      ProcTree.signal(tools.kill, "INT", group ? -d.pid : d.pid);
    }
  }

  @Override
  public void restart() {
    ensureOpen();
    PythonDriver d;
    Step st;
    synchronized (lock) {
      d = driver;
      driver = null;
      st = step;
    }
    Run r = current;
    if (r != null && !r.isFinished()) {
      r.append("stderr", "\n[kernel] restarted\n");
      finished(r, "finished", 130);
    }
    if (st != null) {
      killStep(st);
    }
    if (d != null) {
      d.close();
    }
    killLingering();
    log.event("restarted");
    if (runtime.equals("python")) {
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

  private void killLingering() {
    for (Long pid : lingering) {
      ProcTree.kill(pid, tools.setsid != null, 100);
      lingering.remove(pid);
    }
  }

  @Override
  public List<String> complete(String code) {
    if (!runtime.equals("python") || closed || code == null) {
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
    List<Long> roots = new ArrayList<>(lingering);
    synchronized (lock) {
      if (driver != null) {
        roots.add(driver.pid);
      }
    }
    Step st = step;
    if (st != null) {
      roots.add(st.pid);
    }
    return roots;
  }

  @Override
  public List<Long> pids() {
    List<Long> out = new ArrayList<>();
    for (long root : roots()) {
      for (long p : ProcTree.pids(root, tools.setsid != null)) {
        if (!out.contains(p)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  @Override
  public KernelStats stats() {
    long[] u = ProcTree.usage(roots(), tools.setsid != null);
    long max = Math.max(memMax, u[1]);
    memMax = max;
    return new KernelStats(u[0], max, u[1], numQueries.get());
  }

  @Override
  public boolean isAlive() {
    if (closed) {
      return false;
    }
    if (!runtime.equals("python")) {
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
    Step st;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      d = driver;
      driver = null;
      st = step;
    }
    Run r = current;
    if (r != null && !r.isFinished()) {
      finished(r, "finished", 137); // wakes a client still polling this run
    }
    if (st != null) {
      killStep(st);
    }
    if (d != null) {
      d.close(snapshot);
    }
    killLingering();
    // what left the tree (setsid -f, double forks); at engine close one scan covers every kernel
    int escaped = snapshot == null ? guard.kill(guardKey) : 0;
    log.event(escaped > 0 ? "kernel closed; killed " + escaped + " detached process(es)" : "kernel closed");
    try (Stream<Path> files = Files.walk(privateDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // temp dir: best effort
    }
    onClose.accept(this);
  }
}
