package ai.backend.client.internal;

import ai.backend.client.SigningProfile;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.internal.signing.Signer;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.RequestBody;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Pipeline link that puts a fresh date and signature on every request passing through it, so that a
 * retried attempt is signed anew (spec §2.2). Requests must carry {@code X-BackendAI-Version}.
 */
final class SigningLink implements Interceptor {
  static final String VERSION_HEADER = "X-BackendAI-Version";

  private final Signer signer;
  private final String accessKey;
  private final char[] secretKey;
  private final Clock clock;
  private final SigningProfile profile;
  private final String endpointPathPrefix;
  private final String dateHeader;

  SigningLink(
      Signer signer,
      String accessKey,
      char[] secretKey,
      Clock clock,
      SigningProfile profile,
      URI endpoint,
      boolean useXBackendAiDate) {
    this.signer = signer;
    this.accessKey = accessKey;
    this.secretKey = secretKey.clone();
    this.clock = clock;
    this.profile = profile;
    this.endpointPathPrefix = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    this.dateHeader = useXBackendAiDate ? "X-BackendAI-Date" : "Date";
  }

  /** The date string: ISO-8601 in UTC, the exact same text in the header and in the signature. */
  String dateString() {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
        OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
  }

  HttpRequest sign(HttpRequest request) {
    String version = request
        .headers()
        .firstValue(VERSION_HEADER)
        .orElseThrow(() -> new IllegalStateException("signed requests need " + VERSION_HEADER));
    String contentType = request.effectiveContentType();
    return request.withHeaders(signedHeaders(
        request.headers().toBuilder(),
        request.method(),
        request.uri(),
        contentType,
        version,
        bodyForHash(request, version)));
  }

  /**
   * Headers for a WebSocket handshake to {@code wsUri}: no Content-Type is sent, so the signature
   * covers {@code application/octet-stream}, as the server assumes (vector {@code v9-websocket-pty}).
   */
  HttpHeaders signWebSocket(URI wsUri, HttpHeaders base) {
    String version = base.firstValue(VERSION_HEADER)
        .orElseThrow(() -> new IllegalStateException("signed requests need " + VERSION_HEADER));
    return signedHeaders(
        base.toBuilder().remove("content-type"),
        "GET",
        wsUri,
        "application/octet-stream",
        version,
        null);
  }

  private HttpHeaders signedHeaders(
      HttpHeaders.Builder headers,
      String method,
      URI uri,
      String contentType,
      String version,
      byte[] body) {
    String date = dateString();
    String signedPath = Signer.signedPath(profile, uri, apiPath(uri));
    Signer.Result r = signer.sign(
        new Signer.Input(
            method, signedPath, date, Signer.hostHeader(uri), contentType, version, body),
        accessKey,
        secretKey);
    return headers
        .remove("date")
        .remove("x-backendai-date")
        .set(dateHeader, date)
        .set("Authorization", r.authorization())
        .build();
  }

  /** The request path relative to the endpoint (what client 1.5.1 signed). */
  private String apiPath(URI uri) {
    String raw = uri.getRawPath() == null ? "" : uri.getRawPath();
    return raw.startsWith(endpointPathPrefix) ? raw.substring(endpointPathPrefix.length()) : raw;
  }

  /** The body, only for the legacy versions whose signature covers it. */
  private static byte[] bodyForHash(HttpRequest request, String version) {
    if (!Signer.hashesBody(version, request.effectiveContentType())) {
      return null;
    }
    RequestBody body = request.body();
    if (body instanceof RequestBody.Bytes b) {
      return b.data();
    }
    if (body instanceof RequestBody.Empty) {
      return new byte[0];
    }
    if (body instanceof RequestBody.FileBody f) {
      try {
        return Files.readAllBytes(f.file());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new InvalidArgumentException(
        "API " + version + " signs the body; a streamed body cannot be signed");
  }

  @Override
  public HttpResponse intercept(Chain chain) {
    return chain.proceed(sign(chain.request()));
  }

  @Override
  public CompletableFuture<HttpResponse> interceptAsync(Chain chain) {
    HttpRequest signed;
    try {
      signed = sign(chain.request());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return chain.proceedAsync(signed);
  }

  /** Whether the signature of a request with this content type covers its body (legacy versions). */
  static boolean signsBody(String apiVersion, String contentType) {
    return Signer.hashesBody(apiVersion, contentType);
  }

  /** Wipes the secret. */
  void close() {
    Arrays.fill(secretKey, '\0');
  }

  @Override
  public String toString() {
    return "SigningLink[" + accessKey + ", " + signer.hashType() + "]";
  }
}
