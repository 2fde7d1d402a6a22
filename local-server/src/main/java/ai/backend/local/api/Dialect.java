package ai.backend.local.api;

import java.util.Optional;
import java.util.Set;

/** The request's API generation: v4 ({@code /kernel}, v4 shapes) or current ({@code /session}). */
public enum Dialect {
  V4,
  CURRENT;

  /** Versions accepted in {@code X-BackendAI-Version} (the union of the manager lines, §3.2). */
  public static final Set<String> VALID_VERSIONS = Set.of(
      "v1.20160915",
      "v2.20170315",
      "v3.20170615",
      "v4.20181215",
      "v4.20190115",
      "v4.20190315",
      "v4.20190615",
      "v5.20191215",
      "v6.20200815",
      "v6.20210815",
      "v6.20220315",
      "v6.20220615",
      "v6.20221201",
      "v6.20230315",
      "v7.20230615",
      "v8.20240315",
      "v8.20240915",
      "v9.20250722");

  /** The dialect of a valid version string; empty when the value is not a valid version. */
  public static Optional<Dialect> of(String version) {
    if (version == null || !VALID_VERSIONS.contains(version)) {
      return Optional.empty();
    }
    int major = Integer.parseInt(version.substring(1, version.indexOf('.')));
    return Optional.of(major <= 4 ? V4 : CURRENT);
  }

  /** {@code /kernel} for v4, {@code session} otherwise. */
  public String prefix() {
    return this == V4 ? "kernel" : "session";
  }
}
