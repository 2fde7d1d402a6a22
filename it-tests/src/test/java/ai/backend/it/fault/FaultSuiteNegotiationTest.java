package ai.backend.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.ComputeSessionInfo;
import ai.backend.client.errors.MalformedResponseException;
import ai.backend.client.errors.ServerException;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults on the version probe ({@code GET /}, spec §3.1) that opening a session sends: a transient
 * status is retried like any GET, a body that is not the manager's ends in a typed error, and a
 * session that fails to open leaves nothing behind (it closes the transport it made).
 */
class FaultSuiteNegotiationTest extends FaultFixture {
  private static final String ROOT = "{\"version\":\"v9.20250722\",\"manager\":\"25.15.0\"}";

  static Stream<String> adapters() {
    return Stream.of("jdk", "apache");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adapters")
  void aProbeAnswered503ThenOkIsRetriedAndTheSessionWorks(String adapter) throws Exception {
    server.enqueue(Bodies.problem(503, "service-unavailable", "Service Unavailable"));
    server.enqueue(Bodies.json(200, ROOT));
    server.enqueue(Bodies.info());
    open(adapter, Mode.SYNC, config().negotiate(true).apiVersion(null).build());

    ComputeSessionInfo info = call(k -> k.info(), k -> k.info());

    assertEquals("RUNNING", info.status());
    assertEquals(3, server.requestCount(), "requests");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adapters")
  void aProbeAnsweredWithAnHtmlPageIsMalformed(String adapter) {
    server.enqueue(new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "text/html")
        .body(Bodies.proxyErrorPage(200, "OK")));

    MalformedResponseException e = openFails(
        MalformedResponseException.class, adapter, config().negotiate(true).build());

    assertEquals(200, e.status());
    assertEquals(
        "the server at " + server.endpoint() + " answered GET / with an HTML page (status 200, "
            + "text/html), not Backend.AI JSON — is BACKEND_ENDPOINT the manager's API address?",
        e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adapters")
  void aProbeAnsweredWithAProxyErrorEveryTimeFailsTheOpen(String adapter) {
    for (int i = 0; i <= FAST_RETRIES.maxRetries(); i++) {
      server.enqueue(new MockResponse.Builder()
          .code(502)
          .setHeader("Content-Type", "text/html")
          .body(Bodies.proxyErrorPage(502, "Bad Gateway")));
    }

    ServerException e =
        openFails(ServerException.class, adapter, config().negotiate(true).build());

    assertEquals(502, e.status());
    assertEquals(FAST_RETRIES.maxRetries() + 1, server.requestCount(), "requests");
    assertTrue(e.getMessage().length() < 400, e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adapters")
  void anEndlessProbeBodyIsMalformed(String adapter) {
    server.enqueue(new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .setHeader("Connection", "close")
        .body(new FaultSuiteBodyTest.EndlessJson())
        .removeHeader("Content-Length"));

    MalformedResponseException e = openFails(
        MalformedResponseException.class, adapter, config().negotiate(true).build());

    assertTrue(e.getMessage().contains("larger than"), e.getMessage());
  }
}
