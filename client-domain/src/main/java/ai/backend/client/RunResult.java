package ai.backend.client;

import java.util.List;
import java.util.OptionalInt;

/**
 * The outcome of a whole run driven by {@link Kernel#run} or {@link Kernel#runBatch}.
 *
 * @param runId the run ID
 * @param status the final status ({@code finished}, {@code exec-timeout} or an unknown one)
 * @param rawStatus the final status as sent by the server
 * @param exitCode the final exit code (empty unless finished, e.g. after {@code exec-timeout})
 * @param console every console item of the run, in order
 * @param steps completed steps ({@code clean-finished}, {@code build-finished}, {@code finished}) with exit codes
 *     (empty when the server sent none)
 */
public record RunResult(
    String runId,
    ExecutionStatus status,
    String rawStatus,
    OptionalInt exitCode,
    List<ConsoleItem> console,
    List<Step> steps) {
  public RunResult {
    exitCode = exitCode == null ? OptionalInt.empty() : exitCode;
    console = List.copyOf(console);
    steps = List.copyOf(steps);
  }

  /** A completed step of a run. */
  public record Step(ExecutionStatus status, OptionalInt exitCode) {
    public Step {
      exitCode = exitCode == null ? OptionalInt.empty() : exitCode;
    }

    /** A step that finished with {@code exitCode}. */
    public Step(ExecutionStatus status, int exitCode) {
      this(status, OptionalInt.of(exitCode));
    }
  }

  /** All stdout text of the run. */
  public String stdout() {
    return ExecutionResult.join(console, ConsoleItem.Stdout.class);
  }

  /** All stderr text of the run. */
  public String stderr() {
    return ExecutionResult.join(console, ConsoleItem.Stderr.class);
  }

  /** The exit code of the build step; empty if there was none (or it carried no code). */
  public OptionalInt buildExitCode() {
    return steps.stream()
        .filter(s -> s.status() == ExecutionStatus.BUILD_FINISHED)
        .map(Step::exitCode)
        .findFirst()
        .orElse(OptionalInt.empty());
  }
}
