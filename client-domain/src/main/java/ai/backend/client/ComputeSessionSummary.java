package ai.backend.client;

import java.util.Map;

/**
 * One row of the session list.
 *
 * @param name session name ({@code name}, or {@code sess_id} on v4)
 * @param id session UUID, or null when the server generation does not report it
 * @param status status, e.g. {@code RUNNING}
 * @param image the image ({@code image}, or {@code lang} on v4)
 * @param type session type, or null
 * @param createdAt creation time as sent (ISO-8601 text), or null
 * @param raw every field as returned
 */
public record ComputeSessionSummary(
    String name,
    String id,
    String status,
    String image,
    String type,
    String createdAt,
    Map<String, Object> raw) {
  public ComputeSessionSummary {
    raw = raw == null ? Map.of() : raw;
  }
}
