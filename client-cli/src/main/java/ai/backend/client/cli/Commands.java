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
import ai.backend.client.cli.commands.VfolderCommand;
import java.util.List;
import java.util.function.Function;

/**
 * The command table. Only the invoked command's class is introspected by picocli; the others are
 * registered as name-and-description stubs, which keeps start-up short ({@code --help} lists them).
 */
final class Commands {
  /**
   * A command: its name, aliases, summary and how to make it for an invocation. The summary is the
   * command's own constant (the first line of its help), inlined here by the compiler, so listing it does
   * not load the command's class.
   */
  record Entry(String name, List<String> aliases, String summary, Function<Cli, Object> factory) {}

  static final List<Entry> ALL = List.of(
      new Entry("run", List.of(), RunCommand.SUMMARY, RunCommand::new),
      new Entry("ps", List.of(), PsCommand.SUMMARY, PsCommand::spec),
      new Entry(
          "terminate", List.of("rm", "kill"), TerminateCommand.SUMMARY, TerminateCommand::new),
      new Entry("shell", List.of(), ShellCommand.SUMMARY, ShellCommand::new),
      new Entry("exec", List.of(), ExecCommand.SUMMARY, ExecCommand::new),
      new Entry("app", List.of(), AppCommand.SUMMARY, AppCommand::new),
      new Entry("info", List.of(), InfoCommand.SUMMARY, InfoCommand::new),
      new Entry("logs", List.of(), LogsCommand.SUMMARY, LogsCommand::new),
      new Entry("upload", List.of(), UploadCommand.SUMMARY, UploadCommand::new),
      new Entry("download", List.of(), DownloadCommand.SUMMARY, DownloadCommand::new),
      new Entry("ls", List.of(), LsCommand.SUMMARY, LsCommand::new),
      new Entry("vfolder", List.of(), VfolderCommand.SUMMARY, VfolderCommand::new),
      new Entry("events", List.of(), EventsCommand.SUMMARY, EventsCommand::new),
      new Entry("interrupt", List.of(), InterruptCommand.SUMMARY, InterruptCommand::new),
      new Entry("proxy", List.of(), ProxyCommand.SUMMARY, ProxyCommand::new),
      new Entry("config", List.of(), ConfigCommand.SUMMARY, ConfigCommand::new),
      new Entry("admin", List.of(), AdminCommand.SUMMARY, cli -> new AdminCommand()),
      new Entry("local", List.of(), LocalCommand.SUMMARY, LocalCommand::new),
      new Entry("completion", List.of(), CompletionCommand.SUMMARY, CompletionCommand::new));

  private Commands() {}
}
