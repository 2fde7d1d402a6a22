package ai.backend.client.internal;

import ai.backend.client.ApiVersion;
import ai.backend.client.Config;
import ai.backend.client.RateLimit;
import ai.backend.client.RequestInterceptor;
import ai.backend.client.ServerInfo;
import ai.backend.client.errors.BackendException;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.MalformedResponseException;
import ai.backend.client.errors.SessionClosedException;
import ai.backend.client.internal.signing.Signer;
import ai.backend.client.port.Hmac;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.RequestBody;
import ai.backend.client.port.TransportException;
import ai.backend.client.port.WebSocketConnector;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/**
 * The request engine every API call goes through: builds the HTTP request from an {@link ApiRequest}
 * (URI under the endpoint, common headers), sends it through one chain of links (retry → the embedder's
 * interceptors → sign → log → transport, assembled in {@link Builder}), and maps error statuses to the
 * typed exceptions. Thread-safe; one per {@code Session}.
 *
 * <p>The API version is fixed per instance: {@link Builder#connect()} negotiates it first.
 */
public final class ApiCore implements AutoCloseable {
  private static final Loggers.Lazy LOG = new Loggers.Lazy("ai.backend.client");

  private final Shared shared;
  private final ApiVersion version;
  private final Dialect dialect;
  private final ServerInfo serverInfo;

  /** Components shared by the instances derived from one builder (negotiation creates a second one). */
  private record Shared(
      Config config,
      HttpTransport transport,
      boolean ownsTransport,
      SigningLink signing,
      Pipeline signed,
      Pipeline unsigned,
      ErrorMapper errors,
      ExecutorService callbacks,
      Timers timers,
      AtomicReference<RateLimit> lastRateLimit,
      AtomicBoolean closed) {}

  private ApiCore(Shared shared, ApiVersion version, ServerInfo serverInfo) {
    this.shared = shared;
    this.version = version;
    this.dialect = Dialect.of(version);
    this.serverInfo = serverInfo;
  }

  public static Builder builder(Config config, HttpTransport transport) {
    return new Builder(config, transport);
  }

  public Config config() {
    return shared.config;
  }

  /** The version sent in {@code X-BackendAI-Version}. */
  public ApiVersion apiVersion() {
    return version;
  }

  public Dialect dialect() {
    return dialect;
  }

  public ServerInfo serverInfo() {
    return serverInfo;
  }

  /** The transport's short name ({@code jdk-http}, …). */
  public String transportName() {
    return shared.transport.name();
  }

  /** The rate-limit headers of the most recent response that had them. */
  public Optional<RateLimit> lastRateLimit() {
    return Optional.ofNullable(shared.lastRateLimit.get());
  }

  // --- calls ---------------------------------------------------------------------------------

  /**
   * Sends the request and hands the 2xx response to {@code handler}; the response is closed afterwards.
   *
   * @throws ai.backend.client.errors.BackendApiException (subclass) for error statuses
   * @throws BackendIoException when no answer came back or reading the body failed
   * @throws MalformedResponseException when the handler could not parse the body
   */
  public <T> T call(ApiRequest request, ResponseHandler<T> handler) {
    Duration limit = callLimit(request);
    long deadline = limit == null ? Chain.NO_DEADLINE : System.nanoTime() + limit.toNanos();
    HttpResponse response = open(request, deadline, limit);
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> timer = limit == null
        ? null
        : shared.timers.schedule(
            () -> {
              expired.set(true);
              response
                  .close(); // wakes a read blocked on the body: the handler fails and we report why
            },
            deadline - System.nanoTime());
    try (response) {
      return handler.handle(response);
    } catch (BodyTooLargeException e) {
      throw malformed(request, response, e);
    } catch (IOException | UncheckedIOException e) {
      throw expired.get() ? callTimedOut(request, limit, e) : readFailed(request, e);
    } catch (JsonParseException | IllegalStateException | ClassCastException e) {
      throw expired.get() ? callTimedOut(request, limit, e) : malformed(request, response, e);
    } catch (RuntimeException e) {
      throw expired.get() && !(e instanceof BackendIoException)
          ? callTimedOut(request, limit, e)
          : e;
    } finally {
      if (timer != null) {
        timer.cancel(false);
      }
    }
  }

