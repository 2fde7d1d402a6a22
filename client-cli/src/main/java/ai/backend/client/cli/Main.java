package ai.backend.client.cli;

import ai.backend.client.cli.commands.RootCommand;
import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.MalformedResponseException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Entry point of the {@code backend.ai} command (also {@code lcc} and {@code lpython}). */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws java.io.IOException {
    if (args.length == 1 && args[0].equals("--cds-training")) {
      System.exit(CdsTraining.run());
    }
    int rc = run(args, Term.system());
    System.exit(rc);
  }

  /** Start-up settings of the libraries, unless the user set them (e.g. in BACKEND_CLI_JAVA_OPTS). */
  static void tuneLibraries() {
    // Apache HttpClient logs through SLF4J, whose provider lookup scans the class path (~10 ms).
    // Name the
    // provider the jar has (NOP, as found by the scan) and keep SLF4J quiet about having been told.
    setIfAbsent("slf4j.provider", "org.slf4j.nop.NOPServiceProvider");
    setIfAbsent("slf4j.internal.verbosity", "WARN");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  static int run(String[] args, Term term) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      String usage = RootUsage.cached(); // the text picocli would print, recorded for this jar
      if (usage != null) {
        term.out.print(usage);
        term.out.flush();
        return 0;
      }
    }
    tuneLibraries();
    Cli cli = new Cli(term, System.getProperty("backendai.cli.name", "backend.ai"));
    CommandLine cl = commandLine(cli, invokedCommand(args));
    try {
      return cl.execute(args);
    } finally {
      try {
        cli.backend.close();
      } catch (RuntimeException ignored) {
        // closing is best effort on the way out
      }
    }
  }

  /** The root command line with every command fully built (completion scripts need all of them). */
  public static CommandLine commandLine(Cli cli) {
    return commandLine(cli, null);
  }

  /**
   * The root command line. Only {@code invoked} (all commands when null) is introspected. When it names a
   * command, that command is the only one registered: the others play no part in parsing or running it.
   * Otherwise (the root's {@code --help}, no or an unknown command) the others are stubs carrying their
   * name and summary, enough for the root's usage and for "did you mean" suggestions.
   */
  static CommandLine commandLine(Cli cli, String invoked) {
    // Each CommandLine registers picocli's built-in converters, some found by reflection (java.sql,
    // java.time, Path), 16 times over with the stubs. The root and the stubs have no option of
    // those
    // types: they are built with them excluded; the invoked command gets them all as usual.
    String excludes = System.getProperty(CONVERTER_EXCLUDES);
    CommandLine cl;
    try {
      leanConverters(excludes);
      CommandLine.IFactory factory = cli.factory();
      cl = new CommandLine(RootCommand.spec(cli), factory);
      cl.setCommandName("backend.ai");
      boolean known = false;
      for (Commands.Entry e : Commands.ALL) {
        known |= invoked != null && (e.name().equals(invoked) || e.aliases().contains(invoked));
      }
      for (Commands.Entry e : Commands.ALL) {
        boolean real =
            invoked == null || e.name().equals(invoked) || e.aliases().contains(invoked);
        if (!real && known) {
          continue;
        }
        if (real) {
          restoreConverters(excludes);
          Object command = e.factory().apply(cli); // a command object, or a model built in code
          CommandLine sub = new CommandLine(command, factory);
          cl.addSubcommand(e.name(), sub, e.aliases().toArray(String[]::new));
          leanConverters(excludes);
        } else {
          CommandSpec stub = CommandSpec.wrapWithoutInspection(null, factory)
              .name(e.name())
              .aliases(e.aliases().toArray(String[]::new));
          stub.usageMessage().description(e.summary());
          cl.addSubcommand(
              e.name(), new CommandLine(stub, factory), e.aliases().toArray(String[]::new));
        }
      }
    } finally {
      restoreConverters(excludes);
    }
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(new java.io.PrintWriter(cli.term.out, true));
    cl.setErr(new java.io.PrintWriter(cli.term.err, true));
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      cli.term.fail(ex.getMessage());
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) {
        c.getErr()
            .println(
                "Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      }
      c.getErr().flush();
      return ExitCode.USAGE.code;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> report(cli, ex));
    return cl;
  }

  private static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";

  /** Leaves out picocli's reflective converters (the regex matches them all), unless the user set them. */
  private static void leanConverters(String userSetting) {
    if (userSetting == null) {
      System.setProperty(CONVERTER_EXCLUDES, ".*");
    }
  }

  private static void restoreConverters(String userSetting) {
    if (userSetting == null) {
      System.clearProperty(CONVERTER_EXCLUDES);
    } else {
      System.setProperty(CONVERTER_EXCLUDES, userSetting);
    }
  }

  /** The first positional argument (the command name), skipping the root's options. */
  static String invokedCommand(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--output")) {
        i++;
      } else if (a.equals("--")) {
        return null;
      } else if (!a.startsWith("-")) {
        return a;
      }
    }
    return "";
  }

  /** Prints one clear line (details with {@code -v}) and returns the exit code for {@code e}. */
  static int report(Cli cli, Throwable e) {
    ExitCode code = ExitCode.of(e);
    String msg = e.getMessage();
    if (msg == null || msg.isBlank()) {
      msg = e.getClass().getSimpleName();
    }
    if (e instanceof MalformedResponseException) {
      // the server's answer, not a bug here: the message already says what to check
      msg = e.getClass().getSimpleName() + ": " + msg;
    } else if (code == ExitCode.INTERNAL && !(e instanceof CliException)) {
      msg = "internal error: " + e.getClass().getName() + ": " + msg
          + (cli.verbose() ? "" : " (run with -v for details)");
    }
    if (code == ExitCode.INTERRUPTED) {
      cli.term.clearWait();
      if (!msg.isBlank()) {
        cli.term.fail(msg);
      }
      return code.code;
    }
    // the first line of the message only: multi-line details belong to --verbose
    String first = msg.lines().findFirst().orElse(msg);
    cli.term.fail(first);
    if (cli.verbose()) {
      if (e instanceof BackendApiException api) {
        // the message above already has title and msg; print the fields the line leaves out
        cli.term.err.println("  HTTP " + api.status() + " " + api.method() + " " + api.path()
            + (api.type() != null ? "\n  type: " + api.type() : ""));
      }
      // the rest of a multi-line message; its first line is printed above
      msg.lines().skip(1).forEach(l -> cli.term.err.println("  " + l));
      e.printStackTrace(cli.term.err);
    } else if (!first.equals(msg) && code != ExitCode.INTERNAL) {
      msg.lines().skip(1).limit(20).forEach(l -> cli.term.err.println("  " + l));
    }
    cli.term.err.flush();
    return code.code;
  }
}
