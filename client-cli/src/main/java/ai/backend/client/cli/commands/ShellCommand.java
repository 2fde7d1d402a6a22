package ai.backend.client.cli.commands;

import ai.backend.client.Kernel;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.CliException;
import ai.backend.client.cli.ExitCode;
import ai.backend.client.cli.TerminalBridge;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code shell NAME}: an interactive terminal in a running session. */
@Command(
    name = "shell",
    mixinStandardHelpOptions = true,
    description = {
      ShellCommand.SUMMARY,
      "The terminal is a shell on a pseudo-terminal in a running compute session.",
      "Keys, Ctrl-C included, go to the remote program; window-size changes are forwarded. Press Ctrl-] to "
          + "close the connection. The local terminal is restored on exit.",
      "Examples:",
      "  backend.ai shell mysess",
      "  backend.ai run --terminal -t mysess python"
    })
public final class ShellCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY = "Open an interactive terminal in a compute session.";

  private final Cli cli;

  public ShellCommand(Cli cli) {
    this.cli = cli;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Session name or ID.")
  String name;

  @Override
  public Integer call() {
    return open(cli, Kernel.of(cli.backend.session(), name));
  }

  /** Opens the terminal of {@code kernel} and returns the CLI's exit code. */
  static int open(Cli cli, Kernel kernel) {
    requireStreaming(kernel);
    cli.term.info("Connecting to the terminal of " + kernel.name() + "... (press Ctrl-] to close)");
    TerminalBridge.Outcome o =
        new TerminalBridge(cli.term).run(kernel, TerminalBridge.Mode.interactive());
    cli.term.err.println(); // the remote prompt may have left the cursor mid-line
    switch (o.end()) {
      case DETACHED:
        cli.term.done("Connection to " + kernel.name() + " closed.");
        return 0;
      case FAILED:
        throw new CliException(
            ExitCode.UNAVAILABLE, "the terminal connection failed: " + o.message());
      default:
        cli.term.done("The terminal of " + kernel.name() + " was closed by the server"
            + (o.message() != null ? " (" + o.message() + ")." : "."));
        return 0;
    }
  }

  static void requireStreaming(Kernel kernel) {
    if (!kernel.supportsStreaming()) {
      throw new CliException(
          ExitCode.REJECTED,
          "the server's API version does not offer streaming (terminals need v4.20190115 or later)");
    }
  }
}
