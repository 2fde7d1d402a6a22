package ai.backend.client.internal;

import ai.backend.client.RateLimit;
import ai.backend.client.errors.AlreadyExistsException;
import ai.backend.client.errors.AuthenticationException;
import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.BadRequestException;
import ai.backend.client.errors.NotFoundException;
import ai.backend.client.errors.QuotaExceededException;
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
      "invalid-api-params",
      "generic-bad-request",
      "schema-validation-failed",
      "deprecated",
      "not-implemented",
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
  public BackendApiException map(
      String method, String path, int status, HttpHeaders headers, byte[] body) {
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
    BackendApiException.Details details = new BackendApiException.Details(
        status, type, title, msg, data, errorCode, plain, headers, method, path);
    String typeName = typeName(type);
    String message =
        message(status, typeName, title, msg, errorCode, json == null ? text : null, method, path)
            + hint(status, typeName, msg);
    return create(message, details, typeName, msg, status, headers);
  }

  /**
   * What to do about an authentication failure, from the server's own words (spec §2.8): a bad
   * signature, an unknown access key and a skewed clock each need a different fix.
   */
  static String hint(int status, String typeName, String msg) {
    String m = msg == null ? "" : msg.toLowerCase(Locale.ROOT);
    if (m.contains("access key not found")) {
      return ". Check BACKEND_ACCESS_KEY: this server does not know the key or it is inactive.";
    }
    if (m.contains("date/time sync")) {
      return ". Check that this machine's clock is right (the server allows ±15 min).";
    }
    // v4 managers answer a bad signature with a bare auth-failed: no message tells it apart
    if (m.contains("signature mismatch")
        || (status == 401 && "auth-failed".equals(typeName) && msg == null)) {
      return ". Check BACKEND_SECRET_KEY and that this machine's clock is right (the server allows ±15 min).";
    }
    return "";
  }

  private BackendApiException create(
      String message,
      BackendApiException.Details d,
      String typeName,
      String msg,
      int status,
      HttpHeaders headers) {
    String t = typeName == null ? "" : typeName;
    if (isMissingFile(t, msg)) {
      return new NotFoundException(message, d);
    }
    if (status == 429 || t.equals("rate-limit-exceeded")) {
      return new RateLimitedException(
          message, d, retryAfter(headers).orElse(null), rateLimit(headers).orElse(null));
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

  /**
   * The manager reports a missing file on download as 400 {@code invalid-api-params} "The file is
   * not found." (BA@HEAD src/ai/backend/manager/services/session/service.py {@code download_file},
   * {@code download_files}: {@code except (ValueError, FileNotFoundError)}); to a caller it is a
   * not-found.
   */
  private static boolean isMissingFile(String typeName, String msg) {
    return (typeName.isEmpty() || typeName.equals("invalid-api-params"))
        && msg != null
        && msg.toLowerCase(Locale.ROOT).contains("file is not found");
  }

  static String typeName(String type) {
    if (type == null || type.isBlank()) {
      return null;
    }
    String t = type.endsWith("/") ? type.substring(0, type.length() - 1) : type;
    return t.substring(t.lastIndexOf('/') + 1);
  }

  private static String message(
      int status,
      String typeName,
      String title,
      String msg,
      String errorCode,
      String rawText,
      String method,
      String path) {
    StringBuilder sb = new StringBuilder();
    boolean html = false;
    if (title != null && !title.isBlank()) {
      if (msg != null && !saysTheSame(title, msg)) {
        String t = title.endsWith(".") ? title.substring(0, title.length() - 1) : title;
        sb.append(t).append(": ").append(msg);
      } else {
        // one says what the other does: print the fuller one once
        sb.append(msg != null && msg.length() > title.length() ? msg : title);
      }
    } else if (msg != null) {
      sb.append(msg);
    } else if (rawText != null && !rawText.isBlank()) {
      html = looksLikeHtml(rawText);
      sb.append(html ? htmlTitle(rawText).orElse("an HTML page") : snippet(rawText));
    } else {
      sb.append("HTTP error without a body");
    }
    sb.append(" (HTTP ").append(status);
    if (html) {
      sb.append(", an HTML page, not Backend.AI JSON");
    }
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

  /**
   * Whether two texts say the same thing, roughly: ignoring case, punctuation and articles, one
   * contains the other ("…requested different image." vs "…requested a different image.").
   */
  static boolean saysTheSame(String a, String b) {
    String x = words(a);
    String y = words(b);
    return !x.isEmpty() && !y.isEmpty() && (x.contains(y) || y.contains(x));
  }

  private static String words(String s) {
    StringBuilder out = new StringBuilder();
    for (String w : s.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!w.isEmpty() && !w.equals("a") && !w.equals("an") && !w.equals("the")) {
        out.append(' ').append(w);
      }
    }
    // padded with spaces so that containment matches whole words only
    return out.length() == 0 ? "" : out.append(' ').toString();
  }

  /** Whether a body is an HTML page (a proxy's or a web server's), not an API answer. */
  public static boolean looksLikeHtml(String text) {
    String s = text.stripLeading().toLowerCase(Locale.ROOT);
    return s.startsWith("<!doctype html")
        || s.startsWith("<html")
        || s.startsWith("<head")
        || s.startsWith("<body");
  }

  /** The page's {@code <title>}, cut short, if it has one. */
  static Optional<String> htmlTitle(String html) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?is)<title[^>]*>(.*?)</title>").matcher(html);
    if (!m.find()) {
      return Optional.empty();
    }
    String t = snippet(m.group(1));
    return t.isEmpty()
        ? Optional.empty()
        : Optional.of(t.length() <= 80 ? t : t.substring(0, 80) + "…");
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
        parseLong(limit),
        parseLong(remaining),
        w.isPresent() ? Duration.ofSeconds(w.getAsLong()) : null));
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

  /**
   * A "no answer" failure: what happened, where (scheme, host and path, never the query or a
   * credential), whether it was retried, and what to check. The transport's own message is not
   * repeated: it names the same request.
   */
  public static BackendIoException noAnswer(String method, URI uri, TransportException e) {
    String origin = uri.getScheme() + "://" + uri.getRawAuthority();
    String where = origin + (uri.getRawPath() == null ? "" : uri.getRawPath());
    String m = method.toUpperCase(Locale.ROOT);
    // the origin is said once; the call names the path only after it
    String call =
        m + " " + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
    String tried = e.attempts() > 1 ? " (tried " + e.attempts() + " times)" : "";
    String detail = detail(e, m + " " + where);
    String message =
        switch (e.kind()) {
          case CONNECT ->
            "cannot connect to " + origin + ": " + connectReason(e) + tried
                + ". Is the server running and BACKEND_ENDPOINT right?";
          case UNKNOWN_HOST ->
            "cannot connect to " + origin + ": unknown host \"" + uri.getHost()
                + "\". Is BACKEND_ENDPOINT right?";
          case CONNECT_TIMEOUT ->
            "cannot connect to " + origin + ": connect timed out" + tried
                + ". Is the host reachable from here (firewall, proxy) and BACKEND_ENDPOINT right?";
          case READ_TIMEOUT ->
            "no response from " + origin + " to " + call + " within the read timeout" + tried
                + "; the server may be busy: a longer read timeout gives it more time";
          case CALL_TIMEOUT ->
            "gave up on " + call + " at " + origin + ": "
                + (detail.isEmpty() ? "call timeout reached" : detail);
          case TLS ->
            "TLS handshake with " + origin + " failed"
                + (detail.isEmpty()
                    ? ""
                    : ": " + detail.replaceFirst("^(?i)(WebSocket )?TLS failure:\\s*", ""))
                + ". Check the server's certificate, or use http:// if it does not speak TLS";
          case IO ->
            "the connection to " + origin + " failed during " + call + tried
                + (detail.isEmpty() ? "" : ": " + detail);
          case CANCELLED ->
            call + " to " + origin + " was cancelled"
                + (detail.isEmpty() || detail.endsWith("cancelled") ? "" : ": " + detail);
          case WEBSOCKET_HANDSHAKE ->
            origin + " refused the WebSocket handshake for " + call
                + (e.status() > 0 ? " (HTTP " + e.status() + ")" : "");
          case CLOSED ->
            "cannot send " + call + " to " + origin
                + ": the transport is closed (the API session was closed)";
        };
    return new BackendIoException(message, e);
  }

  /** The transport's message without the request it names (the adapters prefix it). */
  private static String detail(TransportException e, String call) {
    String m = e.getMessage() == null ? "" : e.getMessage().strip();
    int at = m.indexOf(call);
    if (at >= 0) {
      m = m.substring(at + call.length()).replaceFirst("^[:\\s]+", "");
    }
    return m;
  }

  /** Refused, unreachable or no route, from the socket exception under the transport's. */
  private static String connectReason(TransportException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof java.net.NoRouteToHostException) {
        return "no route to host";
      }
      String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("refused")) {
        return "connection refused";
      }
      if (m.contains("unreachable")) {
        return "network unreachable";
      }
    }
    return e.getCause() instanceof java.net.ConnectException || e.getCause() == null
        ? "connection refused"
        : "connection failed";
  }
}
