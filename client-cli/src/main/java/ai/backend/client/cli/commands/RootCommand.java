package ai.backend.client.cli.commands;

import ai.backend.client.cli.Cli;
import ai.backend.client.cli.ExitCode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ScopeType;

/**
 * {@code backend.ai}: the root command with the global options. Built in code rather than from
 * annotations: reading annotations costs picocli its slowest ~100 ms of start-up, which
 * {@code backend.ai --help} should not pay.
 */
public final class RootCommand implements Callable<Integer> {
  private final Cli cli;
  private CommandSpec spec;

  private RootCommand(Cli cli) {
    this.cli = cli;
  }

  /** The root command's model; the commands are added by the caller. */
  public static CommandSpec spec(Cli cli) {
    RootCommand root = new RootCommand(cli);
    CommandSpec s = CommandSpec.wrapWithoutInspection(root, cli.factory());
    root.spec = s;
    s.name("backend.ai").versionProvider(new VersionProvider());
    // -h/-V declared here rather than through mixinStandardHelpOptions, whose mixin is read from
    // annotations
    addHelpAndVersion(s);
    s.usageMessage()
        .sortOptions(false)
        .autoWidth(true)
        .description(
            "The Backend.AI command line: run code in compute sessions, manage them, proxy the API.",
            "",
            "Without BACKEND_ENDPOINT it uses a local Backend.AI server started in the background on first use "
                + "(state under ~/.backend.ai/local). Set BACKEND_ENDPOINT, BACKEND_ACCESS_KEY and "
                + "BACKEND_SECRET_KEY to use a cluster.")
        .footer(
            "",
            "Exit codes: 0 ok (run: the program's exit code), 2 usage, 65 rejected, 66 not found, "
                + "69 server error, 70 internal, 75 no answer, 77 authentication, 78 configuration, 124 run timed out, "
                + "130 interrupted.",
            "Run 'backend.ai COMMAND --help' for the options of a command.");
    s.addOption(OptionSpec.builder("--output")
        .paramLabel("FORMAT")
        .type(Cli.Output.class)
        .completionCandidates(List.of("table", "json"))
        .scopeType(ScopeType.INHERIT)
        .order(100)
        .description(
            "Output format of data: table, json (default: table; json = NDJSON for streams).")
        .setter(new ISetter() {
          @Override
          public <T> T set(T value) {
            if (value != null) {
              cli.setOutput((Cli.Output) value);
            }
            return null;
          }
        })
        .build());
    s.addOption(OptionSpec.builder("-v", "--verbose")
        .arity("0")
        .type(boolean.class)
        .scopeType(ScopeType.INHERIT)
        .order(101)
        .description("Show details (HTTP status, problem type, stack trace) when a command fails.")
        .setter(new ISetter() {
          @Override
          public <T> T set(T value) {
            cli.setVerbose(Boolean.TRUE.equals(value));
            return null;
          }
        })
        .build());
    return s;
  }

  /** No command given: the usage on stderr, exit code 2. */
  /**
   * {@code -h/--help} and {@code -V/--version}, as {@code mixinStandardHelpOptions} declares them, for
   * the commands whose spec is built by hand.
   */
  static void addHelpAndVersion(CommandSpec s) {
    s.addOption(OptionSpec.builder("-h", "--help")
        .usageHelp(true)
        .arity("0")
        .type(boolean.class)
        .description("Show this help message and exit.")
        .build());
    s.addOption(OptionSpec.builder("-V", "--version")
        .versionHelp(true)
        .arity("0")
        .type(boolean.class)
        .description("Print version information and exit.")
        .build());
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(cli.term.err);
    return ExitCode.USAGE.code;
  }
}
