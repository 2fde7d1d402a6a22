package ai.backend.local.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a {@code multipart/form-data} body part by part as it arrives, through one fixed buffer: a
 * part's data is an {@link InputStream} that ends at the next delimiter, so file parts go to disk
 * without being held in memory. Read (or skip) each part before asking for the next.
 */
final class MultipartStream {
  private static final int BUFFER = 64 * 1024;
  private static final int MAX_HEADER_BYTES = 16 * 1024;

  /** One part: its headers (lower-cased names) and its data. */
  record Part(Map<String, String> headers, String name, String filename, InputStream data) {}

  private final InputStream in;
  private final byte[] delimiter; // CRLF "--" boundary
  private final byte[] buf;
  private int pos;
  private int lim;
  private boolean eof;
  private boolean done;
  private PartData current;

  MultipartStream(InputStream in, String boundary) {
    this.in = in;
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    this.buf = new byte[BUFFER + delimiter.length];
    // the first delimiter has no CRLF before it: pretend it had one
    buf[0] = '\r';
    buf[1] = '\n';
    lim = 2;
  }

  /** The boundary of a {@code multipart/*} content type. */
  static String boundary(String contentType) throws ApiException {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      throw Problems.invalidParams("Expected a multipart/form-data body.");
    }
    String b = FileApi.Multipart.param(contentType, "boundary");
    if (b == null || b.isEmpty() || b.length() > 200) {
      throw Problems.invalidParams("Missing or invalid multipart boundary.");
    }
    return b;
  }

  /** The next part, or null after the closing delimiter. */
  Part next() throws IOException, ApiException {
    if (done) {
      return null;
    }
    if (current != null) {
      current.skipRest();
    } else {
      // skip the preamble up to the first delimiter
      new PartData().skipRest();
    }
    // after a delimiter: "--" closes, else transport padding up to CRLF, then headers
    if (!fill(2)) {
      throw malformed();
    }
    if (buf[pos] == '-' && buf[pos + 1] == '-') {
      done = true;
      return null;
    }
    String line;
    while (!(line = readLine()).isEmpty() && !line.isBlank()) {
      // transport padding is whitespace; anything else after a delimiter is malformed
      throw malformed();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    int total = 0;
    while (!(line = readLine()).isEmpty()) {
      total += line.length();
      if (total > MAX_HEADER_BYTES) {
        throw Problems.invalidParams("Multipart part headers are too large.");
      }
      int c = line.indexOf(':');
      if (c > 0) {
        headers.put(
            line.substring(0, c).trim().toLowerCase(Locale.ROOT),
            line.substring(c + 1).trim());
      }
    }
    String disposition = headers.get("content-disposition");
    current = new PartData();
    return new Part(
        headers,
        disposition == null ? null : FileApi.Multipart.param(disposition, "name"),
        disposition == null ? null : FileApi.Multipart.param(disposition, "filename"),
        current);
  }

  private static ApiException malformed() {
    return Problems.invalidParams("Malformed multipart body.");
  }

  /** Makes at least {@code n} bytes available from {@code pos}; false at the end of input. */
  private boolean fill(int n) throws IOException {
    while (lim - pos < n) {
      if (eof) {
        return false;
      }
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, lim - pos);
        lim -= pos;
        pos = 0;
      }
      int r = in.read(buf, lim, buf.length - lim);
      if (r < 0) {
        eof = true;
      } else {
        lim += r;
      }
    }
    return true;
  }

  /** A header line without its CRLF (UTF-8). */
  private String readLine() throws IOException, ApiException {
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    while (true) {
      if (!fill(2)) {
        throw malformed();
      }
      if (buf[pos] == '\r' && buf[pos + 1] == '\n') {
        pos += 2;
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(buf[pos++]);
      if (line.size() > MAX_HEADER_BYTES) {
        throw Problems.invalidParams("Multipart part headers are too large.");
      }
    }
  }

  /** A part's data: the bytes up to the next delimiter. */
  private final class PartData extends InputStream {
    private boolean ended;

    /** Bytes at {@code pos} that surely belong to the part (0 at its end, -1 when none yet). */
    private int available0() throws IOException {
      if (ended) {
        return 0;
      }
      fill(delimiter.length);
      int n = lim - pos;
      int at = indexOf(pos, lim);
      if (at >= 0) {
        if (at == pos) {
          pos += delimiter.length;
          ended = true;
          return 0;
        }
        return at - pos;
      }
      if (eof) {
        throw new java.io.EOFException("multipart body ends inside a part");
      }
      // a delimiter may start in the last delimiter.length - 1 bytes: keep them for the next fill
      int safe = n - (delimiter.length - 1);
      if (safe <= 0) {
        // not enough for a decision: read more
        int before = lim;
        fill(lim - pos + 1);
        return lim == before ? -1 : available0();
      }
      return safe;
    }

    private int indexOf(int from, int to) {
      outer:
      for (int i = from; i <= to - delimiter.length; i++) {
        for (int j = 0; j < delimiter.length; j++) {
          if (buf[i + j] != delimiter[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int a;
      while ((a = available0()) < 0) {
        // loop until a decision is possible
      }
      if (a == 0) {
        return -1;
      }
      int n = Math.min(a, len);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    void skipRest() throws IOException, ApiException {
      try {
        byte[] sink = new byte[8192];
        while (read(sink, 0, sink.length) >= 0) {
          // discard
        }
      } catch (java.io.EOFException e) {
        throw malformed();
      }
    }
  }
}
