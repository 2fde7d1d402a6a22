package ai.backend.client.internal;

import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.RequestBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One API call before it is turned into an HTTP request: method, path relative to the endpoint,
 * query parameters (order and repeats preserved), body and call options.
 *
 * @param method upper-case HTTP method
 * @param path API path relative to the endpoint, already percent-encoded (use {@link UriBuilder#segment})
 * @param query query parameters, unencoded; order and repeated names preserved
 * @param body the body ({@link RequestBody#empty()} for none)
 * @param headers extra headers (e.g. {@code Accept})
 * @param idempotent whether the call may be repeated safely (retries)
 * @param anonymous whether to send it unsigned
 * @param timeout per-call response timeout (headers and per-read idle), or null for the configured
 *     read timeout
 * @param callTimeout whole-call limit, or null for the configured call timeout; {@link Duration#ZERO}
 *     for none (streamed transfers, bounded by the read timeout only)
 */
public record ApiRequest(
    String method,
    String path,
    List<QueryParam> query,
    RequestBody body,
    HttpHeaders headers,
    boolean idempotent,
    boolean anonymous,
    Duration timeout,
    Duration callTimeout) {

  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

  public ApiRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    method = method.toUpperCase(Locale.ROOT);
    query = query == null ? List.of() : List.copyOf(query);
    body = body == null ? RequestBody.empty() : body;
    headers = headers == null ? HttpHeaders.empty() : headers;
  }

  /** A query parameter, unencoded. */
  public record QueryParam(String name, String value) {
    public QueryParam {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Whether a retry is allowed: idempotent and the body can be sent again. */
  public boolean retryable() {
    return idempotent && body.repeatable();
  }

  public static Builder builder(String method, String path) {
    return new Builder(method, path);
  }

  public static ApiRequest get(String path) {
    return builder("GET", path).build();
  }

  /** A POST with a JSON body (not idempotent unless flagged). */
  public static ApiRequest postJson(String path, Object json) {
    return builder("POST", path).jsonBody(json).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder(method, path);
    b.query.addAll(query);
    b.body = body;
    b.headers = headers.toBuilder();
    b.idempotent = idempotent;
    b.anonymous = anonymous;
    b.timeout = timeout;
    b.callTimeout = callTimeout;
    return b;
  }

  /** Builder; idempotency defaults from the method (GET/HEAD/PUT/DELETE/OPTIONS). */
  public static final class Builder {
    private final String method;
    private final String path;
    private final List<QueryParam> query = new ArrayList<>();
    private RequestBody body = RequestBody.empty();
    private HttpHeaders.Builder headers = HttpHeaders.builder();
    private Boolean idempotent;
    private boolean anonymous;
    private Duration timeout;
    private Duration callTimeout;

    private Builder(String method, String path) {
      this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
      this.path = Objects.requireNonNull(path, "path");
    }

    /** Adds a query parameter (repeats allowed); a null value is skipped. */
    public Builder query(String name, Object value) {
      if (value != null) {
        query.add(new QueryParam(name, String.valueOf(value)));
      }
      return this;
    }

    /** Adds the name once per value ({@code files=a&files=b}). */
    public Builder queryAll(String name, Iterable<?> values) {
      for (Object v : values) {
        query(name, v);
      }
      return this;
    }

    public Builder body(RequestBody body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /** Serialises the value with Gson as {@code application/json}. */
    public Builder jsonBody(Object value) {
      this.body = Json.body(value);
      return this;
    }

    public Builder header(String name, String value) {
      headers.set(name, value);
      return this;
    }

    public Builder idempotent(boolean idempotent) {
      this.idempotent = idempotent;
      return this;
    }

    public Builder anonymous(boolean anonymous) {
      this.anonymous = anonymous;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Whole-call limit; {@link Duration#ZERO} for none. */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = callTimeout;
      return this;
    }

    public ApiRequest build() {
      boolean idem = idempotent != null ? idempotent : IDEMPOTENT.contains(method);
      return new ApiRequest(
          method, path, query, body, headers.build(), idem, anonymous, timeout, callTimeout);
    }
  }
}
