package ai.backend.client.port;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * An immutable HTTP request as the transport sends it: the URI is final (already encoded) and the
 * headers are sent verbatim, except that the transport sets {@code Content-Type} from the body when the
 * headers do not carry one, and computes {@code Host} and {@code Content-Length} itself.
 *
 * @param method upper-case method name, e.g. {@code GET}, {@code PATCH}
 * @param uri absolute http or https URI
 * @param headers header fields to send
 * @param body the body ({@link RequestBody#empty()} for none; GET and DELETE may carry one)
 * @param timeout per-request response timeout overriding the transport's read timeout, or {@code null}
 */
public record HttpRequest(
    String method, URI uri, HttpHeaders headers, RequestBody body, Duration timeout) {
  public HttpRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    method = method.toUpperCase(Locale.ROOT);
    headers = headers == null ? HttpHeaders.empty() : headers;
    body = body == null ? RequestBody.empty() : body;
    if (!uri.isAbsolute()) {
      throw new IllegalArgumentException("request URI must be absolute: " + uri);
    }
  }

  public static HttpRequest of(String method, URI uri) {
    return new HttpRequest(method, uri, HttpHeaders.empty(), RequestBody.empty(), null);
  }

  public HttpRequest withHeaders(HttpHeaders newHeaders) {
    return new HttpRequest(method, uri, newHeaders, body, timeout);
  }

  public HttpRequest withBody(RequestBody newBody) {
    return new HttpRequest(method, uri, headers, newBody, timeout);
  }

  public HttpRequest withTimeout(Duration newTimeout) {
    return new HttpRequest(method, uri, headers, body, newTimeout);
  }

  /**
   * Whether a transport may send this request again, at once and on another connection, when the
   * connection it used failed before any byte of the response arrived (a pooled keep-alive
   * connection the server had closed): an idempotent method (RFC 9110 §9.2.2) with a repeatable
   * body. Never a POST or PATCH, which the server may have acted on.
   */
  public boolean resendableOnStaleConnection() {
    return idempotentMethod(method) && body.repeatable();
  }

  /** Whether {@code method} (upper case) is idempotent (RFC 9110 §9.2.2). */
  public static boolean idempotentMethod(String method) {
    switch (method) {
      case "GET":
      case "HEAD":
      case "OPTIONS":
      case "TRACE":
      case "PUT":
      case "DELETE":
        return true;
      default:
        return false;
    }
  }

  /** The {@code Content-Type} that will be sent: the header if set, else the body's. */
  public String effectiveContentType() {
    return headers.firstValue("content-type").orElse(body.contentType());
  }
}
