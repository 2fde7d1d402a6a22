package ai.backend.client;

import java.util.Map;

/**
 * The caller's own keypair (spec §7.5). The secret key is never requested, so it cannot leak from here.
 *
 * @param accessKey the access key
 * @param active whether the key is active
 * @param admin whether the key has admin rights
 * @param resourcePolicy the resource policy name
 * @param concurrencyLimit max concurrent sessions, or null
 * @param concurrencyUsed sessions in use, or null
 * @param rateLimit requests per 15 minutes, or null
 * @param numQueries queries executed, or null
 * @param raw every field as returned
 */
public record KeypairInfo(
    String accessKey,
    boolean active,
    boolean admin,
    String resourcePolicy,
    Long concurrencyLimit,
    Long concurrencyUsed,
    Long rateLimit,
    Long numQueries,
    Map<String, Object> raw) {
  public KeypairInfo {
    raw = raw == null ? Map.of() : raw;
  }
}
