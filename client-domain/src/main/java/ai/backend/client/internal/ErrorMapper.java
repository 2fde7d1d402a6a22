package ai.backend.client.internal;

import ai.backend.client.errors.AlreadyExistsException;
import ai.backend.client.errors.AuthenticationException;
import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.BadRequestException;
import ai.backend.client.errors.NotFoundException;
import ai.backend.client.errors.QuotaExceededException;
import ai.backend.client.RateLimit;
import ai.backend.client.errors.RateLimitedException;
import ai.backend.client.errors.ServerException;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.TransportException;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Maps error responses (spec §4) and transport failures to the public exception hierarchy. */
public final class ErrorMapper {
  /** Error bodies are small; never buffer more than this. */
  static final int MAX_ERROR_BODY = 64 * 1024;

  private static final int SNIPPET = 200;
  private static final Set<String> AUTH_TYPES =
      Set.of("invalid-auth-params", "auth-failed", "generic-forbidden", "insufficient-privilege");
  private static final Set<String> BAD_REQUEST_TYPES = Set.of(
      "invalid-api-params", "generic-bad-request", "schema-validation-failed", "deprecated", "not-implemented",
      "graphql-error");

  private final Clock clock;

  public ErrorMapper(Clock clock) {
    this.clock = clock;
  }

