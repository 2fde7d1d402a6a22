package ai.backend.client.cli.commands;

import ai.backend.client.ComputeSessionInfo;
import ai.backend.client.Kernel;
import ai.backend.client.cli.Cli;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code info NAME}. */
@Command(name = "info", mixinStandardHelpOptions = true, description = InfoCommand.SUMMARY)
public final class InfoCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY = "Show information about a compute session.";

  private final Cli cli;

  public InfoCommand(Cli cli) {
    this.cli = cli;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Session name or ID.")
  String name;

  @Override
  public Integer call() {
    ComputeSessionInfo info = Kernel.of(cli.backend.session(), name).info();
    if (cli.json()) {
      cli.printJson(info.raw().isEmpty() ? info : info.raw());
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("name", info.name()));
    if (info.raw().isEmpty()) {
      rows.add(List.of("image", String.valueOf(info.image())));
      rows.add(List.of("status", String.valueOf(info.status())));
    } else {
      info.raw().forEach((k, v) -> {
        if (!k.equals("name")) {
          rows.add(List.of(k, String.valueOf(v)));
        }
      });
    }
    cli.printTable(List.of("Field", "Value"), rows);
    return 0;
  }
}
