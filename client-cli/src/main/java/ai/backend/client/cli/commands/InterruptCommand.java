package ai.backend.client.cli.commands;

import ai.backend.client.Kernel;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.Main;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code interrupt NAME}. */
@Command(name = "interrupt", mixinStandardHelpOptions = true,
    description = "Interrupt the code currently running in a compute session (like Ctrl-C in it).")
public final class InterruptCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "Session name or ID.")
  String name;

  @Override
  public Integer call() {
    Cli cli = Main.cli();
    Kernel.of(cli.backend.session(), name).interrupt();
    cli.term.done("Interrupted session " + name + ".");
    return 0;
  }
}
