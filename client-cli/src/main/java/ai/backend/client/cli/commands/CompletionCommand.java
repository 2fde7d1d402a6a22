package ai.backend.client.cli.commands;

import ai.backend.client.cli.Cli;
import ai.backend.client.cli.Main;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code completion bash|zsh}: the shell completion script. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      CompletionCommand.SUMMARY,
      "bash: source <(backend.ai completion bash)",
      "zsh:  source <(backend.ai completion zsh)   (uses bashcompinit)"
    })
public final class CompletionCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY = "Print a bash or zsh completion script.";

  private final Cli cli;

  public CompletionCommand(Cli cli) {
    this.cli = cli;
  }

  /** Supported shells. */
  public enum Shell {
    bash,
    zsh
  }

  @Parameters(
      index = "0",
      defaultValue = "bash",
      paramLabel = "SHELL",
      description = "${COMPLETION-CANDIDATES} (default: bash)")
  Shell shell;

  @Override
  public Integer call() {
    CommandLine cl = Main.commandLine(cli);
    String script = AutoComplete.bash("backend.ai", cl);
    var out = cli.term.out;
    if (shell == Shell.zsh) {
      out.println("autoload -U +X compinit && compinit");
      out.println("autoload -U +X bashcompinit && bashcompinit");
    }
    out.print(script);
    out.flush();
    return 0;
  }
}
