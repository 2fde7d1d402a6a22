package ai.backend.client.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.backend.client.ApiVersion;
import ai.backend.client.ComputeSessionListQuery;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpResponse;
import com.google.gson.JsonParseException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A null session list item is a malformed response, not a NullPointerException (found by AdminWireFuzzTest). */
class AdminWireMalformedTest {

  @Test
  void nullSessionListItemIsMalformed() {
    String current = "{\"data\":{\"compute_session_list\":{\"items\":[null],\"total_count\":1}}}";
    assertThrows(JsonParseException.class, () -> AdminWire.sessionPageHandler(
            Dialect.of(ApiVersion.CLIENT_DEFAULT), ComputeSessionListQuery.of())
        .handle(response(current)));
    String v4 = "{\"data\":{\"compute_sessions\":[null]}}";
    assertThrows(JsonParseException.class, () -> AdminWire.sessionPageHandler(
            Dialect.of(ApiVersion.V4_20181215), ComputeSessionListQuery.of())
        .handle(response(v4)));
  }

  private static HttpResponse response(String body) {
    InputStream in = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    return new HttpResponse() {
      @Override
      public int status() {
        return 200;
      }

      @Override
      public HttpHeaders headers() {
        return HttpHeaders.empty();
      }

      @Override
      public InputStream body() {
        return in;
      }

      @Override
      public void close() {}
    };
  }
}
