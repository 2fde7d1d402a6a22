package ai.backend.client.cli.commands;

import ai.backend.client.cli.Cli;
import ai.backend.client.cli.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code backend.ai}: the root command with the global options. */
@Command(
    name = "backend.ai",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
        "The Backend.AI command line: run code in compute sessions, manage them, proxy the API.",
        "",
        "Without BACKEND_ENDPOINT it uses a local Backend.AI server started in the background on first use "
            + "(state under ~/.backend.ai/local). Set BACKEND_ENDPOINT, BACKEND_ACCESS_KEY and "
            + "BACKEND_SECRET_KEY to use a cluster."},
    footer = {"", "Exit codes: 0 ok (run: the program's exit code), 2 usage, 65 rejected, 66 not found, "
        + "69 server error, 70 internal, 75 no answer, 77 authentication, 78 configuration, 130 interrupted.",
        "Run '${ROOT-COMMAND-NAME} COMMAND --help' for the options of a command."})
public final class RootCommand implements java.util.concurrent.Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--output", scope = ScopeType.INHERIT, paramLabel = "FORMAT", order = 100,
      description = "Output format of data: ${COMPLETION-CANDIDATES} (default: table; json = NDJSON for streams).")
  void output(Cli.Output output) {
    Main.cli().setOutput(output);
  }

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, order = 101,
      description = "Show details (HTTP status, problem type, stack trace) when a command fails.")
  void verbose(boolean v) {
    Main.cli().setVerbose(v);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(Main.cli().term.err);
    return ai.backend.client.cli.ExitCode.USAGE.code;
  }
}
