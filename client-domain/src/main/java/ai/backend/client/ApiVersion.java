package ai.backend.client;

import ai.backend.client.errors.InvalidArgumentException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Backend.AI API version such as {@code v9.20250722}: a major number and a revision date. Ordered
 * like the server orders them, by {@code (major, date)}.
 *
 * @param major the major version
 * @param revision the revision date as {@code yyyyMMdd}
 */
public record ApiVersion(int major, String revision) implements Comparable<ApiVersion> {
  private static final Pattern FORMAT = Pattern.compile("^v(\\d+)\\.(\\d{8})$");

  public static final ApiVersion V4_20181215 = new ApiVersion(4, "20181215");
  public static final ApiVersion V4_20190115 = new ApiVersion(4, "20190115");
  public static final ApiVersion V4_20190315 = new ApiVersion(4, "20190315");
  public static final ApiVersion V4_20190615 = new ApiVersion(4, "20190615");
  public static final ApiVersion V5_20191215 = new ApiVersion(5, "20191215");
  public static final ApiVersion V6_20200815 = new ApiVersion(6, "20200815");
  public static final ApiVersion V6_20210815 = new ApiVersion(6, "20210815");
  public static final ApiVersion V6_20220315 = new ApiVersion(6, "20220315");
  public static final ApiVersion V6_20220615 = new ApiVersion(6, "20220615");
  public static final ApiVersion V6_20230315 = new ApiVersion(6, "20230315");
  public static final ApiVersion V7_20230615 = new ApiVersion(7, "20230615");
  public static final ApiVersion V8_20240315 = new ApiVersion(8, "20240315");
  public static final ApiVersion V8_20240915 = new ApiVersion(8, "20240915");
  public static final ApiVersion V9_20250722 = new ApiVersion(9, "20250722");

  /** The newest version this client speaks; the default upper bound of negotiation. */
  public static final ApiVersion CLIENT_DEFAULT = V9_20250722;

  /** Oldest version the current Python SDK supports; older servers get a warning (spec §3.3). */
  public static final ApiVersion OLDEST_RECOMMENDED = V7_20230615;

  public ApiVersion {
    if (major < 0) {
      throw new IllegalArgumentException("major must not be negative");
    }
    Objects.requireNonNull(revision, "revision");
    if (!revision.matches("\\d{8}")) {
      throw new IllegalArgumentException("revision must be 8 digits (yyyyMMdd): " + revision);
    }
  }

  /**
   * Parses {@code v<major>.<yyyyMMdd>}.
   *
   * @throws InvalidArgumentException if the text does not have that form
   */
  public static ApiVersion parse(String text) {
    Matcher m = text == null ? null : FORMAT.matcher(text.trim());
    if (m == null || !m.matches()) {
      throw new InvalidArgumentException(
          "not a Backend.AI API version (expected e.g. v9.20250722): " + text);
    }
    try {
      return new ApiVersion(Integer.parseInt(m.group(1)), m.group(2));
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("API major version out of range: " + text, e);
    }
  }

  @Override
  public int compareTo(ApiVersion o) {
    int c = Integer.compare(major, o.major);
    return c != 0 ? c : revision.compareTo(o.revision);
  }

  /** Whether this version is the same as or newer than {@code other}. */
  public boolean isAtLeast(ApiVersion other) {
    return compareTo(other) >= 0;
  }

  /** The older of two versions. */
  public static ApiVersion min(ApiVersion a, ApiVersion b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** The header form, e.g. {@code v9.20250722}. */
  @Override
  public String toString() {
    return "v" + major + "." + revision;
  }
}
