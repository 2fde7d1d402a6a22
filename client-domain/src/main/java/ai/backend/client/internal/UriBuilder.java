package ai.backend.client.internal;

import ai.backend.client.errors.InvalidArgumentException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds request URIs from the endpoint and an API path. Query components are encoded per RFC 3986
 * (unreserved characters kept, everything else {@code %XX} of UTF-8, space as {@code %20}), and the
 * resulting URI is created from the encoded string so that its raw path and query, which are signed,
 * are byte-identical to what goes on the wire.
 */
public final class UriBuilder {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private UriBuilder() {}

  /**
   * {@code endpoint + "/" + apiPath [+ "?" + query]}.
   *
   * @param endpoint normalised endpoint (no trailing slash; may carry a path prefix)
   * @param apiPath already-encoded path relative to the endpoint; leading slashes are ignored
   * @param query unencoded parameters
   */
  public static URI build(URI endpoint, String apiPath, List<ApiRequest.QueryParam> query) {
    String base = endpoint.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String path = apiPath;
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
      throw new InvalidArgumentException(
          "API path must not contain '?' or '#'; pass query parameters separately: " + apiPath);
    }
    StringBuilder sb = new StringBuilder(base).append('/').append(path);
    if (!query.isEmpty()) {
      sb.append('?').append(encodeQuery(query));
    }
    try {
      return URI.create(sb.toString());
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("invalid API path: " + apiPath, e);
    }
  }

  /** {@code a=1&b=x%20y}: names and values percent-encoded, order kept. */
  public static String encodeQuery(List<ApiRequest.QueryParam> query) {
    StringBuilder sb = new StringBuilder();
    for (ApiRequest.QueryParam p : query) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(encode(p.name())).append('=').append(encode(p.value()));
    }
    return sb.toString();
  }

  /** Percent-encodes one path segment (a session name, a file name…); {@code /} is encoded too. */
  public static String segment(String value) {
    return encode(value);
  }

  /** RFC 3986 percent-encoding keeping only unreserved characters. */
  public static String encode(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return sb.toString();
  }

  /** The WebSocket form of an http(s) URI ({@code ws}/{@code wss}), everything else unchanged. */
  public static URI toWebSocket(URI httpUri) {
    String s = httpUri.toString();
    if (s.startsWith("https:")) {
      return URI.create("wss:" + s.substring("https:".length()));
    }
    if (s.startsWith("http:")) {
      return URI.create("ws:" + s.substring("http:".length()));
    }
    throw new InvalidArgumentException("not an http(s) URI: " + httpUri);
  }
}
