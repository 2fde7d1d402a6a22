package ai.backend.client;

import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.ConfigurationException;
import ai.backend.client.internal.ApiCore;
import ai.backend.client.internal.Dialect;
import ai.backend.client.internal.TransportDiscovery;
import ai.backend.client.port.Hmac;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportProvider;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/**
 * An API client session: a configuration, a transport and the API version negotiated with the server.
 * Thread-safe; create one per endpoint and keypair and close it when done.
 *
 * <pre>{@code
 * try (Session session = Session.open()) {            // BACKEND_ENDPOINT, BACKEND_ACCESS_KEY, ...
 *   System.out.println(session.apiVersion());
 * }
 * }</pre>
 *
 * <p>Opening contacts the server ({@code GET /}) unless {@link Config#negotiate()} is false; an
 * unreachable endpoint fails fast with {@link BackendIoException} instead of silently assuming a
 * version.
 *
 * <p>Transport choice: an explicit {@link Builder#transport(HttpTransport)} or {@link
 * Builder#transportProvider(TransportProvider)} wins; otherwise the provider named by {@link
 * Builder#transportName(String)}, the system property {@code backendai.transport} or the environment
 * variable {@code BACKEND_TRANSPORT}; otherwise the discovered provider with the highest priority. A
 * provider's name is the one its transports report ({@link #transportName()}, e.g. {@code jdk-http},
 * {@code apache-httpclient5}); the short {@code jdk} and {@code apache} select them too.
 *
 * <p>A transport the session creates gets its settings from {@link Config} (connect and read timeouts,
 * {@link Config#skipSslCertValidation()}), replaced by {@link Builder#transportConfig(TransportConfig)}
 * when given, then overridden field by field by {@link Builder#proxy}, {@link Builder#sslContext}, {@link
 * Builder#maxConnections} and {@link Builder#executor}.
 */
public final class Session implements AutoCloseable {
  /** Terminals, streamed runs and tunnels still open: closed with the session. */
  private final java.util.Set<AutoCloseable> streams =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** System property choosing a transport provider by name. */
  public static final String TRANSPORT_PROPERTY = "backendai.transport";
  /** Environment variable choosing a transport provider by name. */
  public static final String TRANSPORT_ENV = "BACKEND_TRANSPORT";

  private final ApiCore core;
  private final Events events;

  private Session(ApiCore core) {
    this.core = core;
    this.events = new Events(this);
  }

  /** A session configured from system properties and environment variables ({@link Config#fromEnvironment()}). */
  public static Session open() {
    return builder().config(Config.fromEnvironment()).build();
  }

