package ai.backend.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.backend.client.errors.BackendIoException;
import ai.backend.client.port.TransportException;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No server to answer: nothing listens on the port, or the host name does not resolve. The message
 * tells the two apart, says how often the request was sent and what to check, and names the
 * endpoint once. A name that did not resolve is not retried.
 */
class FaultSuiteNoServerTest extends FaultFixture {

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void nothingListeningIsARefusedConnectionTriedEveryTime(String adapter, Mode mode)
      throws Exception {
    int port = freePort();
    open(adapter, mode, config().endpoint("http://127.0.0.1:" + port).build());

    BackendIoException e = fails(BackendIoException.class, k -> k.info(), k -> k.info());

    assertEquals(Optional.of(TransportException.Kind.CONNECT), e.transportKind(), e.toString());
    int attempts = FAST_RETRIES.maxRetries() + 1;
    assertEquals(
        "cannot connect to http://127.0.0.1:" + port + ": connection refused (tried " + attempts
            + " times). Is the server running and BACKEND_ENDPOINT right?",
        e.getMessage());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void anUnknownHostSaysSoAndIsNotRetried(String adapter, Mode mode) throws Exception {
    // .invalid never resolves (RFC 6761), with or without a network
    open(adapter, mode, config().endpoint("http://foo.invalid:8081").build());

    BackendIoException e = fails(BackendIoException.class, k -> k.info(), k -> k.info());

    assertEquals(
        Optional.of(TransportException.Kind.UNKNOWN_HOST), e.transportKind(), e.toString());
    assertEquals(
        "cannot connect to http://foo.invalid:8081: unknown host \"foo.invalid\". "
            + "Is BACKEND_ENDPOINT right?",
        e.getMessage());
    assertEquals(1, ((TransportException) e.getCause()).attempts(), "attempts");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