  /** {@link #call(ApiRequest, ResponseHandler)} of a prepared endpoint. */
  public <T> T call(Endpoint<T> endpoint) {
    return call(endpoint.request(), endpoint.handler());
  }

  /** {@link #callAsync(ApiRequest, ResponseHandler)} of a prepared endpoint. */
  public <T> CompletableFuture<T> callAsync(Endpoint<T> endpoint) {
    return callAsync(endpoint.request(), endpoint.handler());
  }

  /**
   * Calls {@code endpoint} asynchronously once built; a failure while building it (an invalid
   * argument) fails the future instead of being thrown at the caller.
   */
  public <T> CompletableFuture<T> callAsync(java.util.function.Supplier<Endpoint<T>> endpoint) {
    Endpoint<T> e;
    try {
      e = endpoint.get();
    } catch (RuntimeException x) {
      return CompletableFuture.failedFuture(x);
    }
    return callAsync(e);
  }

  /** The executor that runs response handlers and other callbacks of this core (daemon threads). */
  public java.util.concurrent.Executor callbackExecutor() {
    return shared.callbacks;
  }

  /**
   * Asynchronous {@link #call}: never blocks the caller; the handler runs on this core's callback
   * executor, not on the transport's I/O threads. The future fails with the same exceptions.
   */
  public <T> CompletableFuture<T> callAsync(ApiRequest request, ResponseHandler<T> handler) {
    Duration limit = callLimit(request);
    long deadline = limit == null ? Chain.NO_DEADLINE : System.nanoTime() + limit.toNanos();
    CompletableFuture<T> result = new CompletableFuture<>();
    AtomicReference<HttpResponse> current = new AtomicReference<>();
    openAsync(request, deadline, limit)
        .thenApplyAsync(
            response -> {
              current.set(response);
              if (result.isDone()) {
                response.close(); // timed out while the headers were on their way
              }
              try (response) {
                return handler.handle(response);
              } catch (BodyTooLargeException e) {
                throw malformed(request, response, e);
              } catch (IOException | UncheckedIOException e) {
                throw readFailed(request, e);
              } catch (JsonParseException | IllegalStateException | ClassCastException e) {
                throw malformed(request, response, e);
              }
            },
            shared.callbacks)
        .whenComplete((v, e) -> {
          if (e == null) {
            result.complete(v);
          } else {
            result.completeExceptionally(
                e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
          }
        });
    if (limit != null) {
      ScheduledFuture<?> timer = shared.timers.schedule(
          () -> {
            if (result.completeExceptionally(callTimedOut(request, limit, null))) {
              HttpResponse r = current.get();
              if (r != null) {
                r.close();
              }
            }
          },
          deadline - System.nanoTime());
      result.whenComplete((v, e) -> timer.cancel(false));
    }
    return result;
  }

  /**
   * Sends the request and returns the open 2xx response for streaming (downloads, SSE); the caller
   * must close it. Error statuses are mapped (and their responses closed) as in {@link #call}. Only
   * the read (idle) timeout bounds it: the caller decides how long a stream may last.
   */
  public HttpResponse open(ApiRequest request) {
    return open(request, Chain.NO_DEADLINE, null);
  }

  private HttpResponse open(ApiRequest request, long deadline, Duration limit) {
    ensureOpen();
    HttpRequest http = toHttp(request);
    HttpResponse response;
    try {
      response = pipeline(request).execute(http, request.retryable(), deadline);
    } catch (TransportException e) {
      throw noAnswer(http, e, limit);
    }
    return checkStatus(request, response);
  }

  /** Asynchronous {@link #open}. */
  public CompletableFuture<HttpResponse> openAsync(ApiRequest request) {
    return openAsync(request, Chain.NO_DEADLINE, null);
  }

  private CompletableFuture<HttpResponse> openAsync(
      ApiRequest request, long deadline, Duration limit) {
    HttpRequest http;
    try {
      ensureOpen();
      http = toHttp(request);
    } catch (BackendException e) {
      return CompletableFuture.failedFuture(e);
    }
    return pipeline(request)
        .executeAsync(http, request.retryable(), deadline)
        .handle((response, failure) -> {
          if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
            if (cause instanceof TransportException te) {
              throw noAnswer(http, te, limit);
            }
            throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
          }
          return checkStatus(request, response);
        });
  }

