package ai.backend.client.cli.commands;

import ai.backend.client.FileEntry;
import ai.backend.client.Kernel;
import ai.backend.client.cli.Cli;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ls NAME [PATH]}. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = LsCommand.SUMMARY)
public final class LsCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY =
      "List files in a compute session's directory (default: /home/work).";

  private final Cli cli;

  public LsCommand(Cli cli) {
    this.cli = cli;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Session name or ID.")
  String name;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "PATH",
      defaultValue = ".",
      description = "Directory relative to /home/work (default: .).")
  String path;

  @Override
  public Integer call() {
    List<FileEntry> entries = Kernel.of(cli.backend.session(), name).listFiles(path);
    if (cli.json()) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (FileEntry e : entries) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("mode", e.mode());
        m.put("size", e.size());
        m.put("modified", e.modified() == null ? null : e.modified().toString());
        out.add(m);
      }
      cli.printJson(out);
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (FileEntry e : entries) {
      rows.add(List.of(
          e.name(),
          String.valueOf(e.size()),
          e.modified() == null ? "" : e.modified().toString(),
          e.mode() == null ? "" : e.mode()));
    }
    cli.printTable(List.of("File name", "Size", "Modified", "Mode"), rows);
    return 0;
  }
}
