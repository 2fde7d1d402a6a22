package ai.backend.local.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Verifies Backend.AI HMAC request signatures (spec §2.2) the way the manager does: date check first,
 * then header parsing, key lookup, recomputation over the raw request target and the {@code Host}
 * header verbatim, constant-time comparison.
 */
public final class HmacVerifier {
  /** Versions before this one hash the body into the signature (plain string comparison). */
  static final String BODY_HASH_CUTOFF = "v4.20181215";

  private final Function<String, Optional<Keypair>> keys;
  private final Clock clock;
  private final Duration maxSkew;

  public HmacVerifier(Function<String, Optional<Keypair>> keys, Clock clock, Duration maxSkew) {
    this.keys = keys;
    this.clock = clock;
    this.maxSkew = maxSkew;
  }

  public HmacVerifier(Function<String, Optional<Keypair>> keys, Clock clock) {
    this(keys, clock, Duration.ofMinutes(15));
  }

  /** Result of a successful verification. */
  public record Verified(Keypair keypair, HashAlgorithm hash, String apiVersion) {}

  /** Parsed {@code Authorization} header. */
  record Credentials(HashAlgorithm hash, String accessKey, String signature) {}

  /**
   * Verifies {@code req}.
   *
   * @throws AuthException with {@code INVALID_PARAMS} (400) or {@code FAILED} (401) per §2.8
   */
  public Verified verify(SignedRequest req) throws AuthException {
    String rawDate = dateHeader(req);
    SignedDate date = checkDate(rawDate);
    String authorization = req.header("Authorization");
    if (authorization == null || authorization.isBlank()) {
      throw AuthException.failed("Unauthorized access");
    }
    Credentials cred = parseAuthorization(authorization);
    Keypair kp = keys.apply(cred.accessKey())
        .filter(Keypair::active)
        .orElseThrow(() -> AuthException.failed("Access key not found"));
    String versionHeader = "X-BackendAI-Version";
    String version = req.header(versionHeader);
    if (version == null) {
      version = req.header("X-Sorna-Version");
      versionHeader = "X-Sorna-Version";
    }
    if (version == null || version.isBlank()) {
      throw AuthException.invalid("API version missing in request headers");
    }
    String expected = signature(
        cred.hash(),
        kp.secretKey(),
        req.method(),
        req.rawTarget(),
        rawDate,
        date.keyDate(),
        Optional.ofNullable(req.header("Host")).orElse(""),
        mediaType(req.header("Content-Type")),
        versionHeader.toLowerCase(Locale.ROOT),
        version,
        req.body());
    boolean ok = MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        cred.signature().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    if (!ok) {
      throw AuthException.failed("Signature mismatch");
    }
    return new Verified(kp, cred.hash(), version);
  }

  /**
   * Whether the signature of a request of this API version and media type covers its body (versions
   * before v4.20181215, multipart excepted). When it does not, the request can be verified from its
   * headers alone, before a byte of the body is read.
   */
  public static boolean signsBody(String version, String mediaType) {
    return version == null
        || version.compareTo(BODY_HASH_CUTOFF) < 0
            && !mediaType(mediaType).startsWith("multipart/");
  }

  /** {@code Date}, else {@code X-BackendAI-Date}, else {@code X-Sorna-Date}; null if none. */
  static String dateHeader(SignedRequest req) {
    for (String name : new String[] {"Date", "X-BackendAI-Date", "X-Sorna-Date"}) {
      String v = req.header(name);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private SignedDate checkDate(String raw) throws AuthException {
    SignedDate d =
        SignedDate.parse(raw).orElseThrow(() -> AuthException.invalid("Date/time sync error"));
    Instant now = clock.instant();
    Duration skew = Duration.between(now, d.dateTime().toInstant()).abs();
    if (skew.compareTo(maxSkew) > 0) {
      throw AuthException.invalid("Date/time sync error");
    }
    return d;
  }

  /** Parses the header as §2.2 "Server parsing" describes. */
  static Credentials parseAuthorization(String header) throws AuthException {
    String h = header.trim();
    int sp = h.indexOf(' ');
    if (sp < 0) {
      throw AuthException.invalid("Malformed authorization header");
    }
    String scheme = h.substring(0, sp);
    if (!scheme.equals("BackendAI") && !scheme.equals("Sorna")) {
      throw AuthException.invalid("Unsupported authorization scheme");
    }
    Map<String, String> params = new HashMap<>();
    for (String item : h.substring(sp + 1).split(",")) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw AuthException.invalid("Malformed authorization header");
      }
      params.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
    }
    String method = params.get("signMethod");
    String credential = params.get("credential");
    if (method == null || credential == null) {
      throw AuthException.invalid("Missing signMethod or credential in authorization header");
    }
    int colon = credential.indexOf(':');
    if (colon < 0) {
      throw AuthException.invalid("Malformed credential in authorization header");
    }
    String[] mh = method.toLowerCase(Locale.ROOT).split("-", 2);
    if (mh.length != 2 || !mh[0].equals("hmac")) {
      throw AuthException.invalid("Unsupported request signing method (" + method + ")");
    }
    HashAlgorithm hash = HashAlgorithm.of(mh[1])
        .orElseThrow(
            () -> AuthException.invalid("Unsupported request signing method (" + method + ")"));
    return new Credentials(hash, credential.substring(0, colon), credential.substring(colon + 1));
  }

  /** The bare, lower-cased media type; {@code application/octet-stream} when absent. */
  public static String mediaType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return "application/octet-stream";
    }
    int semi = contentType.indexOf(';');
    String t = (semi >= 0 ? contentType.substring(0, semi) : contentType).trim();
    return t.isEmpty() ? "application/octet-stream" : t.toLowerCase(Locale.ROOT);
  }

  /** Computes the hex signature of §2.2 (exposed for tests and tools). */
  public static String signature(
      HashAlgorithm hash,
      String secretKey,
      String method,
      String rawTarget,
      String rawDate,
      String keyDate,
      String host,
      String mediaType,
      String versionHeaderLower,
      String version,
      byte[] body) {
    boolean hashBody =
        version.compareTo(BODY_HASH_CUTOFF) < 0 && !mediaType.startsWith("multipart/");
    String bodyHash = hash.hexDigest(hashBody ? body : new byte[0]);
    String toSign = String.join(
        "\n",
        method.toUpperCase(Locale.ROOT),
        rawTarget,
        rawDate,
        "host:" + host,
        "content-type:" + mediaType,
        versionHeaderLower + ":" + version,
        bodyHash);
    byte[] k1 = hash.hmac(secretKey.getBytes(StandardCharsets.UTF_8), keyDate);
    byte[] k = hash.hmac(k1, host);
    return java.util.HexFormat.of().formatHex(hash.hmac(k, toSign));
  }
}
