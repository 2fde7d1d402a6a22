package ai.backend.client.transport.apache;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.port.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityProducer;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.junit.jupiter.api.Test;

class StreamingConsumerTest {

  /**
   * Regression (fault suite): a reader blocked on the body when the connection was reset got the
   * buffer's bare "Operation aborted", with the reset lost; it must see the failure as the cause.
   */
  @Test
  void aReaderWaitingWhenTheExchangeFailsGetsTheFailure() throws Exception {
    CompletableFuture<HttpResponse> result = new CompletableFuture<>();
    StreamingConsumer consumer = new StreamingConsumer(result, Runnable::run);
    consumer.consumeResponse(
        new BasicHttpResponse(200),
        new BasicAsyncEntityProducer("x".repeat(100), ContentType.APPLICATION_JSON),
        HttpCoreContext.create(),
        null);
    InputStream body = result.get(5, TimeUnit.SECONDS).body();
    SocketException reset = new SocketException("Connection reset");

    CompletableFuture<IOException> thrown = new CompletableFuture<>();
    Thread reader = new Thread(
        () -> {
          try {
            body.read(new byte[10], 0, 10);
            thrown.complete(null);
          } catch (IOException e) {
            thrown.complete(e);
          }
        },
        "body-reader");
    reader.start();
    // the failure must come while the reader waits for data
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (reader.getState() != Thread.State.WAITING
        && reader.getState() != Thread.State.TIMED_WAITING) {
      assertTrue(System.nanoTime() < deadline, "the reader never waited: " + reader.getState());
      Thread.onSpinWait();
    }
    consumer.failed(reset);
    IOException e = thrown.get(5, TimeUnit.SECONDS);
    reader.join(5000);

    assertTrue(e != null, "the read returned instead of failing");
    assertSame(reset, e.getCause(), String.valueOf(e));
    assertTrue(e.getMessage().contains("Connection reset"), e.getMessage());
  }

  @Test
  void aFailureBeforeTheReadIsReportedToo() throws Exception {
    CompletableFuture<HttpResponse> result = new CompletableFuture<>();
    StreamingConsumer consumer = new StreamingConsumer(result, Runnable::run);
    consumer.consumeResponse(
        new BasicHttpResponse(200),
        new BasicAsyncEntityProducer("x".repeat(100), ContentType.APPLICATION_JSON),
        HttpCoreContext.create(),
        null);
    InputStream body = result.get(5, TimeUnit.SECONDS).body();
    SocketException reset = new SocketException("Connection reset");
    consumer.failed(reset);

    IOException e = assertThrows(IOException.class, () -> body.read(new byte[10], 0, 10));
    assertSame(reset, e.getCause(), String.valueOf(e));
  }
}
