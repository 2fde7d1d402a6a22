package ai.backend.client;

import java.util.Map;
import java.util.OptionalLong;

/**
 * What the server answered to destroying a compute session (spec §5.4). Termination itself may go on
 * after the answer (25.x: {@code TERMINATING} → {@code TERMINATED}).
 *
 * @param status 25.x's {@code terminated} or {@code cancelled} (a pending session was cancelled); null
 *     when the server did not say (v4, or an empty answer)
 * @param stats the whole {@code stats} object: on v4 the last container metrics ({@code cpu_used} in
 *     ms, {@code mem_max_bytes}, {@code net_rx_bytes}, …); never null
 */
public record DestroyResult(String status, Map<String, Object> stats) {
  public DestroyResult {
    stats = stats == null ? Map.of() : Map.copyOf(stats);
  }

  /** Whether a session still pending was cancelled rather than terminated. */
  public boolean isCancelled() {
    return "cancelled".equals(status);
  }

  /** A numeric metric of {@link #stats()}, e.g. {@code cpu_used} or {@code mem_max_bytes}. */
  public OptionalLong metric(String key) {
    return stats.get(key) instanceof Number n
        ? OptionalLong.of(n.longValue())
        : OptionalLong.empty();
  }
}
