package ai.backend.client.cli;

import ai.backend.client.cli.commands.AdminCommand;
import ai.backend.client.cli.commands.AppCommand;
import ai.backend.client.cli.commands.CompletionCommand;
import ai.backend.client.cli.commands.ConfigCommand;
import ai.backend.client.cli.commands.DownloadCommand;
import ai.backend.client.cli.commands.EventsCommand;
import ai.backend.client.cli.commands.ExecCommand;
import ai.backend.client.cli.commands.InfoCommand;
import ai.backend.client.cli.commands.InterruptCommand;
import ai.backend.client.cli.commands.LocalCommand;
import ai.backend.client.cli.commands.LogsCommand;
import ai.backend.client.cli.commands.LsCommand;
import ai.backend.client.cli.commands.ProxyCommand;
import ai.backend.client.cli.commands.PsCommand;
import ai.backend.client.cli.commands.RunCommand;
import ai.backend.client.cli.commands.ShellCommand;
import ai.backend.client.cli.commands.TerminateCommand;
import ai.backend.client.cli.commands.UploadCommand;
import java.util.List;
import java.util.function.Supplier;

/**
 * The command table. Only the invoked command's class is introspected by picocli; the others are
 * registered as name-and-description stubs, which keeps start-up short ({@code --help} lists them).
 */
final class Commands {
  record Entry(String name, List<String> aliases, String summary, Supplier<Object> factory) {}

  static final List<Entry> ALL = List.of(
      new Entry("run", List.of(), "Run code or files in a compute session (created or reused).", RunCommand::new),
      new Entry("ps", List.of(), "List compute sessions.", PsCommand::spec),
      new Entry("terminate", List.of("rm", "kill"), "Terminate compute sessions.", TerminateCommand::new),
      new Entry("shell", List.of(), "Open an interactive terminal in a compute session.", ShellCommand::new),
      new Entry("exec", List.of(), "Run one command in a running compute session.", ExecCommand::new),
      new Entry("app", List.of(), "Make a service of a compute session reachable on a local port.", AppCommand::new),
      new Entry("info", List.of(), "Show information about a compute session.", InfoCommand::new),
      new Entry("logs", List.of(), "Show the container logs of a compute session.", LogsCommand::new),
      new Entry("upload", List.of(), "Upload files to a compute session.", UploadCommand::new),
      new Entry("download", List.of(), "Download files from a compute session.", DownloadCommand::new),
      new Entry("ls", List.of(), "List files in a compute session.", LsCommand::new),
      new Entry("events", List.of(), "Stream session lifecycle events.", EventsCommand::new),
      new Entry("interrupt", List.of(), "Interrupt the code running in a compute session.", InterruptCommand::new),
      new Entry("proxy", List.of(), "Run an insecure local API proxy that signs requests for you.", ProxyCommand::new),
      new Entry("config", List.of(), "Show the effective configuration (secret masked).", ConfigCommand::new),
      new Entry("admin", List.of(), "Administrative commands (GraphQL query passthrough).", AdminCommand::new),
      new Entry("local", List.of(), "Manage the local Backend.AI server (start, stop, status, serve).",
          LocalCommand::new),
      new Entry("completion", List.of(), "Print a bash or zsh completion script.", CompletionCommand::new));

  private Commands() {}
}
