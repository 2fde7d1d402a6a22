package ai.backend.local.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A tiny independent signer + HTTP client for tests (sha256, §2.2, X-BackendAI-Date). */
public final class TestClient {
  final URI base;
  final String accessKey;
  final String secretKey;
  final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  Clock clock = Clock.systemUTC();

  public TestClient(URI base, String accessKey, String secretKey) {
    this.base = base;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** A client signing with the key {@code server} was started with. */
  public static TestClient of(ai.backend.local.LocalServer server) {
    return new TestClient(server.uri(), server.accessKey(), server.secretKey());
  }

  /** A response with its body as text and, when JSON, parsed. */
  public record Resp(int status, HttpHeaders headers, byte[] raw) {
    public String text() {
      return new String(raw, StandardCharsets.UTF_8);
    }

    public JsonObject json() {
      return JsonParser.parseString(text()).getAsJsonObject();
    }

    public JsonElement jsonElement() {
      return JsonParser.parseString(text());
    }

    public String type() {
      return json().get("type").getAsString().replace("https://api.backend.ai/probs/", "");
    }
  }

  public Resp call(String method, String target, String version, String json) throws Exception {
    return send(
        method,
        target,
        version,
        json == null ? null : json.getBytes(StandardCharsets.UTF_8),
        json == null ? null : "application/json",
        true,
        secretKey,
        null);
  }

  public Resp send(
      String method,
      String target,
      String version,
      byte[] body,
      String contentType,
      boolean sign,
      String secret,
      String dateOverride)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + target)).timeout(Duration.ofSeconds(60));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers(method, target, version, contentType, sign ? secret : null, dateOverride)
        .forEach(b::header);
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Resp(r.statusCode(), r.headers(), r.body());
  }

  /**
   * The version, date and (when {@code secret} is not null) {@code Authorization} headers of a
   * request; a request without {@code Content-Type} (e.g. a WebSocket upgrade) is signed as
   * {@code application/octet-stream}.
   */
  public Map<String, String> headers(
      String method,
      String target,
      String version,
      String contentType,
      String secret,
      String dateOverride)
      throws Exception {
    String date = dateOverride != null
        ? dateOverride
        : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
            OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
    Map<String, String> h = new LinkedHashMap<>();
    if (version != null) {
      h.put("X-BackendAI-Version", version);
    }
    h.put("X-BackendAI-Date", date);
    if (secret != null) {
      String host = base.getHost() + ":" + base.getPort();
      String ct = contentType == null
          ? "application/octet-stream"
          : contentType.split(";")[0].trim().toLowerCase();
      String sts = String.join(
          "\n",
          method,
          target,
          date,
          "host:" + host,
          "content-type:" + ct,
          "x-backendai-version:" + version,
          sha256Hex(new byte[0]));
      String keyDate = date.substring(0, 10).replace("-", "");
      byte[] k1 = hmac(secret.getBytes(StandardCharsets.UTF_8), keyDate);
      byte[] k = hmac(k1, host);
      String sig = HexFormat.of().formatHex(hmac(k, sts));
      h.put(
          "Authorization", "BackendAI signMethod=HMAC-SHA256, credential=" + accessKey + ":" + sig);
    }
    return h;
  }

  static byte[] hmac(byte[] key, String msg) throws Exception {
    Mac m = Mac.getInstance("HmacSHA256");
    m.init(new SecretKeySpec(key, "HmacSHA256"));
    return m.doFinal(msg.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256Hex(byte[] b) throws Exception {
    return HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
  }
}
