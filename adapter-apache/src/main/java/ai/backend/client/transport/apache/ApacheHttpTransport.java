package ai.backend.client.transport.apache;

import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.RequestBody;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportException;
import ai.backend.client.port.WebSocketConnector;
import ai.backend.client.port.tls.TrustAll;
import ai.backend.client.port.websocket.JdkWebSocketConnector;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.concurrent.DefaultThreadFactory;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * {@link HttpTransport} on Apache HttpClient 5: the classic client for {@link #execute}, the async
 * client (I/O reactor, no thread per request) for {@link #executeAsync}. Both are configured not to
 * touch what the domain signs: no redirects, cookies, compression or URI normalisation, and no
 * retries but one: an idempotent request whose pooled connection turned out closed is sent again at
 * once ({@link StaleConnectionRetry}).
 *
 * <p>The async client, its I/O reactor and threads are created on the first {@link #executeAsync}: a
 * program that only makes blocking calls (a CLI command) never pays for them (~20 ms of start-up).
 */
final class ApacheHttpTransport implements HttpTransport {
  static final String THREAD_PREFIX = "backendai-apache-";
  // computed by the client itself; sending them as well would duplicate or contradict them
  private static final Set<String> RESTRICTED = Set.of(
      "connection",
      "content-length",
      "expect",
      "host",
      "upgrade",
      "transfer-encoding",
      "content-type");
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final TransportConfig config;
  private final int id = INSTANCES.incrementAndGet();
  private final ExecutorService ownExecutor;
  private final Executor executor;
  private final CloseableHttpClient classic;
  private final ClientTlsStrategyBuilder tls;
  private final ConnectionConfig connection;
  private final Timeout read;
  private final HttpHost proxy;
  private final Object asyncLock = new Object();
  private volatile CloseableHttpAsyncClient async; // created on first use; set under asyncLock
  private final AtomicBoolean closed = new AtomicBoolean();
  private final WebSocketConnector webSockets;
  // open connections by local address, so that cancel() can close the one an exchange is using
  private final Map<SocketAddress, IOSession> sessions = new ConcurrentHashMap<>();
  // callers blocked in execute(), and the thread that aborts their exchange when they are
  // interrupted
  private final Map<Thread, HttpUriRequestBase> blocked = new ConcurrentHashMap<>();
  private volatile java.util.concurrent.ScheduledExecutorService
      interruptWatcher; // set under blocked
  // body reads of classic responses register like blocked calls
  private final ClassicResponse.ReadWatch readWatch = new ClassicResponse.ReadWatch() {
    @Override
    public void enter(Thread reader, HttpUriRequestBase request) {
      blocked.put(reader, request);
      watchInterrupts();
    }

    @Override
    public void exit(Thread reader, HttpUriRequestBase request) {
      blocked.remove(reader, request);
    }
  };
  private static final long INTERRUPT_POLL_MS = 50;
  private java.net.http.HttpClient wsClient; // created on first WebSocket use; guarded by this

  ApacheHttpTransport(TransportConfig config) {
    this.config = config;
    this.ownExecutor = config.executor() == null ? newExecutor(THREAD_PREFIX + id + "-cb-") : null;
    this.executor = ownExecutor != null ? ownExecutor : config.executor();
    SSLContext ssl = config.insecureTls() ? TrustAll.context() : config.sslContext();
    this.tls = ClientTlsStrategyBuilder.create();
    if (ssl != null) {
      tls.setSslContext(ssl);
    }
    if (config.insecureTls()) {
      tls.setHostnameVerifier(NoopHostnameVerifier.INSTANCE);
    }
    this.read = config.readTimeout() == null ? Timeout.DISABLED : Timeout.of(config.readTimeout());
    this.connection = ConnectionConfig.custom()
        .setConnectTimeout(Timeout.of(config.connectTimeout()))
        .setSocketTimeout(read)
        // a connection idle for a second is checked before reuse: servers close idle keep-alive
        // connections (aiohttp after 75 s), often without a Keep-Alive header saying when
        .setValidateAfterInactivity(TimeValue.ofSeconds(1))
        .build();
    RequestConfig defaults = requestConfig(null);
    this.proxy = config.proxy() == null
        ? null
        : new HttpHost("http", config.proxy().getHostString(), config.proxy().getPort());

    var classicBuilder = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setTlsSocketStrategy(tls.buildClassic())
            .setMaxConnTotal(config.maxConnections())
            .setMaxConnPerRoute(config.maxConnections())
            .setDefaultConnectionConfig(connection)
            .build())
        .setDefaultRequestConfig(defaults)
        .setRetryStrategy(new StaleConnectionRetry())
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableContentCompression()
        .disableAuthCaching()
        // the domain sends its own User-Agent on every request; computing the default one reads
        // HttpClient's version.properties from the class path (~20 ms of a CLI command's start-up)
        .disableDefaultUserAgent();
    if (proxy != null) {
      classicBuilder.setProxy(proxy);
    }
    this.classic = classicBuilder.build();
    this.webSockets = (uri, headers, listener) -> {
      if (closed.get()) {
        return CompletableFuture.failedFuture(closedException());
      }
      return new JdkWebSocketConnector(wsClient(), config.connectTimeout())
          .connect(uri, headers, listener);
    };
  }

  /** The async client, built and started on first use; fails once the transport is closed. */
  private CloseableHttpAsyncClient async() {
    CloseableHttpAsyncClient a = async;
    if (a != null) {
      return a;
    }
    synchronized (asyncLock) {
      if (closed.get()) {
        throw closedException(); // close() has run or is running: it would not see a client built
        // now
      }
      if (async == null) {
        CloseableHttpAsyncClient built = buildAsync();
        built.start();
        async = built;
      }
      return async;
    }
  }

  private CloseableHttpAsyncClient buildAsync() {
    var asyncBuilder = HttpAsyncClients.custom()
        .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
            .setTlsStrategy(tls.buildAsync())
            .setMaxConnTotal(config.maxConnections())
            .setMaxConnPerRoute(config.maxConnections())
            .setDefaultConnectionConfig(connection)
            .setDefaultTlsConfig(TlsConfig.custom()
                .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1)
                .build())
            .build())
        .setIOReactorConfig(IOReactorConfig.custom()
            .setIoThreadCount(Math.min(2, Runtime.getRuntime().availableProcessors()))
            .setSoTimeout(read)
            .build())
        .setThreadFactory(new DefaultThreadFactory(THREAD_PREFIX + id + "-io", true))
        .setIOSessionListener(new SessionTracker(sessions))
        .setDefaultRequestConfig(requestConfig(null))
        .setRetryStrategy(new StaleConnectionRetry())
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableContentCompression()
        .disableAuthCaching();
    if (proxy != null) {
      asyncBuilder.setProxy(proxy);
    }
    return asyncBuilder.build();
  }

  private static ExecutorService newExecutor(String prefix) {
    AtomicInteger n = new AtomicInteger();
    // cached pool for completions and WebSocket callbacks; threads are reused, never held per
    // request
    return new ThreadPoolExecutor(
        0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  private RequestConfig requestConfig(Duration perRequest) {
    Duration d = perRequest != null ? perRequest : config.readTimeout();
    @SuppressWarnings("deprecation")
    RequestConfig.Builder b = RequestConfig.custom()
        .setRedirectsEnabled(false)
        .setContentCompressionEnabled(false)
        .setExpectContinueEnabled(false)
        .setProtocolUpgradeEnabled(false)
        .setHardCancellationEnabled(
            true) // cancel() closes the connection instead of waiting it out
        .setResponseTimeout(d == null ? Timeout.DISABLED : Timeout.of(d));
    return b.build();
  }

  private synchronized java.net.http.HttpClient wsClient() {
    if (wsClient == null) {
      java.net.http.HttpClient.Builder b = java.net.http.HttpClient.newBuilder()
          .connectTimeout(config.connectTimeout())
          .executor(executor);
      if (config.proxy() != null) {
        b.proxy(ProxySelector.of(config.proxy()));
      }
      if (config.insecureTls()) {
        b.sslContext(TrustAll.context()); // an X509ExtendedTrustManager: no host name check either
      } else if (config.sslContext() != null) {
        b.sslContext(config.sslContext());
      }
      wsClient = b.build();
    }
    return wsClient;
  }

  @Override
  public HttpResponse execute(HttpRequest request) {
    checkOpen();
    HttpUriRequestBase req = new HttpUriRequestBase(request.method(), request.uri());
    req.setAuthority(authority(request.uri()));
    copyHeaders(request, req);
    RequestBody body = request.body();
    String contentType = request.effectiveContentType();
    if (!(body instanceof RequestBody.Empty)
        || request.method().equals("POST")
        || request.method().equals("PUT")
        || request.method().equals("PATCH")) {
      req.setEntity(ClassicBodies.entity(body));
    }
    if (contentType != null) {
      req.setHeader("Content-Type", contentType);
    }
    req.setConfig(requestConfig(request.timeout()));
    Thread caller = Thread.currentThread();
    if (caller.isInterrupted()) {
      throw new TransportException(
          TransportException.Kind.CANCELLED, describe(request) + " cancelled", null);
    }
    blocked.put(caller, req);
    watchInterrupts();
    try {
      ClassicHttpResponse response = classic.executeOpen(null, req, HttpClientContext.create());
      return new ClassicResponse(response, req, readWatch);
    } catch (IOException | RuntimeException e) {
      req.cancel();
      if (caller.isInterrupted()) {
        throw new TransportException(
            TransportException.Kind.CANCELLED, describe(request) + " cancelled", e);
      }
      throw ApacheErrors.map(e, describe(request));
    } finally {
      blocked.remove(caller, req);
    }
  }

  /**
   * A thread blocked in a socket read does not notice {@link Thread#interrupt()}; one watcher thread
   * per transport (started with the first blocking call, stopped by {@link #close()}) aborts the
   * exchange of a blocked caller that was interrupted, within {@value #INTERRUPT_POLL_MS} ms.
   */
  private void watchInterrupts() {
    if (interruptWatcher != null) {
      return;
    }
    synchronized (blocked) {
      if (interruptWatcher != null || closed.get()) {
        return;
      }
      interruptWatcher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          new DefaultThreadFactory(THREAD_PREFIX + id + "-interrupts", true));
      interruptWatcher.scheduleWithFixedDelay(
          () -> blocked.forEach((thread, r) -> {
            if (thread.isInterrupted()) {
              r.cancel();
            }
          }),
          INTERRUPT_POLL_MS,
          INTERRUPT_POLL_MS,
          TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public CompletableFuture<HttpResponse> executeAsync(HttpRequest request) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedException());
    }
    BasicHttpRequest req = new BasicHttpRequest(request.method(), request.uri());
    req.setAuthority(authority(request.uri()));
    copyHeaders(request, req);
    RequestBody body = request.body();
    String contentType = request.effectiveContentType();
    StreamProducer entity = null;
    if (!(body instanceof RequestBody.Empty)
        || request.method().equals("POST")
        || request.method().equals("PUT")
        || request.method().equals("PATCH")) {
      entity = new StreamProducer(body::openStream, body.contentLength(), body.repeatable());
    }
    if (contentType != null) {
      req.setHeader("Content-Type", contentType);
    }
    HttpClientContext context = HttpClientContext.create();
    context.setRequestConfig(requestConfig(request.timeout()));
    CompletableFuture<HttpResponse> result = new CompletableFuture<>();
    CloseableHttpAsyncClient client;
    try {
      client = async();
    } catch (TransportException e) {
      return CompletableFuture.failedFuture(e);
    }
    StreamingConsumer consumer = new StreamingConsumer(result, executor);
    consumer.onResponse(
        () -> context.setAttribute(StaleConnectionRetry.RESPONSE_STARTED, Boolean.TRUE));
    String what = describe(request);
    Future<Void> exchange = client.execute(
        new BasicRequestProducer(req, entity), consumer, context, new FutureCallback<>() {
          @Override
          public void completed(Void v) {}

          @Override
          public void failed(Exception e) {
            result.completeExceptionally(ApacheErrors.map(e, what));
          }

          @Override
          public void cancelled() {
            result.completeExceptionally(new TransportException(
                TransportException.Kind.CANCELLED, what + " cancelled", null));
          }
        });
    consumer.onAbort(() -> exchange.cancel(true));
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        exchange.cancel(true);
        // HttpClient loses a cancel() that lands just after the request is written, before it links
        // the
        // future to the exchange; closing the connection itself aborts the exchange in every case
        EndpointDetails endpoint = context.getEndpointDetails();
        IOSession session = endpoint == null ? null : sessions.get(endpoint.getLocalAddress());
        if (session != null) {
          session.close(CloseMode.IMMEDIATE);
        }
      }
    });
    return result;
  }

  /** The authority sent as Host: default ports left out, as browsers and the domain's signer do. */
  static URIAuthority authority(URI uri) {
    int port = uri.getPort();
    String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if ((port == 80 && scheme.equals("http")) || (port == 443 && scheme.equals("https"))) {
      port = -1;
    }
    return new URIAuthority(uri.getRawUserInfo(), uri.getHost(), port);
  }

  private static void copyHeaders(
      HttpRequest request, org.apache.hc.core5.http.HttpRequest target) {
    request.headers().map().forEach((name, values) -> {
      if (!RESTRICTED.contains(name)) {
        values.forEach(v -> target.addHeader(name, v));
      }
    });
  }

  private static String describe(HttpRequest request) {
    // method and path only: query strings may carry tokens
    return request.method() + " " + request.uri().getScheme() + "://"
        + request.uri().getRawAuthority() + request.uri().getRawPath();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  private static TransportException closedException() {
    return new TransportException(TransportException.Kind.CLOSED, "transport is closed", null);
  }

  @Override
  public WebSocketConnector webSockets() {
    return webSockets;
  }

  @Override
  public String name() {
    return ApacheTransportProvider.NAME;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (blocked) {
      if (interruptWatcher != null) {
        interruptWatcher.shutdownNow();
      }
    }
    classic.close(CloseMode.IMMEDIATE);
    CloseableHttpAsyncClient a;
    synchronized (asyncLock) {
      a = async; // none can be built from now on: async() checks closed under this lock
    }
    if (a != null) {
      a.close(CloseMode.IMMEDIATE);
      try {
        a.awaitShutdown(TimeValue.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      wsClient = null; // Java 17's HttpClient cannot be closed; its selector ends once unreachable
    }
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
  }
}
