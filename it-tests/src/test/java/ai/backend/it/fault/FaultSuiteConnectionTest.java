package ai.backend.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.ComputeSessionInfo;
import ai.backend.client.ExecutionResult;
import ai.backend.client.RetryPolicy;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.port.TransportException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The connection fails under the client: reset in the middle of a body, closed before the status
 * line, the server gone while a long execute waits. Each ends in {@link BackendIoException}
 * (no usable answer); only an idempotent request failing before any response byte is retried.
 */
class FaultSuiteConnectionTest extends FaultFixture {

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void connectionResetInTheMiddleOfTheBody(String adapter, Mode mode) throws Exception {
    server.resetConnectionsOnClose();
    // the body waits a little so the client has the headers before the reset (a reset discards
    // what the client has not read yet); then half the body, then RST
    server.enqueue(Bodies.json(200, Bodies.paddedInfo(64 * 1024))
        .bodyDelay(300, TimeUnit.MILLISECONDS)
        .onResponseBody(new SocketEffect.CloseSocket()));
    server.enqueue(Bodies.info());
    open(adapter, mode);

    BackendIoException e = fails(BackendIoException.class, k -> k.info(), k -> k.info());

    // the failure came from reading the body, not from the transport before the answer
    assertEquals(Optional.of(TransportException.Kind.IO), e.transportKind(), e.toString());
    assertTrue(
        e.getMessage().startsWith("the connection broke while reading the response of GET"),
        e.getMessage());
    assertTrue(hasCause(e, "reset"), causes(e));
    // the response had begun: a retry could not know what the server did, so there is none
    assertEquals(1, server.requestCount(), "requests");
    assertTrue(e.getMessage().contains("GET /session/" + KERNEL), e.getMessage());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void closedBeforeTheStatusLineIsRetriedForAGet(String adapter, Mode mode) throws Exception {
    server.enqueue(Bodies.info().onResponseStart(new SocketEffect.CloseSocket()));
    server.enqueue(Bodies.info());
    open(adapter, mode);

    ComputeSessionInfo info = call(k -> k.info(), k -> k.info());

    assertEquals("RUNNING", info.status());
    assertEquals(2, server.requestCount(), "requests");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("apache")
  void closedBeforeTheStatusLineEveryTimeEndsAfterTheRetries(String adapter, Mode mode)
      throws Exception {
    closedBeforeTheStatusLineEveryTime(adapter, mode);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("jdk")
  void closedBeforeTheStatusLineEveryTimeEndsAfterTheRetriesJdk(String adapter, Mode mode)
      throws Exception {
    closedBeforeTheStatusLineEveryTime(adapter, mode);
  }

  private void closedBeforeTheStatusLineEveryTime(String adapter, Mode mode) throws Exception {
    for (int i = 0; i < 40; i++) {
      server.enqueue(Bodies.info().onResponseStart(new SocketEffect.CloseSocket()));
    }
    open(adapter, mode);

    BackendIoException e = fails(BackendIoException.class, k -> k.info(), k -> k.info());

    assertEquals(Optional.of(TransportException.Kind.IO), e.transportKind(), e.toString());
    // the policy's attempts, each of which the adapter may send once more at once (docs/sdk.md: a
    // connection found closed before any response byte), and nothing beyond that
    int attempts = FAST_RETRIES.maxRetries() + 1;
    int requests = server.requestCount();
    assertTrue(
        requests >= attempts && requests <= 2 * attempts,
        "requests: " + requests + ", expected " + attempts + " to " + 2 * attempts);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void closedBeforeTheStatusLineIsNotRetriedForAPost(String adapter, Mode mode) throws Exception {
    server.enqueue(Bodies.executed().onResponseStart(new SocketEffect.CloseSocket()));
    server.enqueue(Bodies.executed());
    open(adapter, mode);

    BackendIoException e =
        fails(BackendIoException.class, k -> k.execute("print(1)"), k -> k.execute("print(1)"));

    // the server may have started the code: sending it again could run it twice
    assertEquals(Optional.of(TransportException.Kind.IO), e.transportKind(), e.toString());
    assertEquals(1, server.requestCount(), "requests");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void serverShutDownWhileALongExecuteWaits(String adapter, Mode mode) throws Exception {
    server.enqueue(Bodies.executed().onResponseStart(SocketEffect.Stall.INSTANCE));
    Duration readTimeout = Duration.ofSeconds(15);
    open(
        adapter,
        mode,
        config().readTimeout(readTimeout).retryPolicy(RetryPolicy.defaults()).build());

    long t0 = System.nanoTime();
    Future<ExecutionResult> running = start(
        k -> k.execute("import time; time.sleep(600)"),
        k -> k.execute("import time; time.sleep(600)"));
    // the request is in: the server now dies under it
    assertTrue(
        server.raw().takeRequest(10, TimeUnit.SECONDS) != null,
        "the execute request never arrived");
    server.close();
    BackendIoException e = failsWith(BackendIoException.class, running);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertTrue(
        took.compareTo(readTimeout) < 0,
        "ended by the read timeout, not by the server going away: " + took);
    assertEquals(1, server.requestCount(), "a POST is never sent again");
    assertTrue(e.transportKind().isPresent(), e.toString());
  }

  private static String causes(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" <- ");
    }
    return sb.toString();
  }

  private static boolean hasCause(Throwable e, String word) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains(word)) {
        return true;
      }
    }
    return false;
  }
}
