package ai.backend.client;

import java.util.List;

/**
 * The outcome of a whole run driven by {@link Kernel#run} or {@link Kernel#runBatch}.
 *
 * @param runId the run ID
 * @param status the final status ({@code finished}, {@code exec-timeout} or an unknown one)
 * @param rawStatus the final status as sent by the server
 * @param exitCode the final exit code (null unless finished)
 * @param console every console item of the run, in order
 * @param steps completed steps ({@code clean-finished}, {@code build-finished}, {@code finished}) with exit codes
 */
public record RunResult(
    String runId, ExecutionStatus status, String rawStatus, Integer exitCode, List<ConsoleItem> console,
    List<Step> steps) {
  public RunResult {
    console = List.copyOf(console);
    steps = List.copyOf(steps);
  }

  /** A completed step of a run. */
  public record Step(ExecutionStatus status, Integer exitCode) {}

  /** All stdout text of the run. */
  public String stdout() {
    return new ExecutionResult(runId, status, rawStatus, console, exitCode, null, null).stdout();
  }

  /** All stderr text of the run. */
  public String stderr() {
    return new ExecutionResult(runId, status, rawStatus, console, exitCode, null, null).stderr();
  }

  /** The exit code of the build step, or null if there was none. */
  public Integer buildExitCode() {
    return steps.stream().filter(s -> s.status() == ExecutionStatus.BUILD_FINISHED).map(Step::exitCode)
        .findFirst().orElse(null);
  }
}
