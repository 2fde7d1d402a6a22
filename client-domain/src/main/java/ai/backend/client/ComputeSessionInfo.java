package ai.backend.client;

import java.util.Map;

/**
 * What {@code GET /session/{id}} (or {@code /kernel/{id}}) reported (spec §5.3). The typed fields are
 * those common to all server generations; everything is in {@link #raw()}.
 *
 * @param name the session name as addressed
 * @param image the image ({@code image}, or {@code lang} on v4)
 * @param status the status (e.g. {@code RUNNING}); null on v4, which does not report it
 * @param tag the tag, or null
 * @param ageMillis milliseconds since creation, or null
 * @param numQueriesExecuted executed queries, or null
 * @param raw the whole response as plain Java values
 */
public record ComputeSessionInfo(
    String name,
    String image,
    String status,
    String tag,
    Double ageMillis,
    Long numQueriesExecuted,
    Map<String, Object> raw) {
  public ComputeSessionInfo {
    raw = raw == null ? Map.of() : raw;
  }
}
