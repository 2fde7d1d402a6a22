package ai.backend.client;

import ai.backend.client.errors.InvalidArgumentException;

/**
 * Which client generation's notion of the signed path to reproduce (spec §2.2 step 6).
 */
public enum SigningProfile {
  /**
   * Client 1.5.1: {@code "/" + API path}, without the endpoint's path prefix and without query. Only
   * useful behind a reverse proxy that strips the prefix before the manager.
   */
  PY_1_5_1("py-1.5.1"),
  /** Client 18.12.0 and later: the request target exactly as sent (prefix, path, {@code ?query}). */
  PY_18_12("py-18.12+");

  private final String id;

  SigningProfile(String id) {
    this.id = id;
  }

  /** The profile name used by the signing test vectors. */
  public String id() {
    return id;
  }

  /** Looks a profile up by {@link #id()} or enum name, case-insensitively. */
  public static SigningProfile fromId(String id) {
    for (SigningProfile p : values()) {
      if (p.id.equalsIgnoreCase(id) || p.name().equalsIgnoreCase(id)) {
        return p;
      }
    }
    throw new InvalidArgumentException(
        "unknown signing profile: " + id + " (use py-1.5.1 or py-18.12+)");
  }
}
