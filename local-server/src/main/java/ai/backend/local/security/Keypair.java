package ai.backend.local.security;

import java.time.Instant;

/**
 * An API keypair with its policy figures. {@link #toString()} never reveals the secret key.
 *
 * @param rateLimit requests per rolling 15-minute window
 * @param concurrencyLimit live sessions allowed at once
 */
public record Keypair(
    String accessKey,
    String secretKey,
    boolean admin,
    boolean active,
    int rateLimit,
    int concurrencyLimit,
    Instant createdAt) {

  @Override
  public String toString() {
    return "Keypair[accessKey=" + accessKey + ", secretKey=(hidden), admin=" + admin + ", active="
        + active + ", rateLimit=" + rateLimit + ", concurrencyLimit=" + concurrencyLimit + "]";
  }
}
