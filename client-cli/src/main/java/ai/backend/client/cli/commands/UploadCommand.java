package ai.backend.client.cli.commands;

import ai.backend.client.Kernel;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.CliException;
import ai.backend.client.cli.ExitCode;
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

/** {@code upload NAME FILES...}. */
@Command(
    name = "upload",
    mixinStandardHelpOptions = true,
    description = {
      UploadCommand.SUMMARY,
      "They go to the session's work directory (/home/work), keeping their paths relative to --basedir."
    })
public final class UploadCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY = "Upload files to a compute session.";

  private final Cli cli;

  public UploadCommand(Cli cli) {
    this.cli = cli;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Session name or ID.")
  String name;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "FILES",
      description = "Files to upload.")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--basedir",
      paramLabel = "DIR",
      description = "Base directory: upload names are relative to it (default: current directory).")
  Path basedir;

  @Override
  public Integer call() {
    Path base = (basedir != null ? basedir : Path.of("")).toAbsolutePath().normalize();
    List<Path> resolved = new ArrayList<>();
    for (Path f : files) {
      Path p = f.toAbsolutePath().normalize();
      if (!Files.isRegularFile(p)) {
        throw new CliException(ExitCode.NOT_FOUND, "file not found: " + f);
      }
      resolved.add(p);
    }
    Kernel k = Kernel.of(cli.backend.session(), name);
    cli.term.waiting("Uploading files...");
    try (Progress bar = new Progress(cli.term, "Uploading files")) {
      k.upload(resolved, base, bar.listener());
    }
    if (cli.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", name);
      o.put(
          "uploaded", resolved.stream().map(p -> base.relativize(p).toString()).toList());
      cli.printJson(o);
    }
    cli.term.done("Uploaded " + resolved.size() + " file(s).");
    return 0;
  }
}
