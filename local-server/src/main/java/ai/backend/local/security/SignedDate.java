package ai.backend.local.security;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed request date: the instant for the skew check and the {@code yyyymmdd} key date taken in the
 * offset the client wrote (the server does {@code parse(D).strftime('%Y%m%d')}, no UTC conversion).
 */
public record SignedDate(OffsetDateTime dateTime, String keyDate) {

  // ISO-8601 extended or basic form, optional seconds/fraction, offset Z/±hh[:mm] or none (= UTC)
  private static final Pattern ISO = Pattern.compile(
      "(\\d{4})-?(\\d{2})-?(\\d{2})(?:[T ](\\d{2}):?(\\d{2})(?::?(\\d{2})(?:[.,](\\d{1,9})\\d*)?)?)?"
          + "\\s*(Z|z|UTC|GMT|[+-]\\d{2}(?::?\\d{2})?)?");

  /** Parses ISO-8601 (many variants) or RFC 1123; empty when unparsable. */
  public static Optional<SignedDate> parse(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String s = raw.trim();
    Matcher m = ISO.matcher(s);
    try {
      if (m.matches()) {
        int hour = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
        int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
        int nanos = 0;
        if (m.group(7) != null) {
          String f = (m.group(7) + "000000000").substring(0, 9);
          nanos = Integer.parseInt(f);
        }
        ZoneOffset offset = offset(m.group(8));
        LocalDate day = LocalDate.of(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)));
        OffsetDateTime t = day.atTime(hour, minute, second, nanos).atOffset(offset);
        return Optional.of(new SignedDate(t, keyDate(t)));
      }
      OffsetDateTime t = OffsetDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME);
      return Optional.of(new SignedDate(t, keyDate(t)));
    } catch (DateTimeException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static ZoneOffset offset(String z) {
    if (z == null || z.equalsIgnoreCase("Z") || z.equals("UTC") || z.equals("GMT")) {
      return ZoneOffset.UTC;
    }
    String digits = z.replace(":", "");
    int sign = digits.charAt(0) == '-' ? -1 : 1;
    int h = Integer.parseInt(digits.substring(1, 3));
    int mm = digits.length() > 3 ? Integer.parseInt(digits.substring(3, 5)) : 0;
    return ZoneOffset.ofHoursMinutes(sign * h, sign * mm);
  }

  private static String keyDate(OffsetDateTime t) {
    return String.format("%04d%02d%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth());
  }
}
