package ai.backend.client.transport.apache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.backend.client.port.RequestBody;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipartStreamTest {
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

  private static RequestBody.Multipart body(Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a.txt"), "file-content");
    return new RequestBody.Multipart(List.of(
        new RequestBody.Part("src", "데이터 \"x\".txt", RequestBody.ofFile(file, "text/plain")),
        new RequestBody.Part("meta", null, RequestBody.ofString("{}", "application/json")),
        new RequestBody.Part("blob", "b.bin", RequestBody.ofBytes(new byte[] {1, 2}, null))));
  }

  @Test
  void asyncStreamEncoding(@TempDir Path dir) throws Exception {
    try (InputStream in = MultipartStream.open(body(dir), "BOUNDARY")) {
      assertEquals(EXPECTED, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void classicEntityWritesTheSameBytes(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ClassicBodies.multipart(body(dir), "BOUNDARY").writeTo(out);
    assertEquals(EXPECTED, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void boundaryAndHost() {
    assertNotEquals(MultipartStream.boundary(), MultipartStream.boundary());
    assertEquals("h", ApacheHttpTransport.authority(URI.create("http://h:80/x")).toString());
    assertEquals("h", ApacheHttpTransport.authority(URI.create("https://h:443/x")).toString());
    assertEquals("h:8080", ApacheHttpTransport.authority(URI.create("http://h:8080/x")).toString());
    assertEquals("h:443", ApacheHttpTransport.authority(URI.create("http://h:443/x")).toString());
  }
}
