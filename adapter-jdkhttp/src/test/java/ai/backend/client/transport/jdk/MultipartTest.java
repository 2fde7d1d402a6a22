package ai.backend.client.transport.jdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.port.RequestBody;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipartTest {

  static byte[] drain(BodyPublisher p) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<Void> done = new CompletableFuture<>();
    p.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        out.writeBytes(a);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        done.complete(null);
      }
    });
    done.get(10, TimeUnit.SECONDS);
    return out.toByteArray();
  }

  @Test
  void encodesPartsWithDispositionAndType(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a.txt"), "file-content");
    RequestBody.Multipart m = new RequestBody.Multipart(List.of(
        new RequestBody.Part("src", "데이터 \"x\".txt", RequestBody.ofFile(file, "text/plain")),
        new RequestBody.Part("meta", null, RequestBody.ofString("{}", "application/json")),
        new RequestBody.Part("blob", "b.bin", RequestBody.ofBytes(new byte[] {1, 2}, null))));
    BodyPublisher p = Multipart.publisher(m, "BOUNDARY");
    String expected = "--BOUNDARY\r\n"
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
    byte[] body = drain(p);
    assertEquals(expected, new String(body, StandardCharsets.UTF_8));
    assertEquals(body.length, p.contentLength(), "length known when every part's is");
  }

  @Test
  void boundariesAreRandom() {
    String a = Multipart.boundary();
    assertNotEquals(a, Multipart.boundary());
    assertTrue(a.length() >= 40);
    assertEquals("multipart/form-data; boundary=B", JdkHttpTransport.withBoundary("multipart/form-data", "B"));
  }
}
