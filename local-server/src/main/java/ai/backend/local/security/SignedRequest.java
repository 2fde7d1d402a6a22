package ai.backend.local.security;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the verifier needs from an HTTP request.
 *
 * @param method the request method as received
 * @param rawTarget the request target exactly as received (undecoded path plus {@code ?query})
 * @param headers header values (first value per name); looked up case-insensitively
 * @param body the raw body (only hashed for API versions before v4.20181215)
 */
public record SignedRequest(
    String method, String rawTarget, Map<String, String> headers, byte[] body) {
  public SignedRequest {
    TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(headers);
    headers = h;
    body = body == null ? new byte[0] : body;
  }

  public String header(String name) {
    return headers.get(name);
  }
}