  /** Reads (at most {@value #MAX_ERROR_BODY} bytes of) the body and builds the typed exception. */
  public BackendApiException map(String method, String path, HttpResponse response) {
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readNBytes(MAX_ERROR_BODY);
    } catch (IOException | RuntimeException e) {
      body = new byte[0];
    }
    return map(method, path, response.status(), response.headers(), body);
  }

  /** Builds the typed exception for a response already read. */
  public BackendApiException map(String method, String path, int status, HttpHeaders headers, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    JsonObject json = null;
    if (!text.isBlank()) {
      try {
        JsonElement e = Json.parse(text);
        json = e.isJsonObject() ? e.getAsJsonObject() : null;
      } catch (JsonParseException | IllegalStateException e) {
        json = null;
      }
    }
    String type = null;
    String title = null;
    String msg = null;
    Object data = null;
    String errorCode = null;
    Map<String, Object> plain = Map.of();
    if (json != null) {
      type = Json.string(json, "type");
      title = Json.string(json, "title");
      msg = Json.string(json, "msg");
      data = Json.toPlain(json.get("data"));
      errorCode = Json.string(json, "error_code");
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) Json.toPlain(json);
      plain = m;
      if ((msg == null || msg.isBlank()) && title != null) {
        // v4 and 19.x servers append the extra message to the title in parentheses
        int open = title.indexOf(" (");
        if (open > 0 && title.endsWith(")")) {
          msg = title.substring(open + 2, title.length() - 1);
          title = title.substring(0, open);
        }
      }
      if (msg != null && msg.isBlank()) {
        msg = null;
      }
    }
    BackendApiException.Details details =
        new BackendApiException.Details(status, type, title, msg, data, errorCode, plain, headers, method, path);
    String typeName = typeName(type);
    String message = message(status, typeName, title, msg, errorCode, json == null ? text : null, method, path);
    return create(message, details, typeName, status, headers);
  }

  private BackendApiException create(
      String message, BackendApiException.Details d, String typeName, int status, HttpHeaders headers) {
    String t = typeName == null ? "" : typeName;
    if (status == 429 || t.equals("rate-limit-exceeded")) {
      return new RateLimitedException(message, d, retryAfter(headers).orElse(null), rateLimit(headers).orElse(null));
    }
    if (AUTH_TYPES.contains(t) || status == 401 || status == 403) {
      return new AuthenticationException(message, d);
    }
    if (t.endsWith("-already-exists")) {
      return new AlreadyExistsException(message, d);
    }
    if (t.equals("quota-exceeded") || status == 412) {
      return new QuotaExceededException(message, d);
    }
    if (t.endsWith("-not-found") || status == 404) {
      return new NotFoundException(message, d);
    }
    if (status >= 500) {
      return new ServerException(message, d);
    }
    if (BAD_REQUEST_TYPES.contains(t) || status == 400) {
      return new BadRequestException(message, d);
    }
    return new BackendApiException(message, d);
  }

  static String typeName(String type) {
    if (type == null || type.isBlank()) {
      return null;
    }
    String t = type.endsWith("/") ? type.substring(0, type.length() - 1) : type;
    return t.substring(t.lastIndexOf('/') + 1);
  }

  private static String message(
      int status, String typeName, String title, String msg, String errorCode, String rawText, String method,
      String path) {
    StringBuilder sb = new StringBuilder();
    if (title != null && !title.isBlank()) {
      if (msg != null) {
        String t = title.endsWith(".") ? title.substring(0, title.length() - 1) : title;
        sb.append(t).append(": ").append(msg);
      } else {
        sb.append(title);
      }
    } else if (msg != null) {
      sb.append(msg);
    } else if (rawText != null && !rawText.isBlank()) {
      sb.append(snippet(rawText));
    } else {
      sb.append("HTTP error without a body");
    }
    sb.append(" (HTTP ").append(status);
    if (typeName != null) {
      sb.append(", type=").append(typeName);
    }
    if (errorCode != null) {
      sb.append(", error_code=").append(errorCode);
    }
    if (method != null && path != null) {
      sb.append(", ").append(method).append(' ').append(path);
    }
    return sb.append(')').toString();
  }

  private static String snippet(String text) {
    String s = text.strip().replaceAll("\\s+", " ");
    return s.length() <= SNIPPET ? s : s.substring(0, SNIPPET) + "…";
  }

  /** {@code Retry-After} as delta-seconds or HTTP-date, relative to the injected clock. */
  public Optional<Duration> retryAfter(HttpHeaders headers) {
    Optional<String> v = headers.firstValue("retry-after");
    if (v.isEmpty()) {
      return Optional.empty();
    }
    String s = v.get().trim();
    try {
      long secs = Long.parseLong(s);
      return Optional.of(Duration.ofSeconds(Math.max(0, secs)));
    } catch (NumberFormatException e) {
      // not delta-seconds: try an HTTP-date
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration d = Duration.between(clock.instant(), at.toInstant());
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The {@code X-RateLimit-*} headers, if any is present. */
  public static Optional<RateLimit> rateLimit(HttpHeaders headers) {
    Optional<String> limit = headers.firstValue("x-ratelimit-limit");
    Optional<String> remaining = headers.firstValue("x-ratelimit-remaining");
    Optional<String> window = headers.firstValue("x-ratelimit-window");
    if (limit.isEmpty() && remaining.isEmpty() && window.isEmpty()) {
      return Optional.empty();
    }
    OptionalLong w = parseLong(window);
    return Optional.of(new RateLimit(
        parseLong(limit), parseLong(remaining), w.isPresent() ? Duration.ofSeconds(w.getAsLong()) : null));
  }

  private static OptionalLong parseLong(Optional<String> v) {
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(v.get().trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty(); // 25.x sends "None" for unlimited keys
    }
  }

  /** A "no answer" failure, naming the endpoint (never a credential). */
  public static BackendIoException noAnswer(String method, URI uri, TransportException e) {
    String where = uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    String what = switch (e.kind()) {
      case CONNECT -> "could not connect to";
      case CONNECT_TIMEOUT -> "timed out connecting to";
      case READ_TIMEOUT -> "timed out waiting for the response of";
      case CALL_TIMEOUT -> "gave up (call timeout) on";
      case TLS -> "TLS handshake failed with";
      case IO -> "I/O error talking to";
      case CANCELLED -> "request cancelled:";
      case WEBSOCKET_HANDSHAKE -> "WebSocket handshake refused by";
      case CLOSED -> "transport already closed, cannot reach";
    };
    String detail = e.getMessage() == null ? "" : ": " + e.getMessage();
    return new BackendIoException(
        what + " " + method.toUpperCase(Locale.ROOT) + " " + where + " (" + e.kind() + ")" + detail, e);
  }
}
