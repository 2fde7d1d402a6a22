package ai.backend.client.cli.commands;

import ai.backend.client.Kernel;
import ai.backend.client.Session;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.ExitCode;
import ai.backend.client.errors.BackendException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code terminate} (aliases {@code rm}, {@code kill}). */
@Command(
    name = "terminate",
    aliases = {"rm", "kill"},
    mixinStandardHelpOptions = true,
    description = TerminateCommand.SUMMARY)
public final class TerminateCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY = "Terminate compute sessions (by name or ID).";

  private final Cli cli;

  public TerminateCommand(Cli cli) {
    this.cli = cli;
  }

  @Parameters(arity = "1..*", paramLabel = "NAME", description = "Session names or IDs.")
  List<String> names = new ArrayList<>();

  @Option(
      names = {"-s", "--stats"},
      description = "Print the statistics the server returns for each session.")
  boolean stats;

  @Override
  public Integer call() {
    Session session = cli.backend.session();
    cli.term.waiting("Terminating the session(s)...");
    int rc = 0;
    List<Map<String, Object>> results = new ArrayList<>();
    for (String n : names) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("name", n);
      try {
        Map<String, Object> st = Kernel.of(session, n).destroy().stats();
        r.put("terminated", true);
        if (stats) {
          r.put("stats", st);
        }
        cli.term.done("Session " + n + " terminated.");
      } catch (BackendException e) {
        r.put("terminated", false);
        r.put("error", e.getMessage());
        cli.term.fail("Session " + n + ": " + e.getMessage());
        if (rc == 0) {
          rc = ExitCode.of(e).code;
        }
      }
      results.add(r);
    }
    if (cli.json()) {
      results.forEach(cli::printJson);
    } else if (stats) {
      for (Map<String, Object> r : results) {
        if (r.get("stats") instanceof Map<?, ?> m) {
          cli.term.out.println(r.get("name") + ":");
          m.forEach((k, v) -> cli.term.out.println("  " + k + ": " + v));
        }
      }
    }
    if (rc == 0) {
      cli.term.done("Done.");
    }
    return rc;
  }
}
