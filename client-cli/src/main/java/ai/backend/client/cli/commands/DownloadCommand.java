package ai.backend.client.cli.commands;

import ai.backend.client.Kernel;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code download NAME FILES... [--dest DIR]}. */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    description = {DownloadCommand.SUMMARY, "Files or directories, relative to /home/work."})
public final class DownloadCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY = "Download files from a compute session.";

  private final Cli cli;

  public DownloadCommand(Cli cli) {
    this.cli = cli;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Session name or ID.")
  String name;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "FILES",
      description = "Paths inside the session.")
  List<String> files = new ArrayList<>();

  @Option(
      names = "--dest",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "Destination directory (default: current directory).")
  Path dest;

  @Override
  public Integer call() throws Exception {
    Kernel k = Kernel.of(cli.backend.session(), name);
    Files.createDirectories(dest);
    cli.term.waiting("Downloading files...");
    List<Path> got;
    try (Progress bar = new Progress(cli.term, "Downloading")) {
      got = k.download(files, dest, bar.listener());
    }
    if (cli.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", name);
      o.put("files", got.stream().map(Path::toString).toList());
      cli.printJson(o);
    }
    cli.term.done(
        "Downloaded " + got.size() + " file(s) to " + dest.toAbsolutePath().normalize() + ".");
    return 0;
  }
}
