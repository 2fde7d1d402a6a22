package ai.backend.local.engine;

/**
 * @param mode {@code query}, {@code batch}, {@code continue}, {@code input} or {@code complete}
 * @param runId the client's run ID; {@code null} for a new run (the kernel then generates 32 hex chars)
 * @param code the snippet (query), the input line (input), or empty
 * @param options batch options, or {@code null}
 */
public record ExecRequest(String mode, String runId, String code, BatchOptions options) {
  public ExecRequest {
    code = code == null ? "" : code;
  }
}
