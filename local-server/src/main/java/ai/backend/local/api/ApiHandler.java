package ai.backend.local.api;

import ai.backend.local.security.AuthException;
import ai.backend.local.security.HmacVerifier;
import ai.backend.local.security.Keypair;
import ai.backend.local.security.SignedRequest;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The single Jetty core handler: CORS preflight, version header validation, routing, HMAC
 * authentication, rate limiting, dispatch, and problem rendering per dialect. Handlers run on the
 * Jetty worker thread and may block (execute long-polls for up to the flush timeout).
 */
public final class ApiHandler extends Handler.Abstract {
  private static final int ANON_LIMIT = 1000;
  private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());
  private final java.util.concurrent.atomic.AtomicLong errorIds =
      new java.util.concurrent.atomic.AtomicLong();
  private final long startNanos = System.nanoTime() & 0xffff_ffffL;
  /** How long the server keeps an idle HTTP connection open. */
  public static final java.time.Duration CONNECTION_IDLE_TIMEOUT = java.time.Duration.ofMinutes(10);
  /**
   * What it announces in {@code Keep-Alive: timeout=}: a little less, so that a client that honours
   * it (Apache HttpClient) never sends on a connection the server is closing.
   */
  static final long KEEP_ALIVE_ANNOUNCED_SECONDS = CONNECTION_IDLE_TIMEOUT.toSeconds() - 10;
  /** The most of an unread body that an error reply reads to keep the connection usable. */
  private static final long DRAIN_LIMIT = 64L << 20;

  private final Router router;
  private final HmacVerifier verifier;
  private final RateLimiter rateLimiter;
  private final long maxBodyBytes;
  private final java.time.Duration bodyIdleTimeout;
  /** Default of the body idle timeout. */
  public static final java.time.Duration DEFAULT_BODY_IDLE_TIMEOUT =
      java.time.Duration.ofSeconds(30);

  private final KeyUsage usage;

  /** Called after each successful authentication (query counter, last-used time). */
  public interface KeyUsage {
    void used(Keypair kp);
  }

  /**
   * @param bodyIdleTimeout the longest silence while a request body arrives; a client that stops
   *     sending mid-body gets 408 and frees the worker thread
   */
  public ApiHandler(
      Router router,
      HmacVerifier verifier,
      RateLimiter rateLimiter,
      long maxBodyBytes,
      java.time.Duration bodyIdleTimeout,
      KeyUsage usage) {
    super(InvocationType.BLOCKING);
    this.router = router;
    this.verifier = verifier;
    this.rateLimiter = rateLimiter;
    this.maxBodyBytes = maxBodyBytes;
    this.bodyIdleTimeout = bodyIdleTimeout;
    this.usage = usage;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    String rawTarget = request.getHttpURI().getPathQuery();
    if (rawTarget == null || rawTarget.isEmpty()) {
      rawTarget = "/";
    }
    String rawPath = request.getHttpURI().getPath();
    if (rawPath == null) {
      rawPath = "/";
    }
    String version = versionHeader(request.getHeaders());
    Dialect dialect =
        Dialect.of(version).orElseGet(() -> pathDialect(request.getHttpURI().getPath()));
    Map<String, String> rate = new LinkedHashMap<>();
    rate.put("X-RateLimit-Limit", Integer.toString(ANON_LIMIT));
    rate.put("X-RateLimit-Remaining", Integer.toString(ANON_LIMIT));
    HttpReply reply;
    try {
      reply = process(request, method, rawTarget, rawPath, version, dialect, rate);
    } catch (ApiException e) {
      // an unauthenticated client's body is not read: the connection closes after the answer
      boolean unauthenticated =
          e.type().equals("auth-failed") || e.type().equals("invalid-auth-params");
      reply = unauthenticated
          ? problem(e, dialect).withHeader("Connection", "close")
          : finishBody(request, problem(e, dialect));
    } catch (OutOfMemoryError e) {
      reply = finishBody(
          request,
          problem(
              new ApiException(
                  503,
                  "service-unavailable",
                  "Service unavailable.",
                  "The server ran out of memory handling this request.",
                  null),
              dialect));
    } catch (Exception e) {
      // a server bug, not the client's mistake: the details (messages may hold server paths) go to
      // the log, the client gets an id to quote
      String id = Long.toHexString(errorIds.incrementAndGet() ^ startNanos);
      LOG.log(
          System.Logger.Level.WARNING, "internal error " + id + " on " + method + " " + rawPath, e);
      reply = finishBody(
          request,
          problem(
              Problems.internal("Unexpected server error " + id + " ("
                  + e.getClass().getSimpleName() + "); the details are in the server's log."),
              dialect));
    }
    write(request, response, callback, reply, dialect, rate);
    return true;
  }

  private HttpReply process(
      Request request,
      String method,
      String rawTarget,
      String rawPath,
      String version,
      Dialect dialect,
      Map<String, String> rate)
      throws Exception {
    if (method.equals("OPTIONS")) {
      String reqHeaders = request.getHeaders().get("Access-Control-Request-Headers");
      return HttpReply.noContent()
          .withHeader(
              "Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD")
          .withHeader("Access-Control-Allow-Headers", reqHeaders == null ? "*" : reqHeaders)
          .withHeader("Access-Control-Max-Age", "86400");
    }
    if (version != null && Dialect.of(version).isEmpty()) {
      throw Problems.badRequest("Unsupported API version.");
    }
    String[] segments = Router.split(rawPath);
    for (int i = 0; i < segments.length; i++) {
      segments[i] = decodeSegment(segments[i]);
    }
    Router.Match match = router.match(method, segments, dialect, rawPath);
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    boolean auth = match.route().auth();
    if (match.route().streamsBody() && !HmacVerifier.signsBody(version, contentType)) {
      // the endpoint reads the body itself, as it arrives (uploads larger than any buffer)
      Keypair kp = admit(request, method, rawTarget, new byte[0], rate);
      ApiCall call = new ApiCall(
          request,
          method,
          rawTarget,
          new byte[0],
          HmacVerifier.mediaType(contentType),
          dialect,
          version);
      call.pathParams(match.params());
      call.authenticate(kp);
      call.streamBody(bodyIdleTimeout);
      return match.route().endpoint().handle(call);
    }
    // Unauthenticated clients get no body read and no buffer: where the signature does not cover
    // the body (every version since v4.20181215), the headers decide before the first body byte.
    if (request.getLength() > maxBodyBytes) {
      throw Problems.tooLarge("The request body exceeds " + maxBodyBytes + " bytes.");
    }
    Keypair kp = null;
    if (auth && !HmacVerifier.signsBody(version, contentType)) {
      kp = admit(request, method, rawTarget, new byte[0], rate);
    }
    byte[] body = readBody(request);
    if (auth && kp == null) {
      kp = admit(request, method, rawTarget, body, rate);
    }
    ApiCall call = new ApiCall(
        request, method, rawTarget, body, HmacVerifier.mediaType(contentType), dialect, version);
    call.pathParams(match.params());
    if (kp != null) {
      call.authenticate(kp);
    }
    return match.route().endpoint().handle(call);
  }

  /** Verifies the signature and takes one request from the keypair's rate limit. */
  private Keypair admit(
      Request request, String method, String rawTarget, byte[] body, Map<String, String> rate)
      throws ApiException {
    Keypair kp = authenticate(request, method, rawTarget, body);
    int remaining = rateLimiter.hit(kp.accessKey(), kp.rateLimit());
    rate.put("X-RateLimit-Limit", Integer.toString(kp.rateLimit()));
    rate.put("X-RateLimit-Remaining", Integer.toString(Math.max(0, remaining)));
    if (remaining < 0) {
      throw Problems.rateLimited();
    }
    usage.used(kp);
    return kp;
  }

  private Keypair authenticate(Request request, String method, String rawTarget, byte[] body)
      throws ApiException {
    Map<String, String> headers = new LinkedHashMap<>();
    for (HttpField f : request.getHeaders()) {
      headers.putIfAbsent(f.getName(), f.getValue());
    }
    try {
      return verifier
          .verify(new SignedRequest(method, rawTarget, headers, body))
          .keypair();
    } catch (AuthException e) {
      throw e.kind() == AuthException.Kind.INVALID_PARAMS
          ? Problems.invalidAuth(e.getMessage())
          : Problems.authFailed(e.getMessage());
    }
  }

  private byte[] readBody(Request request) throws ApiException, IOException {
    long declared = request.getLength();
    if (declared > maxBodyBytes) {
      throw Problems.tooLarge("The request body exceeds " + maxBodyBytes + " bytes.");
    }
    if (declared == 0) {
      return new byte[0];
    }
    // while the body arrives, silence ends the request after a short while, not after the
    // connection's idle timeout (minutes): a client trickling a body must not hold a worker
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    long connectionIdle = endPoint.getIdleTimeout();
    endPoint.setIdleTimeout(bodyIdleTimeout.toMillis());
    try (InputStream in = Content.Source.asInputStream(request)) {
      // grows with what arrives, not with what the client declared
      ByteArrayOutputStream out =
          new ByteArrayOutputStream((int) Math.min(Math.max(declared, 0), 64 * 1024));
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > maxBodyBytes) {
          throw Problems.tooLarge("The request body exceeds " + maxBodyBytes + " bytes.");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof java.util.concurrent.TimeoutException) {
          throw new ApiException(
              408,
              "generic-bad-request",
              "Request timeout.",
              "The request body stopped arriving for " + bodyIdleTimeout.toSeconds() + " s.",
              null);
        }
      }
      throw e;
    } finally {
      endPoint.setIdleTimeout(connectionIdle);
    }
  }

  /**
   * An error may be answered before the request body was read (no such route, unsupported version,
   * a body over the limit). Jetty then closes the connection after the response without saying so,
   * and a client that pooled the connection fails its next request ("header parser received no
   * bytes"); worse, a client still sending its body gets a reset instead of the answer, as the
   * server closes with bytes unread. So the rest of the body is read and dropped (up to {@value
   * #DRAIN_LIMIT} bytes, with the body idle timeout) before the answer; a larger one gets the answer
   * with {@code Connection: close}.
   */
  private HttpReply finishBody(Request request, HttpReply reply) {
    long declared = request.getLength();
    if (declared <= DRAIN_LIMIT) {
      EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
      long connectionIdle = endPoint.getIdleTimeout();
      endPoint.setIdleTimeout(bodyIdleTimeout.toMillis());
      try (InputStream in = Content.Source.asInputStream(request)) {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
          total += n;
          if (total > DRAIN_LIMIT) {
            break;
          }
        }
        if (n < 0) {
          return reply;
        }
      } catch (IOException | RuntimeException e) {
        // the connection is unusable: fall through to Connection: close
      } finally {
        endPoint.setIdleTimeout(connectionIdle);
      }
    }
    return reply.withHeader("Connection", "close");
  }

  static String versionHeader(HttpFields headers) {
    String v = headers.get("X-BackendAI-Version");
    return v != null ? v : headers.get("X-Sorna-Version");
  }

  private static Dialect pathDialect(String path) {
    return path != null && (path.startsWith("/kernel") || path.startsWith("/stream/kernel"))
        ? Dialect.V4
        : Dialect.CURRENT;
  }

  private static String decodeSegment(String s) throws ApiException {
    try {
      // path segments: '+' is literal, only %XX is decoded
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Problems.badRequest("Malformed path.");
    }
  }

  /** Renders an error: v4 appends the message to the title; v5+ uses {@code msg} and {@code data}. */
  static HttpReply problem(ApiException e, Dialect dialect) {
    JsonObject o = new JsonObject();
    o.addProperty("type", Problems.PREFIX + e.type());
    if (dialect == Dialect.V4) {
      o.addProperty("title", e.msg() == null ? e.title() : e.title() + " (" + e.msg() + ")");
    } else {
      o.addProperty("title", e.title());
      if (e.msg() != null) {
        o.addProperty("msg", e.msg());
      }
      if (e.data() != null) {
        o.add("data", e.data());
      }
      if (e.errorCode() != null) {
        o.addProperty("error_code", e.errorCode());
      }
    }
    HttpReply json = HttpReply.json(e.status(), o);
    return new HttpReply(json.status(), "application/problem+json", json.body(), Map.of(), null);
  }

  private static void write(
      Request request,
      Response response,
      Callback callback,
      HttpReply reply,
      Dialect dialect,
      Map<String, String> rate) {
    response.setStatus(reply.status());
    HttpFields.Mutable h = response.getHeaders();
    h.put(HttpHeader.SERVER, dialect == Dialect.V4 ? "BackendAI-API/v4.20181215" : "BackendAI");
    rate.forEach(h::put);
    h.put("X-RateLimit-Window", Integer.toString(RateLimiter.WINDOW_SECONDS));
    h.put("Access-Control-Allow-Origin", "*");
    h.put("Access-Control-Expose-Headers", "*");
    reply.headers().forEach(h::put);
    if (!reply.headers().containsKey("Connection")) {
      h.put("Keep-Alive", "timeout=" + KEEP_ALIVE_ANNOUNCED_SECONDS);
    }
    if (reply.contentType() != null) {
      h.put(HttpHeader.CONTENT_TYPE, reply.contentType());
    }
    if (reply.streamer() != null) {
      try {
        reply.streamer().stream(request, response, callback);
      } catch (Exception e) {
        callback.failed(e);
      }
      return;
    }
    byte[] body = reply.body() == null ? new byte[0] : reply.body();
    if (reply.status() != 204 && reply.status() != 304) {
      h.put(HttpHeader.CONTENT_LENGTH, body.length);
    }
    boolean head = request.getMethod().equals("HEAD");
    response.write(true, head || body.length == 0 ? null : ByteBuffer.wrap(body), callback);
  }

  static Optional<String> firstHeader(Request r, String name) {
    return Optional.ofNullable(r.getHeaders().get(name));
  }
}
