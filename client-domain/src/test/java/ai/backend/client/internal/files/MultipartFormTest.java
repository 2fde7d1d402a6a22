package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.port.RequestBody;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytes every transport sends for an upload: encoded here once, streamed. */
class MultipartFormTest {
  private static final String EXPECTED = "--BOUNDARY\r\n"
      + "Content-Disposition: form-data; name=\"src\"; filename=\"데이터 %22x%22.txt\"\r\n"
      + "Content-Type: text/plain\r\n\r\n"
      + "file-content\r\n"
      + "--BOUNDARY\r\n"
      + "Content-Disposition: form-data; name=\"meta\"\r\n"
      + "Content-Type: application/json\r\n\r\n"
      + "{}\r\n"
      + "--BOUNDARY\r\n"
      + "Content-Disposition: form-data; name=\"blob\"; filename=\"b.bin\"\r\n"
      + "Content-Type: application/octet-stream\r\n\r\n"
      + "\u0001\u0002\r\n"
      + "--BOUNDARY--\r\n";

  private static List<MultipartForm.Part> parts(Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a.txt"), "file-content");
    return List.of(
        new MultipartForm.Part("src", "데이터 \"x\".txt", RequestBody.ofFile(file, "text/plain")),
        new MultipartForm.Part("meta", null, RequestBody.ofString("{}", "application/json")),
        new MultipartForm.Part("blob", "b.bin", RequestBody.ofBytes(new byte[] {1, 2}, null)));
  }

  private static String read(RequestBody body) throws Exception {
    try (InputStream in = ((RequestBody.Stream) body).stream().get()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void encodesPartsWithDispositionAndTypeAndAKnownLength(@TempDir Path dir) throws Exception {
    RequestBody body = MultipartForm.encode(parts(dir), "BOUNDARY");
    assertEquals("multipart/form-data; boundary=BOUNDARY", body.contentType());
    assertEquals(EXPECTED, read(body));
    assertEquals(
        EXPECTED.getBytes(StandardCharsets.UTF_8).length,
        body.contentLength(),
        "Content-Length, not chunked");
    assertTrue(body.repeatable());
    assertEquals(EXPECTED, read(body), "sent again, the same bytes");
  }

  @Test
  void aOneShotPartMakesItOneShotAndOpensItOnlyWhenReached() throws Exception {
    AtomicInteger opened = new AtomicInteger();
    RequestBody body = MultipartForm.encode(
        List.of(new MultipartForm.Part(
            "src",
            "s.bin",
            RequestBody.ofStream(
                () -> {
                  opened.incrementAndGet();
                  return new ByteArrayInputStream(new byte[] {7});
                },
                -1,
                null))),
        "B");
    assertFalse(body.repeatable());
    assertEquals(-1, body.contentLength(), "unknown part length: sent chunked");
    assertEquals(0, opened.get());
    try (InputStream in = ((RequestBody.Stream) body).stream().get()) {
      in.readNBytes(10); // within the first part's header
      assertEquals(0, opened.get(), "not opened before the encoder reaches it");
      assertTrue(
          new String(in.readAllBytes(), StandardCharsets.UTF_8).endsWith("\u0007\r\n--B--\r\n"));
    }
    assertEquals(1, opened.get());
  }

  @Test
  void boundariesAreRandom() {
    String a = MultipartForm.boundary();
    assertNotEquals(a, MultipartForm.boundary());
    assertTrue(a.length() >= 40);
  }
}
