package ai.backend.client;

/**
 * Batch-mode steps (spec §5.7): each a shell command run in the session's work directory,
 * {@code "*"} for the runtime's default heuristic, or {@code null} to skip the step.
 *
 * @param clean clean command (sent only when not {@code null}; old servers ignore it)
 * @param build build command
 * @param exec exec command
 * @param buildLog whether to show the build's output
 */
public record BatchOptions(String clean, String build, String exec, boolean buildLog) {

  /** {@code build="*"}, {@code exec="*"}: what {@code backend.ai run} does with files. */
  public static BatchOptions defaults() {
    return new BatchOptions(null, "*", "*", true);
  }

  public static BatchOptions of(String build, String exec) {
    return new BatchOptions(null, build, exec, true);
  }

  public BatchOptions withClean(String newClean) {
    return new BatchOptions(newClean, build, exec, buildLog);
  }
}
