package ai.backend.client.transport.apache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.port.RequestBody;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.http.HttpEntity;
import org.junit.jupiter.api.Test;

class ClassicBodiesTest {
  private static final byte[] BYTES = "--B\r\n\r\nx\r\n--B--\r\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void aRepeatableStreamIsOpenedAfreshEachTimeItIsWritten() throws Exception {
    AtomicInteger opened = new AtomicInteger();
    HttpEntity e = ClassicBodies.entity(RequestBody.ofRepeatableStream(
        () -> {
          opened.incrementAndGet();
          return new ByteArrayInputStream(BYTES);
        },
        BYTES.length,
        "multipart/form-data; boundary=B"));
    assertTrue(e.isRepeatable(), "a stale pooled connection may be retried with it");
    assertEquals(BYTES.length, e.getContentLength());
    assertFalse(e.isChunked());
    for (int i = 0; i < 2; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      e.writeTo(out);
      assertEquals(new String(BYTES, StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
    }
    assertEquals(2, opened.get());
  }

  @Test
  void aOneShotStreamIsNotRepeatable() {
    HttpEntity e =
        ClassicBodies.entity(RequestBody.ofStream(() -> new ByteArrayInputStream(BYTES), -1, null));
    assertFalse(e.isRepeatable());
  }

  @Test
  void hostLeavesOutDefaultPorts() {
    assertEquals("h", ApacheHttpTransport.authority(URI.create("http://h:80/x")).toString());
    assertEquals(
        "h", ApacheHttpTransport.authority(URI.create("https://h:443/x")).toString());
    assertEquals(
        "h:8080", ApacheHttpTransport.authority(URI.create("http://h:8080/x")).toString());
    assertEquals(
        "h:443", ApacheHttpTransport.authority(URI.create("http://h:443/x")).toString());
  }
}
