package ai.backend.client;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The result of one execute call (spec §5.7).
 *
 * @param runId the run this result belongs to
 * @param status the parsed status
 * @param rawStatus the status exactly as sent by the server
 * @param console console items in order
 * @param exitCode the exit code for the {@code *-finished} statuses; empty for {@code continued},
 *     {@code waiting-input}, {@code exec-timeout} and when the server did not send one
 * @param options server options; for {@code waiting-input} it carries {@code is_password}
 * @param files files reported by the runtime (legacy; usually empty)
 */
public record ExecutionResult(
    String runId,
    ExecutionStatus status,
    String rawStatus,
    List<ConsoleItem> console,
    OptionalInt exitCode,
    Map<String, Object> options,
    List<Map<String, Object>> files) {

  public ExecutionResult {
    exitCode = exitCode == null ? OptionalInt.empty() : exitCode;
    console = console == null ? List.of() : List.copyOf(console);
    options = options == null ? Map.of() : Map.copyOf(options);
    files = files == null ? List.of() : List.copyOf(files);
  }

  /** Whether a {@code waiting-input} result asks for a password (input must not be echoed). */
  public boolean isPasswordInput() {
    return Boolean.TRUE.equals(options.get("is_password"));
  }

  /** All stdout text of this result, concatenated. */
  public String stdout() {
    return join(ConsoleItem.Stdout.class);
  }

  /** All stderr text of this result, concatenated. */
  public String stderr() {
    return join(ConsoleItem.Stderr.class);
  }

  private String join(Class<? extends ConsoleItem> kind) {
    return join(console, kind);
  }

  /** The text of the items of one kind, concatenated (shared with {@link RunResult}). */
  static String join(List<ConsoleItem> items, Class<? extends ConsoleItem> kind) {
    StringBuilder sb = new StringBuilder();
    for (ConsoleItem item : items) {
      if (kind.isInstance(item)) {
        sb.append(item.text());
      }
    }
    return sb.toString();
  }
}
