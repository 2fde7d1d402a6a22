package ai.backend.it.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A raw JDK {@link HttpClient} with a minimal HMAC-SHA256 signer written from the spec (§2.2), independent
 * of the SDK, so that the benchmarks measure the server (or compare against the SDK). Helper for the
 * benchmark mains in this package; not a test.
 */
final class BenchSigner {
  static final String VERSION = "v9.20250722";
  private static final String EMPTY_SHA256 = sha256Hex(new byte[0]);

  final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .build();
  private final URI endpoint;
  private final String accessKey;
  private final String secretKey;
  private final String host;

  BenchSigner(URI endpoint, String accessKey, String secretKey) {
    this.endpoint = endpoint;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.host = endpoint.getHost() + ":" + endpoint.getPort();
  }

  /** Signs with the current time. */
  HttpRequest signed(String method, String path, String body) {
    return signed(
        method, path, body, OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS));
  }

  /** Signs with a fixed date (the server accepts ±15 min), for pre-signed loops. */
  HttpRequest signed(String method, String path, String body, OffsetDateTime when) {
    String date = when.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    String toSign =
        method + "\n" + path + "\n" + date + "\nhost:" + host + "\ncontent-type:application/json"
            + "\nx-backendai-version:" + VERSION + "\n" + EMPTY_SHA256;
    byte[] k1 =
        hmac(secretKey.getBytes(StandardCharsets.UTF_8), date.substring(0, 10).replace("-", ""));
    byte[] k = hmac(k1, host);
    String sig = HexFormat.of().formatHex(hmac(k, toSign));
    return HttpRequest.newBuilder(endpoint.resolve(path))
        .timeout(Duration.ofSeconds(60))
        .header("Date", date)
        .header("X-BackendAI-Version", VERSION)
        .header("Content-Type", "application/json")
        .header(
            "Authorization",
            "BackendAI signMethod=HMAC-SHA256, credential=" + accessKey + ":" + sig)
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** Sends a freshly signed request; a status of 300 or more is an exception. */
  String send(String method, String path, String body) throws Exception {
    return check(
        http.send(signed(method, path, body), HttpResponse.BodyHandlers.ofString()), method, path);
  }

  static String check(HttpResponse<String> r, String method, String path) {
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(
          method + " " + path + " -> " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** "p50 x ms | p90 y ms | p99 z ms" columns from nanosecond samples. */
  static String percentiles(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format("%.2f ms | %.2f ms | %.2f ms", at(s, 0.50), at(s, 0.90), at(s, 0.99));
  }

  static double at(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
