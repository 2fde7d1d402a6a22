package ai.backend.client.internal.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.internal.files.TrickleInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SseParserTest {

  private static List<SseEvent> parse(String text) throws IOException {
    return parse(text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<SseEvent> parse(byte[] bytes) throws IOException {
    List<SseEvent> whole = new ArrayList<>();
    new SseParser(new ByteArrayInputStream(bytes)).forEachRemaining(whole::add);
    // The result must not depend on how the bytes arrive.
    for (long seed = 0; seed < 10; seed++) {
      List<SseEvent> trickled = new ArrayList<>();
      new SseParser(new TrickleInputStream(bytes, seed)).forEachRemaining(trickled::add);
      assertEquals(whole, trickled, "seed " + seed);
    }
    return whole;
  }

  @Test
  void backendAiSessionEvents() throws IOException {
    String stream = "event: session_enqueued\r\n"
        + "data: {\"sessionName\": \"s1\", \"reason\": \"\"}\r\n"
        + "\r\n"
        + ": keep-alive\r\n"
        + "\r\n"
        + "event: session_started\r\n"
        + "retry: 5\r\n"
        + "data: {\"sessionName\": \"s1\"}\r\n"
        + "\r\n";
    assertEquals(
        List.of(
            new SseEvent(
                "session_enqueued", "{\"sessionName\": \"s1\", \"reason\": \"\"}", "", null),
            new SseEvent("session_started", "{\"sessionName\": \"s1\"}", "", 5L)),
        parse(stream));
  }

  @Test
  void multiLineDataIsJoinedWithNewlines() throws IOException {
    assertEquals(
        List.of(new SseEvent("message", "first\n second\n\nlast", "", null)),
        parse("data: first\ndata:  second\ndata\ndata:last\n\n"));
  }

  @Test
  void lineEndingsMayBeMixedIncludingBareCr() throws IOException {
    List<SseEvent> events = parse("event: a\rdata: 1\r\rdata: 2\r\n\r\ndata: 3\n\n");
    assertEquals(
        List.of(
            new SseEvent("a", "1", "", null),
            new SseEvent("message", "2", "", null),
            new SseEvent("message", "3", "", null)),
        events);
  }

  @Test
  void crLfSplitAcrossReadsIsOneLineBreak() throws IOException {
    // "data: x\r" then "\n" in a later read must not produce an extra blank line.
    List<SseEvent> events = parse("data: x\r\ndata: y\r\n\r\n");
    assertEquals(List.of(new SseEvent("message", "x\ny", "", null)), events);
  }

  @Test
  void commentsUnknownFieldsAndEventWithoutDataAreIgnored() throws IOException {
    assertEquals(
        List.of(new SseEvent("message", "ok", "", null)),
        parse(":comment\nfoo: bar\nevent: nothing\n\n:another\ndata: ok\n\n"));
  }

  @Test
  void idPersistsAndRetryNeedsDigits() throws IOException {
    SseParser p = new SseParser(new ByteArrayInputStream(("id: 7\nretry: 1500\ndata: a\n\n"
            + "retry: soon\ndata: b\n\n"
            + "id\nretry: 3000\n\n" // no data: not dispatched, but state changes
            + "id: x\0y\ndata: c\n\n")
        .getBytes(StandardCharsets.UTF_8)));
    assertEquals(new SseEvent("message", "a", "7", 1500L), p.next());
    assertEquals(new SseEvent("message", "b", "7", 1500L), p.next());
    assertEquals(new SseEvent("message", "c", "", 3000L), p.next());
    assertNull(p.next());
    assertEquals(3000L, p.retryMillis());
    assertEquals("", p.lastEventId());
  }

  @Test
  void unterminatedFinalEventIsDiscardedAsTheStandardSays() throws IOException {
    assertEquals(
        List.of(new SseEvent("message", "done", "", null)),
        parse("data: done\n\nevent: server_close\ndata: {}\n"));
    assertEquals(List.of(), parse("data: cut off mid-li"));
  }

  @Test
  void bomAndUtf8() throws IOException {
    byte[] body = "\uFEFFdata: héllo ✓ 日本\n\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of(new SseEvent("message", "héllo ✓ 日本", "", null)), parse(body));
    // only one BOM is removed; a second one is data
    byte[] two = "\uFEFF\uFEFFdata: x\n\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of(), parse(two)); // "\uFEFFdata" is an unknown field name
  }

  @Test
  void oversizedEventIsAnError() {
    SseParser p = new SseParser(
        new ByteArrayInputStream(("data: " + "x".repeat(100) + "\n\n").getBytes()), 50);
    assertThrows(IOException.class, p::next);
  }

  /** Like a socket stream: serves some bytes, then blocks until closed, then throws. */
  private static final class SocketLikeStream extends InputStream {
    private final ByteArrayInputStream initial;
    private boolean closed;

    SocketLikeStream(String initial) {
      this.initial = new ByteArrayInputStream(initial.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
      if (initial.available() > 0) {
        return initial.read(b, off, len);
      }
      while (!closed) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
      throw new IOException("Socket closed");
    }

    @Override
    public void close() {
      // wait() in read released the monitor, so this runs and wakes it
      synchronized (this) {
        closed = true;
        notifyAll();
      }
    }
  }

  @Test
  void closeFromAnotherThreadEndsABlockedNext() throws Exception {
    SseParser p = new SseParser(new SocketLikeStream("data: one\n\ndata: partial"));
    assertEquals("one", p.next().data());
    CompletableFuture<SseEvent> blocked = CompletableFuture.supplyAsync(() -> {
      try {
        return p.next();
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    Thread.sleep(100);
    assertTrue(!blocked.isDone());
    p.close();
    assertNull(blocked.get(10, TimeUnit.SECONDS));
    assertTrue(p.isClosed());
    assertNull(p.next());
  }

  @Test
  void readErrorWhileOpenIsReported() {
    InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("connection reset");
      }
    };
    IOException e = assertThrows(IOException.class, () -> new SseParser(failing).next());
    assertEquals("connection reset", e.getMessage());
  }
}
