package ai.backend.client.cli.commands;

import ai.backend.client.Kernel;
import ai.backend.client.cli.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code interrupt NAME}. */
@Command(
    name = "interrupt",
    mixinStandardHelpOptions = true,
    description = InterruptCommand.SUMMARY)
public final class InterruptCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY =
      "Interrupt the code running in a compute session (like Ctrl-C in it).";

  private final Cli cli;

  public InterruptCommand(Cli cli) {
    this.cli = cli;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Session name or ID.")
  String name;

  @Override
  public Integer call() {
    Kernel.of(cli.backend.session(), name).interrupt();
    cli.term.done("Interrupted session " + name + ".");
    return 0;
  }
}
