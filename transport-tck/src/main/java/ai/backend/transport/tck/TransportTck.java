package ai.backend.transport.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.RequestBody;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportException;
import ai.backend.client.port.TransportProvider;
import ai.backend.client.port.WebSocketChannel;
import ai.backend.client.port.WebSocketListener;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transport compatibility kit: every adapter must pass it unchanged against a real Jetty server.
 * Each exchange runs blocking ({@code execute}) and non-blocking ({@code executeAsync}). After each test
 * no response may be left open; after the class no thread the adapter started may survive close().
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TransportTck {
  private static final long MIB = 1024 * 1024;

  protected abstract TransportProvider provider();

  private TckServer server;
  private TrackingTransport transport;
  private Set<String> threadsBefore;

  @BeforeAll
  void start() throws Exception {
    threadsBefore = threadNames();
    server = new TckServer();
    transport = new TrackingTransport(provider()
        .createTransport(TransportConfig.builder()
            .connectTimeout(Duration.ofSeconds(5))
            .maxConnections(100)
            .build()));
  }

  @AfterEach
  void noResponseLeftOpen() {
    server.dropNextReused.set(false);
    server.holdGate.countDown();
    server.streamGate.countDown();
    server.holdGate = new CountDownLatch(1);
    server.streamGate = new CountDownLatch(1);
    assertTrue(
        transport.openResponses().isEmpty(), "responses left open: " + transport.openResponses());
  }

  @AfterAll
  void stopAndCheckThreads() throws Exception {
    transport.close();
    transport = null;
    server.close();
    Set<String> leaked = Set.of();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      // Java 17's HttpClient stops its selector thread only once the client is garbage
      System.gc();
      leaked = strayThreads();
      if (leaked.isEmpty()) {
        return;
      }
      Thread.sleep(200);
    }
    fail("threads left after close(): " + leaked);
  }

  private Set<String> strayThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> !threadsBefore.contains(t.getName()))
        .filter(t -> !t.getName().startsWith(TckServer.THREAD_PREFIX))
        .filter(t -> !t.isDaemon()
            || t.getName().startsWith("backendai-")
            || t.getName().startsWith("HttpClient-"))
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private HttpResponse send(boolean async, HttpRequest request) {
    if (!async) {
      return transport.execute(request);
    }
    try {
      return transport.executeAsync(request).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new AssertionError(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private JsonObject json(boolean async, HttpRequest request) {
    try (HttpResponse r = send(async, request)) {
      assertEquals(200, r.status());
      return JsonParser.parseString(r.bodyString()).getAsJsonObject();
    }
  }

  private URI uri(String pathAndQuery) {
    return URI.create(server.base() + pathAndQuery);
  }

  private static List<String> header(JsonObject echo, String name) {
    List<String> values = new ArrayList<>();
    for (JsonElement e : echo.getAsJsonArray("headers")) {
      JsonArray pair = e.getAsJsonArray();
      if (pair.get(0).getAsString().equalsIgnoreCase(name)) {
        values.add(pair.get(1).getAsString());
      }
    }
    return values;
  }

  private static byte[] body(JsonObject echo) {
    return Base64.getDecoder().decode(echo.get("body").getAsString());
  }

  private static TransportException failure(boolean async, Function<Boolean, Object> call) {
    try {
      call.apply(async);
    } catch (TransportException e) {
      return e;
    }
    throw new AssertionError("expected a TransportException");
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  @Test
  void theTransportReportsTheNameThatSelectsItsProvider() {
    assertEquals(provider().name(), transport.name());
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void theConfiguredProxyCarriesTheRequest(boolean async) {
    // the TCK server plays the proxy: it gets the absolute-form request for a host nobody could
    // resolve
    try (HttpTransport proxied = provider()
        .createTransport(TransportConfig.builder()
            .connectTimeout(Duration.ofSeconds(5))
            .proxy(new java.net.InetSocketAddress("127.0.0.1", server.port))
            .build())) {
      HttpRequest request =
          HttpRequest.of("GET", URI.create("http://backend.invalid/echo/proxied"));
      HttpResponse r = async
          ? proxied.executeAsync(request).get(60, TimeUnit.SECONDS)
          : proxied.execute(request);
      try (r) {
        assertEquals(200, r.status());
        JsonObject echo = JsonParser.parseString(r.bodyString()).getAsJsonObject();
        assertEquals("/echo/proxied", echo.get("target").getAsString());
        assertEquals(List.of("backend.invalid"), header(echo, "Host"));
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void everyMethod(boolean async) {
    for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
      HttpRequest request = HttpRequest.of(method, uri("/echo/m"))
          .withBody(
              method.equals("GET") || method.equals("OPTIONS") || method.equals("DELETE")
                  ? RequestBody.empty()
                  : RequestBody.ofString("x=" + method, "text/plain"));
      JsonObject echo = json(async, request);
      assertEquals(method, echo.get("method").getAsString());
      assertEquals("/echo/m", echo.get("target").getAsString());
    }
    try (HttpResponse r = send(async, HttpRequest.of("HEAD", uri("/echo/head")))) {
      assertEquals(200, r.status());
      assertEquals(-1, r.body().read());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void getAndDeleteCarryABody(boolean async) {
    for (String method : List.of("GET", "DELETE")) {
      JsonObject echo = json(
          async,
          HttpRequest.of(method, uri("/echo/b"))
              .withBody(RequestBody.ofString("{\"k\":\"" + method + "\"}", "application/json")));
      assertEquals(method, echo.get("method").getAsString());
      assertEquals("{\"k\":\"" + method + "\"}", new String(body(echo), StandardCharsets.UTF_8));
      assertEquals(List.of("application/json"), header(echo, "Content-Type"));
    }
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void rawTargetArrivesByteIdentical(boolean async) {
    URI u = uri(
        "/echo/a%20b/c%2Fd/%ED%95%9C?q=a%20b&p=1+2&s=x%2Fy&u=%ED%95%9C%EA%B8%80&t=%7E~&e=&flag");
    JsonObject echo = json(async, HttpRequest.of("GET", u));
    assertEquals(u.getRawPath() + "?" + u.getRawQuery(), echo.get("target").getAsString());
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void headersAreSentVerbatim(boolean async) {
    HttpHeaders headers = HttpHeaders.builder()
        .add("Date", "Thu, 01 Jan 2026 00:00:00 GMT")
        .add("X-BackendAI-Date", "2026-01-01T00:00:00+00:00")
        .add("X-BackendAI-Version", "v8.20240915")
        .add("Authorization", "BackendAI signMethod=HMAC-SHA256, credential=AKIATEST:0123abcd")
        .add("Content-Type", "application/vnd.test+json; Charset=UTF-8; X=Y")
        .add("X-Multi", "one")
        .add("X-Multi", "two")
        .build();
    JsonObject echo = json(
        async,
        new HttpRequest(
            "POST", uri("/echo/h"), headers, RequestBody.ofString("{}", "text/plain"), null));
    assertEquals(List.of("Thu, 01 Jan 2026 00:00:00 GMT"), header(echo, "Date"));
    assertEquals(List.of("2026-01-01T00:00:00+00:00"), header(echo, "X-BackendAI-Date"));
    assertEquals(List.of("v8.20240915"), header(echo, "X-BackendAI-Version"));
    assertEquals(
        List.of("BackendAI signMethod=HMAC-SHA256, credential=AKIATEST:0123abcd"),
        header(echo, "Authorization"));
    assertEquals(
        List.of("application/vnd.test+json; Charset=UTF-8; X=Y"),
        header(echo, "Content-Type"),
        "header beats body type");
    assertEquals(
        List.of("one", "two"),
        header(echo, "X-Multi").stream()
            .flatMap(v -> java.util.Arrays.stream(v.split(",\\s*")))
            .toList());
    // an explicit non-default port is part of Host, exactly once
    assertEquals(List.of("127.0.0.1:" + server.port), header(echo, "Host"));
    assertEquals(List.of("2"), header(echo, "Content-Length"));
    assertTrue(header(echo, "Content-Encoding").isEmpty());
    assertTrue(header(echo, "Accept-Encoding").isEmpty(), "no compression negotiated");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void binaryBodyRoundTrip(boolean async) {
    byte[] data = new byte[300_000];
    new Random(42).nextBytes(data);
    JsonObject echo = json(
        async,
        HttpRequest.of("PUT", uri("/echo/bin"))
            .withBody(RequestBody.ofBytes(data, "application/octet-stream")));
    assertArrayEquals(data, body(echo));
    assertEquals(List.of("application/octet-stream"), header(echo, "Content-Type"));
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void fileBody(boolean async, @TempDir Path dir) throws IOException {
    byte[] data = new byte[200_000];
    new Random(7).nextBytes(data);
    Path file = Files.write(dir.resolve("f.bin"), data);
    JsonObject echo = json(
        async,
        HttpRequest.of("POST", uri("/echo/file"))
            .withBody(RequestBody.ofFile(file, "application/x-test")));
    assertArrayEquals(data, body(echo));
    assertEquals(List.of("200000"), header(echo, "Content-Length"));
  }

  /** An empty tus PATCH (the end of a zero-byte upload) is a streamed body of length 0. */
  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aStreamedBodyOfLengthZero(boolean async) {
    JsonObject echo = json(
        async,
        new HttpRequest(
            "PATCH",
            uri("/echo/empty"),
            HttpHeaders.of("Upload-Offset", "0"),
            RequestBody.ofStream(
                InputStream::nullInputStream, 0, "application/offset+octet-stream"),
            null));
    assertEquals("PATCH", echo.get("method").getAsString());
    assertEquals(0, body(echo).length);
    assertEquals(List.of("application/offset+octet-stream"), header(echo, "Content-Type"));
    assertEquals(List.of("0"), header(echo, "Content-Length"));
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void largeStreamedRequestBody(boolean async) {
    for (long length : new long[] {64 * MIB, -1}) {
      long size = 64 * MIB;
      HttpRequest request = HttpRequest.of("POST", uri("/count"))
          .withBody(
              RequestBody.ofStream(() -> new Generated(size), length, "application/octet-stream"));
      try (HttpResponse r = send(async, request)) {
        assertEquals(200, r.status());
        assertEquals(Long.toString(size), r.bodyString(), "length " + length);
      }
    }
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void largeStreamedResponseArrivesBeforeTheServerFinishes(boolean async) throws IOException {
    long size = 256 * MIB;
    try (HttpResponse r = send(async, HttpRequest.of("GET", uri("/stream?size=" + size)))) {
      assertEquals(200, r.status());
      InputStream in = r.body();
      assertEquals(0, in.read(), "first byte");
      assertFalse(server.streamFinished, "the server is still writing while we read");
      server.streamGate.countDown();
      long count = 1;
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) >= 0; ) {
        count += n;
      }
      assertEquals(size, count);
      assertTrue(server.streamFinished);
    }
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void closingAnUnreadResponseDoesNotDrainIt(boolean async) {
    long started = System.nanoTime();
    HttpResponse r = send(async, HttpRequest.of("GET", uri("/stream?size=" + 1024 * MIB)));
    r.close(); // the server is parked after its first chunk: draining would hang here
    r.close(); // idempotent
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aMultipartBodyStreamedByTheDomainArrivesIntact(boolean async, @TempDir Path dir)
      throws Exception {
    // the domain encodes multipart (client-domain MultipartBody) and hands the transport a
    // repeatable
    // stream whose Content-Type carries the boundary: the transport must send both unchanged
    byte[] big = new byte[(int) (3 * MIB) + 17];
    new Random(1).nextBytes(big);
    byte[] small = "hello, 세계\n".getBytes(StandardCharsets.UTF_8);
    byte[] meta = "{\"k\":1}".getBytes(StandardCharsets.UTF_8);
    String boundary = "----backendaiTck0123456789";
    Path encoded = dir.resolve("body");
    try (java.io.OutputStream out = Files.newOutputStream(encoded)) {
      part(out, boundary, "name=\"src\"; filename=\"big.bin\"", "application/octet-stream", big);
      part(out, boundary, "name=\"src\"; filename=\"데이터.txt\"", "text/plain; charset=utf-8", small);
      part(out, boundary, "name=\"meta\"", "application/json", meta);
      out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    }
    RequestBody body = RequestBody.ofRepeatableStream(
        () -> {
          try {
            return Files.newInputStream(encoded);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        Files.size(encoded),
        "multipart/form-data; boundary=" + boundary);
    try (HttpResponse r =
        send(async, new HttpRequest("POST", uri("/multipart"), HttpHeaders.empty(), body, null))) {
      assertEquals(200, r.status());
      JsonArray parts = JsonParser.parseString(r.bodyString()).getAsJsonArray();
      assertEquals(3, parts.size());
      assertPart(
          parts.get(0),
          "form-data; name=\"src\"; filename=\"big.bin\"",
          "application/octet-stream",
          big);
      assertPart(
          parts.get(1),
          "form-data; name=\"src\"; filename=\"데이터.txt\"",
          "text/plain; charset=utf-8",
          small);
      assertPart(parts.get(2), "form-data; name=\"meta\"", "application/json", meta);
    }
  }

  private static void part(
      java.io.OutputStream out, String boundary, String disposition, String type, byte[] content)
      throws IOException {
    out.write(("--" + boundary + "\r\nContent-Disposition: form-data; " + disposition
            + "\r\nContent-Type: " + type + "\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8));
    out.write(content);
    out.write("\r\n".getBytes(StandardCharsets.UTF_8));
  }

  private static void assertPart(JsonElement e, String disposition, String type, byte[] content)
      throws Exception {
    JsonObject p = e.getAsJsonObject();
    assertEquals(disposition, p.get("disposition").getAsString());
    assertEquals(type, p.get("contentType").getAsString());
    assertEquals(content.length, p.get("size").getAsInt());
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)),
        p.get("sha256").getAsString());
  }

  // ---- failures --------------------------------------------------------------------------------

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void connectionRefused(boolean async) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    URI closed = URI.create("http://127.0.0.1:" + port + "/x");
    TransportException e = failure(async, a -> send(a, HttpRequest.of("GET", closed)));
    assertEquals(TransportException.Kind.CONNECT, e.kind(), e.toString());
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void unknownHost(boolean async) {
    // its own kind: the domain does not retry it and says "unknown host", not "refused"
    URI nowhere = URI.create("http://foo.invalid:8081/x");
    TransportException e = failure(async, a -> send(a, HttpRequest.of("GET", nowhere)));
    assertEquals(TransportException.Kind.UNKNOWN_HOST, e.kind(), e.toString());
  }

  // A request goes out on a pooled connection only if the previous exchange has given it back; the
  // async clients do that on their I/O thread, after the caller has read the body. So each round
  // leaves a connection in the pool and arms the server, until one request met a pooled connection.
  private static final int POOL_ROUNDS = 50;

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void anIdempotentRequestOnAClosedPooledConnectionIsSentAgain(boolean async) {
    // PUT: java.net.http resends a GET by itself (not in every case), never a PUT
    String path = "/stale-put-" + async;
    HttpRequest put =
        HttpRequest.of("PUT", uri(path)).withBody(RequestBody.ofString("same bytes", "text/plain"));
    int rounds = 0;
    while (server.dropped.get() == 0 && rounds++ < POOL_ROUNDS) {
      json(async, HttpRequest.of("GET", uri("/warm-up")));
      server.dropNextReused.set(true);
      JsonObject echo = json(async, put);
      server.dropNextReused.set(false);
      assertEquals(path, echo.get("target").getAsString());
      assertEquals("same bytes", new String(body(echo), StandardCharsets.UTF_8));
    }
    assertEquals(1, server.dropped.getAndSet(0), "no request went out on a pooled connection");
    // every round sent it once, the dropped one twice
    assertEquals(rounds + 1, server.attempts.get(path).get());
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aPostOnAClosedPooledConnectionIsNeverSentAgain(boolean async) {
    String path = "/stale-post-" + async;
    HttpRequest post = HttpRequest.of("POST", uri(path))
        .withBody(RequestBody.ofString("{\"run\": 1}", "application/json"));
    int rounds = 0;
    TransportException e = null;
    while (e == null && rounds++ < POOL_ROUNDS) {
      json(async, HttpRequest.of("GET", uri("/warm-up")));
      server.dropNextReused.set(true);
      try (HttpResponse r = send(async, post)) {
        assertEquals(200, r.status());
      } catch (TransportException failed) {
        e = failed;
      }
      server.dropNextReused.set(false);
    }
    assertNotNull(e, "no request went out on a pooled connection");
    assertEquals(TransportException.Kind.IO, e.kind(), e.toString());
    assertEquals(1, server.dropped.getAndSet(0));
    assertEquals(rounds, server.attempts.get(path).get(), "a POST was sent twice");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void readTimeout(boolean async) {
    HttpRequest slow =
        HttpRequest.of("GET", uri("/sleep?ms=2000")).withTimeout(Duration.ofMillis(300));
    long started = System.nanoTime();
    TransportException e = failure(async, a -> send(a, slow));
    assertEquals(TransportException.Kind.READ_TIMEOUT, e.kind(), e.toString());
    assertTrue(
        System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(1900), "timed out early");
  }

  /** The read timeout is per read: a body that stalls after its headers fails the next read. */
  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void aBodyThatStallsAfterItsHeadersTimesOutTheRead(boolean async) throws Exception {
    HttpRequest stalling =
        HttpRequest.of("GET", uri("/stall?ms=4000")).withTimeout(Duration.ofMillis(400));
    try (HttpResponse r = async
        ? transport.executeAsync(stalling).get(10, TimeUnit.SECONDS)
        : transport.execute(stalling)) {
      assertEquals(200, r.status());
      InputStream body = r.body();
      assertEquals(10, body.readNBytes(10).length, "the bytes sent before the stall");
      long started = System.nanoTime();
      IOException e = assertThrows(IOException.class, body::read);
      long took = System.nanoTime() - started;
      assertTrue(
          took < TimeUnit.MILLISECONDS.toNanos(3000),
          "the read waited for the stall to end: " + took / 1_000_000 + " ms");
      assertTrue(
          causedBy(e, java.net.SocketTimeoutException.class), "not reported as a timeout: " + e);
    }
  }

  /** A thread blocked reading a stalled body ends promptly when interrupted, keeping its interrupt. */
  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void interruptingABlockedBodyReadEndsItPromptly(boolean async) throws Exception {
    HttpRequest stalling =
        HttpRequest.of("GET", uri("/stall?ms=6000")).withTimeout(Duration.ofSeconds(60));
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    CountDownLatch reading = new CountDownLatch(1);
    Thread reader = new Thread(
        () -> {
          try (HttpResponse r = async
              ? transport.executeAsync(stalling).get(10, TimeUnit.SECONDS)
              : transport.execute(stalling)) {
            r.body().readNBytes(10);
            reading.countDown();
            outcome.complete(r.body().read());
          } catch (Exception e) {
            outcome.complete(List.of(e, Thread.currentThread().isInterrupted()));
          }
        },
        "tck-body-reader");
    reader.start();
    assertTrue(reading.await(10, TimeUnit.SECONDS), "the body started");
    Thread.sleep(200); // let the reader block in read()
    long t0 = System.nanoTime();
    reader.interrupt();
    Object o = outcome.get(5, TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "took too long to end");
    List<?> failed = assertInstanceOf(List.class, o, String.valueOf(o));
    assertInstanceOf(java.io.InterruptedIOException.class, failed.get(0));
    assertEquals(Boolean.TRUE, failed.get(1), "the interrupt status was lost");
    reader.join(5000);
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void cancellingAnAsyncCallAbortsTheExchange() throws Exception {
    try (TckServer.Silent silent = new TckServer.Silent()) {
      CompletableFuture<HttpResponse> f = transport.executeAsync(
          HttpRequest.of("GET", URI.create("http://127.0.0.1:" + silent.port() + "/never")));
      assertTrue(silent.requestRead.await(10, TimeUnit.SECONDS), "request reached the server");
      assertTrue(f.cancel(true));
      assertTrue(
          silent.clientClosed.await(5, TimeUnit.SECONDS), "the client dropped the connection");
      assertTrue(f.isCancelled());
    }
  }

  /**
   * A blocking call waiting on a server that never answers ends promptly when its thread is
   * interrupted (Kind.CANCELLED, interrupt status kept), and the connection is dropped.
   */
  @Test
  void interruptingABlockedSyncCallEndsItPromptly() throws Exception {
    try (TckServer.Silent silent = new TckServer.Silent()) {
      CompletableFuture<Object> outcome = new CompletableFuture<>();
      Thread caller = new Thread(
          () -> {
            try (HttpResponse r = transport.execute(HttpRequest.of(
                "GET", URI.create("http://127.0.0.1:" + silent.port() + "/never")))) {
              outcome.complete(r.status());
            } catch (RuntimeException e) {
              outcome.complete(List.of(e, Thread.currentThread().isInterrupted()));
            }
          },
          "tck-sync-caller");
      caller.start();
      assertTrue(silent.requestRead.await(10, TimeUnit.SECONDS), "request reached the server");
      long t0 = System.nanoTime();
      caller.interrupt();
      Object o = outcome.get(5, TimeUnit.SECONDS);
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "took too long to end");
      List<?> failed = assertInstanceOf(List.class, o, String.valueOf(o));
      TransportException e = assertInstanceOf(TransportException.class, failed.get(0));
      assertEquals(TransportException.Kind.CANCELLED, e.kind(), e.toString());
      assertEquals(Boolean.TRUE, failed.get(1), "the interrupt status was lost");
      assertTrue(
          silent.clientClosed.await(5, TimeUnit.SECONDS), "the client dropped the connection");
      caller.join(5000);
    }
  }

  @Test
  void manyAsyncCallsInFlightWithoutAThreadEach() throws Exception {
    int n = 64;
    long before = clientThreads();
    List<CompletableFuture<HttpResponse>> futures = new ArrayList<>();
    server.held.set(0);
    for (int i = 0; i < n; i++) {
      futures.add(transport.executeAsync(HttpRequest.of("GET", uri("/hold?i=" + i))));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (server.held.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(n, server.held.get(), "all requests held by the server at once");
    long during = clientThreads();
    assertTrue(during - before < n / 2, "client threads grew from " + before + " to " + during);
    server.holdGate.countDown();
    for (CompletableFuture<HttpResponse> f : futures) {
      try (HttpResponse r = f.get(30, TimeUnit.SECONDS)) {
        assertEquals("released", r.bodyString());
      }
    }
  }

  private static long clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> !t.getName().startsWith(TckServer.THREAD_PREFIX))
        .count();
  }

  // ---- WebSocket -------------------------------------------------------------------------------

  /** Records listener events in order. */
  static final class Recorder implements WebSocketListener {
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile String closeEvent;

    @Override
    public void onText(WebSocketChannel channel, String text) {
      events.add(text);
    }

    @Override
    public void onBinary(WebSocketChannel channel, ByteBuffer data) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      events.add(b);
    }

    @Override
    public void onClose(WebSocketChannel channel, int statusCode, String reason) {
      closeEvent = statusCode + ":" + reason;
      closed.countDown();
    }

    @Override
    public void onError(WebSocketChannel channel, Throwable error) {
      events.add(error);
    }

    Object next() throws InterruptedException {
      Object o = events.poll(10, TimeUnit.SECONDS);
      if (o == null) {
        fail("no WebSocket message; close: " + closeEvent);
      }
      return o;
    }
  }

  private URI ws(String path) {
    return URI.create("ws://127.0.0.1:" + server.port + path);
  }

  @Test
  void webSocketEchoAndServerClose() throws Exception {
    Recorder rec = new Recorder();
    WebSocketChannel ch = transport
        .webSockets()
        .connect(ws("/ws"), HttpHeaders.of("X-BackendAI-Date", "2026-01-01T00:00:00+00:00"), rec)
        .get(10, TimeUnit.SECONDS);
    assertTrue(ch.isOpen());
    ch.sendText("hello");
    byte[] bin = new byte[70_000];
    new Random(3).nextBytes(bin);
    ch.sendBinary(ByteBuffer.wrap(bin));
    ch.sendText("fragments");
    assertEquals("hello", rec.next(), () -> "close " + rec.closeEvent);
    assertArrayEquals(bin, (byte[]) rec.next());
    assertEquals("fragmented", rec.next(), "fragments joined into one message");
    ch.sendText("close:4001:bye now").get(10, TimeUnit.SECONDS);
    assertTrue(rec.closed.await(10, TimeUnit.SECONDS));
    assertEquals("4001:bye now", rec.closeEvent);
  }

  @Test
  void webSocketClientClose() throws Exception {
    Recorder rec = new Recorder();
    WebSocketChannel ch = transport
        .webSockets()
        .connect(ws("/ws"), HttpHeaders.empty(), rec)
        .get(10, TimeUnit.SECONDS);
    ch.sendText("ping");
    assertEquals("ping", rec.next());
    ch.close(1000, "done").get(10, TimeUnit.SECONDS);
    assertTrue(rec.closed.await(10, TimeUnit.SECONDS), "server acknowledged the close");
    assertTrue(rec.closeEvent.startsWith("1000"), rec.closeEvent);
    assertFalse(ch.isOpen());
  }

  @Test
  void webSocketHandshakeRefused() {
    ExecutionException e = assertThrows(ExecutionException.class, () -> transport
        .webSockets()
        .connect(ws("/not-a-socket"), HttpHeaders.empty(), new Recorder())
        .get(10, TimeUnit.SECONDS));
    TransportException te = assertInstanceOf(TransportException.class, e.getCause());
    assertEquals(TransportException.Kind.WEBSOCKET_HANDSHAKE, te.kind());
    assertEquals(200, te.status());
  }

  /** {@code size} bytes of a fixed pattern, generated on the fly. */
  static final class Generated extends InputStream {
    private long remaining;

    Generated(long size) {
      this.remaining = size;
    }

    @Override
    public int read() {
      return remaining-- > 0 ? (int) (remaining & 0xff) : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) i;
      }
      remaining -= n;
      return n;
    }
  }
}
