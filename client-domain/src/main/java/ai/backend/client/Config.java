package ai.backend.client;

import ai.backend.client.errors.ConfigurationException;
import ai.backend.client.errors.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Immutable client configuration. Build it with {@link #builder()}, or from the environment with
 * {@link #fromEnvironment()} (strict) / {@link #builderFromEnvironment()} (lenient, for callers that
 * supply a default endpoint themselves, like the CLI starting a local server).
 *
 * <p>Precedence: values set on the builder &gt; Java system properties &gt; environment variables
 * (each {@code BACKEND_*} variable falls back to its legacy {@code SORNA_*} name):
 *
 * <table>
 *   <caption>Settings read from the environment</caption>
 *   <tr><th>environment</th><th>system property</th></tr>
 *   <tr><td>BACKEND_ENDPOINT</td><td>backendai.endpoint</td></tr>
 *   <tr><td>BACKEND_ACCESS_KEY</td><td>backendai.accessKey</td></tr>
 *   <tr><td>BACKEND_SECRET_KEY</td><td>backendai.secretKey</td></tr>
 *   <tr><td>BACKEND_VFOLDER_MOUNTS (comma list)</td><td>backendai.vfolderMounts</td></tr>
 *   <tr><td>BACKEND_SKIP_SSLCERT_VALIDATION (true/1/yes)</td><td>backendai.skipSslCertValidation</td></tr>
 *   <tr><td>BACKEND_CONNECTION_TIMEOUT (seconds)</td><td>backendai.connectionTimeout</td></tr>
 *   <tr><td>BACKEND_READ_TIMEOUT (seconds, 0 = none; default 300)</td><td>backendai.readTimeout</td></tr>
 *   <tr><td>BACKEND_CALL_TIMEOUT (seconds, 0 = none; default 900)</td><td>backendai.callTimeout</td></tr>
 *   <tr><td>BACKEND_API_VERSION</td><td>backendai.apiVersion</td></tr>
 *   <tr><td>BACKEND_DOMAIN</td><td>backendai.domain</td></tr>
 *   <tr><td>BACKEND_GROUP</td><td>backendai.group</td></tr>
 *   <tr><td>BACKEND_ENDPOINT_TYPE (only {@code api})</td><td>backendai.endpointType</td></tr>
 *   <tr><td>BACKEND_OVERRIDE_STORAGE_PROXY ({@code <url>=<url>,…})</td>
 *       <td>backendai.overrideStorageProxy</td></tr>
 * </table>
 *
 * <p>{@link #toString()} never shows the secret key, and no exception message contains it.
 */
public final class Config {
  /** This library's version, e.g. {@code 0.1.0}. */
  public static final String CLIENT_VERSION = loadVersion();
  /** Default {@link #readTimeout()}: 5 minutes. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(5);
  /** Default {@link #callTimeout()}: 15 minutes. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(15);

  private final URI endpoint;
  private final String accessKey;
  private final char[] secretKey;
  private final ApiVersion apiVersion;
  private final boolean negotiate;
  private final List<String> vfolderMounts;
  private final Map<String, String> storageProxyOverrides;
  private final boolean skipSslCertValidation;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration callTimeout;
  private final String domain;
  private final String group;
  private final String userAgent;
  private final String hashType;
  private final SigningProfile signingProfile;
  private final boolean useXBackendAiDate;
  private final RetryPolicy retryPolicy;

  private Config(Builder b) {
    this.endpoint = b.endpoint;
    this.accessKey = b.accessKey;
    this.secretKey = b.secretKey == null ? null : b.secretKey.clone();
    this.apiVersion = b.apiVersion;
    this.negotiate = b.negotiate;
    this.vfolderMounts = List.copyOf(b.vfolderMounts);
    this.storageProxyOverrides =
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.storageProxyOverrides));
    this.skipSslCertValidation = b.skipSslCertValidation;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.callTimeout = b.callTimeout;
    this.domain = b.domain;
    this.group = b.group;
    this.userAgent = b.userAgent;
    this.hashType = b.hashType;
    this.signingProfile = b.signingProfile;
    this.useXBackendAiDate = b.useXBackendAiDate;
    this.retryPolicy = b.retryPolicy;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads system properties and environment variables.
   *
   * @throws ConfigurationException naming the variable when the endpoint or a key is missing
   */
  public static Config fromEnvironment() {
    return builderFromEnvironment().build();
  }

  /** As {@link #fromEnvironment()}, reading the given maps instead of the process's (for tests). */
  public static Config fromEnvironment(Map<String, String> env, Properties props) {
    return builderFromEnvironment(env, props).build();
  }

  /**
   * A builder pre-filled from system properties and the environment; nothing is required yet. Check
   * {@link Builder#hasEndpoint()} to supply a default endpoint; settings made on the builder win.
   */
  public static Builder builderFromEnvironment() {
    return builderFromEnvironment(System.getenv(), System.getProperties());
  }

  /** As {@link #builderFromEnvironment()} with injected maps. */
  public static Builder builderFromEnvironment(Map<String, String> env, Properties props) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(props, "props");
    Builder b = new Builder();
    EnvReader r = new EnvReader(env, props);
    r.get("ENDPOINT", "endpoint")
        .ifPresent(v -> b.endpoint(parseEndpoint(v, r.source("ENDPOINT", "endpoint"))));
    r.get("ENDPOINT_TYPE", "endpointType").ifPresent(v -> {
      if (!v.trim().equalsIgnoreCase("api")) {
        throw new ConfigurationException(r.source("ENDPOINT_TYPE", "endpointType") + " = " + v
            + " is not supported: only 'api' (keypair) endpoints are");
      }
    });
    r.get("ACCESS_KEY", "accessKey").ifPresent(b::accessKey);
    r.get("SECRET_KEY", "secretKey").ifPresent(v -> b.secretKey(v.toCharArray()));
    r.get("VFOLDER_MOUNTS", "vfolderMounts").ifPresent(v -> b.vfolderMounts(splitList(v)));
    r.get("OVERRIDE_STORAGE_PROXY", "overrideStorageProxy")
        .ifPresent(v -> b.storageProxyOverrides(
            parseOverrides(v, r.source("OVERRIDE_STORAGE_PROXY", "overrideStorageProxy"))));
    r.get("SKIP_SSLCERT_VALIDATION", "skipSslCertValidation")
        .ifPresent(v -> b.skipSslCertValidation(parseBool(v)));
    r.get("CONNECTION_TIMEOUT", "connectionTimeout").ifPresent(v -> {
      Duration d = parseSeconds(v, r.source("CONNECTION_TIMEOUT", "connectionTimeout"));
      if (d == null) {
        throw new ConfigurationException(
            r.source("CONNECTION_TIMEOUT", "connectionTimeout") + " must be positive");
      }
      b.connectTimeout(d);
    });
    r.get("READ_TIMEOUT", "readTimeout")
        .ifPresent(v -> b.readTimeout(parseSeconds(v, r.source("READ_TIMEOUT", "readTimeout"))));
    r.get("CALL_TIMEOUT", "callTimeout")
        .ifPresent(v -> b.callTimeout(parseSeconds(v, r.source("CALL_TIMEOUT", "callTimeout"))));
    r.get("API_VERSION", "apiVersion").ifPresent(v -> {
      try {
        b.apiVersion(ApiVersion.parse(v));
      } catch (InvalidArgumentException e) {
        throw new ConfigurationException(
            r.source("API_VERSION", "apiVersion") + ": " + e.getMessage(), e);
      }
    });
    r.get("DOMAIN", "domain").ifPresent(b::domain);
    r.get("GROUP", "group").ifPresent(b::group);
    return b;
  }

  /** The endpoint, normalised: no trailing slash, path prefix kept. */
  public URI endpoint() {
    return endpoint;
  }

  /** The access key; null for anonymous configurations. */
  public String accessKey() {
    return accessKey;
  }

  /** A copy of the secret key (the caller should clear it); null for anonymous configurations. */
  public char[] secretKey() {
    return secretKey == null ? null : secretKey.clone();
  }

  /** Whether requests are sent unsigned (no keypair configured, {@link Builder#anonymous()}). */
  public boolean isAnonymous() {
    return accessKey == null;
  }

  /** The pinned API version, which caps negotiation; empty for the client default. */
  public Optional<ApiVersion> apiVersion() {
    return Optional.ofNullable(apiVersion);
  }

  /** The highest version this configuration allows: the pin or {@link ApiVersion#CLIENT_DEFAULT}. */
  public ApiVersion maxApiVersion() {
    return apiVersion != null ? apiVersion : ApiVersion.CLIENT_DEFAULT;
  }

  /** Whether to ask the server for its version ({@code GET /}); if not, {@link #maxApiVersion()} is used as is. */
  public boolean negotiate() {
    return negotiate;
  }

  public List<String> vfolderMounts() {
    return vfolderMounts;
  }

  /**
   * Storage-proxy URL prefixes to replace (spec §9.2, {@code BACKEND_OVERRIDE_STORAGE_PROXY}): the
   * upload and download URLs a manager hands out name the proxy as the cluster sees it, which a client
   * outside (behind a tunnel, a NAT) may have to reach elsewhere. The first matching prefix wins.
   */
  public Map<String, String> storageProxyOverrides() {
    return storageProxyOverrides;
  }

  /** {@code url} with the first matching {@link #storageProxyOverrides()} prefix replaced. */
  public String overrideStorageProxy(String url) {
    for (Map.Entry<String, String> e : storageProxyOverrides.entrySet()) {
      if (url.startsWith(e.getKey())) {
        return e.getValue() + url.substring(e.getKey().length());
      }
    }
    return url;
  }

  public boolean skipSslCertValidation() {
    return skipSslCertValidation;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * The per-read idle timeout: the longest wait for the response headers and, once they came, between
   * two reads of the body; empty for none. Default 5 minutes, far above the 2 s long-poll window of an
   * execute call.
   */
  public Optional<Duration> readTimeout() {
    return Optional.ofNullable(readTimeout);
  }

  /**
   * The whole-call timeout of an ordinary API call: from sending the request, retries and their
   * waits included, until the response is read; empty for none. Default 15 minutes. File downloads
   * and event streams are bounded by the read timeout only (they may legitimately last longer); a
   * session create that waits for the session to start may wait up to its {@code maxWait} plus a
   * margin when that is longer.
   */
  public Optional<Duration> callTimeout() {
    return Optional.ofNullable(callTimeout);
  }

  public String domain() {
    return domain;
  }

  public String group() {
    return group;
  }

  public String userAgent() {
    return userAgent;
  }

  /** Signing hash, Python {@code hashlib} spelling ({@code sha256}). */
  public String hashType() {
    return hashType;
  }

  public SigningProfile signingProfile() {
    return signingProfile;
  }

  /** Whether the date travels in {@code X-BackendAI-Date} instead of {@code Date}. */
  public boolean useXBackendAiDate() {
    return useXBackendAiDate;
  }

  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** A builder with this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.endpoint = endpoint;
    b.accessKey = accessKey;
    b.secretKey = secretKey == null ? null : secretKey.clone();
    b.anonymous = accessKey == null;
    b.apiVersion = apiVersion;
    b.negotiate = negotiate;
    b.vfolderMounts = new ArrayList<>(vfolderMounts);
    b.storageProxyOverrides = new LinkedHashMap<>(storageProxyOverrides);
    b.skipSslCertValidation = skipSslCertValidation;
    b.connectTimeout = connectTimeout;
    b.readTimeout = readTimeout;
    b.callTimeout = callTimeout;
    b.domain = domain;
    b.group = group;
    b.userAgent = userAgent;
    b.hashType = hashType;
    b.signingProfile = signingProfile;
    b.useXBackendAiDate = useXBackendAiDate;
    b.retryPolicy = retryPolicy;
    return b;
  }

  @Override
  public String toString() {
    return "Config[endpoint=" + endpoint
        + ", accessKey=" + accessKey
        + ", secretKey=" + (secretKey == null ? "null" : "***")
        + ", apiVersion=" + (apiVersion == null ? "auto" : apiVersion)
        + ", negotiate=" + negotiate
        + ", domain=" + domain
        + ", group=" + group
        + ", vfolderMounts=" + vfolderMounts
        + (storageProxyOverrides.isEmpty()
            ? ""
            : ", storageProxyOverrides=" + storageProxyOverrides)
        + ", skipSslCertValidation=" + skipSslCertValidation
        + ", connectTimeout=" + connectTimeout
        + ", readTimeout=" + readTimeout
        + ", callTimeout=" + callTimeout
        + ", hashType=" + hashType
        + ", signingProfile=" + signingProfile.id()
        + ", retry=" + retryPolicy
        + "]";
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private URI endpoint;
    private String accessKey;
    private char[] secretKey;
    private boolean anonymous;
    private ApiVersion apiVersion;
    private boolean negotiate = true;
    private List<String> vfolderMounts = new ArrayList<>();
    private Map<String, String> storageProxyOverrides = new LinkedHashMap<>();
    private boolean skipSslCertValidation;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private String domain = "default";
    private String group = "default";
    private String userAgent = "Backend.AI Client for Java " + CLIENT_VERSION;
    private String hashType = "sha256";
    private SigningProfile signingProfile = SigningProfile.PY_18_12;
    private boolean useXBackendAiDate;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();

    private Builder() {}

    /** The manager endpoint, e.g. {@code https://api.backend.ai} or {@code https://host/prefix}. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = normaliseEndpoint(endpoint, "endpoint");
      return this;
    }

    public Builder endpoint(String endpoint) {
      return endpoint(parseEndpoint(endpoint, "endpoint"));
    }

    /** Whether an endpoint has been set (from the environment or explicitly). */
    public boolean hasEndpoint() {
      return endpoint != null;
    }

    public Builder accessKey(String accessKey) {
      this.accessKey = accessKey == null || accessKey.isBlank() ? null : accessKey.trim();
      return this;
    }

    /** The secret key; the array is copied. */
    public Builder secretKey(char[] secretKey) {
      this.secretKey = secretKey == null || secretKey.length == 0 ? null : secretKey.clone();
      return this;
    }

    public Builder secretKey(String secretKey) {
      return secretKey(secretKey == null ? null : secretKey.toCharArray());
    }

    /** Whether both keys are present. */
    public boolean hasCredentials() {
      return accessKey != null && secretKey != null;
    }

    /** Sends unsigned requests (only public routes will work); keys set elsewhere are dropped. */
    public Builder anonymous() {
      this.anonymous = true;
      return this;
    }

    /** Pins the API version: negotiation never goes above it. */
    public Builder apiVersion(ApiVersion apiVersion) {
      this.apiVersion = apiVersion;
      return this;
    }

    /** Whether to negotiate with {@code GET /} (default true); false uses the pinned/default version as is. */
    public Builder negotiate(boolean negotiate) {
      this.negotiate = negotiate;
      return this;
    }

    public Builder vfolderMounts(List<String> mounts) {
      this.vfolderMounts = new ArrayList<>(Objects.requireNonNull(mounts, "mounts"));
      return this;
    }

    /**
     * Replaces the storage-proxy URL prefixes (keys) by others (values), in order; see {@link
     * Config#storageProxyOverrides()}. Both must be absolute http(s) URLs.
     */
    public Builder storageProxyOverrides(Map<String, String> overrides) {
      Map<String, String> m = new LinkedHashMap<>();
      overrides.forEach((from, to) -> {
        checkHttpUrl(from, "storage-proxy override");
        checkHttpUrl(to, "storage-proxy override");
        m.put(from, to);
      });
      this.storageProxyOverrides = m;
      return this;
    }

    public Builder skipSslCertValidation(boolean skip) {
      this.skipSslCertValidation = skip;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      if (timeout == null || timeout.isZero() || timeout.isNegative()) {
        throw new ConfigurationException("connect timeout must be positive");
      }
      this.connectTimeout = timeout;
      return this;
    }

    /** Per-read idle timeout (see {@link Config#readTimeout()}); null or zero for none. */
    public Builder readTimeout(Duration timeout) {
      if (timeout != null && timeout.isNegative()) {
        throw new ConfigurationException("read timeout must not be negative");
      }
      this.readTimeout = timeout == null || timeout.isZero() ? null : timeout;
      return this;
    }

    /** Whole-call timeout (see {@link Config#callTimeout()}); null or zero for none. */
    public Builder callTimeout(Duration timeout) {
      if (timeout != null && timeout.isNegative()) {
        throw new ConfigurationException("call timeout must not be negative");
      }
      this.callTimeout = timeout == null || timeout.isZero() ? null : timeout;
      return this;
    }

    public Builder domain(String domain) {
      this.domain = requireText(domain, "domain");
      return this;
    }

    public Builder group(String group) {
      this.group = requireText(group, "group");
      return this;
    }

    public Builder userAgent(String userAgent) {
      this.userAgent = requireText(userAgent, "userAgent");
      return this;
    }

    /** Signing hash in Python {@code hashlib} spelling; default {@code sha256}. */
    public Builder hashType(String hashType) {
      String h = requireText(hashType, "hashType").toLowerCase(Locale.ROOT);
      if (h.startsWith("shake")) {
        // passes the server's check but crashes its digest (spec §2.3)
        throw new ConfigurationException("hash type " + h + " is not usable for signing");
      }
      this.hashType = h;
      return this;
    }

    public Builder signingProfile(SigningProfile profile) {
      this.signingProfile = Objects.requireNonNull(profile, "profile");
      return this;
    }

    /** Send the date in {@code X-BackendAI-Date} instead of {@code Date}. */
    public Builder useXBackendAiDate(boolean use) {
      this.useXBackendAiDate = use;
      return this;
    }

    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Convenience for {@code retryPolicy(retryPolicy.withMaxRetries(n))}. */
    public Builder maxRetries(int n) {
      this.retryPolicy = retryPolicy.withMaxRetries(n);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws ConfigurationException naming what is missing
     */
    public Config build() {
      if (endpoint == null) {
        throw new ConfigurationException(
            "BACKEND_ENDPOINT is not set (nor SORNA_ENDPOINT, system property "
                + "backendai.endpoint, or Config.Builder.endpoint)");
      }
      if (anonymous) {
        accessKey = null;
        secretKey = null;
      } else if (accessKey == null) {
        throw new ConfigurationException(
            "BACKEND_ACCESS_KEY is not set (nor SORNA_ACCESS_KEY, system property "
                + "backendai.accessKey, or Config.Builder.accessKey); use Config.Builder.anonymous() for unsigned requests");
      } else if (secretKey == null) {
        throw new ConfigurationException(
            "BACKEND_SECRET_KEY is not set (nor SORNA_SECRET_KEY, system property "
                + "backendai.secretKey, or Config.Builder.secretKey)");
      }
      return new Config(this);
    }

    @Override
    public String toString() {
      return "Config.Builder[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey="
          + (secretKey == null ? "null" : "***") + "]";
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  /** Environment + system property lookup with the SORNA_ fallback. */
  private record EnvReader(Map<String, String> env, Properties props) {
    Optional<String> get(String envSuffix, String prop) {
      String v = props.getProperty("backendai." + prop);
      if (isSet(v)) {
        return Optional.of(v.trim());
      }
      v = env.get("BACKEND_" + envSuffix);
      if (isSet(v)) {
        return Optional.of(v.trim());
      }
      v = env.get("SORNA_" + envSuffix);
      return isSet(v) ? Optional.of(v.trim()) : Optional.empty();
    }

    String source(String envSuffix, String prop) {
      if (isSet(props.getProperty("backendai." + prop))) {
        return "system property backendai." + prop;
      }
      return isSet(env.get("BACKEND_" + envSuffix)) ? "BACKEND_" + envSuffix : "SORNA_" + envSuffix;
    }

    private static boolean isSet(String v) {
      return v != null && !v.isBlank();
    }
  }

  static URI parseEndpoint(String text, String source) {
    try {
      return normaliseEndpoint(new URI(text.trim()), source);
    } catch (URISyntaxException e) {
      throw new ConfigurationException(source + " is not a valid URL: " + e.getMessage(), e);
    }
  }

  private static URI normaliseEndpoint(URI uri, String source) {
    Objects.requireNonNull(uri, source);
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute()
        || !(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null) {
      throw new ConfigurationException(
          source + " must be an absolute http:// or https:// URL with a host: " + uri);
    }
    if (uri.getRawUserInfo() != null) {
      throw new ConfigurationException(
          source + " must not contain user info (credentials go in the keypair)");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigurationException(source + " must not have a query or fragment: " + uri);
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    // a trailing slash would produce '//' when API paths are appended; the prefix itself is kept
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return URI.create(scheme + "://" + uri.getRawAuthority() + path);
  }

  /** {@code <from>=<to>,…}; URLs hold no {@code ,} and their first {@code =} is in the query. */
  static Map<String, String> parseOverrides(String v, String source) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String item : splitList(v)) {
      int eq = item.indexOf('=');
      if (eq <= 0 || eq == item.length() - 1) {
        throw new ConfigurationException(
            source + ": '" + item + "' is not <storage-proxy url>=<url to use instead>");
      }
      String from = item.substring(0, eq).strip();
      String to = item.substring(eq + 1).strip();
      try {
        checkHttpUrl(from, source);
        checkHttpUrl(to, source);
      } catch (InvalidArgumentException e) {
        throw new ConfigurationException(e.getMessage(), e);
      }
      m.put(from, to);
    }
    return m;
  }

  private static void checkHttpUrl(String url, String what) {
    URI u;
    try {
      u = new URI(Objects.requireNonNull(url, what));
    } catch (URISyntaxException e) {
      throw new InvalidArgumentException(what + ": not a URL: " + url, e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
      throw new InvalidArgumentException(what + ": not an absolute http(s) URL: " + url);
    }
  }

  private static List<String> splitList(String v) {
    List<String> out = new ArrayList<>();
    for (String s : v.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  private static boolean parseBool(String v) {
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      default -> false;
    };
  }

  /** Seconds (fractional allowed) to a duration; 0 means none (null). */
  private static Duration parseSeconds(String v, String source) {
    try {
      double s = Double.parseDouble(v.trim());
      if (s < 0 || Double.isNaN(s) || Double.isInfinite(s)) {
        throw new NumberFormatException();
      }
      return s == 0 ? null : Duration.ofNanos((long) (s * 1_000_000_000L));
    } catch (NumberFormatException e) {
      throw new ConfigurationException(source + " must be a non-negative number of seconds: " + v);
    }
  }

  private static String requireText(String v, String name) {
    if (v == null || v.isBlank()) {
      throw new ConfigurationException(name + " must not be blank");
    }
    return v.trim();
  }

  private static String loadVersion() {
    if (!BuildVersion.VERSION.startsWith("${")) {
      return BuildVersion.VERSION;
    }
    try (InputStream in = Config.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank() && !v.startsWith("${")) {
          return v.trim();
        }
      }
    } catch (IOException e) {
      // fall through to the unknown version
    }
    return "unknown";
  }
}
