package ai.backend.client.internal;

import ai.backend.client.errors.SessionClosedException;
import ai.backend.client.ApiVersion;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.BackendException;
import ai.backend.client.Config;
import ai.backend.client.Dialect;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.MalformedResponseException;
import ai.backend.client.RateLimit;
import ai.backend.client.ServerInfo;
import ai.backend.client.internal.signing.Signer;
import ai.backend.client.port.Hmac;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportException;
import ai.backend.client.port.WebSocketConnector;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
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
 * (URI under the endpoint, common headers), sends it through retry → sign → log → transport, and maps
 * error statuses to the typed exceptions. Thread-safe; one per {@code Session}.
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
      SigningTransport signing,
      Retrier signed,
      Retrier unsigned,
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
    long deadline = limit == null ? Retrier.NO_DEADLINE : System.nanoTime() + limit.toNanos();
    HttpResponse response = open(request, deadline, limit);
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> timer = limit == null ? null : shared.timers.schedule(() -> {
      expired.set(true);
      response.close(); // wakes a read blocked on the body: the handler fails and we report why
    }, deadline - System.nanoTime());
    try (response) {
      return handler.handle(response);
    } catch (BodyTooLargeException e) {
      throw malformed(request, response.status(), e);
    } catch (IOException | UncheckedIOException e) {
      throw expired.get() ? callTimedOut(request, limit, e) : readFailed(request, e);
    } catch (JsonParseException | IllegalStateException | ClassCastException e) {
      throw expired.get() ? callTimedOut(request, limit, e) : malformed(request, response.status(), e);
    } catch (RuntimeException e) {
      throw expired.get() && !(e instanceof BackendIoException) ? callTimedOut(request, limit, e) : e;
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
    long deadline = limit == null ? Retrier.NO_DEADLINE : System.nanoTime() + limit.toNanos();
    CompletableFuture<T> result = new CompletableFuture<>();
    AtomicReference<HttpResponse> current = new AtomicReference<>();
    openAsync(request, deadline, limit).thenApplyAsync(response -> {
      current.set(response);
      if (result.isDone()) {
        response.close(); // timed out while the headers were on their way
      }
      try (response) {
        return handler.handle(response);
      } catch (BodyTooLargeException e) {
        throw malformed(request, response.status(), e);
      } catch (IOException | UncheckedIOException e) {
        throw readFailed(request, e);
      } catch (JsonParseException | IllegalStateException | ClassCastException e) {
        throw malformed(request, response.status(), e);
      }
    }, shared.callbacks).whenComplete((v, e) -> {
      if (e == null) {
        result.complete(v);
      } else {
        result.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
      }
    });
    if (limit != null) {
      ScheduledFuture<?> timer = shared.timers.schedule(() -> {
        if (result.completeExceptionally(callTimedOut(request, limit, null))) {
          HttpResponse r = current.get();
          if (r != null) {
            r.close();
          }
        }
      }, deadline - System.nanoTime());
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
    return open(request, Retrier.NO_DEADLINE, null);
  }

  private HttpResponse open(ApiRequest request, long deadline, Duration limit) {
    ensureOpen();
    HttpRequest http = toHttp(request);
    HttpResponse response;
    try {
      response = chain(request).execute(http, request.retryable(), deadline);
    } catch (TransportException e) {
      throw noAnswer(http, e, limit);
    }
    return checkStatus(request, response);
  }

  /** Asynchronous {@link #open}. */
  public CompletableFuture<HttpResponse> openAsync(ApiRequest request) {
    return openAsync(request, Retrier.NO_DEADLINE, null);
  }

  private CompletableFuture<HttpResponse> openAsync(ApiRequest request, long deadline, Duration limit) {
    HttpRequest http;
    try {
      ensureOpen();
      http = toHttp(request);
    } catch (BackendException e) {
      return CompletableFuture.failedFuture(e);
    }
    return chain(request).executeAsync(http, request.retryable(), deadline).handle((response, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        if (cause instanceof TransportException te) {
          throw noAnswer(http, te, limit);
        }
        throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
      }
      return checkStatus(request, response);
    });
  }

  /**
   * The whole-call limit of a request: its own, else the configured one, and never shorter than the
   * request's own response timeout (a create that may wait for its session gets that long).
   */
  private Duration callLimit(ApiRequest request) {
    Duration limit = request.callTimeout() != null ? request.callTimeout() : shared.config.callTimeout().orElse(null);
    if (limit == null || limit.isZero()) {
      return null;
    }
    Duration own = request.timeout();
    return own != null && own.compareTo(limit) > 0 ? own : limit;
  }

  private static BackendIoException noAnswer(HttpRequest http, TransportException e, Duration limit) {
    if (e.kind() == TransportException.Kind.CALL_TIMEOUT && limit != null) {
      e = new TransportException(TransportException.Kind.CALL_TIMEOUT, "no answer within " + limit, e.getCause());
    }
    return ErrorMapper.noAnswer(http.method(), http.uri(), e);
  }

  private BackendIoException callTimedOut(ApiRequest request, Duration limit, Throwable cause) {
    return ErrorMapper.noAnswer(request.method(), uri(request.path(), List.of()),
        new TransportException(TransportException.Kind.CALL_TIMEOUT, "no complete answer within " + limit, cause));
  }

  /**
   * A body read failed: a per-read idle timeout and an interrupt keep their kind, so callers can tell
   * them from a broken connection ({@link BackendIoException#transportKind()}).
   */
  private BackendIoException readFailed(ApiRequest request, Exception e) {
    Throwable io = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    TransportException.Kind kind = TransportException.Kind.IO;
    // adapters wrap: an async body that failed on the socket's timeout arrives as IOException(cause)
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
    return new BackendIoException("I/O error reading the response of " + describe(request) + " (" + kind + "): "
        + io.getMessage(), new TransportException(kind, io.getMessage(), io));
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
    return new HttpRequest(request.method(), uri, h.build(), request.body(),
        request.timeout() != null ? request.timeout() : shared.config.readTimeout().orElse(null));
  }

  private HttpHeaders.Builder commonHeaders(HttpHeaders.Builder h) {
    return h.set("User-Agent", shared.config.userAgent())
        .set(SigningTransport.VERSION_HEADER, version.toString())
        .set("X-BackendAI-Domain", shared.config.domain());
  }

  private Retrier chain(ApiRequest request) {
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

  private MalformedResponseException malformed(ApiRequest request, int status, Exception e) {
    return new MalformedResponseException(
        "unexpected response body from " + describe(request) + " (HTTP " + status + "): " + e.getMessage(), status, e);
  }

  private void ensureOpen() {
    if (shared.closed.get()) {
      throw new SessionClosedException("the API session is closed");
    }
  }

  /** {@code GET <endpoint>/}, unsigned with only {@code User-Agent} (spec §3.3). */
  private ServerInfo negotiate() {
    URI root = uri("", List.of());
    HttpRequest probe = new HttpRequest("GET", root, HttpHeaders.of("User-Agent", shared.config.userAgent()),
        null, shared.config.readTimeout().orElse(null));
    JsonObject body;
    try (HttpResponse response = shared.unsigned.execute(probe, true)) {
      ApiRequest described = ApiRequest.get("");
      checkStatus(described, response);
      try {
        body = Json.parseObject(Handlers.readBody(response));
      } catch (IOException e) {
        throw e instanceof BodyTooLargeException
            ? new MalformedResponseException("GET " + root + ": " + e.getMessage(),
                response.status(), e)
            : new BackendIoException("I/O error reading GET " + root, e);
      } catch (JsonParseException | IllegalStateException e) {
        throw new MalformedResponseException("GET " + root + " did not answer with a JSON object; is "
            + shared.config.endpoint() + " a Backend.AI manager endpoint?", response.status(), e);
      }
    } catch (TransportException e) {
      throw ErrorMapper.noAnswer("GET", root, e);
    } catch (UncheckedIOException e) {
      throw new BackendIoException("I/O error reading GET " + root, e);
    }
    return negotiated(Json.string(body, "version"), Json.string(body, "manager"), shared.config.maxApiVersion());
  }

  /** {@code min(server, client max)}; an unparsable server version falls back to the client max. */
  static ServerInfo negotiated(String serverVersionText, String manager, ApiVersion clientMax) {
    ApiVersion server;
    try {
      server = ApiVersion.parse(serverVersionText);
    } catch (InvalidArgumentException e) {
      LOG.get().log(Level.WARNING, "server reported an unparsable API version {0}; using {1}", serverVersionText, clientMax);
      return new ServerInfo(null, manager, clientMax);
    }
    ApiVersion chosen = ApiVersion.min(server, clientMax);
    if (server.compareTo(clientMax) > 0) {
      LOG.get().log(Level.DEBUG, "server speaks {0}, newer than this client''s {1}", server, clientMax);
    }
    if (server.compareTo(ApiVersion.OLDEST_RECOMMENDED) < 0) {
      LOG.get().log(Level.DEBUG, "server API {0} is older than {1}; using the legacy dialect", server,
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

    private Shared shared() {
      ErrorMapper errors = new ErrorMapper(clock);
      HttpTransport logged = new LoggingTransport(transport);
      SigningTransport signing = null;
      Retrier signed = null;
      if (!config.isAnonymous()) {
        if (hmac == null) {
          throw new InvalidArgumentException("an Hmac implementation is required to sign requests");
        }
        char[] secret = config.secretKey();
        try {
          signing = new SigningTransport(logged, new Signer(hmac, config.hashType()), config.accessKey(), secret,
              clock, config.signingProfile(), config.endpoint(), config.useXBackendAiDate());
        } finally {
          java.util.Arrays.fill(secret, '\0');
        }
        signed = new Retrier(signing, config.retryPolicy(), sleeper, random, errors);
      }
      Retrier unsigned = new Retrier(logged, config.retryPolicy(), sleeper, random, errors);
      AtomicInteger n = new AtomicInteger();
      ExecutorService callbacks = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "backendai-callback-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      return new Shared(config, transport, ownsTransport, signing, signed, unsigned, errors, callbacks,
          new Timers(), new AtomicReference<>(), new AtomicBoolean());
    }
  }
}
