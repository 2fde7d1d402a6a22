package ai.backend.client.cli.commands;

import ai.backend.client.cli.Cli;
import ai.backend.client.cli.LocalServerManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code local start|stop|status|serve}: the embedded local server. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      LocalCommand.SUMMARY,
      "It is used when BACKEND_ENDPOINT is not set.",
      "State (pid, port, keypair, logs, session work dirs) lives in $BACKEND_LOCAL_STATE_DIR or ~/.backend.ai/local."
    },
    subcommands = {
      LocalCommand.Start.class,
      LocalCommand.Stop.class,
      LocalCommand.Status.class,
      LocalCommand.Serve.class
    })
public final class LocalCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY =
      "Manage the local Backend.AI server (start, stop, status, serve).";

  private final Cli cli;

  public LocalCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    return new Status(cli).call();
  }

  static Map<String, Object> describe(
      LocalServerManager m, LocalServerManager.State st, boolean showSecret) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("running", st != null);
    o.put("state_dir", m.dir().toString());
    if (st != null) {
      o.put("pid", st.pid);
      o.put("endpoint", st.endpoint);
      o.put("access_key", st.accessKey);
      o.put(
          "secret_key", showSecret ? st.secretKey : ConfigCommand.mask(st.secretKey.toCharArray()));
      o.put("started_at", st.startedAt);
      o.put("log", st.log);
    }
    return o;
  }

  /** {@code local start}. */
  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start the local server in the background (or report the running one).")
  public static final class Start implements Callable<Integer> {
    private final Cli cli;

    public Start(Cli cli) {
      this.cli = cli;
    }

    @Option(
        names = "--env",
        description = "Print shell 'export' lines for BACKEND_ENDPOINT and the keypair.")
    boolean env;

    @Override
    public Integer call() {
      LocalServerManager m = LocalServerManager.fromEnvironment();
      LocalServerManager.Started s = m.ensureRunning();
      LocalServerManager.State st = s.state();
      if (cli.json()) {
        cli.printJson(describe(m, st, false));
      } else if (env) {
        cli.term.out.println("export BACKEND_ENDPOINT=" + st.endpoint);
        cli.term.out.println("export BACKEND_ACCESS_KEY=" + st.accessKey);
        cli.term.out.println("export BACKEND_SECRET_KEY=" + st.secretKey);
      }
      if (s.fresh()) {
        cli.term.done("Local server started at " + st.endpoint + " (pid " + st.pid + ").");
      } else {
        cli.term.info("Local server already running at " + st.endpoint + " (pid " + st.pid + ").");
      }
      return 0;
    }
  }

  /** {@code local stop}. */
  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stop the background local server (its sessions end with it).")
  public static final class Stop implements Callable<Integer> {
    private final Cli cli;

    public Stop(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      LocalServerManager m = LocalServerManager.fromEnvironment();
      Optional<LocalServerManager.State> st = m.stop();
      if (cli.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("stopped", st.isPresent());
        st.ifPresent(s -> o.put("pid", s.pid));
        cli.printJson(o);
      }
      if (st.isPresent()) {
        cli.term.done("Local server stopped (pid " + st.get().pid + ").");
      } else {
        cli.term.info("No local server was running.");
      }
      return 0;
    }
  }

  /** {@code local status}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Show whether the local server runs, where, and its keypair (secret masked).")
  public static final class Status implements Callable<Integer> {
    private final Cli cli;

    public Status(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      LocalServerManager m = LocalServerManager.fromEnvironment();
      LocalServerManager.State st = m.running().orElse(null);
      Map<String, Object> o = describe(m, st, false);
      if (cli.json()) {
        cli.printJson(o);
      } else if (st == null) {
        cli.term.out.println("Local server: not running (state dir " + m.dir() + ")");
      } else {
        cli.term.out.println("Local server: running at " + st.endpoint + " (pid " + st.pid + ")");
        cli.term.out.println("Access key:   " + st.accessKey);
        cli.term.out.println("State dir:    " + m.dir());
        cli.term.out.println("Log:          " + st.log);
      }
      return st == null ? ai.backend.client.cli.ExitCode.NOT_RUNNING.code : 0;
    }
  }

  /** {@code local serve}: the server in the foreground. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Run a local server in the foreground until Ctrl-C.",
        "Options after '--' go to the server as they are (see 'local serve -- --help')."
      })
  public static final class Serve implements Callable<Integer> {
    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
        names = {"-p", "--port"},
        defaultValue = "8081",
        description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--access-key",
        description = "Access key to accept (default: the server's choice, printed).")
    String accessKey;

    @Option(names = "--secret-key", description = "Secret key of that access key.")
    String secretKey;

    @Option(names = "--state-dir", description = "Directory for session work dirs and state.")
    String stateDir;

    @picocli.CommandLine.Parameters(arity = "0..*", paramLabel = "SERVER_ARGS", hidden = true)
    java.util.List<String> extra = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
      java.util.List<String> args = new java.util.ArrayList<>(
          java.util.List.of("--host", host, "--port", Integer.toString(port)));
      if (accessKey != null) {
        args.addAll(java.util.List.of("--access-key", accessKey));
      }
      if (secretKey != null) {
        args.addAll(java.util.List.of("--secret-key", secretKey));
      }
      if (stateDir != null) {
        args.addAll(java.util.List.of("--state-dir", stateDir));
      }
      args.addAll(extra);
      runServerMain(args.toArray(String[]::new));
      // the server's main may return once it listens: keep this process alive while it serves
      Thread self = Thread.currentThread();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t != self && !t.isDaemon() && t.isAlive() && !t.getName().equals("DestroyJavaVM")) {
          t.join();
        }
      }
      return 0;
    }

    /**
     * {@code ai.backend.local.Main.main(args)} in this process: from the class path when it is there,
     * else from the server jar next to the CLI jar (the CLI jar leaves the server out).
     */
    private static void runServerMain(String[] args) throws Exception {
      ClassLoader own = Serve.class.getClassLoader();
      ClassLoader loader = own;
      if (own.getResource("ai/backend/local/Main.class") == null) {
        java.net.URL[] urls = java.util.Arrays.stream(
                LocalServerManager.serverClassPath().split(java.io.File.pathSeparator))
            .map(p -> {
              try {
                return java.nio.file.Path.of(p).toUri().toURL();
              } catch (java.net.MalformedURLException e) {
                throw new IllegalStateException(e);
              }
            })
            .toArray(java.net.URL[]::new);
        loader = new java.net.URLClassLoader(urls, own);
        Thread.currentThread().setContextClassLoader(loader);
      }
      try {
        Class.forName("ai.backend.local.Main", true, loader)
            .getMethod("main", String[].class)
            .invoke(null, (Object) args);
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw e.getCause() instanceof Exception ex ? ex : e;
      }
    }
  }
}
