package ai.backend.client.cli;

import ai.backend.client.ApiVersion;
import ai.backend.client.Config;
import ai.backend.client.Session;
import ai.backend.client.internal.RawCalls;
import ai.backend.client.internal.TransportDiscovery;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportProvider;

/**
 * Resolves where the CLI talks to (BACKEND_* variables, or the embedded local server when no endpoint
 * is set) and opens API sessions lazily, so commands that need no server never touch the HTTP stack.
 */
public final class Backend implements AutoCloseable {
  private final Term term;
  private Config config;
  private boolean local;
  private String localApiVersion; // what the local server answered to GET / when it was started
  private Session session;
  private HttpTransport coreTransport;

  Backend(Term term) {
    this.term = term;
  }

  /** The effective configuration; starts (or reuses) the local server when no endpoint is set. */
  public synchronized Config config() {
    if (config == null) {
      Config.Builder b = Config.builderFromEnvironment();
      if (!b.hasEndpoint()) {
        LocalServerManager m = LocalServerManager.fromEnvironment();
        LocalServerManager.Started s = m.ensureRunning();
        b.endpoint(s.state().endpoint)
            .accessKey(s.state().accessKey)
            .secretKey(s.state().secretKey.toCharArray());
        local = true;
        localApiVersion = s.state().apiVersion;
        term.info("Using the local Backend.AI server at " + s.state().endpoint
            + (s.fresh() ? " (started now; " : " (") + "no BACKEND_ENDPOINT set)");
      }
      config = b.build();
    }
    return config;
  }

  /** The configuration as the environment gives it, without starting anything (for {@code config}). */
  public Config.Builder environmentOnly() {
    return Config.builderFromEnvironment();
  }

  /** Whether the embedded local server is in use. */
  public synchronized boolean isLocal() {
    config();
    return local;
  }

  /** An API session (version negotiated), opened on first use. */
  public synchronized Session session() {
    if (session == null) {
      Config cfg = withKnownVersion(config());
      TransportProvider p = discoverTransport();
      ai.backend.client.port.Hmac mac = hmac(p, cfg.hashType());
      coreTransport = p.createTransport(transportConfig(cfg));
      try {
        session = Session.builder()
            .config(cfg)
            .transport(coreTransport)
            .hmac(mac)
            // JUL's default configuration logs nothing at DEBUG: do not set up logging just to ask
            // it per request
            .wireLogging(System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null)
            .build();
      } catch (RuntimeException e) {
        coreTransport.close();
        coreTransport = null;
        throw e;
      }
    }
    return session;
  }

  /**
   * The provider discovery chooses (a transport named by the environment, else the highest priority),
   * among those the training run recorded when there is such a record: a scan reads the service
   * files through every class loader (the JDK's module image, the jar again), ~20 ms of CPU.
   */
  private static TransportProvider discoverTransport() {
    return RecordedProviders.load()
        .map(recorded -> TransportDiscovery.select(null, recorded))
        .orElseGet(() -> TransportDiscovery.select(null));
  }

  /** For tests: as if the local server that recorded {@code apiVersion} were in use. */
  void markLocal(String apiVersion) {
    local = true;
    localApiVersion = apiVersion;
  }

  /**
   * {@code cfg} pinned to the version negotiation would choose with the local server, whose answer to
   * {@code GET /} was recorded when it was started: that spares every command the round trip. Left as is
   * for other endpoints, when nothing was recorded, or when negotiation is off anyway.
   */
  Config withKnownVersion(Config cfg) {
    if (!local || localApiVersion == null || !cfg.negotiate()) {
      return cfg;
    }
    try {
      ApiVersion v = ApiVersion.min(ApiVersion.parse(localApiVersion), cfg.maxApiVersion());
      return cfg.toBuilder().apiVersion(v).negotiate(false).build();
    } catch (RuntimeException e) {
      return cfg; // not a version this client reads: negotiate
    }
  }

  /**
   * The transport settings of the configuration. For a plain-http endpoint the TLS context gets an
   * empty trust list: TLS is never used then, and it spares loading and parsing the JDK's trust store
   * (about 100 ms of every command's start-up).
   */
  static TransportConfig transportConfig(Config cfg) {
    TransportConfig.Builder b = TransportConfig.builder()
        .connectTimeout(cfg.connectTimeout())
        .readTimeout(cfg.readTimeout().orElse(null))
        .insecureTls(cfg.skipSslCertValidation());
    if ("http".equalsIgnoreCase(cfg.endpoint().getScheme()) && !cfg.skipSslCertValidation()) {
      // and it is initialised only if asked for TLS (never, for http): that init costs ~70 ms
      b.sslContext(new LazySslContext());
    }
    return b.build();
  }

  /** Requests the SDK does not model, through {@link #session()}'s pipeline (for the proxy). */
  public synchronized RawCalls rawCalls() {
    return RawCalls.of(session());
  }

  /** {@link Sha256Hmac} for the default hash type (no crypto library or provider to set up), else the transport's. */
  static ai.backend.client.port.Hmac hmac(TransportProvider p, String hashType) {
    Sha256Hmac own = new Sha256Hmac();
    return own.supports(hashType) ? own : p.hmac();
  }

  @Override
  public synchronized void close() {
    if (session != null) {
      session.close();
    }
    if (coreTransport != null) {
      coreTransport.close();
    }
  }
}
