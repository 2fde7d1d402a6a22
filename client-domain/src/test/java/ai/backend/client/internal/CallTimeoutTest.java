package ai.backend.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.ApiVersion;
import ai.backend.client.Config;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportException;
import ai.backend.client.port.WebSocketConnector;
import ai.backend.transport.tck.ReferenceHmac;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole-call timeout: a body that keeps trickling (so no per-read timeout fires) still ends the
 * call at its deadline with {@code CALL_TIMEOUT}, the response is closed, and the per-request
 * response timeouts handed to the transport never exceed what is left of the budget.
 */
class CallTimeoutTest {
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  /** Answers 200 with a body that yields a byte every 20 ms (3 s in all), or fails once closed. */
  private static final class TricklingTransport implements HttpTransport {
    final List<HttpRequest> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger closedResponses = new AtomicInteger();

    @Override
    public HttpResponse execute(HttpRequest request) {
      requests.add(request);
      return new HttpResponse() {
        private volatile boolean closed;
        private int left = 150;
        private final InputStream body = new InputStream() {
          @Override
          public int read() throws IOException {
            if (left-- <= 0) {
              return -1;
            }
            if (closed) {
              throw new IOException("closed");
            }
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new java.io.InterruptedIOException();
            }
            if (closed) {
              throw new IOException("closed");
            }
            return '[';
          }
        };

        @Override
        public int status() {
          return 200;
        }

        @Override
        public HttpHeaders headers() {
          return HttpHeaders.of("Content-Type", "application/json");
        }

        @Override
        public InputStream body() {
          return body;
        }

        @Override
        public void close() {
          if (!closed) {
            closed = true;
            closedResponses.incrementAndGet();
          }
        }
      };
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request) {
      return CompletableFuture.supplyAsync(() -> execute(request));
    }

    @Override
    public WebSocketConnector webSockets() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String name() {
      return "trickling";
    }

    @Override
    public void close() {}
  }

  private final TricklingTransport transport = new TricklingTransport();

  private ApiCore core(Duration callTimeout) {
    Config c = Config.builder()
        .endpoint("https://bai.example.com/api/")
        .accessKey("AKIA")
        .secretKey(SECRET)
        .negotiate(false)
        .apiVersion(ApiVersion.V9_20250722)
        .readTimeout(Duration.ofSeconds(30))
        .callTimeout(callTimeout)
        .build();
    return ApiCore.builder(c, transport).hmac(new ReferenceHmac()).build();
  }

  private static final ResponseHandler<byte[]> READ_ALL = r -> r.body().readAllBytes();

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aBodyThatNeverEndsEndsAtTheCallDeadline(boolean async) throws Exception {
    try (ApiCore core = core(Duration.ofMillis(500))) {
      long t0 = System.nanoTime();
      BackendIoException e;
      if (async) {
        ExecutionException x = assertThrows(
            ExecutionException.class,
            () -> core.callAsync(ApiRequest.get("x"), READ_ALL).get(10, TimeUnit.SECONDS));
        e = assertInstanceOf(BackendIoException.class, x.getCause());
      } else {
        e = assertThrows(BackendIoException.class, () -> core.call(ApiRequest.get("x"), READ_ALL));
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(
          TransportException.Kind.CALL_TIMEOUT, e.transportKind().orElseThrow(), e.toString());
      assertTrue(e.getMessage().contains("within the call timeout (500ms)"), e.getMessage());
      assertTrue(ms >= 450 && ms < 5000, "ended after " + ms + " ms");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (transport.closedResponses.get() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, transport.closedResponses.get(), "the response was closed");
    }
  }

  @Test
  void theTransportNeverWaitsLongerThanTheCallBudget() {
    try (ApiCore core = core(Duration.ofSeconds(2))) {
      assertThrows(BackendIoException.class, () -> core.call(ApiRequest.get("x"), READ_ALL));
    }
    Duration given = transport.requests.get(0).timeout();
    assertTrue(
        given.compareTo(Duration.ofSeconds(2)) <= 0,
        "response timeout " + given + " exceeds the budget");
  }

  @Test
  void streamedDownloadsAreBoundOnlyByTheReadTimeout() {
    ApiRequest download =
        ComputeSessionWire.download(Dialect.of(ApiVersion.V9_20250722), "s", List.of("a"));
    assertEquals(Duration.ZERO, download.callTimeout());
  }

  @Test
  void noCallTimeoutLeavesTheReadTimeout() throws Exception {
    try (ApiCore core = core(null)) {
      assertEquals(
          150,
          core.callAsync(ApiRequest.get("x"), READ_ALL).get(20, TimeUnit.SECONDS).length,
          "a 3 s body read to its end");
    }
    assertEquals(Duration.ofSeconds(30), transport.requests.get(0).timeout());
  }

  /** A create that waits for its session may wait up to maxWait (+ margin), else the call budget. */
  @Test
  void aCreateThatWaitsForItsSessionGetsThatLong() {
    Dialect d = Dialect.of(ApiVersion.V9_20250722);
    Config c = Config.builder()
        .endpoint("https://bai.example.com")
        .accessKey("AKIA")
        .secretKey(SECRET)
        .callTimeout(Duration.ofMinutes(20))
        .build();
    ai.backend.client.KernelOptions waitFor30s = ai.backend.client.KernelOptions.builder()
        .maxWait(Duration.ofSeconds(30))
        .build();
    assertEquals(
        Duration.ofSeconds(120),
        ComputeSessionWire.create(d, c, "python", "sess1", waitFor30s).timeout());
    assertEquals(
        Duration.ofMinutes(20),
        ComputeSessionWire.create(
                d,
                c,
                "python",
                "sess1",
                ai.backend.client.KernelOptions.builder().build())
            .timeout());
    assertEquals(
        null,
        ComputeSessionWire.create(
                d,
                c,
                "python",
                "sess1",
                ai.backend.client.KernelOptions.builder().enqueueOnly(true).build())
            .timeout(),
        "answers at once");
  }
}
