package ai.backend.client;

import ai.backend.client.internal.Dialect;
import java.util.Optional;

/**
 * What the server said about itself in {@code GET /} (spec §3.1), and the version both sides agreed on.
 * The {@code supports…} methods tell which features the negotiated version has; how each is spelled on
 * the wire stays internal.
 *
 * @param serverVersion the server's latest API version, or null when negotiation was skipped
 * @param managerVersion the manager package version (19.03+), or null
 * @param negotiated the version used in {@code X-BackendAI-Version}
 */
public record ServerInfo(ApiVersion serverVersion, String managerVersion, ApiVersion negotiated) {
  public Optional<ApiVersion> server() {
    return Optional.ofNullable(serverVersion);
  }

  public Optional<String> manager() {
    return Optional.ofNullable(managerVersion);
  }

  /** Session lifecycle events ({@link Events}) exist (v4.20190615, 19.09+). */
  public boolean supportsEvents() {
    return dialect().supportsEvents();
  }

  /** Streamed execution over a WebSocket (v4.20190115+). */
  public boolean supportsStreamingExecute() {
    return dialect().supportsStreamingExecute();
  }

  /** Enqueue-only creation, maximum wait, reuse-if-exists, session type, domain and group (v4.20190615+). */
  public boolean supportsEnqueue() {
    return dialect().supportsEnqueue();
  }

  /** A scheduling priority on create (v8.20240915+). */
  public boolean supportsPriority() {
    return dialect().supportsPriority();
  }

  /** Named vfolder mounts on create (v5+). */
  public boolean supportsMountMap() {
    return dialect().supportsMountMap();
  }

  /** Vfolder mounts by id on create (v9.20250722+). */
  public boolean supportsMountIds() {
    return dialect().supportsMountIds();
  }

  private Dialect dialect() {
    return Dialect.of(negotiated);
  }
}
