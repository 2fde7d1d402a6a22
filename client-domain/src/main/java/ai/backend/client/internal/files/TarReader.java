package ai.backend.client.internal.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sequential reader of tar archives: POSIX ustar, pax extended headers ({@code x} and {@code g},
 * keys {@code path}, {@code linkpath}, {@code size}, {@code mtime}) and GNU long names ({@code
 * ././@LongLink}, types {@code L} and {@code K}). Metadata entries are folded into the following
 * member. Names are returned exactly as stored: validating them is the caller's job.
 *
 * <p>The end-of-archive marker (a zero block) is required, so a stream cut at a member boundary is
 * reported as truncated rather than silently accepted.
 */
public final class TarReader {

  /** Member types, from the typeflag byte. */
  public enum Type {
    FILE,
    HARD_LINK,
    SYMLINK,
    CHAR_DEVICE,
    BLOCK_DEVICE,
    DIRECTORY,
    FIFO,
    /** Anything else (GNU sparse files, volume labels, vendor extensions). */
    OTHER
  }

  /**
   * A member header.
   *
   * @param name the member name (pax/GNU long name when present)
   * @param type the member type
   * @param typeFlag the raw typeflag character
   * @param mode permission bits (lower 12 bits of the mode field)
   * @param size the size of the member's data in bytes
   * @param mtime modification time
   * @param linkName the link target for links, else empty
   */
  public record Entry(
      String name, Type type, char typeFlag, int mode, long size, Instant mtime, String linkName) {}

  static final int BLOCK = 512;
  /** Bound on pax/GNU metadata records, which are read into memory. */
  private static final int MAX_META_SIZE = 1 << 20;

  private static final Pattern PAX_TIME = Pattern.compile("(-?)(\\d+)(?:\\.(\\d*))?");

  private final InputStream in;
  private final byte[] header = new byte[BLOCK];
  private final Map<String, String> globalPax = new HashMap<>();
  private long remaining; // unread data bytes of the current member
  private long padding; // padding bytes after the current member's data
  private boolean done;
  private final InputStream dataStream = new DataStream();

