package ai.backend.client.cli.commands;

import ai.backend.client.BatchOptions;
import ai.backend.client.ConsoleItem;
import ai.backend.client.ConsoleListener;
import ai.backend.client.ExecutionStatus;
import ai.backend.client.InputProvider;
import ai.backend.client.Kernel;
import ai.backend.client.KernelOptions;
import ai.backend.client.RunOptions;
import ai.backend.client.RunResult;
import ai.backend.client.Session;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.CliException;
import ai.backend.client.cli.ConsolePrinter;
import ai.backend.client.cli.ExitCode;
import ai.backend.client.cli.Progress;
import ai.backend.client.cli.Term;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code run}: run code or files in a (new or reused) compute session. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      RunCommand.SUMMARY,
      "The code snippet (-c) or the given files run in a compute session of IMAGE; their output is streamed "
          + "and the program's exit code is the command's.",
      "Files are uploaded (relative to --basedir), then built and executed with the runtime's defaults "
          + "unless --build/--exec say otherwise. The session (named with -t, else generated) is created or "
          + "reused and kept for later commands unless --rm is given.",
      "Examples:",
      "  backend.ai run python -c \"print('hello world')\"",
      "  backend.ai run c main.c mylib.c mylib.h",
      "  backend.ai run -t mysess --rm python script.py"
    })
