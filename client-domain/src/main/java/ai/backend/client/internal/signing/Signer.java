package ai.backend.client.internal.signing;

import ai.backend.client.SigningProfile;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.port.Hmac;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Backend.AI request signing (spec §2.2), the protocol half; the HMAC and digest primitives come from
 * the transport adapter's {@link Hmac}. Stateless and thread-safe.
 */
public final class Signer {
  /** The first API version whose signature no longer covers the body (plain string comparison). */
  static final String BODY_UNSIGNED_SINCE = "v4.20181215";

  private static final DateTimeFormatter KEY_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);

  private final Hmac hmac;
  private final String hashType;

  /**
   * @param hmac the primitive
   * @param hashType Python {@code hashlib} name, e.g. {@code sha256}
   */
  public Signer(Hmac hmac, String hashType) {
    this.hmac = Objects.requireNonNull(hmac, "hmac");
    this.hashType = Objects.requireNonNull(hashType, "hashType").toLowerCase(Locale.ROOT);
    if (!hmac.supports(this.hashType)) {
      throw new InvalidArgumentException(
          "signing hash type not supported by the transport: " + hashType);
    }
  }

  public String hashType() {
    return hashType;
  }

  /**
   * What is signed.
   *
   * @param method HTTP method
   * @param signedPath see {@link #signedPath}
   * @param date the exact Date / X-BackendAI-Date header value
   * @param host see {@link #hostHeader}
   * @param contentType the content type as the server will see it (parameters are dropped here)
   * @param apiVersion the X-BackendAI-Version header value
   * @param body the raw body, only consulted for pre-v4.20181215 versions; null for none
   */
  public record Input(
      String method,
      String signedPath,
      String date,
      String host,
      String contentType,
      String apiVersion,
      byte[] body) {
    public Input {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(signedPath, "signedPath");
      Objects.requireNonNull(date, "date");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(apiVersion, "apiVersion");
    }

    @Override
    public String toString() {
      return "Input[" + method + " " + signedPath + ", host=" + host + ", date=" + date + "]";
    }
  }

  /**
   * The signature and every intermediate (for tests and diagnostics). Contains no secret but the
   * derived per-day-and-host key.
   */
  public record Result(
      String signedPath,
      String host,
      String keyDate,
      String bodyHash,
      String stringToSign,
      String signingKeyHex,
      String signature,
      String authorization) {
    @Override
    public String toString() {
      return "Result[" + signedPath + ", host=" + host + ", signature=" + signature + "]";
    }
  }

  /** Signs; the secret is only read, never kept. */
  public Result sign(Input in, String accessKey, char[] secretKey) {
    Objects.requireNonNull(accessKey, "accessKey");
    Objects.requireNonNull(secretKey, "secretKey");
    String contentType = bareContentType(in.contentType());
    String keyDate = keyDate(in.date());
    byte[] body =
        hashesBody(in.apiVersion(), contentType) && in.body() != null ? in.body() : new byte[0];
    String bodyHash = hex(hmac.digest(hashType, body));
    String stringToSign = String.join(
        "\n",
        in.method().toUpperCase(Locale.ROOT),
        in.signedPath(),
        in.date(),
        "host:" + in.host(),
        "content-type:" + contentType,
        "x-backendai-version:" + in.apiVersion(),
        bodyHash);
    byte[] secret = utf8(secretKey);
    byte[] k1;
    try {
      k1 = hmac.mac(hashType, secret, keyDate.getBytes(StandardCharsets.US_ASCII));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    byte[] key = hmac.mac(hashType, k1, in.host().getBytes(StandardCharsets.UTF_8));
    String signature = hex(hmac.mac(hashType, key, stringToSign.getBytes(StandardCharsets.UTF_8)));
    String authorization = "BackendAI signMethod=HMAC-" + hashType.toUpperCase(Locale.ROOT)
        + ", credential=" + accessKey + ":" + signature;
    return new Result(
        in.signedPath(),
        in.host(),
        keyDate,
        bodyHash,
        stringToSign,
        hex(key),
        signature,
        authorization);
  }

  /**
   * Whether the body is part of the signature: only for versions before v4.20181215, compared as plain
   * strings exactly like the server does, and never for multipart bodies.
   */
  public static boolean hashesBody(String apiVersion, String contentType) {
    return apiVersion.compareTo(BODY_UNSIGNED_SINCE) < 0
        && !bareContentType(contentType).startsWith("multipart/");
  }

  /**
   * The signed path of a request.
   *
   * @param profile the client generation to mimic
   * @param requestUri the final request URI as sent
   * @param apiPath the API path relative to the endpoint (used by {@link SigningProfile#PY_1_5_1})
   */
  public static String signedPath(SigningProfile profile, URI requestUri, String apiPath) {
    if (profile == SigningProfile.PY_1_5_1) {
      String p = apiPath;
      int q = p.indexOf('?');
      if (q >= 0) {
        p = p.substring(0, q);
      }
      return "/" + stripLeadingSlashes(p);
    }
    return requestTarget(requestUri);
  }

  /** Raw path plus {@code ?} raw query: byte for byte the request-target on the wire. */
  public static String requestTarget(URI uri) {
    String path = uri.getRawPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    String query = uri.getRawQuery();
    return query == null ? path : path + "?" + query;
  }

  /**
   * The {@code Host} header an HTTP client sends for this URI: the host, plus {@code :port} only for a
   * non-default port, and never user info. Signing the authority as written instead breaks on {@code
   * https://host:443} (vector {@code pitfall-explicit-default-port}).
   */
  public static String hostHeader(URI uri) {
    String authority = uri.getRawAuthority();
    if (authority == null) {
      throw new InvalidArgumentException("URI has no host: " + uri);
    }
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    int port = uri.getPort();
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean secure = scheme.equals("https") || scheme.equals("wss");
    int defaultPort = secure ? 443 : 80;
    if (port == defaultPort && authority.endsWith(":" + port)) {
      authority = authority.substring(0, authority.length() - (":" + port).length());
    }
    return authority;
  }

  /**
   * {@code yyyyMMdd} of the date string in the offset it was written with (the server does {@code
   * parse(D).strftime('%Y%m%d')}, no conversion to UTC). ISO-8601 with offset and RFC 1123 are
   * understood; a value without zone is taken as written.
   */
  public static String keyDate(String date) {
    try {
      return OffsetDateTime.parse(date, DateTimeFormatter.ISO_OFFSET_DATE_TIME).format(KEY_DATE);
    } catch (DateTimeParseException e) {
      // fall through to the other formats the server accepts
    }
    try {
      return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).format(KEY_DATE);
    } catch (DateTimeParseException e) {
      // fall through
    }
    try {
      return java.time.LocalDateTime.parse(date, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
          .format(KEY_DATE);
    } catch (DateTimeParseException e) {
      throw new InvalidArgumentException("cannot derive the signing key date from: " + date, e);
    }
  }

  /** The bare media type, lower-cased; {@code application/octet-stream} when absent (as the server does). */
  public static String bareContentType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return "application/octet-stream";
    }
    int semi = contentType.indexOf(';');
    String bare =
        (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(Locale.ROOT);
    return bare.isEmpty() ? "application/octet-stream" : bare;
  }

  private static String stripLeadingSlashes(String p) {
    int i = 0;
    while (i < p.length() && p.charAt(i) == '/') {
      i++;
    }
    return p.substring(i);
  }

  private static byte[] utf8(char[] chars) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
    byte[] out = new byte[bb.remaining()];
    bb.get(out);
    if (bb.hasArray()) {
      Arrays.fill(bb.array(), (byte) 0);
    }
    return out;
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
