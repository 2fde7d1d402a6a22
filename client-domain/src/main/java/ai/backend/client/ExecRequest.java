package ai.backend.client;

import ai.backend.client.errors.InvalidArgumentException;
import java.util.Objects;

/**
 * One execute call (spec §5.7): a mode, the run it belongs to, the code or input text and, for
 * batch mode, the build/exec options.
 *
 * @param mode {@code query}, {@code batch}, {@code continue}, {@code input} or {@code complete}
 * @param runId the run ID; null starts a new run
 * @param code the snippet, the input line, or {@code ""}
 * @param batchOptions batch steps (batch mode only), else null
 */
public record ExecRequest(String mode, String runId, String code, BatchOptions batchOptions) {
  public ExecRequest {
    Objects.requireNonNull(mode, "mode");
    code = code == null ? "" : code;
    if (("continue".equals(mode) || "input".equals(mode)) && runId == null) {
      throw new InvalidArgumentException("mode '" + mode + "' needs the run ID of the current run");
    }
  }

  /** A new query-mode run of {@code code}. */
  public static ExecRequest query(String code) {
    return new ExecRequest("query", null, code, null);
  }

  /** A new batch-mode run (build and exec steps over the uploaded files). */
  public static ExecRequest batch(BatchOptions options) {
    return new ExecRequest("batch", null, "", Objects.requireNonNull(options, "options"));
  }

  /** Fetches more output of run {@code runId}. */
  public static ExecRequest continueRun(String runId) {
    return new ExecRequest("continue", runId, "", null);
  }

  /** Sends one line of user input (without the trailing newline) to run {@code runId}. */
  public static ExecRequest input(String runId, String line) {
    return new ExecRequest("input", runId, line, null);
  }
}
