package ai.backend.client.cli.commands;

import ai.backend.client.Kernel;
import ai.backend.client.cli.Cli;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code logs NAME}. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = LogsCommand.SUMMARY)
public final class LogsCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY =
      "Show the container logs (stdout/stderr) of a compute session.";

  private final Cli cli;

  public LogsCommand(Cli cli) {
    this.cli = cli;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Session name or ID.")
  String name;

  @Override
  public Integer call() {
    String logs = Kernel.of(cli.backend.session(), name).logs();
    if (cli.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", name);
      o.put("logs", logs);
      cli.printJson(o);
    } else {
      cli.term.out.print(logs == null ? "" : logs);
      if (logs != null && !logs.isEmpty() && !logs.endsWith("\n")) {
        cli.term.out.println();
      }
      cli.term.out.flush();
    }
    return 0;
  }
}
