package ai.backend.local.engine;

/**
 * @param mode what to do
 * @param runId the client's run ID; {@code null} for a new run (the kernel then generates 32 hex chars)
 * @param code the snippet (query), the input line (input), or empty
 * @param options batch options, or {@code null}
 */
public record ExecRequest(ExecMode mode, String runId, String code, BatchOptions options) {
  public ExecRequest {
    code = code == null ? "" : code;
  }
}
