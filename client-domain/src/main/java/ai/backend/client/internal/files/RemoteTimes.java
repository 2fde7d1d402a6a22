package ai.backend.client.internal.files;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * A folder listing's modification time: v4 sends {@code mtime} as float epoch seconds ({@code
 * 1544846706.1}), later versions {@code modified} as ISO-8601 (with or without an offset; none
 * means UTC).
 */
public final class RemoteTimes {
  /** Far past any file time (the year 33658); a bigger number is no time. */
  private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(1_000_000_000_000L);

  private RemoteTimes() {}

  /** The instant {@code text} names, or null when absent or not understood. */
  public static Instant parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.strip();
    if (t.matches("-?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?")) {
      try {
        BigDecimal seconds = new BigDecimal(t);
        if (seconds.abs().compareTo(MAX_SECONDS) > 0) {
          return null; // checked before scaling: 1e999999 would make a million-digit number
        }
        BigDecimal nanos = seconds.movePointRight(9).setScale(0, RoundingMode.HALF_EVEN);
        BigDecimal[] sn = nanos.divideAndRemainder(BigDecimal.valueOf(1_000_000_000L));
        return Instant.ofEpochSecond(sn[0].longValueExact(), sn[1].longValueExact());
      } catch (NumberFormatException | ArithmeticException e) {
        return null;
      }
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      // no offset, or not ISO at all
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Whether a local file's mtime is the remote one, to the microsecond: file systems keep at least
   * that much (a download stamps the remote time), servers send no more.
   */
  public static boolean same(Instant local, Instant remote) {
    return local.truncatedTo(ChronoUnit.MICROS).equals(remote.truncatedTo(ChronoUnit.MICROS));
  }
}
