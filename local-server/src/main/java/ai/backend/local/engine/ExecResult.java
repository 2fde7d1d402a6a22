package ai.backend.local.engine;

import java.util.List;

/**
 * One execute response.
 *
 * @param runId the run this belongs to
 * @param status where the run is
 * @param console console items in order, consecutive same-stream items merged
 * @param exitCode set for the {@code *-finished} statuses, else {@code null}
 * @param passwordInput for {@code waiting-input}: whether the prompt is a password prompt
 */
public record ExecResult(
    String runId,
    ExecStatus status,
    List<ConsoleItem> console,
    Integer exitCode,
    boolean passwordInput) {
  public ExecResult {
    console = List.copyOf(console);
  }
}
