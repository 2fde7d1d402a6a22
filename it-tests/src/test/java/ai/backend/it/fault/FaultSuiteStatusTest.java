package ai.backend.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.ComputeSessionInfo;
import ai.backend.client.ExecutionResult;
import ai.backend.client.errors.RateLimitedException;
import ai.backend.client.errors.ServerException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The server answers, but with a transient error status: 5xx bursts, 429 with and without {@code
 * Retry-After}, an HTML error page from a reverse proxy. Idempotent requests are retried within the
 * policy's budget (counted on the server), a POST never; what is not retried ends in {@link
 * ServerException} or {@link RateLimitedException} carrying the status, with a short message.
 */
class FaultSuiteStatusTest extends FaultFixture {

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void a503BurstIsRetriedForAGet(String adapter, Mode mode) throws Exception {
    server.enqueue(Bodies.problem(503, "service-unavailable", "Service Unavailable"));
    server.enqueue(Bodies.problem(503, "service-unavailable", "Service Unavailable"));
    server.enqueue(Bodies.info());
    open(adapter, mode);

    ComputeSessionInfo info = call(k -> k.info(), k -> k.info());

    assertEquals("RUNNING", info.status());
    assertEquals(3, server.requestCount(), "requests");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void a503IsNotRetriedForAPost(String adapter, Mode mode) throws Exception {
    server.enqueue(Bodies.problem(503, "service-unavailable", "Service Unavailable"));
    server.enqueue(Bodies.executed()); // what a (wrong) retry would get
    open(adapter, mode);

    ServerException e =
        fails(ServerException.class, k -> k.execute("print(1)"), k -> k.execute("print(1)"));

    assertEquals(503, e.status());
    assertEquals(1, server.requestCount(), "requests");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void aBurstLongerThanTheRetriesEndsAfterExactlyMaxRetriesPlusOneAttempts(
      String adapter, Mode mode) throws Exception {
    int attempts = FAST_RETRIES.maxRetries() + 1;
    for (int i = 0; i < attempts; i++) {
      server.enqueue(Bodies.problem(503, "service-unavailable", "Service Unavailable"));
    }
    server.enqueue(Bodies.info()); // one retry too many would succeed
    open(adapter, mode);

    ServerException e = fails(ServerException.class, k -> k.info(), k -> k.info());

    assertEquals(503, e.status());
    assertEquals(attempts, server.requestCount(), "requests");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void a429RetryAfterIsHonoured(String adapter, Mode mode) throws Exception {
    server.enqueue(Bodies.problem(429, "too-many-requests", "Too Many Requests")
        .setHeader("Retry-After", "1"));
    server.enqueue(Bodies.info());
    open(adapter, mode);

    long t0 = System.nanoTime();
    ComputeSessionInfo info = call(k -> k.info(), k -> k.info());
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertEquals("RUNNING", info.status());
    assertEquals(2, server.requestCount(), "requests");
    assertTrue(took.compareTo(Duration.ofSeconds(1)) >= 0, "retried before Retry-After: " + took);
    // the server's wait replaces the backoff instead of adding to it (generous for a loaded
    // machine)
    assertTrue(
        took.compareTo(Duration.ofMillis(2500)) < 0, "waited far longer than asked: " + took);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void a429WithoutRetryAfterBacksOff(String adapter, Mode mode) throws Exception {
    server.enqueue(Bodies.problem(429, "too-many-requests", "Too Many Requests"));
    server.enqueue(Bodies.problem(429, "too-many-requests", "Too Many Requests"));
    server.enqueue(Bodies.info());
    open(adapter, mode);

    long t0 = System.nanoTime();
    ComputeSessionInfo info = call(k -> k.info(), k -> k.info());
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertEquals("RUNNING", info.status());
    assertEquals(3, server.requestCount(), "requests");
    // two backoffs, each at least half the computed one (equal jitter): 10 ms + 20 ms
    assertTrue(took.compareTo(Duration.ofMillis(30)) >= 0, "no backoff: " + took);
    assertTrue(
        took.compareTo(Duration.ofSeconds(2)) < 0, "backoff beyond the policy's cap: " + took);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void aRetryAfterBeyondTheCapIsNotWaitedFor(String adapter, Mode mode) throws Exception {
    server.enqueue(Bodies.problem(429, "too-many-requests", "Too Many Requests")
        .setHeader("Retry-After", "30"));
    server.enqueue(Bodies.info());
    open(adapter, mode);

    long t0 = System.nanoTime();
    RateLimitedException e = fails(RateLimitedException.class, k -> k.info(), k -> k.info());
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertEquals(429, e.status());
    assertEquals(
        Optional.of(Duration.ofSeconds(30)), e.retryAfter(), "the server's wait is passed on");
    assertEquals(1, server.requestCount(), "requests");
    assertTrue(took.compareTo(FAST_RETRIES.maxRetryAfter()) < 0, "waited anyway: " + took);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void anHtmlPageFromAReverseProxyIsAServerErrorWithAShortMessage(String adapter, Mode mode)
      throws Exception {
    String page = Bodies.proxyErrorPage(502, "Bad Gateway");
    int attempts = FAST_RETRIES.maxRetries() + 1;
    for (int i = 0; i < attempts; i++) {
      server.enqueue(new mockwebserver3.MockResponse.Builder()
          .code(502)
          .setHeader("Content-Type", "text/html")
          .setHeader("Server", "nginx/1.25.3")
          .body(page));
    }
    open(adapter, mode);

    ServerException e = fails(ServerException.class, k -> k.info(), k -> k.info());

    assertEquals(502, e.status());
    assertEquals(attempts, server.requestCount(), "a 502 is transient: retried, within the budget");
    assertShort(e, page);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void anHtml500AnsweringAPostIsAServerErrorWithAShortMessage(String adapter, Mode mode)
      throws Exception {
    String page = Bodies.proxyErrorPage(500, "Internal Server Error");
    server.enqueue(new mockwebserver3.MockResponse.Builder()
        .code(500)
        .setHeader("Content-Type", "text/html")
        .body(page));
    open(adapter, mode);

    ServerException e =
        fails(ServerException.class, k -> k.execute("print(1)"), k -> k.execute("print(1)"));

    assertEquals(500, e.status());
    assertEquals(1, server.requestCount(), "requests");
    assertShort(e, page);
  }

  /** The message says what happened in one line: status, route, the page's start, never the whole page. */
  private static void assertShort(ServerException e, String page) {
    String m = e.getMessage();
    assertTrue(m.contains("HTTP " + e.status()), m);
    assertTrue(m.contains("GET /session/" + KERNEL) || m.contains("POST /session/" + KERNEL), m);
    assertTrue(m.length() < 400, "message of " + m.length() + " chars: " + m);
    assertFalse(m.contains("Traceback") || m.contains("</html>") || m.contains("\n"), m);
    assertTrue(page.length() > 2000, "the page must be long for this test to mean anything");
  }

  // an execute answered normally, so that the POST tests above fail only for the fault's reason
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void theScriptedAnswersWorkWithoutAFault(String adapter, Mode mode) throws Exception {
    server.enqueue(Bodies.executed());
    open(adapter, mode);

    ExecutionResult r = call(k -> k.execute("print(1)"), k -> k.execute("print(1)"));

    assertEquals(java.util.OptionalInt.of(0), r.exitCode());
    assertEquals(1, server.requestCount(), "requests");
  }
}