  /** A session with this configuration (and the discovered transport). */
  public static Session open(Config config) {
    return builder().config(Objects.requireNonNull(config, "config")).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The negotiated API version sent with every request. */
  public ApiVersion apiVersion() {
    return core.apiVersion();
  }

  /** The wire dialect of {@link #apiVersion()}; internal (capabilities: {@link ServerInfo}). */
  Dialect dialect() {
    return core.dialect();
  }

  /** What the server reported during negotiation (empty versions when negotiation was skipped). */
  public ServerInfo serverInfo() {
    return core.serverInfo();
  }

  public Config config() {
    return core.config();
  }

  /** The transport's short name, e.g. {@code jdk-http}. */
  public String transportName() {
    return core.transportName();
  }

  /** Rate-limit headers of the most recent response carrying them. */
  public Optional<RateLimit> lastRateLimit() {
    return core.lastRateLimit();
  }

  /**
   * The request engine, for the API classes of this package, and for {@code internal.RawCalls} (the
   * CLI's proxy), which reaches it through a private lookup: keep the name and the signature.
   */
  ApiCore core() {
    return core;
  }

  /** Tracks {@code stream} until {@code closed} completes, so that {@link #close()} closes it. */
  void track(AutoCloseable stream, java.util.concurrent.CompletableFuture<?> closed) {
    streams.add(stream);
    closed.whenComplete((v, e) -> streams.remove(stream));
  }

  /**
   * The non-blocking view of this session: same connection and threads. This session stays the owner:
   * closing the view does nothing, closing this session ends the view too.
   */
  public AsyncSession async() {
    return new AsyncSession(this, false);
  }

  /** Listing sessions, keypair info and GraphQL. */
  public Admin admin() {
    return new Admin(this);
  }

  /** Virtual folders: storage that outlives sessions, and transfers to and from it. */
  public VFolders vfolders() {
    return new VFolders(this);
  }

  /** Session lifecycle events (SSE). */
  public Events events() {
    return events;
  }

  /**
   * Closes event subscriptions, the callback threads and the transport if this session created it (an
   * injected transport stays open). Idempotent.
   */
  @Override
  public void close() {
    for (AutoCloseable stream : streams.toArray(AutoCloseable[]::new)) {
      try {
        stream.close();
      } catch (Exception ignored) {
        // closing everything regardless
      }
    }
    events.closeAll();
    core.close();
  }

  @Override
  public String toString() {
    return "Session[" + core.config().endpoint() + ", " + core.apiVersion() + ", "
        + core.transportName() + "]";
  }

  /** Builder; not thread-safe. */
  public static final class Builder {
    private Config config;
    private HttpTransport transport;
    private TransportProvider provider;
    private String transportName;
    private Hmac hmac;
    private Clock clock;
    private TransportConfig transportConfig;
    private InetSocketAddress proxy;
    private SSLContext sslContext;
    private Integer maxConnections;
    private Executor executor;
    private boolean wireLogging = true;
    private final java.util.List<RequestInterceptor> interceptors = new java.util.ArrayList<>();

    private Builder() {}

    public Builder config(Config config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Uses this transport; the session will not close it. Signing then uses {@link #hmac(Hmac)} or,
     * if unset, the HMAC of the discovered transport provider.
     */
    public Builder transport(HttpTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** Creates the transport (owned and closed by the session) from this provider. */
    public Builder transportProvider(TransportProvider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Picks a discovered provider by name ({@code jdk-http}, {@code apache-httpclient5}, or the aliases
     * {@code jdk}, {@code apache}); wins over the system property and the environment.
     */
    public Builder transportName(String name) {
      this.transportName = name;
      return this;
    }

    /**
     * Every setting of a transport this session creates, instead of those derived from {@link Config}
     * (its timeouts and {@code skipSslCertValidation} are then ignored for the transport). Not used with
     * {@link #transport(HttpTransport)}.
     */
    public Builder transportConfig(TransportConfig transportConfig) {
      this.transportConfig = Objects.requireNonNull(transportConfig, "transportConfig");
      return this;
    }

    /** An HTTP proxy for a transport this session creates. */
    public Builder proxy(InetSocketAddress proxy) {
      this.proxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /** The TLS context (own trust store, client certificate) of a transport this session creates. */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** Maximum pooled connections per route of a transport this session creates (default 64). */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections <= 0) {
        throw new IllegalArgumentException("maxConnections must be positive");
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /** The executor for a created transport's callbacks (default: the transport owns one). */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The HMAC primitive for signing (default: the transport provider's). */
    public Builder hmac(Hmac hmac) {
      this.hmac = Objects.requireNonNull(hmac, "hmac");
      return this;
    }

    /** The clock for request dates (tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Adds a hook on every HTTP attempt (tracing, metrics, extra headers); they run in the order added. */
    public Builder addInterceptor(RequestInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Whether each HTTP attempt asks the logger {@code ai.backend.client.http} for DEBUG (default
     * true). {@code false} skips that check: for a program whose logging configuration can never
     * enable that level (a CLI), so that making requests never initialises a logging backend.
     */
    public Builder wireLogging(boolean enabled) {
      this.wireLogging = enabled;
      return this;
    }

    /** {@link #build()} as an {@link AsyncSession} that owns (and closes) its session. */
    public AsyncSession buildAsync() {
      return new AsyncSession(build(), true);
    }

    /**
     * Creates the transport if needed and negotiates the API version.
     *
     * @throws ConfigurationException when no transport can be found
     * @throws BackendIoException when the endpoint cannot be reached
     * @throws BackendApiException when the endpoint answers the version probe with an error
     */
    public Session build() {
      Config cfg = config != null ? config : Config.fromEnvironment();
      HttpTransport t = transport;
      boolean owns = false;
      Hmac mac = hmac;
      if (t == null) {
        TransportProvider p =
            provider != null ? provider : TransportDiscovery.select(transportName);
        t = p.createTransport(transportConfig(cfg));
        owns = true;
        if (mac == null) {
          mac = p.hmac();
        }
      } else if (mac == null && !cfg.isAnonymous()) {
        mac = (provider != null ? provider : TransportDiscovery.select(transportName)).hmac();
      }
      ApiCore.Builder b = ApiCore.builder(cfg, t)
          .ownsTransport(owns)
          .hmac(mac)
          .interceptors(interceptors)
          .wireLogging(wireLogging);
      if (clock != null) {
        b.clock(clock);
      }
      try {
        return new Session(b.connect());
      } catch (RuntimeException e) {
        // connect() closed what it built; a transport made here but never handed over is closed too
        if (owns) {
          t.close();
        }
        throw e;
      }
    }

    /** The settings for a transport created here; see the class comment for the order. */
    TransportConfig transportConfig(Config cfg) {
      TransportConfig.Builder b = transportConfig != null
          ? transportConfig.toBuilder()
          : TransportConfig.builder()
              .connectTimeout(cfg.connectTimeout())
              .readTimeout(cfg.readTimeout().orElse(null))
              .insecureTls(cfg.skipSslCertValidation());
      if (proxy != null) {
        b.proxy(proxy);
      }
      if (sslContext != null) {
        b.sslContext(sslContext);
      }
      if (maxConnections != null) {
        b.maxConnections(maxConnections);
      }
      if (executor != null) {
        b.executor(executor);
      }
      return b.build();
    }
  }
}
