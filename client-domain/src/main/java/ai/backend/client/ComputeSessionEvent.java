package ai.backend.client;

import java.util.Map;

/**
 * A session lifecycle event from {@code /events/session} (spec §8.4).
 *
 * @param name the event name, e.g. {@code session_started}, {@code kernel_terminated}
 * @param sessionName the session name, if present
 * @param sessionId the session UUID, if present
 * @param ownerAccessKey the owner's access key, if present
 * @param reason the reason text (may be empty)
 * @param exitCode the exit code, when the server reports one
 * @param data the whole decoded payload
 */
public record ComputeSessionEvent(
    String name,
    String sessionName,
    String sessionId,
    String ownerAccessKey,
    String reason,
    Integer exitCode,
    Map<String, Object> data) {

  public ComputeSessionEvent {
    data = data == null ? Map.of() : data;
  }

  /** Whether this event means the session is gone (terminated, cancelled, failed). */
  public boolean isTerminal() {
    return name.endsWith("_terminated") || name.endsWith("_cancelled") || name.endsWith("_failure");
  }
}
