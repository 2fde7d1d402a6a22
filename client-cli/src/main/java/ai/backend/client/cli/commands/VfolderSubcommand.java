package ai.backend.client.cli.commands;

import ai.backend.client.VFolders;
import ai.backend.client.cli.Cli;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Parameters;

/**
 * What the {@code vfolder} subcommands share: the invocation's context (through the constructor, as
 * {@code CommandFactory} wants) and the two ways they answer, a list or a status line.
 */
abstract class VfolderSubcommand implements Callable<Integer> {
  final Cli cli;

  VfolderSubcommand(Cli cli) {
    this.cli = cli;
  }

  /** The folders of this invocation's session (opened on first use). */
  VFolders vfolders() {
    return cli.backend.session().vfolders();
  }

  /** With {@code --output json} prints {@code json} first; the status line goes to stderr either way. */
  int done(Object json, String message) {
    if (cli.json()) {
      cli.printJson(json);
    }
    cli.term.done(message);
    return 0;
  }

  /** Prints {@code items} as a JSON array of {@code json}, or as a table of {@code row}. */
  <T> int list(
      List<T> items,
      Function<T, Object> json,
      List<String> headers,
      Function<T, List<String>> row) {
    if (cli.json()) {
      cli.printJson(items.stream().map(json).toList());
    } else {
      cli.printTable(headers, items.stream().map(row).toList());
    }
    return 0;
  }

  /** A subcommand whose first parameter is the folder. */
  abstract static class OnFolder extends VfolderSubcommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Folder name or id.")
    String name;

    OnFolder(Cli cli) {
      super(cli);
    }
  }
}