  /**
   * Sends a request built outside the API classes ({@link RawCalls}) once through the pipeline, with
   * the common headers, signed unless the configuration is anonymous; the response is returned
   * whatever its status and the caller closes it.
   */
  HttpResponse sendRaw(String method, URI uri, HttpHeaders headers, RequestBody body) {
    ensureOpen();
    HttpRequest http =
        new HttpRequest(method, uri, commonHeaders(headers.toBuilder()).build(), body, null);
    if (shared.signing != null
        && body instanceof RequestBody.Stream stream
        && SigningLink.signsBody(version.toString(), http.effectiveContentType())) {
      // versions before v4.20181215 sign the body: a stream has to be buffered first
      try (InputStream in = stream.stream().get()) {
        http = http.withBody(RequestBody.ofBytes(in.readAllBytes(), stream.contentType()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Pipeline pipeline = shared.signed != null ? shared.signed : shared.unsigned;
    try {
      return pipeline.execute(http, false, Chain.NO_DEADLINE);
    } catch (TransportException e) {
      throw ErrorMapper.noAnswer(method, uri, e);
    }
  }

  /**
   * Sends a request to an absolute URL outside the API (a storage proxy's tus or download URL, spec
   * §9.2) once, unsigned: the token in its query is the credential, and the Backend.AI headers mean
   * nothing there. It goes through the embedder's interceptors and the logging link; retries are the
   * caller's (a resumable transfer decides itself where to go on). The response is returned whatever
   * its status; the caller closes it.
   *
   * @throws TransportException when no answer came back
   */
  public HttpResponse sendExternal(HttpRequest request) {
    ensureOpen();
    HttpHeaders headers = request.headers().toBuilder()
        .set("User-Agent", shared.config.userAgent())
        .build();
    HttpRequest http = request.withHeaders(headers);
    if (http.timeout() == null) {
      http = http.withTimeout(shared.config.readTimeout().orElse(null));
    }
    return shared.unsigned.execute(http, false, Chain.NO_DEADLINE);
  }

  /** The typed exception of an error response to {@code method path} (closes nothing). */
  public ai.backend.client.errors.BackendApiException errorOf(
      String method, String path, HttpResponse response) {
    return shared.errors.map(method, path, response);
  }

  /**
   * The whole-call limit of a request: its own, else the configured one, and never shorter than the
   * request's own response timeout (a create that may wait for its session gets that long).
   */
  private Duration callLimit(ApiRequest request) {
    Duration limit = request.callTimeout() != null
        ? request.callTimeout()
        : shared.config.callTimeout().orElse(null);
    if (limit == null || limit.isZero()) {
      return null;
    }
    Duration own = request.timeout();
    return own != null && own.compareTo(limit) > 0 ? own : limit;
  }

  private static BackendIoException noAnswer(
      HttpRequest http, TransportException e, Duration limit) {
    if (e.kind() == TransportException.Kind.CALL_TIMEOUT && limit != null) {
      e = new TransportException(
              TransportException.Kind.CALL_TIMEOUT,
              "no answer within the call timeout (" + human(limit) + ")",
              e.getCause())
          .recordAttempts(e.attempts());
    }
    return ErrorMapper.noAnswer(http.method(), http.uri(), e);
  }

  private BackendIoException callTimedOut(ApiRequest request, Duration limit, Throwable cause) {
    return ErrorMapper.noAnswer(
        request.method(),
        uri(request.path(), List.of()),
        new TransportException(
            TransportException.Kind.CALL_TIMEOUT,
            "no complete answer within the call timeout (" + human(limit) + ")",
            cause));
  }

  /** {@code 30s}, {@code 2m30s}, {@code 500ms}: how a user writes a timeout, not {@code PT2M30S}. */
  static String human(Duration d) {
    if (d.toMillis() < 1000 || d.toMillisPart() != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    return s < 60 ? s + "s" : s % 60 == 0 ? s / 60 + "m" : s / 60 + "m" + s % 60 + "s";
  }

  /**
   * A body read failed: a per-read idle timeout and an interrupt keep their kind, so callers can tell
   * them from a broken connection ({@link BackendIoException#transportKind()}).
   */
  private BackendIoException readFailed(ApiRequest request, Exception e) {
    Throwable io = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    TransportException.Kind kind = TransportException.Kind.IO;
    // adapters wrap: an async body that failed on the socket's timeout arrives as
    // IOException(cause)
    for (Throwable t = io; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException) {
        kind = TransportException.Kind.READ_TIMEOUT;
        break;
      }
      if (t instanceof java.io.InterruptedIOException) {
        kind = TransportException.Kind.CANCELLED;
        break;
      }
    }
    String what =
        switch (kind) {
          case READ_TIMEOUT ->
            "the response of " + describe(request) + " stalled: no data within the read timeout";
          case CANCELLED -> "reading the response of " + describe(request) + " was interrupted";
          default -> "the connection broke while reading the response of " + describe(request);
        };
    String detail =
        io.getMessage() == null || io.getMessage().isBlank() ? "" : " (" + io.getMessage() + ")";
    return new BackendIoException(what + detail, new TransportException(kind, io.getMessage(), io));
  }

  /** The final request URI of an API path (endpoint prefix + "/" + path + encoded query). */
  public URI uri(String path, List<ApiRequest.QueryParam> query) {
    return UriBuilder.build(shared.config.endpoint(), path, query == null ? List.of() : query);
  }

  /** The {@code ws://}/{@code wss://} URI of an API path. */
  public URI webSocketUri(String path, List<ApiRequest.QueryParam> query) {
    return UriBuilder.toWebSocket(uri(path, query));
  }

  /**
   * Handshake headers for a WebSocket to {@code wsUri} (from {@link #webSocketUri}): common headers,
   * date and signature over {@code GET} with content type {@code application/octet-stream}. Compute
   * them right before connecting: the date is checked for ±15 minutes skew.
   */
  public HttpHeaders signedWebSocketHeaders(URI wsUri) {
    ensureOpen();
    HttpHeaders base = commonHeaders(HttpHeaders.empty().toBuilder()).build();
    return shared.signing == null ? base : shared.signing.signWebSocket(wsUri, base);
  }

  /** The transport's WebSocket client. */
  public WebSocketConnector webSockets() {
    return shared.transport.webSockets();
  }

  /** Closes the transport if this core created it; idempotent. */
  @Override
  public void close() {
    if (shared.closed.compareAndSet(false, true)) {
      shared.callbacks.shutdown();
      shared.timers.close();
      if (shared.signing != null) {
        shared.signing.close();
      }
      if (shared.ownsTransport) {
        shared.transport.close();
      }
    }
  }

  // --- internals -----------------------------------------------------------------------------

  HttpRequest toHttp(ApiRequest request) {
    URI uri = uri(request.path(), request.query());
    HttpHeaders.Builder h = request.headers().toBuilder();
    commonHeaders(h);
    return new HttpRequest(
        request.method(),
        uri,
        h.build(),
        request.body(),
        request.timeout() != null
            ? request.timeout()
            : shared.config.readTimeout().orElse(null));
  }

  private HttpHeaders.Builder commonHeaders(HttpHeaders.Builder h) {
    return h.set("User-Agent", shared.config.userAgent())
        .set(SigningLink.VERSION_HEADER, version.toString())
        .set("X-BackendAI-Domain", shared.config.domain());
  }

  private Pipeline pipeline(ApiRequest request) {
    return request.anonymous() || shared.signed == null ? shared.unsigned : shared.signed;
  }

  private HttpResponse checkStatus(ApiRequest request, HttpResponse response) {
    ErrorMapper.rateLimit(response.headers()).ifPresent(shared.lastRateLimit::set);
    int s = response.status();
    if (s >= 200 && s < 300) {
      return response;
    }
    try (response) {
      throw shared.errors.map(request.method(), pathOf(request), response);
    }
  }

  private String pathOf(ApiRequest request) {
    return uri(request.path(), List.of()).getRawPath();
  }

  private String describe(ApiRequest request) {
    return request.method() + " " + pathOf(request);
  }

  /**
   * A 2xx body the handler could not parse. An HTML page means the endpoint is a web server, not the
   * manager's API; Gson's advice to parse leniently is for the author of a parser, not for the user.
   */
  private MalformedResponseException malformed(
      ApiRequest request, HttpResponse response, Exception e) {
    int status = response.status();
    String mime = mime(response);
    if (isHtml(response)) {
      return new MalformedResponseException(
          "the server at " + shared.config.endpoint() + " answered "
              + describe(request) + " with an HTML page (status " + status + ", " + mime
              + "), not Backend.AI JSON — is BACKEND_ENDPOINT the manager's API address?",
          status,
          e);
    }
    return new MalformedResponseException(
        "unexpected response body from " + describe(request) + " (HTTP " + status
            + (mime.isEmpty() ? "" : ", " + mime) + "): " + parserMessage(e),
        status,
        e);
  }

  private static String mime(HttpResponse response) {
    String type = response.headers().firstValue("content-type").orElse("");
    return type.contains(";") ? type.substring(0, type.indexOf(';')).strip() : type.strip();
  }

  private static boolean isHtml(HttpResponse response) {
    return mime(response).toLowerCase(java.util.Locale.ROOT).contains("html");
  }

  /** The parser's message without its advice to parse leniently, its link and its class names. */
  static String parserMessage(Exception e) {
    String m = String.valueOf(e.getMessage());
    m = m.replaceAll("(?s)\\s*See https?://\\S+", "");
    m = m.replaceAll(
        "Use JsonReader\\.set(?:Strictness|Lenient)\\([^)]*\\) to accept malformed JSON",
        "malformed JSON");
    m = m.replaceAll("^(?:[\\w$]+\\.)+[\\w$]*(?:Exception|Error): ", "");
    return m.strip();
  }

  private void ensureOpen() {
    if (shared.closed.get()) {
      throw new SessionClosedException("the API session is closed");
    }
  }

  /** {@code GET <endpoint>/}, unsigned with only {@code User-Agent} (spec §3.3). */
  private ServerInfo negotiate() {
    URI root = uri("", List.of());
    HttpRequest probe = new HttpRequest(
        "GET",
        root,
        HttpHeaders.of("User-Agent", shared.config.userAgent()),
        null,
        shared.config.readTimeout().orElse(null));
    JsonObject body;
    try (HttpResponse response = shared.unsigned.execute(probe, true, Chain.NO_DEADLINE)) {
      ApiRequest described = ApiRequest.get("");
      checkStatus(described, response);
      try {
        body = Json.parseObject(Handlers.readBody(response));
      } catch (IOException e) {
        throw e instanceof BodyTooLargeException
            ? new MalformedResponseException(
                "GET " + root + ": " + e.getMessage(), response.status(), e)
            : new BackendIoException("I/O error reading GET " + root, e);
      } catch (JsonParseException | IllegalStateException e) {
        throw isHtml(response)
            ? malformed(described, response, e)
            : new MalformedResponseException(
                "GET " + root + " did not answer with a JSON object; is " + shared.config.endpoint()
                    + " a Backend.AI manager endpoint?",
                response.status(),
                e);
      }
    } catch (TransportException e) {
      throw ErrorMapper.noAnswer("GET", root, e);
    } catch (UncheckedIOException e) {
      throw new BackendIoException("I/O error reading GET " + root, e);
    }
    return negotiated(
        Json.string(body, "version"), Json.string(body, "manager"), shared.config.maxApiVersion());
  }

  /** {@code min(server, client max)}; an unparsable server version falls back to the client max. */
  static ServerInfo negotiated(String serverVersionText, String manager, ApiVersion clientMax) {
    ApiVersion server;
    try {
      server = ApiVersion.parse(serverVersionText);
    } catch (InvalidArgumentException e) {
      LOG.get()
          .log(
              Level.WARNING,
              "server reported an unparsable API version {0}; using {1}",
              serverVersionText,
              clientMax);
      return new ServerInfo(null, manager, clientMax);
    }
    ApiVersion chosen = ApiVersion.min(server, clientMax);
    if (server.compareTo(clientMax) > 0) {
      LOG.get()
          .log(Level.DEBUG, "server speaks {0}, newer than this client''s {1}", server, clientMax);
    }
    if (server.compareTo(ApiVersion.OLDEST_RECOMMENDED) < 0) {
      LOG.get()
          .log(
              Level.DEBUG,
              "server API {0} is older than {1}; using the legacy dialect",
              server,
              ApiVersion.OLDEST_RECOMMENDED);
    }
    return new ServerInfo(server, manager, chosen);
  }

  /** Assembles the pipeline. */
  public static final class Builder {
    private final Config config;
    private final HttpTransport transport;
    private boolean ownsTransport;
    private Hmac hmac;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private List<RequestInterceptor> interceptors = List.of();
    private boolean wireLogging = true;

    private Builder(Config config, HttpTransport transport) {
      this.config = Objects.requireNonNull(config, "config");
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** Whether {@link ApiCore#close()} closes the transport (true when the session created it). */
    public Builder ownsTransport(boolean owns) {
      this.ownsTransport = owns;
      return this;
    }

    /** The HMAC primitive; required unless the config is anonymous. */
    public Builder hmac(Hmac hmac) {
      this.hmac = hmac;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Source of jitter in [0, 1). */
    public Builder random(DoubleSupplier random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** The embedder's links, in order, between retry and signing. */
    public Builder interceptors(List<RequestInterceptor> interceptors) {
      this.interceptors = List.copyOf(interceptors);
      return this;
    }

    /** Whether the logging link checks for DEBUG on each attempt (default true). */
    public Builder wireLogging(boolean enabled) {
      this.wireLogging = enabled;
      return this;
    }

    /** Builds without contacting the server, using the configured (pinned or default) version. */
    public ApiCore build() {
      ApiVersion v = config.maxApiVersion();
      return new ApiCore(shared(), v, new ServerInfo(null, null, v));
    }

    /**
     * Builds and, if the config asks for it, negotiates the version with {@code GET /}. A failure
     * closes what was built and propagates: an unreachable endpoint is reported, not papered over.
     */
    public ApiCore connect() {
      ApiCore core = build();
      if (!config.negotiate()) {
        return core;
      }
      try {
        ServerInfo info = core.negotiate();
        return new ApiCore(core.shared, info.negotiated(), info);
      } catch (RuntimeException e) {
        core.close();
        throw e;
      }
    }

    /**
     * The one place the pipeline is assembled. Retry is outermost so that each attempt is signed anew
     * and seen by the embedder's links; logging is innermost so that it shows what goes on the wire.
     */
    private Shared shared() {
      ErrorMapper errors = new ErrorMapper(clock);
      List<Interceptor> before = new java.util.ArrayList<>();
      before.add(new Retrier(config.retryPolicy(), sleeper, random, errors));
      interceptors.forEach(i -> before.add(new UserLink(i)));
      Interceptor logging = wireLogging ? new LoggingLink() : null;
      SigningLink signing = null;
      Pipeline signed = null;
      if (!config.isAnonymous()) {
        if (hmac == null) {
          throw new InvalidArgumentException("an Hmac implementation is required to sign requests");
        }
        char[] secret = config.secretKey();
        try {
          signing = new SigningLink(
              new Signer(hmac, config.hashType()),
              config.accessKey(),
              secret,
              clock,
              config.signingProfile(),
              config.endpoint(),
              config.useXBackendAiDate());
        } finally {
          java.util.Arrays.fill(secret, '\0');
        }
        signed = new Pipeline(links(before, signing, logging), transport);
      }
      Pipeline unsigned = new Pipeline(links(before, logging), transport);
      AtomicInteger n = new AtomicInteger();
      ExecutorService callbacks = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "backendai-callback-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      return new Shared(
          config,
          transport,
          ownsTransport,
          signing,
          signed,
          unsigned,
          errors,
          callbacks,
          new Timers(),
          new AtomicReference<>(),
          new AtomicBoolean());
    }

    private static List<Interceptor> links(List<Interceptor> first, Interceptor... then) {
      List<Interceptor> all = new java.util.ArrayList<>(first);
      for (Interceptor link : then) {
        if (link != null) { // an absent optional link (no wire logging)
          all.add(link);
        }
      }
      return all;
    }
  }
}