public final class RunCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY =
      "Run code or files in a compute session (created or reused).";

  private final Cli cli;

  public RunCommand(Cli cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      paramLabel = "IMAGE",
      description = "The image (runtime), e.g. python, c, cpp, java, nodejs.")
  String image;

  @Parameters(
      index = "1..*",
      paramLabel = "FILES",
      description = "Files to upload and run (batch mode).")
  List<Path> files = new ArrayList<>();

  @Option(
      names = {"-c", "--code"},
      paramLabel = "CODE",
      description = "The code snippet to run (query mode).")
  String code;

  @Option(
      names = {"-t", "--client-token", "--name"},
      paramLabel = "NAME",
      description =
          "Session name (client token): the session is created or reused and kept afterwards.")
  String name;

  @Option(names = "--rm", description = "Terminate the session when the run is over.")
  boolean rm;

  @Option(
      names = {"-e", "--env"},
      paramLabel = "KEY=VAL",
      description = "Environment variable for the session. Repeatable.")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(
      names = {"-m", "--mount"},
      paramLabel = "NAME[=PATH][:ro]",
      description =
          "Virtual folder to mount, at /home/work/NAME or PATH (relative: under /home/work), "
              + "read-only with :ro. Repeatable; BACKEND_VFOLDER_MOUNTS (comma list) is appended.")
  List<String> mounts = new ArrayList<>();

  @Option(
      names = {"-r", "--resources"},
      paramLabel = "SLOT=AMOUNT",
      split = ",",
      description = "Resource request, e.g. -r cpu=1,mem=256 (mem in MiB). Repeatable.")
  Map<String, String> resources = new LinkedHashMap<>();

  @Option(
      names = "--build",
      paramLabel = "CMD",
      description = "Build command for batch mode (default: * = the runtime's heuristic).")
  String build;

  @Option(
      names = "--exec",
      paramLabel = "CMD",
      description = "Execute command for batch mode (default: * = the runtime's heuristic).")
  String exec;

  @Option(
      names = "--basedir",
      paramLabel = "DIR",
      description =
          "Base directory of FILES: upload names are relative to it (default: current directory).")
  Path basedir;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print no status lines, only the program's output.")
  boolean quiet;

  @Option(
      names = "--terminal",
      description = "Open an interactive terminal in the session instead of running code "
          + "(Ctrl-] closes it).")
  boolean terminal;

  @Option(
      names = "--no-stream",
      description = "Use the REST execute loop even when the server offers streaming execute.")
  boolean noStream;

  @Option(
      names = {"-s", "--stats"},
      description = "Print the session's statistics when it is terminated (with --rm).")
  boolean stats;

  @Override
  public Integer call() throws Exception {
    Term term = cli.term;
    term.quiet(quiet);
    if (terminal && (code != null || !files.isEmpty())) {
      throw new CliException(
          ExitCode.USAGE, "--terminal opens a terminal: give no -c CODE or FILES with it");
    }
    if (!terminal && code == null && files.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "provide the code with -c CODE or the FILES to run");
    }
    if (code != null && !files.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "give either -c CODE or FILES, not both");
    }
    Path base = (basedir != null ? basedir : Path.of("")).toAbsolutePath().normalize();
    List<Path> resolved = new ArrayList<>();
    for (Path f : files) {
      Path p = f.toAbsolutePath().normalize();
      if (!Files.isRegularFile(p)) {
        throw new CliException(ExitCode.NOT_FOUND, "file not found: " + f);
      }
      if (!p.startsWith(base)) {
        throw new CliException(
            ExitCode.USAGE,
            "file " + f + " is outside the base directory " + base + " (see --basedir)");
      }
      resolved.add(p);
    }
    if (name != null) {
      KernelOptions.validateName(name);
    }
    KernelOptions.Builder ob = KernelOptions.builder().environ(env).mounts(mounts);
    resources.forEach((k, v) -> ob.resource(k, parseAmount(v)));
    if (name != null) {
      ob.name(name);
    }
    boolean temporary = name == null;
    boolean destroyAfter = rm;

    Session session = cli.backend.session();
    if (name != null) {
      term.info("Client session token: " + name);
    }
    term.waiting(temporary ? "Creating a session..." : "Connecting to the session...");
    Kernel kernel = Kernel.getOrCreate(session, image, ob.build());
    if (kernel.isCreated()) {
      term.done("Session " + kernel.name() + " is ready.");
    } else {
      term.done("Reusing session " + kernel.name() + "...");
    }

    try {
      if (terminal) {
        int rc = ShellCommand.open(cli, kernel);
        if (destroyAfter) {
          term.waiting("Cleaning up the session...");
          kernel.destroy();
          term.done("Session " + kernel.name() + " terminated.");
        }
        return rc;
      }
      return runIn(cli, kernel, resolved, base, destroyAfter);
    } catch (RuntimeException e) {
      if (destroyAfter) {
        try {
          kernel.destroy();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private int runIn(Cli cli, Kernel kernel, List<Path> resolved, Path base, boolean destroyAfter) {
    Term term = cli.term;
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicBoolean finished = new AtomicBoolean();
    Object previous = installInterruptHandler(term, kernel, interrupted, finished, destroyAfter);
    RunResult result;
    boolean json = cli.json();
    List<ConsoleItem> collected = new ArrayList<>();
    ConsoleListener printer = json ? collected::add : new ConsolePrinter(term);
    RunOptions options = RunOptions.defaults()
        .withListener(printer)
        .withInput(new StdinInput(term))
        .withStepListener((status, exitCode) -> {
          if (status == ExecutionStatus.BUILD_FINISHED) {
            term.done("Build finished. (exit code = " + exitCode + ")");
          } else if (status == ExecutionStatus.CLEAN_FINISHED) {
            term.done("Clean finished. (exit code = " + exitCode + ")");
          }
        });
    // streaming execute (spec §8.2) shows output as it is produced; the REST loop polls in 2 s
    // windows
    boolean streaming = !noStream && kernel.supportsStreaming();
    try {
      if (code != null) {
        result = streaming ? kernel.streamRun(code, options) : kernel.run(code, options);
      } else {
        term.waiting("Uploading source files...");
        try (Progress bar = new Progress(term, "Uploading files")) {
          kernel.upload(resolved, base, bar.listener());
        }
        term.done("Uploading done.");
        BatchOptions batch =
            new BatchOptions(null, build != null ? build : "*", exec != null ? exec : "*", false);
        result =
            streaming ? kernel.streamRunBatch(batch, options) : kernel.runBatch(batch, options);
      }
    } finally {
      finished.set(true);
      restoreInterruptHandler(previous);
    }
    int rc = exitCodeOf(result);
    if (result.status() == ExecutionStatus.EXEC_TIMEOUT) {
      term.fail("Execution timed out on the server.");
    } else if (!interrupted.get()) {
      term.done("Finished. (exit code = "
          + (result.exitCode().isPresent() ? result.exitCode().getAsInt() : "unknown") + ")");
    }
    Map<String, Object> statsMap = null;
    if (destroyAfter) {
      term.waiting("Cleaning up the session...");
      statsMap = kernel.destroy().stats();
      term.done("Session " + kernel.name() + " terminated.");
      if (stats && !json) {
        printStats(cli, statsMap);
      }
    } else if (stats) {
      term.warn("Statistics are printed when the session is terminated (use --rm).");
    }
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("session", kernel.name());
      out.put("created", kernel.isCreated());
      out.put("runId", result.runId());
      out.put("status", result.rawStatus());
      out.put("exitCode", exitCodeOrNull(result));
      out.put("stdout", result.stdout());
      out.put("stderr", result.stderr());
      out.put("console", consoleJson(collected));
      out.put("terminated", destroyAfter);
      if (stats && statsMap != null) {
        out.put("stats", statsMap);
      }
      cli.printJson(out);
    }
    if (interrupted.get()) {
      return ExitCode.INTERRUPTED.code;
    }
    return rc;
  }

  static Object parseAmount(String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e2) {
        return v;
      }
    }
  }

  /** The process exit code for a run: the program's (mod 256), 124 for a server-side timeout. */
  static int exitCodeOf(RunResult r) {
    if (r.status() == ExecutionStatus.EXEC_TIMEOUT) {
      return ExitCode.EXEC_TIMEOUT.code;
    }
    return r.exitCode().orElse(0) & 0xff;
  }

  /** The exit code for JSON output: null when the run did not finish with one. */
  static Integer exitCodeOrNull(RunResult r) {
    return r.exitCode().isPresent() ? r.exitCode().getAsInt() : null;
  }

  static List<List<Object>> consoleJson(List<ConsoleItem> items) {
    List<List<Object>> out = new ArrayList<>();
    for (ConsoleItem i : items) {
      Object v;
      if (i instanceof ConsoleItem.Stdout s) {
        v = s.text();
      } else if (i instanceof ConsoleItem.Stderr s) {
        v = s.text();
      } else if (i instanceof ConsoleItem.Media m) {
        v = List.of(m.mimeType(), m.data());
      } else if (i instanceof ConsoleItem.Html h) {
        v = h.html();
      } else if (i instanceof ConsoleItem.Log l) {
        v = l.value();
      } else if (i instanceof ConsoleItem.Other o) {
        v = o.value();
      } else {
        v = i.toString();
      }
      List<Object> pair = new ArrayList<>();
      pair.add(i.type());
      pair.add(v);
      out.add(pair);
    }
    return out;
  }

  private static void printStats(Cli cli, Map<String, Object> stats) {
    if (stats == null || stats.isEmpty()) {
      cli.term.warn("Statistics is not available.");
      return;
    }
    cli.term.info("Statistics:");
    List<List<String>> rows = new ArrayList<>();
    stats.forEach((k, v) -> rows.add(List.of(k, String.valueOf(v))));
    cli.printTable(List.of("Key", "Value"), rows);
  }

  /** Answers {@code waiting-input} from stdin; passwords are read without echo on a terminal. */
  static final class StdinInput implements InputProvider {
    private final Term term;
    private BufferedReader reader;

    StdinInput(Term term) {
      this.term = term;
    }

    @Override
    public String readLine(String prompt, boolean password) {
      term.out.flush();
      Console console = System.console();
      if (password && console != null) {
        char[] pw = console.readPassword();
        return pw == null ? "" : new String(pw);
      }
      try {
        if (reader == null) {
          reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        String line = reader.readLine();
        return line == null ? "" : line;
      } catch (IOException e) {
        throw new CliException(
            ExitCode.FAILURE, "cannot read the input from stdin: " + e.getMessage(), e);
      }
    }
  }

  /** Ctrl-C: interrupt the session's run once; a second Ctrl-C exits at once. */
  private static Object installInterruptHandler(
      Term term,
      Kernel kernel,
      AtomicBoolean interrupted,
      AtomicBoolean finished,
      boolean destroyAfter) {
    try {
      return sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
        if (!interrupted.compareAndSet(false, true)) {
          term.fail("Interrupted again; exiting without waiting.");
          Runtime.getRuntime().halt(ExitCode.INTERRUPTED.code);
        }
        term.clearWait();
        term.err.println();
        term.info("Interrupting the run... (press Ctrl-C again to exit at once)");
        Thread t = new Thread(
            () -> {
              try {
                kernel.interrupt();
              } catch (RuntimeException e) {
                term.fail("Could not interrupt the session: " + e.getMessage());
                Runtime.getRuntime().halt(ExitCode.INTERRUPTED.code);
              }
              // give the run a moment to report its end; if it does not stop, leave it to the
              // server
              for (int i = 0; i < 30 && !finished.get(); i++) {
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
              if (!finished.get()) {
                if (destroyAfter) {
                  try {
                    kernel.destroy();
                    term.done("Session " + kernel.name() + " terminated.");
                  } catch (RuntimeException ignored) {
                    // exiting anyway
                  }
                } else {
                  term.warn("The run is still going in session " + kernel.name() + ".");
                }
                term.err.flush();
                term.out.flush();
                Runtime.getRuntime().halt(ExitCode.INTERRUPTED.code);
              }
            },
            "interrupt");
        t.setDaemon(true);
        t.start();
      });
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      return null; // signals not available here: the default handling (exit) applies
    }
  }

  private static void restoreInterruptHandler(Object previous) {
    if (previous instanceof sun.misc.SignalHandler h) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), h);
      } catch (IllegalArgumentException | UnsupportedOperationException ignored) {
        // nothing to restore
      }
    }
  }
}
