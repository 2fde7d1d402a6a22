package ai.backend.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.ApiVersion;
import ai.backend.client.Config;
import ai.backend.client.RetryPolicy;
import ai.backend.client.ServerInfo;
import ai.backend.client.errors.BackendException;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.MalformedResponseException;
import ai.backend.client.errors.NotFoundException;
import ai.backend.client.errors.ServerException;
import ai.backend.client.internal.signing.Signer;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.TransportException;
import ai.backend.client.testsupport.FakeTransport;
import ai.backend.client.testsupport.MutableClock;
import ai.backend.transport.tck.ReferenceHmac;
import com.google.gson.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ApiCoreTest {
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private final FakeTransport transport = new FakeTransport();
  private final List<Duration> sleeps = new ArrayList<>();
  private final Sleeper recordingSleeper = new Sleeper() {
    @Override
    public void sleep(Duration d) {
      sleeps.add(d);
    }

    @Override
    public CompletableFuture<Void> delay(Duration d) {
      sleeps.add(d);
      return CompletableFuture.completedFuture(null);
    }
  };

  private Config.Builder config() {
    return Config.builder()
        .endpoint("https://bai.example.com/api/")
        .accessKey("AKIA")
        .secretKey(SECRET)
        .negotiate(false)
        .apiVersion(ApiVersion.V9_20250722);
  }

  private ApiCore core(Config c) {
    return ApiCore.builder(c, transport)
        .hmac(new ReferenceHmac())
        .sleeper(recordingSleeper)
        .random(() -> 0.5)
        .clock(new MutableClock(Instant.parse("2025-08-01T12:34:56.789Z"), Duration.ofMillis(1500)))
        .build();
  }

  /** What a manager does with the request it receives (spec §2.2, server side). */
  private static void assertServerAccepts(HttpRequest r) {
    String date = r.headers()
        .firstValue("date")
        .or(() -> r.headers().firstValue("x-backendai-date"))
        .orElseThrow();
    String contentType = r.headers().firstValue("content-type").orElse(r.body().contentType());
    Signer.Result expected = new Signer(new ReferenceHmac(), "sha256")
        .sign(
            new Signer.Input(
                r.method(),
                Signer.requestTarget(r.uri()),
                date,
                Signer.hostHeader(r.uri()),
                contentType,
                r.headers().firstValue("x-backendai-version").orElseThrow(),
                null),
            "AKIA",
            SECRET.toCharArray());
    assertEquals(
        expected.authorization(), r.headers().firstValue("authorization").orElseThrow());
  }

  @Test
  void buildsUriUnderThePrefixWithEncodedQuery() {
    try (ApiCore core = core(config().build())) {
      URI u = core.uri(
          "/session/" + UriBuilder.segment("my sess/ion"),
          List.of(
              new ApiRequest.QueryParam("files", "a b.txt"),
              new ApiRequest.QueryParam("files", "ü&=+"),
              new ApiRequest.QueryParam("owner_access_key", "AK")));
      assertEquals(
          "https://bai.example.com/api/session/my%20sess%2Fion"
              + "?files=a%20b.txt&files=%C3%BC%26%3D%2B&owner_access_key=AK",
          u.toString());
      assertEquals(
          "/api/session/my%20sess%2Fion?files=a%20b.txt&files=%C3%BC%26%3D%2B&owner_access_key=AK",
          Signer.requestTarget(u));
      assertEquals(
          URI.create("wss://bai.example.com/api/stream/session/x/pty"),
          core.webSocketUri("stream/session/x/pty", List.of()));
    }
  }

  @Test
  void signedRequestCarriesCommonHeadersAndVerifies() {
    transport.json(
        200, "{\"ok\": true}", "X-RateLimit-Limit", "1000", "X-RateLimit-Remaining", "999");
    try (ApiCore core = core(config().domain("dom").build())) {
      JsonObject o = core.call(
          ApiRequest.builder("GET", "session/s1").query("k", "a b").build(), Handlers.jsonObject());
      assertTrue(o.get("ok").getAsBoolean());
      assertEquals(999, core.lastRateLimit().orElseThrow().remaining().getAsLong());
    }
    HttpRequest r = transport.requests().get(0);
    assertEquals("https://bai.example.com/api/session/s1?k=a%20b", r.uri().toString());
    assertEquals("v9.20250722", r.headers().firstValue("x-backendai-version").orElseThrow());
    assertEquals("dom", r.headers().firstValue("x-backendai-domain").orElseThrow());
    assertTrue(r.headers()
        .firstValue("user-agent")
        .orElseThrow()
        .startsWith("Backend.AI Client for Java"));
    assertEquals("2025-08-01T12:34:56.789Z", r.headers().firstValue("date").orElseThrow());
    assertFalse(r.headers().contains("content-type"), "body-less requests send no Content-Type");
    assertTrue(r.headers()
        .firstValue("authorization")
        .orElseThrow()
        .startsWith("BackendAI signMethod=HMAC-SHA256, credential=AKIA:"));
    assertServerAccepts(r);
    assertEquals(0, transport.openResponses());
  }

  @Test
  void jsonBodyAndXBackendAiDate() {
    transport.json(201, "{}");
    try (ApiCore core = core(config().useXBackendAiDate(true).build())) {
      core.call(ApiRequest.postJson("session", java.util.Map.of("name", "s")), Handlers.discard());
    }
    HttpRequest r = transport.requests().get(0);
    assertFalse(r.headers().contains("date"));
    assertTrue(r.headers().contains("x-backendai-date"));
    assertEquals("application/json", r.effectiveContentType());
    assertServerAccepts(r);
  }

  @Test
  void anonymousRequestsAreNotSigned() {
    transport.json(200, "{}");
    try (ApiCore core = core(config().build())) {
      core.call(
          ApiRequest.builder("POST", "auth/authorize")
              .anonymous(true)
              .jsonBody(java.util.Map.of())
              .build(),
          Handlers.discard());
    }
    assertFalse(transport.requests().get(0).headers().contains("authorization"));
  }

  @Test
  void retriedAttemptsAreReSignedWithAFreshDate() {
    transport
        .respond(503, "text/plain", "busy")
        .respond(502, "text/html", "<html/>")
        .json(200, "{}");
    try (ApiCore core = core(config().build())) {
      core.call(ApiRequest.get("session/s1"), Handlers.discard());
    }
    List<HttpRequest> rs = transport.requests();
    assertEquals(3, rs.size());
    assertNotEquals(rs.get(0).headers().firstValue("date"), rs.get(1).headers().firstValue("date"));
    assertNotEquals(
        rs.get(0).headers().firstValue("authorization"),
        rs.get(1).headers().firstValue("authorization"));
    rs.forEach(ApiCoreTest::assertServerAccepts);
    // equal jitter with random 0.5: 375 ms then 750 ms for 500 ms initial backoff
    assertEquals(List.of(Duration.ofMillis(375), Duration.ofMillis(750)), sleeps);
    assertEquals(0, transport.openResponses(), "retried responses are closed");
  }

  @Test
  void nonIdempotentRequestsAreNotRetried() {
    transport.respond(
        503,
        "application/problem+json",
        "{\"type\": \"https://api.backend.ai/probs/server-frozen\", \"title\": \"The server is frozen.\"}");
    try (ApiCore core = core(config().build())) {
      ServerException e = assertThrows(
          ServerException.class,
          () -> core.call(ApiRequest.postJson("session", java.util.Map.of()), Handlers.discard()));
      assertEquals("server-frozen", e.typeName());
    }
    assertEquals(1, transport.requests().size());
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void retriesAreBoundedAndConnectFailuresNameTheEndpoint() {
    transport
        .fail(TransportException.Kind.CONNECT)
        .fail(TransportException.Kind.CONNECT)
        .fail(TransportException.Kind.CONNECT);
    try (ApiCore core = core(config().build())) {
      BackendIoException e = assertThrows(
          BackendIoException.class,
          () -> core.call(ApiRequest.get("session/s1"), Handlers.discard()));
      assertEquals(TransportException.Kind.CONNECT, e.transportKind().orElseThrow());
      assertEquals(
          "cannot connect to https://bai.example.com: connection refused (tried 3 times). "
              + "Is the server running and BACKEND_ENDPOINT right?",
          e.getMessage());
      assertFalse(e.getMessage().contains(SECRET));
    }
    assertEquals(3, transport.requests().size(), "1 attempt + maxRetries 2");
  }

  @Test
  void unknownHostsAreNotRetriedAndSayWhichHost() {
    transport.fail(TransportException.Kind.UNKNOWN_HOST);
    try (ApiCore core = core(config().build())) {
      BackendIoException e = assertThrows(
          BackendIoException.class,
          () -> core.call(ApiRequest.get("session/s1"), Handlers.discard()));
      assertEquals(TransportException.Kind.UNKNOWN_HOST, e.transportKind().orElseThrow());
      assertEquals(
          "cannot connect to https://bai.example.com: unknown host \"bai.example.com\". "
              + "Is BACKEND_ENDPOINT right?",
          e.getMessage());
    }
    assertEquals(1, transport.requests().size(), "a name that did not resolve is not retried");
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void unknownHostsAreNotRetriedAsyncEither() {
    transport.fail(TransportException.Kind.UNKNOWN_HOST);
    try (ApiCore core = core(config().build())) {
      CompletionException e = assertThrows(
          CompletionException.class,
          () -> core.callAsync(ApiRequest.get("session/s1"), Handlers.discard()).join());
      assertInstanceOf(BackendIoException.class, e.getCause());
      assertTrue(
          e.getCause().getMessage().contains("unknown host \"bai.example.com\""),
          e.getCause().getMessage());
    }
    assertEquals(1, transport.requests().size());
  }

  @Test
  void asyncConnectFailuresSayHowOftenTheyWereTried() {
    transport
        .fail(TransportException.Kind.CONNECT)
        .fail(TransportException.Kind.CONNECT)
        .fail(TransportException.Kind.CONNECT);
    try (ApiCore core = core(config().build())) {
      CompletionException e = assertThrows(
          CompletionException.class,
          () -> core.callAsync(ApiRequest.get("session/s1"), Handlers.discard()).join());
      assertTrue(
          e.getCause().getMessage().contains(": connection refused (tried 3 times). "),
          e.getCause().getMessage());
    }
  }

  @Test
  void anHtmlPageInsteadOfJsonSaysSoWithoutParserAdvice() {
    transport.respond(
        200,
        "text/html; charset=utf-8",
        "<!DOCTYPE html><html><body>Welcome to nginx!</body></html>");
    try (ApiCore core = core(config().build())) {
      MalformedResponseException e = assertThrows(
          MalformedResponseException.class,
          () -> core.call(ApiRequest.get("session/s1"), Handlers.json()));
      assertEquals(
          "the server at https://bai.example.com/api answered GET /api/session/s1 with an HTML page "
              + "(status 200, text/html), not Backend.AI JSON — is BACKEND_ENDPOINT the manager's API address?",
          e.getMessage());
    }
  }

  @Test
  void malformedJsonLeavesOutGsonsAdvice() {
    transport.respond(200, "application/json", "{\"a\": nope nope}");
    try (ApiCore core = core(config().build())) {
      MalformedResponseException e = assertThrows(
          MalformedResponseException.class,
          () -> core.call(ApiRequest.get("session/s1"), Handlers.json()));
      assertTrue(
          e.getMessage()
              .startsWith("unexpected response body from GET /api/session/s1 (HTTP 200, "
                  + "application/json): "),
          e.getMessage());
      assertFalse(e.getMessage().contains("setStrictness"), e.getMessage());
      assertFalse(e.getMessage().contains("LENIENT"), e.getMessage());
      assertFalse(e.getMessage().contains("https://github.com"), e.getMessage());
    }
  }

  @Test
  void durationsReadAsAUserWritesThem() {
    assertEquals("30s", ApiCore.human(Duration.ofSeconds(30)));
    assertEquals("2m30s", ApiCore.human(Duration.ofSeconds(150)));
    assertEquals("5m", ApiCore.human(Duration.ofMinutes(5)));
    assertEquals("500ms", ApiCore.human(Duration.ofMillis(500)));
    assertEquals("1500ms", ApiCore.human(Duration.ofMillis(1500)));
  }

  @Test
  void readTimeoutsAreNotRetried() {
    transport.fail(TransportException.Kind.READ_TIMEOUT);
    try (ApiCore core = core(config().build())) {
      assertThrows(
          BackendIoException.class, () -> core.call(ApiRequest.get("x"), Handlers.discard()));
    }
    assertEquals(1, transport.requests().size());
  }

  @Test
  void retryAfterIsHonouredAndCapped() {
    transport.respond(429, "application/json", "{}", "Retry-After", "3").json(200, "{}");
    try (ApiCore core = core(config().build())) {
      core.call(ApiRequest.get("x"), Handlers.discard());
    }
    assertEquals(List.of(Duration.ofSeconds(3)), sleeps);

    FakeTransport t2 =
        new FakeTransport().respond(429, "application/json", "{}", "Retry-After", "3600");
    try (ApiCore core = ApiCore.builder(config().build(), t2)
        .hmac(new ReferenceHmac())
        .sleeper(recordingSleeper)
        .build()) {
      assertThrows(
          ai.backend.client.errors.RateLimitedException.class,
          () -> core.call(ApiRequest.get("x"), Handlers.discard()));
    }
    assertEquals(1, t2.requests().size(), "a wait longer than maxRetryAfter is not honoured");
  }

  @Test
  void asyncRetriesWithoutBlockingAndMapsErrors() throws Exception {
    transport
        .fail(TransportException.Kind.IO)
        .json(200, "{\"v\": 1}")
        .respond(
            404,
            "application/problem+json",
            "{\"type\": \"https://api.backend.ai/probs/object-not-found\","
                + " \"title\": \"No such session.\"}");
    try (ApiCore core = core(config().build())) {
      JsonObject o = core.callAsync(ApiRequest.get("a"), Handlers.jsonObject()).get();
      assertEquals(1, o.get("v").getAsInt());
      CompletionException e = assertThrows(
          CompletionException.class,
          () -> core.callAsync(ApiRequest.get("b"), Handlers.discard()).join());
      assertInstanceOf(NotFoundException.class, e.getCause());
    }
    assertEquals(1, sleeps.size());
    assertEquals(0, transport.openResponses());
  }

  @Test
  void malformedSuccessBody() {
    transport.json(200, "not json");
    try (ApiCore core = core(config().build())) {
      MalformedResponseException e = assertThrows(
          MalformedResponseException.class,
          () -> core.call(ApiRequest.get("x"), Handlers.jsonObject()));
      assertEquals(200, e.status());
    }
  }

  /** Regression (fault suite): a 200 whose body never ends was read until the heap ran out. */
  @Test
  void anEndlessSuccessBodyIsMalformedNotAnOutOfMemoryError() throws Exception {
    transport.respondStream(200, "application/json", endless());
    transport.respondStream(200, "application/json", endless());
    try (ApiCore core = core(config().build())) {
      MalformedResponseException e = assertThrows(
          MalformedResponseException.class,
          () -> core.call(ApiRequest.get("x"), Handlers.jsonObject()));
      assertEquals(200, e.status());
      assertTrue(
          e.getMessage().contains("larger than " + Handlers.MAX_BODY_BYTES + " bytes"),
          e.getMessage());
      java.util.concurrent.ExecutionException async =
          assertThrows(java.util.concurrent.ExecutionException.class, () -> core.callAsync(
                  ApiRequest.get("x"), ComputeSessionWire.infoHandler("x"))
              .get());
      assertInstanceOf(MalformedResponseException.class, async.getCause());
    }
    assertEquals(0, transport.openResponses());
  }

  /** {@code [" "…} without end. */
  private static java.io.InputStream endless() {
    return new java.io.InputStream() {
      private boolean started;

      @Override
      public int read() {
        if (!started) {
          started = true;
          return '[';
        }
        return ' ';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) ' ');
        if (!started && len > 0) {
          started = true;
          b[off] = '[';
        }
        return len;
      }
    };
  }

  @Test
  void aBodyOfExactlyTheLimitIsReadAndOneByteMoreIsNot() throws Exception {
    byte[] limit = new byte[1000];
    assertEquals(1000, Handlers.readBody(new java.io.ByteArrayInputStream(limit), 1000).length);
    assertThrows(
        BodyTooLargeException.class,
        () -> Handlers.readBody(new java.io.ByteArrayInputStream(new byte[1001]), 1000));
  }

  @Test
  void negotiationTakesTheMinimumAndIsUnsigned() {
    transport.json(200, "{\"version\": \"v8.20240915\", \"manager\": \"24.09.3\"}");
    try (ApiCore core = ApiCore.builder(
            Config.builder()
                .endpoint("http://h:8081")
                .accessKey("AK")
                .secretKey(SECRET)
                .build(),
            transport)
        .hmac(new ReferenceHmac())
        .connect()) {
      assertEquals(ApiVersion.V8_20240915, core.apiVersion());
      assertEquals("24.09.3", core.serverInfo().managerVersion());
      assertEquals("POST", core.dialect().downloadMethod());
    }
    HttpRequest probe = transport.requests().get(0);
    assertEquals("http://h:8081/", probe.uri().toString());
    assertEquals(List.of("user-agent"), List.copyOf(probe.headers().map().keySet()));
  }

  @Test
  void pinnedVersionCapsNegotiation() {
    assertEquals(
        ApiVersion.V5_20191215,
        ApiCore.negotiated("v9.20250722", "25.15.0", ApiVersion.V5_20191215).negotiated());
    assertEquals(
        ApiVersion.V4_20181215,
        ApiCore.negotiated("v4.20181215", null, ApiVersion.V9_20250722).negotiated());
    ServerInfo odd = ApiCore.negotiated("banana", null, ApiVersion.V9_20250722);
    assertEquals(ApiVersion.V9_20250722, odd.negotiated());
    assertTrue(odd.server().isEmpty());
  }

  @Test
  void negotiationFailuresAreReported() {
    transport
        .fail(TransportException.Kind.CONNECT)
        .fail(TransportException.Kind.CONNECT)
        .fail(TransportException.Kind.CONNECT);
    Config c = Config.builder()
        .endpoint("http://127.0.0.1:1")
        .accessKey("AK")
        .secretKey(SECRET)
        .build();
    BackendIoException e =
        assertThrows(BackendIoException.class, () -> ApiCore.builder(c, transport)
            .hmac(new ReferenceHmac())
            .sleeper(recordingSleeper)
            .connect());
    assertTrue(
        e.getMessage().startsWith("cannot connect to http://127.0.0.1:1: connection refused"),
        e.getMessage());

    FakeTransport html = new FakeTransport().respond(200, "text/html", "<html>hello</html>");
    BackendException m = assertThrows(
        MalformedResponseException.class,
        () -> ApiCore.builder(c, html).hmac(new ReferenceHmac()).connect());
    assertTrue(
        m.getMessage().contains("answered GET / with an HTML page (status 200, text/html)"),
        m.getMessage());
    FakeTransport text = new FakeTransport().respond(200, "text/plain", "hello");
    BackendException t = assertThrows(
        MalformedResponseException.class,
        () -> ApiCore.builder(c, text).hmac(new ReferenceHmac()).connect());
    assertTrue(t.getMessage().contains("a Backend.AI manager endpoint?"), t.getMessage());
  }

  @Test
  void webSocketHeadersSignOctetStream() {
    try (ApiCore core = core(config().build())) {
      URI ws = core.webSocketUri("stream/session/s1/pty", List.of());
      HttpHeaders h = core.signedWebSocketHeaders(ws);
      assertFalse(h.contains("content-type"));
      String date = h.firstValue("date").orElseThrow();
      Signer.Result expected = new Signer(new ReferenceHmac(), "sha256")
          .sign(
              new Signer.Input(
                  "GET",
                  "/api/stream/session/s1/pty",
                  date,
                  "bai.example.com",
                  "application/octet-stream",
                  "v9.20250722",
                  null),
              "AKIA",
              SECRET.toCharArray());
      assertEquals(expected.authorization(), h.firstValue("authorization").orElseThrow());
    }
  }

  @Test
  void closeClosesOnlyOwnedTransports() {
    core(config().build()).close();
    assertFalse(transport.closed());
    ApiCore.builder(config().build(), transport)
        .hmac(new ReferenceHmac())
        .ownsTransport(true)
        .build()
        .close();
    assertTrue(transport.closed());
  }

  @Test
  void retryPolicyNoneMeansOneAttempt() {
    transport.respond(503, "text/plain", "x");
    try (ApiCore core = core(config().retryPolicy(RetryPolicy.none()).build())) {
      assertThrows(ServerException.class, () -> core.call(ApiRequest.get("x"), Handlers.discard()));
    }
    assertEquals(1, transport.requests().size());
  }
}
