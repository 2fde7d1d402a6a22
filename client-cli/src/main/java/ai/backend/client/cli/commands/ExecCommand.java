package ai.backend.client.cli.commands;

import ai.backend.client.BatchOptions;
import ai.backend.client.ConsoleItem;
import ai.backend.client.ConsoleListener;
import ai.backend.client.Kernel;
import ai.backend.client.RunOptions;
import ai.backend.client.RunResult;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.CliException;
import ai.backend.client.cli.ConsolePrinter;
import ai.backend.client.cli.ExitCode;
import ai.backend.client.cli.ExitMarker;
import ai.backend.client.cli.TerminalBridge;
import ai.backend.client.cli.WorkDir;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exec NAME -- CMD ARGS…}: one command in a running session, like {@code docker exec}. */
@Command(
    name = "exec",
    mixinStandardHelpOptions = true,
    description = {
      ExecCommand.SUMMARY,
      "It runs in the session's work directory; its output is streamed and its exit code is the command's.",
      "Without -t the command runs in batch mode over a streaming execute socket; lines it reads from "
          + "its standard input are taken from yours. With -t it runs on a pseudo-terminal (add -i to type "
          + "into it; Ctrl-] closes the connection).",
      "Examples:",
      "  backend.ai exec mysess -- ls -la",
      "  backend.ai exec -w /home/work/src mysess -- make",
      "  backend.ai exec -it mysess -- python3"
    })
public final class ExecCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY = "Run one command in a running compute session.";

  private final Cli cli;

  public ExecCommand(Cli cli) {
    this.cli = cli;
  }

  @Option(
      names = {"-i", "--interactive"},
      description = "With -t: send your keystrokes to the command.")
  boolean interactive;

  @Option(
      names = {"-t", "--tty"},
      description = "Run the command on a pseudo-terminal.")
  boolean tty;

  @Option(
      names = {"-w", "--workdir"},
      paramLabel = "DIR",
      description = "Working directory: /home/work/... or relative to /home/work (the default).")
  String workdir;

  @Parameters(index = "0", paramLabel = "NAME", description = "Session name or ID.")
  String name;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "CMD",
      description = "The command and its arguments (after --).")
  List<String> command = new ArrayList<>();

  private List<String> given = List.of();

  @Override
  public Integer call() {
    if (interactive && !tty) {
      throw new CliException(
          ExitCode.USAGE, "-i needs -t (without -t, input lines are always forwarded)");
    }
    given = List.copyOf(command);
    if (workdir != null) {
      // relative to the command's start directory, the work directory, on a kernel and on
      // local-server
      List<String> in = new ArrayList<>(
          List.of("sh", "-c", "cd -- \"$0\" && exec \"$@\"", WorkDir.relative(workdir)));
      in.addAll(command);
      command = in;
    }
    Kernel kernel = Kernel.of(cli.backend.session(), name);
    ShellCommand.requireStreaming(kernel);
    return tty ? onTerminal(cli, kernel) : batch(cli, kernel);
  }

  private int batch(Cli cli, Kernel kernel) {
    String line = command.stream().map(ExitMarker::quote).collect(Collectors.joining(" "));
    boolean json = cli.json();
    List<ConsoleItem> collected = new ArrayList<>();
    ConsoleListener printer = json ? collected::add : new ConsolePrinter(cli.term);
    RunOptions options =
        RunOptions.defaults().withListener(printer).withInput(new RunCommand.StdinInput(cli.term));
    RunResult result = kernel.streamRunBatch(new BatchOptions(null, null, line, false), options);
    int rc = RunCommand.exitCodeOf(result);
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("session", kernel.name());
      out.put("command", given);
      out.put("status", result.rawStatus());
      out.put("exitCode", RunCommand.exitCodeOrNull(result));
      out.put("stdout", result.stdout());
      out.put("stderr", result.stderr());
      out.put("console", RunCommand.consoleJson(collected));
      cli.printJson(out);
    }
    return rc;
  }

  private int onTerminal(Cli cli, Kernel kernel) {
    ExitMarker marker = new ExitMarker();
    TerminalBridge.Mode mode =
        new TerminalBridge.Mode(interactive, ExitMarker.commandLine(command), marker);
    TerminalBridge.Outcome o = new TerminalBridge(cli.term).run(kernel, mode);
    if (o.end() == TerminalBridge.End.FAILED) {
      throw new CliException(
          ExitCode.UNAVAILABLE, "the terminal connection failed: " + o.message());
    }
    if (o.end() == TerminalBridge.End.DETACHED) {
      cli.term.done(
          "Connection to " + kernel.name() + " closed; the command may still be running.");
      return ExitCode.INTERRUPTED.code;
    }
    if (o.exitCode() == null) {
      throw new CliException(
          ExitCode.FAILURE, "the terminal closed before the command reported its exit code");
    }
    return o.exitCode() & 0xff;
  }
}
