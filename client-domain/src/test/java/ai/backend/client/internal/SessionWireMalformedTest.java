package ai.backend.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.backend.client.ApiVersion;
import ai.backend.client.ConsoleItem;
import ai.backend.client.internal.sse.SseEvent;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Malformed values in session responses are reported as JsonParseException (which ApiCore turns into
 * MalformedResponseException), not as the NumberFormatException or UnsupportedOperationException that
 * Gson's getAs* throw (found by SessionWireFuzzTest and StreamFramesFuzzTest).
 */
class SessionWireMalformedTest {

  private static JsonObject json(String s) {
    return Json.parseObject(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void exitCodeThatIsNoIntegerIsMalformed() {
    for (String ec : new String[] {"\"nul l\"", "{}", "[1,2]", "1e99999", "4294967296", "true"}) {
      JsonObject o = json("{\"result\":{\"status\":\"finished\",\"exitCode\":" + ec + "}}");
      assertThrows(JsonParseException.class, () -> ComputeSessionWire.parseExecution(o), ec);
    }
    assertEquals(
        java.util.OptionalInt.of(3),
        ComputeSessionWire.parseExecution(json("{\"result\":{\"exitCode\":\"3\"}}"))
            .exitCode());
    assertEquals(
        java.util.OptionalInt.of(2),
        ComputeSessionWire.parseExecution(json("{\"result\":{\"exitCode\":2.0}}"))
            .exitCode());
  }

  @Test
  void mediaItemWithoutATypeStringIsOther() {
    ConsoleItem item = ComputeSessionWire.consoleItem(Json.parse("[\"media\", [null, \"AAA\"]]"));
    assertInstanceOf(ConsoleItem.Other.class, item);
  }

  @Test
  void createdThatIsNoBooleanIsMalformed() {
    Dialect d = Dialect.of(ApiVersion.CLIENT_DEFAULT);
    assertThrows(
        JsonParseException.class,
        () -> ComputeSessionWire.parseCreated(d, json("{\"created\":{}}"), "n"));
  }

  @Test
  void fileListingWithBadSizeIsMalformedAndOutOfRangeTimesUnknown() {
    assertThrows(
        JsonParseException.class,
        () ->
            ComputeSessionWire.parseFiles(json("{\"files\":[{\"name\":\"a\",\"size\":\"big\"}]}")));
    var files = ComputeSessionWire.parseFiles(
        json("{\"files\":[{\"name\":\"a\",\"size\":3,\"mtime\":1e300}]}"));
    assertEquals(3, files.get(0).size());
    assertNull(files.get(0).modified());
  }

  @Test
  void sessionEventWithAnOutOfRangeExitCodeHasNone() {
    var e = EventStream.parse(
        new SseEvent(
            "session_terminated", "{\"sessionName\":\"s\",\"exitCode\":1e99999}", "", null),
        false);
    assertEquals("s", e.sessionName());
    assertNull(e.exitCode());
  }
}
