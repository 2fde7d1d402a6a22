package ai.backend.client.internal.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.internal.EventStream;
import ai.backend.client.internal.files.TrickleInputStream;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes {@link SseParser} with arbitrary {@code text/event-stream} bytes: it either yields events
 * or throws an {@link IOException} (a line or event over the size limit), never anything else. The
 * same bytes read whole and trickled 1 to 7 bytes per read must give the same outcome, since line
 * splitting must not depend on where the network's reads end. Each event then goes through {@link
 * EventStream#parse} (the session events' JSON), which returns an event or null and never throws.
 */
class SseParserFuzzTest {
  /** Small, so that the size limits are reached by short inputs too. */
  private static final int MAX_EVENT_BYTES = 300;

  @FuzzTest(maxDuration = "2m")
  void parse(byte[] body) {
    Outcome whole = read(new ByteArrayInputStream(body));
    Outcome trickled = read(new TrickleInputStream(body, Arrays.hashCode(body)));
    assertEquals(whole, trickled, "events must not depend on read boundaries");
  }

  /** The events until the end, or until the (only allowed) IOException. */
  private record Outcome(List<SseEvent> events, String error, String lastEventId, Long retry) {}

  private static Outcome read(InputStream in) {
    SseParser p = new SseParser(in, MAX_EVENT_BYTES);
    List<SseEvent> events = new ArrayList<>();
    String error = null;
    try {
      SseEvent e;
      while ((e = p.next()) != null) {
        assertTrue(e.data().length() < MAX_EVENT_BYTES, "event data within the limit");
        assertTrue(!e.event().isEmpty(), "an event always has a type");
        // what the event stream then does with it: a session event, or null, never an exception
        EventStream.parse(e, false);
        EventStream.parse(e, true);
        events.add(e);
      }
    } catch (IOException e) {
      error = e.getMessage();
    }
    return new Outcome(events, error, p.lastEventId(), p.retryMillis());
  }
}
