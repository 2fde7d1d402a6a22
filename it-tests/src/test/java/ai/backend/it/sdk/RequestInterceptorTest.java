package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.Config;
import ai.backend.client.RequestInterceptor;
import ai.backend.client.RetryPolicy;
import ai.backend.client.Session;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportProvider;
import ai.backend.client.port.WebSocketConnector;
import ai.backend.local.LocalServer;
import ai.backend.local.api.LocalServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Session.Builder#addInterceptor}: over real HTTP against local-server, an embedder's link sees
 * every attempt without credentials, its headers reach the server on a request that is still signed
 * correctly, and retries show up once per attempt.
 */
class RequestInterceptorTest {
  @RegisterExtension
  static final LocalServerExtension LOCAL = new LocalServerExtension();

  private static LocalServer server() {
    return LOCAL.server();
  }

  /** Records what each callback got. */
  static final class Recorder implements RequestInterceptor {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Attempt> attempts = new CopyOnWriteArrayList<>();

    @Override
    public HttpHeaders onRequest(Attempt attempt) {
      attempts.add(attempt);
      events.add("request " + attempt.method() + " " + attempt.uri().getRawPath() + " #"
          + attempt.number());
      return HttpHeaders.of("X-Request-Id", "trace-" + attempt.number());
    }

    @Override
    public void onResponse(Attempt attempt, int status, Duration elapsed) {
      assertFalse(elapsed.isNegative());
      events.add("response " + status);
    }

    @Override
    public void onFailure(Attempt attempt, Exception failure, Duration elapsed) {
      events.add("failure " + failure.getClass().getSimpleName());
    }
  }

  /** A real transport that keeps the headers each request went on the wire with. */
  static final class Wire implements HttpTransport {
    final HttpTransport real;
    final List<HttpHeaders> sent = new CopyOnWriteArrayList<>();

    Wire(HttpTransport real) {
      this.real = real;
    }

    @Override
    public HttpResponse execute(HttpRequest request) {
      sent.add(request.headers());
      return real.execute(request);
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request) {
      sent.add(request.headers());
      return real.executeAsync(request);
    }

    @Override
    public WebSocketConnector webSockets() {
      return real.webSockets();
    }

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public void close() {
      real.close();
    }
  }

  private static TransportProvider provider() {
    return ServiceLoader.load(TransportProvider.class).findFirst().orElseThrow();
  }

  private static Config.Builder config() {
    return Config.builder()
        .endpoint(server().uri())
        .accessKey(server().accessKey())
        .secretKey(server().secretKey());
  }

  @Test
  void seesEveryCallWithoutCredentialsAndItsHeadersGoOutSigned() {
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    TransportProvider p = provider();
    try (Wire wire = new Wire(p.createTransport(TransportConfig.builder().build()));
        Session session = Session.builder()
            .config(config().build())
            .transport(wire)
            .hmac(p.hmac())
            .addInterceptor(first)
            .addInterceptor(second)
            .build()) {
      session.admin().keypair();
      session.async().admin().keypair().join();

      // the version probe, the blocking call and the async one: each seen once and answered
      assertEquals(3, first.attempts.size(), first.events.toString());
      assertEquals(
          List.of("response 200", "response 200", "response 200"),
          first.events.stream().filter(e -> !e.startsWith("request")).toList());
      for (RequestInterceptor.Attempt a : first.attempts) {
        assertFalse(
            a.headers().contains("authorization"), "credentials shown to an interceptor: " + a);
        assertFalse(a.headers().contains("date"));
        assertFalse(a.headers().contains("x-backendai-date"));
      }
      // links run in the order added: the second sees the header the first set
      assertTrue(
          second.attempts.stream()
              .allMatch(a -> a.headers().firstValue("x-request-id").isPresent()),
          second.attempts.toString());
      HttpHeaders last = wire.sent.get(wire.sent.size() - 1);
      assertEquals("trace-1", last.firstValue("x-request-id").orElseThrow());
      assertTrue(
          last.firstValue("authorization").orElseThrow().startsWith("BackendAI signMethod=HMAC-"));
    }
  }

  @Test
  void aRetriedCallIsSeenOncePerAttempt() {
    Recorder r = new Recorder();
    Config cfg = config()
        .endpoint("http://127.0.0.1:1")
        .negotiate(false)
        .retryPolicy(
            new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(1)))
        .build();
    try (Session session = Session.builder().config(cfg).addInterceptor(r).build()) {
      // a GET: idempotent, so retried
      assertThrows(BackendIoException.class, () -> session.admin().sessionInfo("nowhere"));
      assertEquals(
          List.of(1, 2, 3),
          r.attempts.stream().map(RequestInterceptor.Attempt::number).toList());
      assertTrue(
          r.events.stream().filter(e -> e.startsWith("failure")).count() == 3, r.events.toString());

      r.attempts.clear();
      CompletionException e = assertThrows(
          CompletionException.class,
          () -> session.async().admin().sessionInfo("nowhere").join());
      assertTrue(e.getCause() instanceof BackendIoException, e.toString());
      assertEquals(
          List.of(1, 2, 3),
          r.attempts.stream().map(RequestInterceptor.Attempt::number).toList());
    }
  }

  @Test
  void anInterceptorThatThrowsFailsTheCallWithItsException() {
    IllegalStateException refused = new IllegalStateException("no trace context");
    RequestInterceptor failing = new RequestInterceptor() {
      @Override
      public HttpHeaders onRequest(Attempt attempt) {
        if (attempt.number() == 1
            && !attempt.uri().equals(server().uri())
            && !attempt.uri().getRawPath().equals("/")) {
          throw refused;
        }
        return HttpHeaders.empty();
      }
    };
    try (Session session =
        Session.builder().config(config().build()).addInterceptor(failing).build()) {
      assertSame(
          refused,
          assertThrows(IllegalStateException.class, () -> session.admin().keypair()));
      CompletionException e = assertThrows(
          CompletionException.class, () -> session.async().admin().keypair().join());
      assertSame(refused, e.getCause());
    }
  }
}
