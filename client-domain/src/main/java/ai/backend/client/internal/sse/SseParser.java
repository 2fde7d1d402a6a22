package ai.backend.client.internal.sse;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Parses a {@code text/event-stream} body following the HTML Living Standard's "event stream
 * interpretation": UTF-8 (one leading BOM dropped), lines ended by CRLF, LF or CR, fields {@code
 * event}, {@code data}, {@code id}, {@code retry}, comment lines starting with {@code ':'}, and an
 * event dispatched on each blank line. As the standard requires, an event not terminated by a
 * blank line before the stream ends is discarded (it may have been cut off).
 *
 * <p>{@link #next()} blocks on the stream. {@link #close()} may be called from another thread: it
 * closes the stream, and the blocked {@code next()} then returns {@code null} instead of throwing.
 */
public final class SseParser implements Closeable {

  /** Upper bound on one line and on one event's accumulated data, against runaway streams. */
  public static final int DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

  private final InputStream in;
  private final int maxEventBytes;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int limit;
  private boolean eof;
  private boolean firstLine = true;
  private boolean skipLf; // the previous line ended with CR; a following LF belongs to it
  private volatile boolean closed;

  private byte[] line = new byte[256];
  private int lineLen;

  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String eventType = "";
  private String lastEventId = "";
  private Long retryMillis;

  public SseParser(InputStream in) {
    this(in, DEFAULT_MAX_EVENT_BYTES);
  }

  public SseParser(InputStream in, int maxEventBytes) {
    this.in = Objects.requireNonNull(in, "in");
    if (maxEventBytes < 1) {
      throw new IllegalArgumentException("maxEventBytes must be positive");
    }
    this.maxEventBytes = maxEventBytes;
  }

  /**
   * Blocks until the next event is complete.
   *
   * @return the event, or {@code null} at the end of the stream or after {@link #close()}
   * @throws IOException on a read error while not closed, or an event over the size limit
   */
  public SseEvent next() throws IOException {
    try {
      String l;
      while ((l = readLine()) != null) {
        SseEvent e = processLine(l);
        if (e != null) {
          return e;
        }
      }
      return null;
    } catch (IOException e) {
      if (closed) {
        return null; // the stream was closed under us on purpose
      }
      throw e;
    }
  }

  /** Feeds every remaining event to {@code sink}; returns at end of stream or after close. */
  public void forEachRemaining(Consumer<? super SseEvent> sink) throws IOException {
    SseEvent e;
    while ((e = next()) != null) {
      sink.accept(e);
    }
  }

  /** The latest {@code retry:} value, or {@code null}; also updated by blocks with no data. */
  public Long retryMillis() {
    return retryMillis;
  }

  /** The last event ID, for a reconnection's {@code Last-Event-ID} header; empty if none. */
  public String lastEventId() {
    return lastEventId;
  }

  /** Closes the stream; safe to call from any thread, more than once. */
  @Override
  public void close() throws IOException {
    closed = true;
    in.close();
  }

  public boolean isClosed() {
    return closed;
  }

  // --- interpretation ------------------------------------------------------------------------

  private SseEvent processLine(String l) throws IOException {
    if (l.isEmpty()) {
      return dispatch();
    }
    if (l.charAt(0) == ':') {
      return null; // comment, e.g. a keep-alive
    }
    int colon = l.indexOf(':');
    String field = colon < 0 ? l : l.substring(0, colon);
    String value = colon < 0 ? "" : l.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> eventType = value;
      case "data" -> {
        if (data.length() + value.length() + 1 > maxEventBytes) {
          throw new IOException("server-sent event larger than " + maxEventBytes + " bytes");
        }
        data.append(value).append('\n');
        hasData = true;
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          try {
            retryMillis = Long.parseLong(value);
          } catch (NumberFormatException ignored) {
            // more digits than a long holds: ignored like any invalid value
          }
        }
      }
      default -> {} // unknown fields are ignored
    }
    return null;
  }

  private SseEvent dispatch() {
    if (!hasData) {
      eventType = "";
      return null;
    }
    String d = data.substring(0, data.length() - 1); // drop the final '\n'
    SseEvent e =
        new SseEvent(eventType.isEmpty() ? "message" : eventType, d, lastEventId, retryMillis);
    data.setLength(0);
    hasData = false;
    eventType = "";
    return e;
  }

  // --- line reading --------------------------------------------------------------------------

  /** Reads one line, or {@code null} at EOF (an unterminated last line is dropped, per spec). */
  private String readLine() throws IOException {
    lineLen = 0;
    while (true) {
      if (pos == limit) {
        if (eof || closed) {
          return null;
        }
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          eof = true;
          return null;
        }
        pos = 0;
        limit = n;
        continue;
      }
      byte b = buf[pos++];
      if (skipLf) {
        skipLf = false;
        if (b == '\n') {
          continue;
        }
      }
      // CR and LF bytes never occur inside a UTF-8 multi-byte sequence, so splitting on bytes
      // before decoding is safe.
      if (b == '\n' || b == '\r') {
        skipLf = b == '\r';
        return decodeLine();
      }
      if (lineLen == line.length) {
        if (lineLen >= maxEventBytes) {
          throw new IOException("server-sent event line longer than " + maxEventBytes + " bytes");
        }
        line = Arrays.copyOf(line, Math.min(maxEventBytes, lineLen * 2));
      }
      line[lineLen++] = b;
    }
  }

  private String decodeLine() {
    int start = 0;
    if (firstLine) {
      firstLine = false;
      if (lineLen >= 3
          && (line[0] & 0xff) == 0xef
          && (line[1] & 0xff) == 0xbb
          && (line[2] & 0xff) == 0xbf) {
        start = 3;
      }
    }
    // Malformed UTF-8 becomes U+FFFD, as the decoding algorithm prescribes.
    return new String(line, start, lineLen - start, StandardCharsets.UTF_8);
  }
}
