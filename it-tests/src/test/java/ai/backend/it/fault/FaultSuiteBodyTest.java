package ai.backend.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.MalformedResponseException;
import ai.backend.client.port.TransportException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.SocketEffect;
import okio.BufferedSink;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The status is fine but the body is not: truncated or malformed JSON ({@link
 * MalformedResponseException}), an answer slower than the read timeout, before the headers or in the
 * middle of the body ({@link BackendIoException}), and a body that never ends (a typed error,
 * not an exhausted heap or a hang).
 */
class FaultSuiteBodyTest extends FaultFixture {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void truncatedJsonIsAMalformedResponse(String adapter, Mode mode) throws Exception {
    // complete as HTTP (the Content-Length matches), cut as JSON
    server.enqueue(Bodies.json(200, Bodies.INFO.substring(0, Bodies.INFO.length() / 2)));
    open(adapter, mode);

    MalformedResponseException e =
        fails(MalformedResponseException.class, k -> k.info(), k -> k.info());

    assertEquals(200, e.status());
    assertEquals(1, server.requestCount(), "a 200 is an answer: not retried");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void malformedJsonIsAMalformedResponse(String adapter, Mode mode) throws Exception {
    server.enqueue(Bodies.json(200, "{\"result\": {\"status\": finished, \"console\": [}"));
    open(adapter, mode);

    MalformedResponseException e = fails(
        MalformedResponseException.class, k -> k.execute("print(1)"), k -> k.execute("print(1)"));

    assertEquals(200, e.status());
    assertTrue(e.getMessage().contains("POST /session/" + KERNEL), e.getMessage());
    assertFalse(
        e.getMessage().contains("setStrictness") || e.getMessage().contains("LENIENT"),
        e.getMessage());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void anHtmlPageWith200IsAMalformedResponse(String adapter, Mode mode) throws Exception {
    // a captive portal or a misrouted proxy answering for the manager
    server.enqueue(new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "text/html")
        .body(Bodies.proxyErrorPage(200, "OK")));
    open(adapter, mode);

    MalformedResponseException e =
        fails(MalformedResponseException.class, k -> k.info(), k -> k.info());

    assertEquals(200, e.status());
    // what it is and what to check, once; not the page, not the JSON parser's advice
    assertEquals(
        "the server at " + server.endpoint() + " answered GET /session/" + KERNEL
            + " with an HTML page "
            + "(status 200, text/html), not Backend.AI JSON — is BACKEND_ENDPOINT the manager's API address?",
        e.getMessage());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void headersSlowerThanTheReadTimeout(String adapter, Mode mode) throws Exception {
    server.enqueue(Bodies.info().headersDelay(4, TimeUnit.SECONDS));
    server.enqueue(Bodies.info()); // what a retry would get
    open(adapter, mode, config().readTimeout(READ_TIMEOUT).build());

    long t0 = System.nanoTime();
    BackendIoException e = fails(BackendIoException.class, k -> k.info(), k -> k.info());
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertEquals(
        Optional.of(TransportException.Kind.READ_TIMEOUT), e.transportKind(), e.toString());
    assertTrue(took.compareTo(READ_TIMEOUT.minusMillis(100)) >= 0, "before the timeout: " + took);
    assertTrue(
        took.compareTo(Duration.ofMillis(3500)) < 0, "the timeout was not enforced: " + took);
    // the read timeout is the caller's budget: not retried
    assertEquals(1, server.requestCount(), "requests");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void bodyStalledAfterTheHeaders(String adapter, Mode mode) throws Exception {
    bodyStalls(adapter, mode);
  }

  /** Half the body, then nothing (the connection stays open): the read timeout must end the wait. */
  private void bodyStalls(String adapter, Mode mode) throws Exception {
    server.enqueue(
        Bodies.json(200, Bodies.paddedInfo(8 * 1024)).onResponseBody(SocketEffect.Stall.INSTANCE));
    open(adapter, mode, config().readTimeout(READ_TIMEOUT).build());

    long t0 = System.nanoTime();
    BackendIoException e = fails(BackendIoException.class, k -> k.info(), k -> k.info());
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertTrue(took.compareTo(READ_TIMEOUT.minusMillis(100)) >= 0, "before the timeout: " + took);
    assertTrue(
        took.compareTo(Duration.ofMillis(3500)) < 0, "the timeout was not enforced: " + took);
    assertTrue(isTimeout(e), "not reported as a timeout: " + chain(e));
    assertEquals(1, server.requestCount(), "requests");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void anEndlessBodyEndsInATypedError(String adapter, Mode mode) throws Exception {
    // a body that never ends and never pauses, so no idle timeout can fire: only a size cap helps
    server.enqueue(new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .setHeader("Connection", "close")
        .body(new EndlessJson())
        .removeHeader("Content-Length"));
    open(adapter, mode, config().readTimeout(Duration.ofSeconds(5)).build());

    long t0 = System.nanoTime();
    MalformedResponseException e =
        fails(MalformedResponseException.class, k -> k.info(), k -> k.info());
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertEquals(200, e.status());
    assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "took " + took);
  }

  private static String chain(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" <- ");
    }
    return sb.toString();
  }

  private static boolean isTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TransportException te && te.kind() == TransportException.Kind.READ_TIMEOUT
          || t instanceof java.net.SocketTimeoutException
          || t instanceof java.net.http.HttpTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** {@code {"pad":"xxxx…} forever, close-delimited; ends only when the client goes away. */
  static final class EndlessJson implements MockResponseBody {
    @Override
    public long getContentLength() {
      return -1;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      byte[] chunk = "x".repeat(64 * 1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      sink.writeUtf8("{\"pad\":\"");
      while (true) {
        sink.write(chunk);
        sink.flush();
      }
    }
  }
}
