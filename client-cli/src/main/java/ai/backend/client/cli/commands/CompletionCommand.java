package ai.backend.client.cli.commands;

import ai.backend.client.cli.Main;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code completion bash|zsh}: the shell completion script. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a shell completion script.",
        "bash: source <(backend.ai completion bash)",
        "zsh:  source <(backend.ai completion zsh)   (uses bashcompinit)"})
public final class CompletionCommand implements Callable<Integer> {
  /** Supported shells. */
  public enum Shell { bash, zsh }

  @Parameters(index = "0", defaultValue = "bash", paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES} (default: bash)")
  Shell shell;

  @Override
  public Integer call() {
    CommandLine cl = Main.commandLine(Main.cli());
    String script = AutoComplete.bash("backend.ai", cl);
    var out = Main.cli().term.out;
    if (shell == Shell.zsh) {
      out.println("autoload -U +X compinit && compinit");
      out.println("autoload -U +X bashcompinit && bashcompinit");
    }
    out.print(script);
    out.flush();
    return 0;
  }
}
