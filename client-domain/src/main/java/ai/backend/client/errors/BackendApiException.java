package ai.backend.client.errors;

import ai.backend.client.port.HttpHeaders;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The server answered with an HTTP error status (spec §4). Carries the parsed problem details. Code
 * should branch on {@link #typeName()} (or the subclass), never on the title, which changes between
 * server releases.
 */
public class BackendApiException extends BackendException {
  private static final long serialVersionUID = 1L;

  /** Prefix of every Backend.AI problem type URL. */
  public static final String TYPE_PREFIX = "https://api.backend.ai/probs/";

  private final int status;
  private final String type;
  private final String title;
  private final String msg;
  private final transient Object data;
  private final String errorCode;
  private final transient Map<String, Object> body;
  private final transient HttpHeaders headers;
  private final String method;
  private final String path;

  /** Creates the exception; {@link Details} keeps the long constructor list out of subclasses. */
  public BackendApiException(String message, Details details) {
    super(message);
    Objects.requireNonNull(details, "details");
    this.status = details.status();
    this.type = details.type();
    this.title = details.title();
    this.msg = details.msg();
    this.data = details.data();
    this.errorCode = details.errorCode();
    this.body = details.body() == null ? Map.of() : details.body();
    this.headers = details.headers() == null ? HttpHeaders.empty() : details.headers();
    this.method = details.method();
    this.path = details.path();
  }

  /** HTTP status code. */
  public int status() {
    return status;
  }

  /** The problem type URL, e.g. {@code https://api.backend.ai/probs/object-not-found}; may be null. */
  public String type() {
    return type;
  }

  /** The last segment of {@link #type()} ({@code object-not-found}); null when the body had no type. */
  public String typeName() {
    if (type == null) {
      return null;
    }
    String t = type.endsWith("/") ? type.substring(0, type.length() - 1) : type;
    return t.substring(t.lastIndexOf('/') + 1);
  }

  /** The human-readable title, without the extra message v4 servers append in parentheses. */
  public String title() {
    return title;
  }

  /** The extra message ({@code msg} field, or the parenthesised part of a v4 title); may be null. */
  public String msg() {
    return msg;
  }

  /** The {@code data} field as plain Java values (Map, List, String, Long, Double, Boolean) or null. */
  public Object data() {
    return data;
  }

  /** The 25.x {@code error_code} (e.g. {@code session_read_not-found}), if present. */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /** The whole parsed error body (empty when the body was not JSON). */
  public Map<String, Object> body() {
    return body;
  }

  /** The response headers. */
  public HttpHeaders headers() {
    return headers;
  }

  /** Method of the failed request. */
  public String method() {
    return method;
  }

  /** Path of the failed request (without query). */
  public String path() {
    return path;
  }

  /**
   * The parsed parts of an error response.
   *
   * @param status HTTP status
   * @param type problem type URL or null
   * @param title title or null
   * @param msg extra message or null
   * @param data data as plain Java values or null
   * @param errorCode error code or null
   * @param body the whole JSON body as plain values, or null
   * @param headers response headers
   * @param method request method
   * @param path request path
   */
  public record Details(
      int status,
      String type,
      String title,
      String msg,
      Object data,
      String errorCode,
      Map<String, Object> body,
      HttpHeaders headers,
      String method,
      String path) {}
}
