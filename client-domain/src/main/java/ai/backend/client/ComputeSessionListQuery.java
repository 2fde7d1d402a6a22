package ai.backend.client;

import ai.backend.client.errors.InvalidArgumentException;
import java.util.List;
import java.util.Objects;

/**
 * A page of the session list (spec §7.2, §7.3).
 *
 * @param statuses statuses to include (e.g. {@code RUNNING}); empty for every status
 * @param limit page size, 1–100
 * @param offset items to skip
 * @param accessKey (admins) list another key's sessions, or null for one's own
 */
public record ComputeSessionListQuery(
    List<String> statuses, int limit, int offset, String accessKey) {
  /** The statuses {@code backend.ai ps} shows by default on current servers. */
  public static final List<String> ACTIVE = List.of(
      "PENDING",
      "SCHEDULED",
      "PULLING",
      "PREPARED",
      "PREPARING",
      "CREATING",
      "RUNNING",
      "RUNNING_DEGRADED",
      "TERMINATING",
      "ERROR");

  public ComputeSessionListQuery {
    statuses = statuses == null ? List.of() : List.copyOf(statuses);
    if (limit < 1 || limit > 100) {
      throw new InvalidArgumentException("limit must be within 1..100: " + limit);
    }
    if (offset < 0) {
      throw new InvalidArgumentException("offset must not be negative: " + offset);
    }
  }

  /** The first 100 sessions with any of these statuses (none given: all statuses). */
  public static ComputeSessionListQuery of(String... statuses) {
    return new ComputeSessionListQuery(List.of(statuses), 100, 0, null);
  }

  public ComputeSessionListQuery page(int newLimit, int newOffset) {
    return new ComputeSessionListQuery(statuses, newLimit, newOffset, accessKey);
  }

  public ComputeSessionListQuery withAccessKey(String ak) {
    return new ComputeSessionListQuery(
        statuses, limit, offset, Objects.requireNonNull(ak, "accessKey"));
  }
}
