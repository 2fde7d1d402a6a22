package ai.backend.client;

import java.util.Optional;

/**
 * What the server said about itself in {@code GET /} (spec §3.1), and the version both sides agreed on.
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
}