  public TarReader(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  /**
   * Skips what is left of the current member and reads the next header.
   *
   * @return the next member, or {@code null} at the end-of-archive marker
   * @throws MalformedTarException on a corrupt header or a truncated stream
   */
  public Entry next() throws IOException {
    if (done) {
      return null;
    }
    skipRest();
    Map<String, String> pax = new HashMap<>(globalPax);
    String gnuName = null;
    String gnuLink = null;
    while (true) {
      if (!readBlock(header, true)) {
        throw new MalformedTarException(
            "truncated tar archive: input ended without an end-of-archive marker");
      }
      if (isZero(header)) {
        done = true; // a second zero block may follow; nothing after the first matters
        return null;
      }
      verifyChecksum();
      char flag = (char) (header[156] & 0xff);
      long size = number(124, 12, "size");
      if (size < 0) {
        throw new MalformedTarException("negative member size in tar header");
      }
      switch (flag) {
        case 'x', 'g' -> {
          Map<String, String> records = parsePax(readMeta(size, "pax header"));
          if (flag == 'g') {
            globalPax.putAll(records);
          }
          pax.putAll(records);
          continue;
        }
        case 'L' -> {
          gnuName = cString(readMeta(size, "GNU long name"));
          continue;
        }
        case 'K' -> {
          gnuLink = cString(readMeta(size, "GNU long link name"));
          continue;
        }
        default -> {}
      }
      String name = gnuName != null ? gnuName : ustarName();
      String link = gnuLink != null ? gnuLink : field(157, 100);
      name = pax.getOrDefault("path", name);
      link = pax.getOrDefault("linkpath", link);
      if (pax.containsKey("size")) {
        size = parsePaxLong(pax.get("size"), "size");
      }
      Instant mtime = epochSecond(number(136, 12, "mtime"));
      if (pax.containsKey("mtime")) {
        mtime = parsePaxTime(pax.get("mtime"));
      }
      int mode = (int) (number(100, 8, "mode") & 07777);
      Type type = typeOf(flag);
      // Only regular (and unknown) members are followed by data; a size on a link, directory or
      // device is meaningless, and Python's tarfile and GNU tar skip no data for them either.
      if (type != Type.FILE && type != Type.OTHER) {
        size = 0;
      }
      remaining = size;
      padding = (BLOCK - size % BLOCK) % BLOCK;
      return new Entry(name, type, flag == 0 ? '0' : flag, mode, size, mtime, link);
    }
  }

  /** The data of the member last returned by {@link #next()}; ends at the member's end. */
  public InputStream data() {
    return dataStream;
  }

  private static Type typeOf(char flag) {
    return switch (flag) {
      case '0', '\0', '7' -> Type.FILE;
      case '1' -> Type.HARD_LINK;
      case '2' -> Type.SYMLINK;
      case '3' -> Type.CHAR_DEVICE;
      case '4' -> Type.BLOCK_DEVICE;
      case '5' -> Type.DIRECTORY;
      case '6' -> Type.FIFO;
      default -> Type.OTHER;
    };
  }

  private String ustarName() {
    String name = field(0, 100);
    // Only POSIX ustar ("ustar\0") has a prefix field; GNU's "ustar  " keeps times at offset 345.
    boolean posix = header[257] == 'u'
        && header[258] == 's'
        && header[259] == 't'
        && header[260] == 'a'
        && header[261] == 'r'
        && header[262] == 0;
    if (posix) {
      String prefix = field(345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  private String field(int off, int len) {
    int end = off;
    while (end < off + len && header[end] != 0) {
      end++;
    }
    return new String(header, off, end - off, StandardCharsets.UTF_8);
  }

  /** Octal (NUL/space padded) or GNU base-256 (high bit of the first byte set). */
  private long number(int off, int len, String what) throws MalformedTarException {
    if ((header[off] & 0x80) != 0) {
      long v = header[off] & 0x3f;
      boolean negative = (header[off] & 0x40) != 0;
      if (negative) {
        v |= ~0x3fL; // sign-extend the 6 value bits of the first byte
      }
      for (int i = off + 1; i < off + len; i++) {
        if (!negative && (v >>> 55) != 0) {
          throw new MalformedTarException("tar " + what + " field overflows");
        }
        v = (v << 8) | (header[i] & 0xff);
      }
      return v;
    }
    long v = 0;
    int i = off;
    int end = off + len;
    while (i < end && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    boolean any = false;
    for (; i < end; i++) {
      byte b = header[i];
      if (b == 0 || b == ' ') {
        break;
      }
      if (b < '0' || b > '7') {
        throw new MalformedTarException("invalid octal digit in tar " + what + " field");
      }
      v = (v << 3) | (b - '0');
      any = true;
    }
    return any ? v : 0;
  }

  private void verifyChecksum() throws MalformedTarException {
    long stored = number(148, 8, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : header[i];
      unsigned += b & 0xff;
      signed += b; // some historic writers summed signed bytes
    }
    if (stored != unsigned && stored != signed) {
      throw new MalformedTarException("tar header checksum mismatch (not a tar archive?)");
    }
  }

  private byte[] readMeta(long size, String what) throws IOException {
    if (size > MAX_META_SIZE) {
      throw new MalformedTarException(what + " too large: " + size + " bytes");
    }
    byte[] data = new byte[(int) size];
    readFully(data, 0, data.length, what);
    int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
    readFully(new byte[pad], 0, pad, what);
    return data;
  }

  /** Pax records: {@code "<len> <key>=<value>\n"}, len counting the whole record, UTF-8. */
  private static Map<String, String> parsePax(byte[] data) throws MalformedTarException {
    Map<String, String> out = new HashMap<>();
    int i = 0;
    while (i < data.length) {
      if (data[i] == 0) {
        break; // trailing NUL padding written by some tools
      }
      int sp = i;
      long len = 0;
      while (sp < data.length && data[sp] >= '0' && data[sp] <= '9') {
        len = len * 10 + (data[sp] - '0');
        if (len > data.length) {
          throw new MalformedTarException("bad pax record length");
        }
        sp++;
      }
      if (sp == i || sp >= data.length || data[sp] != ' ' || i + len > data.length || len < 5) {
        throw new MalformedTarException("malformed pax extended header record");
      }
      int end = (int) (i + len);
      if (data[end - 1] != '\n') {
        throw new MalformedTarException("pax record not terminated by a newline");
      }
      String rec = new String(data, sp + 1, end - 1 - (sp + 1), StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      if (eq <= 0) {
        throw new MalformedTarException("pax record without '=': " + rec);
      }
      out.put(rec.substring(0, eq), rec.substring(eq + 1));
      i = end;
    }
    return out;
  }

  private static long parsePaxLong(String v, String key) throws MalformedTarException {
    try {
      long n = Long.parseLong(v.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new MalformedTarException("bad pax " + key + ": " + v);
    }
  }

  /** A header's mtime; a base-256 field can hold more seconds than an Instant. */
  private static Instant epochSecond(long secs) throws MalformedTarException {
    try {
      return Instant.ofEpochSecond(secs);
    } catch (DateTimeException e) {
      throw new MalformedTarException("tar mtime out of range: " + secs);
    }
  }

  /**
   * A pax {@code mtime}: decimal seconds with an optional fraction (POSIX). Parsed by hand rather
   * than with BigDecimal, which expands "1e999999999" into a billion digits.
   */
  private static Instant parsePaxTime(String v) throws MalformedTarException {
    Matcher m = PAX_TIME.matcher(v.trim());
    if (!m.matches() || m.group(2).length() > 18) {
      throw new MalformedTarException("bad pax mtime: " + v);
    }
    long secs = Long.parseLong(m.group(2));
    String frac = m.group(3) == null ? "" : m.group(3);
    long nanos = Long.parseLong((frac + "000000000").substring(0, 9));
    if (!m.group(1).isEmpty()) { // floor, like the time before the epoch it names
      secs = -secs;
      if (nanos > 0) {
        secs--;
        nanos = 1_000_000_000L - nanos;
      }
    }
    try {
      return Instant.ofEpochSecond(secs, nanos);
    } catch (DateTimeException e) {
      throw new MalformedTarException("pax mtime out of range: " + v);
    }
  }

  private static String cString(byte[] data) {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return new String(data, 0, end, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private void skipRest() throws IOException {
    byte[] scratch = new byte[BLOCK * 16];
    while (remaining + padding > 0) {
      int n = (int) Math.min(scratch.length, remaining + padding);
      readFully(scratch, 0, n, "member data");
      long fromData = Math.min(remaining, n);
      remaining -= fromData;
      padding -= n - fromData;
    }
  }

  /** Returns false on a clean EOF before the first byte if {@code eofOk}, else throws. */
  private boolean readBlock(byte[] block, boolean eofOk) throws IOException {
    int n = 0;
    while (n < BLOCK) {
      int r = in.read(block, n, BLOCK - n);
      if (r < 0) {
        if (n == 0 && eofOk) {
          return false;
        }
        throw new MalformedTarException("truncated tar archive: input ended inside a header");
      }
      n += r;
    }
    return true;
  }

  private void readFully(byte[] b, int off, int len, String what) throws IOException {
    while (len > 0) {
      int r = in.read(b, off, len);
      if (r < 0) {
        throw new MalformedTarException("truncated tar archive: input ended inside " + what);
      }
      off += r;
      len -= r;
    }
  }

  private final class DataStream extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (remaining == 0) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      int r = in.read(b, off, (int) Math.min(len, remaining));
      if (r < 0) {
        throw new MalformedTarException("truncated tar archive: input ended inside member data ("
            + remaining + " bytes missing)");
      }
      remaining -= r;
      return r;
    }

    /** Closing the member stream leaves the archive open. */
    @Override
    public void close() {}
  }
}
