package ai.backend.local;

import ai.backend.local.api.ApiHandler;
import ai.backend.local.api.EventsApi;
import ai.backend.local.api.FileApi;
import ai.backend.local.api.FolderApi;
import ai.backend.local.api.MiscApi;
import ai.backend.local.api.ProblemErrorHandler;
import ai.backend.local.api.RateLimiter;
import ai.backend.local.api.Router;
import ai.backend.local.api.SessionApi;
import ai.backend.local.api.StreamApi;
import ai.backend.local.engine.ExecutionEngine;
import ai.backend.local.engine.Kernel;
import ai.backend.local.engine.KernelLimits;
import ai.backend.local.engine.ProcessExecutionEngine;
import ai.backend.local.engine.ProcessGuard;
import ai.backend.local.folders.FolderStore;
import ai.backend.local.graphql.GraphQLApi;
import ai.backend.local.graphql.GraphQLService;
import ai.backend.local.security.HmacVerifier;
import ai.backend.local.security.KeyRing;
import ai.backend.local.security.Keypair;
import ai.backend.local.sessions.SessionRegistry;
import ai.backend.local.storage.FolderResolver;
import ai.backend.local.storage.StorageProxy;
import ai.backend.local.storage.TransferApi;
import ai.backend.local.stream.StreamHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * A single-node server speaking the Backend.AI manager API (v4 {@code /kernel} and current
 * {@code /session} dialects) that runs code as local processes of the current user. For development
 * and tests: it offers no isolation. Start one with {@link #builder()}; {@link #close()} stops the
 * HTTP server, kills every spawned process tree and deletes session work directories.
 */
public final class LocalServer implements AutoCloseable {
  /** Version reported as {@code manager} by {@code GET /}. */
  public static final String MANAGER_VERSION = "25.15.0-local";

  /** Largest WebSocket message accepted (the manager's default {@code max_wsmsg_size}). */
  static final int MAX_WS_MESSAGE = 16 << 20;

  /** Default API version announced by {@code GET /}. */
  /** Default of {@link Builder#maxDownloadBytes}: 16 GiB. */
  public static final long DEFAULT_MAX_DOWNLOAD_BYTES = 16L << 30;

  public static final String DEFAULT_API_VERSION = "v9.20250722";

  private final Server jetty;
  private final ExecutionEngine engine;
  private final SessionRegistry registry;
  private final EventsApi events;
  private final StreamHub streams;
  private final Keypair keypair;
  private final URI uri;
  private final int port;
  private final Path workRoot;
  private final ProcessGuard guard;
  private static final System.Logger LOG = System.getLogger("ai.backend.local");
  private final boolean ownsWorkRoot;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final FolderStore folders;

  private LocalServer(
      Server jetty,
      ExecutionEngine engine,
      SessionRegistry registry,
      EventsApi events,
      StreamHub streams,
      Keypair keypair,
      URI uri,
      int port,
      Path workRoot,
      boolean ownsWorkRoot,
      ProcessGuard guard,
      FolderStore folders) {
    this.folders = folders;
    this.guard = guard;
    this.jetty = jetty;
    this.engine = engine;
    this.registry = registry;
    this.events = events;
    this.streams = streams;
    this.keypair = keypair;
    this.uri = uri;
    this.port = port;
    this.workRoot = workRoot;
    this.ownsWorkRoot = ownsWorkRoot;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The base URI, e.g. {@code http://127.0.0.1:8081}. */
  public URI uri() {
    return uri;
  }

  public int port() {
    return port;
  }

  public String accessKey() {
    return keypair.accessKey();
  }

  public String secretKey() {
    return keypair.secretKey();
  }

  /** The session registry (for tests and diagnostics). */
  public SessionRegistry sessions() {
    return registry;
  }

  /** The virtual folders (for tests and diagnostics). */
  public FolderStore folders() {
    return folders;
  }

  /** Open stream sockets and app services (for tests and diagnostics). */
  public StreamHub streams() {
    return streams;
  }

  /** Stops Jetty, kills every kernel process tree, deletes work directories. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    streams.close(); // execute sockets get server-restarting; terminals and app services are killed
    events.close(); // lets event streams end with server_close before Jetty stops
    try {
      jetty.stop();
    } catch (Exception e) {
      // keep shutting down: the processes matter more than a clean socket close
    }
    List<Kernel> kernels = registry.shutdown();
    engine.close();
    for (Kernel k : kernels) {
      k.close(); // already dead after engine.close(); makes sure nothing is left
    }
    registry.purge();
    if (ownsWorkRoot) {
      try {
        Files.deleteIfExists(workRoot);
      } catch (IOException e) {
        // temp dir: best effort
      }
    }
    guard.close(); // anything still tagged with this server dies; its temporary home goes
  }

  /** Tracks this server's processes and temporary files (for tests and diagnostics). */
  public ProcessGuard guard() {
    return guard;
  }

  @Override
  public String toString() {
    return "LocalServer[" + uri + ", accessKey=" + keypair.accessKey() + "]";
  }

  /** Configures and starts a {@link LocalServer}. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String accessKey;
    private String secretKey;
    private String apiVersion = DEFAULT_API_VERSION;
    private Path stateDir;
    private Path workRoot;
    private Duration idleTimeout = Duration.ofMinutes(30);
    private int maxSessionsPerKey = 30;
    private KernelLimits limits = KernelLimits.defaults();
    private Duration restFlushTimeout = Duration.ofSeconds(2);
    private Clock clock = Clock.systemUTC();
    private int rateLimit = 30_000;
    private long maxBodyBytes = 32L << 20;
    private long maxDownloadBytes = DEFAULT_MAX_DOWNLOAD_BYTES;
    private Duration bodyIdleTimeout = ApiHandler.DEFAULT_BODY_IDLE_TIMEOUT;
    private boolean binaryStreamFrames;
    private ExecutionEngine engine;
    private FolderResolver folderResolver;

    private Builder() {}

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host);
      return this;
    }

    /** 0 picks a free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    public Builder accessKey(String accessKey) {
      this.accessKey = accessKey;
      return this;
    }

    public Builder secretKey(String secretKey) {
      this.secretKey = secretKey;
      return this;
    }

    /** The version {@code GET /} announces (default {@value #DEFAULT_API_VERSION_DOC}). */
    public Builder apiVersion(String apiVersion) {
      this.apiVersion = Objects.requireNonNull(apiVersion);
      return this;
    }

    private static final String DEFAULT_API_VERSION_DOC = DEFAULT_API_VERSION;

    /**
     * Directory for server state: the virtual folders live in its {@code folders} subdirectory and
     * survive restarts ({@link Main} keeps its keypair there too). Default: none, and the folders
     * live in a temporary directory removed at {@link #close()}.
     */
    public Builder stateDir(Path stateDir) {
      this.stateDir = stateDir;
      return this;
    }

    /** Parent of the per-session work directories (default: a fresh temp directory). */
    public Builder workRoot(Path workRoot) {
      this.workRoot = workRoot;
      return this;
    }

    /** Sessions without activity for this long are destroyed; zero disables. */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Objects.requireNonNull(idleTimeout);
      return this;
    }

    public Builder maxSessionsPerKey(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxSessionsPerKey must be >= 1");
      }
      this.maxSessionsPerKey = n;
      return this;
    }

    public Builder limits(KernelLimits limits) {
      this.limits = Objects.requireNonNull(limits);
      return this;
    }

    /** How long one REST execute call waits for output before answering {@code continued}. */
    public Builder restFlushTimeout(Duration d) {
      this.restFlushTimeout = Objects.requireNonNull(d);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Requests per key per 15-minute window (default 30000). */
    public Builder rateLimit(int rateLimit) {
      this.rateLimit = rateLimit;
      return this;
    }

    /** Largest accepted request body (default 32 MiB); larger → 413. */
    /**
     * The largest download the file routes serve, all requested files together (default {@value
     * #DEFAULT_MAX_DOWNLOAD_BYTES_DOC} bytes); larger ones get a 400 problem. Downloads are streamed,
     * so this is not about the server's memory.
     */
    public Builder maxDownloadBytes(long maxDownloadBytes) {
      if (maxDownloadBytes <= 0) {
        throw new IllegalArgumentException("maxDownloadBytes must be positive");
      }
      this.maxDownloadBytes = maxDownloadBytes;
      return this;
    }

    private static final long DEFAULT_MAX_DOWNLOAD_BYTES_DOC = DEFAULT_MAX_DOWNLOAD_BYTES;

    /**
     * The longest silence while a request body arrives (default 30 s): past it the request ends with
     * 408 and its worker thread is free again.
     */
    public Builder bodyIdleTimeout(Duration bodyIdleTimeout) {
      if (bodyIdleTimeout.isNegative() || bodyIdleTimeout.isZero()) {
        throw new IllegalArgumentException("bodyIdleTimeout must be positive");
      }
      this.bodyIdleTimeout = bodyIdleTimeout;
      return this;
    }

    public Builder maxBodyBytes(long maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * Sends the JSON messages of terminal and streaming-execute WebSockets as binary frames, like
     * managers since 25.6; default false: text frames, as before 25.6. Clients must accept both.
     */
    public Builder binaryStreamFrames(boolean binary) {
      this.binaryStreamFrames = binary;
      return this;
    }

    /** Uses {@code engine} instead of {@link ProcessExecutionEngine#create()}; the server closes it. */
    public Builder engine(ExecutionEngine engine) {
      this.engine = engine;
      return this;
    }

    /**
     * Serves the storage-proxy transfers ({@code request-upload}/{@code request-download} and the
     * {@value StorageProxy#PREFIX} endpoints) for the folders {@code resolver} knows; their state
     * (token secret, unfinished uploads) lives in {@link #stateDir}, or a temporary directory. By
     * default they are the folders of the server's own folder store.
     */
    public Builder folderResolver(FolderResolver resolver) {
      this.folderResolver = resolver;
      return this;
    }

    public LocalServer start() {
      String ak = accessKey;
      String sk = secretKey;
      if ((ak == null) != (sk == null)) {
        throw new IllegalStateException("give both accessKey and secretKey, or neither");
      }
      if (ak == null) {
        ak = randomAccessKey();
        sk = randomSecretKey();
      }
      if (ak.isBlank() || sk.isEmpty()) {
        throw new IllegalStateException("accessKey and secretKey must not be empty");
      }
      Keypair kp = new Keypair(ak, sk, false, true, rateLimit, maxSessionsPerKey, clock.instant());
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      // what a server killed with SIGKILL left (session processes, temp files) goes first
      ProcessGuard.cleanLeftovers(tmp).forEach(line -> LOG.log(System.Logger.Level.INFO, line));
      ProcessGuard guard = ProcessGuard.open(tmp);
      boolean ownsRoot = workRoot == null;
      Path root;
      try {
        root = ownsRoot
            ? Files.createDirectory(guard.home().resolve("work"))
            : Files.createDirectories(workRoot);
      } catch (IOException e) {
        guard.close();
        throw new UncheckedIOException(e);
      }
      ExecutionEngine eng =
          engine != null ? engine : ProcessExecutionEngine.create(System.getenv("PATH"), guard);
      FolderStore folders;
      try {
        // without a state dir the folders live in the server's temporary home, gone at close
        folders = FolderStore.open(
            (stateDir != null ? stateDir : guard.home()).resolve("folders"), clock);
      } catch (IOException e) {
        eng.close();
        guard.close();
        throw new UncheckedIOException("cannot open the folder store", e);
      }
      SessionRegistry registry =
          new SessionRegistry(eng, root, limits, clock, idleTimeout, maxSessionsPerKey, 1000);
      KeyRing keys = new KeyRing(List.of(kp), clock);
      Router router = new Router();
      new MiscApi(apiVersion, MANAGER_VERSION).register(router);
      SessionApi sessionApi = new SessionApi(registry, clock, restFlushTimeout, folders);
      sessionApi.register(router);
      new FileApi(sessionApi, registry, maxDownloadBytes).register(router);
      new FolderApi(folders).register(router);
      new GraphQLApi(new GraphQLService(registry, keys, eng::availableRuntimes, folders))
          .register(router);
      EventsApi events = new EventsApi(registry, Duration.ofSeconds(15));
      events.register(router);

      QueuedThreadPool pool = new QueuedThreadPool(200, 8);
      pool.setName("bai-local");
      pool.setDaemon(true);
      Server jetty = new Server(pool);
      ServerWebSocketContainer ws = ServerWebSocketContainer.ensure(jetty);
      // Sessions end sockets; a terminal may sit quiet for long (the Python SDK pings every 30 s).
      ws.setIdleTimeout(Duration.ofHours(1));
      ws.setMaxTextMessageSize(MAX_WS_MESSAGE);
      ws.setMaxBinaryMessageSize(MAX_WS_MESSAGE);
      jetty.addBean(ws);
      StreamHub streams = new StreamHub(registry, binaryStreamFrames, System.getenv("PATH"), guard);
      new StreamApi(registry, streams, ws).register(router);
      ApiHandler handler = new ApiHandler(
          router,
          new HmacVerifier(keys::find, clock),
          new RateLimiter(clock),
          maxBodyBytes,
          bodyIdleTimeout,
          keys::used);
      // the storage proxy serves the store's folders unless a test brings its own resolver
      FolderResolver resolver =
          folderResolver != null ? folderResolver : new FolderStoreResolver(folders);
      StorageProxy proxy;
      try {
        proxy = StorageProxy.open(
            stateDir != null ? stateDir : guard.home(), resolver, clock, bodyIdleTimeout);
      } catch (IOException e) {
        streams.close();
        events.close();
        registry.close();
        eng.close();
        guard.close();
        throw new UncheckedIOException(e);
      }
      new TransferApi(resolver, proxy).register(router);
      org.eclipse.jetty.server.Handler top = proxy.handler(handler);
      HttpConfiguration http = new HttpConfiguration();
      http.setSendServerVersion(false);
      http.setSendXPoweredBy(false);
      // signatures cover the raw target: accept %2F, %20 etc. without rejecting or normalising
      http.setUriCompliance(UriCompliance.UNSAFE);
      http.setRequestHeaderSize(64 * 1024);
      ServerConnector connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
      connector.setHost(host);
      connector.setPort(port);
      connector.setAcceptedTcpNoDelay(true);
      connector.setIdleTimeout(ApiHandler.CONNECTION_IDLE_TIMEOUT.toMillis());
      jetty.addConnector(connector);
      jetty.setHandler(top);
      jetty.setErrorHandler(new ProblemErrorHandler());
      jetty.setStopTimeout(2000);
      try {
        jetty.start();
      } catch (Exception e) {
        List<Exception> suppressed = new ArrayList<>();
        try {
          jetty.stop();
        } catch (Exception x) {
          suppressed.add(x);
        }
        streams.close();
        events.close();
        registry.close();
        eng.close();
        guard.close();
        IllegalStateException ex = new IllegalStateException(
            "cannot start the server on " + host + ":" + port + ": " + e.getMessage(), e);
        suppressed.forEach(ex::addSuppressed);
        throw ex;
      }
      int actual = connector.getLocalPort();
      String h = host.contains(":") ? "[" + host + "]" : host;
      URI uri = URI.create("http://" + h + ":" + actual);
      return new LocalServer(
          jetty, eng, registry, events, streams, kp, uri, actual, root, ownsRoot, guard, folders);
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final String MIXED =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** {@code AKIA} + 16 upper-case letters/digits, like real Backend.AI access keys. */
  static String randomAccessKey() {
    return "AKIA" + random(UPPER, 16);
  }

  /** 40 letters/digits. */
  static String randomSecretKey() {
    return random(MIXED, 40);
  }

  private static String random(String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
