package ai.backend.client.internal.files;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Streaming reader of a {@code multipart/*} body (RFC 2046), as returned by the session download
 * route (spec §6.2: one tar archive per part). Parts are read in order with {@link #next()}; each
 * part's body is a stream ending exactly before the next delimiter, so binary content is passed
 * through untouched. Moving to the next part discards what was left of the previous one.
 *
 * <p>Not thread-safe. The delimiter must be preceded by CRLF (the first one may open the body);
 * header lines may end in CRLF or a bare LF.
 */
public final class MultipartMixedReader implements Closeable {

  /** A part: its headers (case-insensitive names, read-only) and its body. */
  public record Part(Map<String, String> headers, InputStream body) {
    /** A header's value, or {@code null}; the name is case-insensitive. */
    public String header(String name) {
      return headers.get(name);
    }
  }

  private static final int BUFFER_SIZE = 8192;
  private static final int MAX_HEADER_BYTES = 64 * 1024;
  private static final int MAX_PADDING = 1024;

  private final InputStream in;
  private final byte[] delimiter; // CRLF "--" boundary
  private final byte[] buf;
  private int pos;
  private int limit;
  private boolean eof;
  private boolean finished;
  private boolean started;
  private PartStream current;

  /**
   * @param contentType the response's Content-Type header value, e.g. {@code multipart/mixed;
   *     boundary="abc"}
   * @param in the response body; closed by {@link #close()}
   * @throws MalformedMultipartException if the content type is not multipart or has no boundary
   */
  public MultipartMixedReader(String contentType, InputStream in)
      throws MalformedMultipartException {
    this.in = Objects.requireNonNull(in, "in");
    String boundary = boundaryOf(contentType);
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    this.buf = new byte[Math.max(BUFFER_SIZE, delimiter.length * 4)];
    // Pretend the body starts with CRLF, so a delimiter on the very first line is found by the
    // same search as every other one; the preamble is then simply an ignored "part".
    buf[0] = '\r';
    buf[1] = '\n';
    limit = 2;
  }

  /**
   * Extracts the boundary parameter from a multipart Content-Type value (quoted or token).
   *
   * @throws MalformedMultipartException if the type is not {@code multipart/*}, or the boundary is
   *     missing or not a valid RFC 2046 boundary
   */
  public static String boundaryOf(String contentType) throws MalformedMultipartException {
    if (contentType == null) {
      throw new MalformedMultipartException("missing Content-Type; expected multipart/mixed");
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      throw new MalformedMultipartException(
          "expected a multipart Content-Type but got: " + contentType);
    }
    String boundary = null;
    int i = semi < 0 ? contentType.length() : semi + 1;
    while (i < contentType.length()) {
      int eq = contentType.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = contentType.substring(i, eq).trim();
      StringBuilder value = new StringBuilder();
      int j = eq + 1;
      while (j < contentType.length() && contentType.charAt(j) == ' ') {
        j++;
      }
      if (j < contentType.length() && contentType.charAt(j) == '"') {
        j++;
        while (j < contentType.length() && contentType.charAt(j) != '"') {
          char c = contentType.charAt(j++);
          if (c == '\\' && j < contentType.length()) {
            c = contentType.charAt(j++);
          }
          value.append(c);
        }
        if (j >= contentType.length()) {
          throw new MalformedMultipartException("unterminated quoted parameter in: " + contentType);
        }
        j++; // closing quote
        int next = contentType.indexOf(';', j);
        j = next < 0 ? contentType.length() : next;
      } else {
        int next = contentType.indexOf(';', j);
        int end = next < 0 ? contentType.length() : next;
        value.append(contentType, j, end);
        j = end;
        // strip trailing whitespace of a token value
        while (value.length() > 0 && value.charAt(value.length() - 1) == ' ') {
          value.setLength(value.length() - 1);
        }
      }
      if (name.equalsIgnoreCase("boundary") && boundary == null) {
        boundary = value.toString();
      }
      i = j + 1;
    }
    if (boundary == null || boundary.isEmpty()) {
      throw new MalformedMultipartException(
          "no boundary parameter in Content-Type: " + contentType);
    }
    if (boundary.length() > 70 || boundary.endsWith(" ") || !isAscii(boundary)) {
      throw new MalformedMultipartException("invalid multipart boundary: \"" + boundary + "\"");
    }
    return boundary;
  }

  /**
   * Advances to the next part, discarding the rest of the current one.
   *
   * @return the next part, or {@code null} after the closing delimiter
   * @throws MalformedMultipartException if the body is truncated or malformed
   */
  public Part next() throws IOException {
    if (finished) {
      return null;
    }
    if (!started) {
      started = true;
      drainBody(); // the preamble
    } else if (current != null) {
      current.drain();
      current.closed = true;
    }
    if (readDelimiterTail()) {
      finished = true;
      current = null;
      return null;
    }
    Map<String, String> headers = readHeaders();
    current = new PartStream();
    return new Part(headers, current);
  }

  /** Closes the underlying stream; parts become unreadable. */
  @Override
  public void close() throws IOException {
    finished = true;
    in.close();
  }

  // --- parsing -------------------------------------------------------------------------------

  /**
   * After a delimiter: returns true for the close delimiter ("--"), false for a part delimiter.
   * Skips transport padding (LWSP) and the line break.
   */
  private boolean readDelimiterTail() throws IOException {
    if (!ensure(2)) {
      throw truncated("after a boundary");
    }
    if (buf[pos] == '-' && buf[pos + 1] == '-') {
      pos += 2;
      return true; // the epilogue is ignored and not even read
    }
    int padding = 0;
    while (true) {
      if (!ensure(1)) {
        throw truncated("after a boundary");
      }
      byte b = buf[pos];
      if (b == ' ' || b == '\t') {
        pos++;
        if (++padding > MAX_PADDING) {
          throw new MalformedMultipartException("too much whitespace after a boundary");
        }
      } else if (b == '\n') {
        pos++;
        return false;
      } else if (b == '\r') {
        if (!ensure(2)) {
          throw truncated("after a boundary");
        }
        if (buf[pos + 1] != '\n') {
          throw new MalformedMultipartException("bare CR after a boundary");
        }
        pos += 2;
        return false;
      } else {
        // The boundary text was only a prefix of a longer line: RFC 2046 forbids that for the
        // sender's boundary, so it's a malformed body rather than data.
        throw new MalformedMultipartException(
            "unexpected character after a boundary: 0x" + Integer.toHexString(b & 0xff));
      }
    }
  }

  private Map<String, String> readHeaders() throws IOException {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    String lastName = null;
    int total = 0;
    while (true) {
      String line = readLine();
      total += line.length() + 2;
      if (total > MAX_HEADER_BYTES) {
        throw new MalformedMultipartException("part headers larger than " + MAX_HEADER_BYTES);
      }
      if (line.isEmpty()) {
        return Collections.unmodifiableMap(headers);
      }
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && lastName != null) {
        headers.merge(lastName, " " + line.trim(), String::concat); // obsolete line folding
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new MalformedMultipartException("malformed part header line: " + line);
      }
      lastName = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      headers.merge(lastName, value, (a, b) -> a + ", " + b);
    }
  }

  /** Reads a header line (ISO-8859-1, since header bytes must be 7-bit anyway), without EOL. */
  private String readLine() throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (!ensure(1)) {
        throw truncated("in part headers");
      }
      byte b = buf[pos++];
      if (b == '\n') {
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') {
          sb.setLength(n - 1);
        }
        return sb.toString();
      }
      sb.append((char) (b & 0xff));
      if (sb.length() > MAX_HEADER_BYTES) {
        throw new MalformedMultipartException("part header line too long");
      }
    }
  }

  /** Skips body bytes up to and including the next delimiter. */
  private void drainBody() throws IOException {
    int chunk;
    while ((chunk = bodyChunkLength()) > 0) {
      pos += chunk;
    }
    pos += delimiter.length;
  }

  /**
   * How many bytes from {@code pos} are certainly body data; 0 means a delimiter starts at {@code
   * pos}. Never splits a delimiter that straddles the buffer end: fills first.
   */
  private int bodyChunkLength() throws IOException {
    if (!ensure(delimiter.length)) {
      // Fewer bytes than a delimiter remain and the input has ended: the delimiter is missing.
      throw truncated("in a part body (no closing boundary)");
    }
    int last = limit - delimiter.length;
    outer:
    for (int i = pos; i <= last; i++) {
      if (buf[i] != '\r') {
        continue;
      }
      for (int k = 1; k < delimiter.length; k++) {
        if (buf[i + k] != delimiter[k]) {
          continue outer;
        }
      }
      return i - pos;
    }
    // No full delimiter: everything is body except a tail that might begin one.
    return last + 1 - pos;
  }

  /** Makes at least {@code n} unread bytes available, unless the input ends first. */
  private boolean ensure(int n) throws IOException {
    while (limit - pos < n) {
      if (eof) {
        return false;
      }
      if (buf.length - pos < n || limit == buf.length) {
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
      }
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        eof = true;
      } else {
        limit += r;
      }
    }
    return true;
  }

  private MalformedMultipartException truncated(String where) {
    return new MalformedMultipartException("truncated multipart body: input ended " + where);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** The body of the current part; ends where the next delimiter starts. */
  private final class PartStream extends InputStream {
    private boolean ended;
    private boolean closed;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (closed) {
        throw new IOException("part stream closed");
      }
      if (ended) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      int chunk = bodyChunkLength();
      if (chunk == 0) {
        ended = true;
        pos += delimiter.length;
        return -1;
      }
      int n = Math.min(chunk, len);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() {
      return 0;
    }

    /** Closing a part skips the rest of it; the reader stays usable. */
    @Override
    public void close() throws IOException {
      if (!closed) {
        drain();
        closed = true;
      }
    }

    void drain() throws IOException {
      if (closed || ended) {
        return;
      }
      drainBody();
      ended = true;
    }
  }
}
