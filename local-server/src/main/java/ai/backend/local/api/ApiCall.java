package ai.backend.local.api;

import ai.backend.local.security.Keypair;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;

/**
 * One routed request: raw target, decoded query, body, dialect, the authenticated key and path
 * parameters. {@link #params()} merges the JSON (or form) body with the query string, body first,
 * because v4 clients send parameters of GET requests in a JSON body (§1).
 */
public final class ApiCall {
  private final Request request;
  private final String method;
  private final String rawTarget;
  private final Map<String, List<String>> query;
  private final byte[] body;
  private final String mediaType;
  private final Dialect dialect;
  private final String version;
  private Keypair keypair;
  private Map<String, String> pathParams = Map.of();
  private JsonObject params;
  private java.time.Duration bodyIdleTimeout;

  ApiCall(
      Request request,
      String method,
      String rawTarget,
      byte[] body,
      String mediaType,
      Dialect dialect,
      String version) {
    this.request = request;
    this.method = method;
    this.rawTarget = rawTarget;
    int q = rawTarget.indexOf('?');
    this.query = parseQuery(q >= 0 ? rawTarget.substring(q + 1) : "");
    this.body = body;
    this.mediaType = mediaType;
    this.dialect = dialect;
    this.version = version;
  }

  public Request request() {
    return request;
  }

  public String method() {
    return method;
  }

  public String rawTarget() {
    return rawTarget;
  }

  public byte[] body() {
    return body;
  }

  void streamBody(java.time.Duration idleTimeout) {
    this.bodyIdleTimeout = idleTimeout;
  }

  /** Whether the body is left for {@link #bodyStream()} (a streaming route) rather than buffered. */
  public boolean streamsBody() {
    return bodyIdleTimeout != null;
  }

  /**
   * The request body as it arrives (streaming routes), or the buffered body. While it is read, a
   * silence longer than the body idle timeout fails the read, as for buffered bodies.
   */
  public java.io.InputStream bodyStream() {
    if (bodyIdleTimeout == null) {
      return new java.io.ByteArrayInputStream(body);
    }
    org.eclipse.jetty.io.EndPoint endPoint =
        request.getConnectionMetaData().getConnection().getEndPoint();
    long connectionIdle = endPoint.getIdleTimeout();
    endPoint.setIdleTimeout(bodyIdleTimeout.toMillis());
    java.io.InputStream in = org.eclipse.jetty.io.Content.Source.asInputStream(request);
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() throws java.io.IOException {
        endPoint.setIdleTimeout(connectionIdle);
        super.close();
      }
    };
  }

  /** Bare lower-cased media type of the request ({@code application/octet-stream} if absent). */
  public String mediaType() {
    return mediaType;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The {@code X-BackendAI-Version} value, or null. */
  public String version() {
    return version;
  }

  public Keypair keypair() {
    return keypair;
  }

  public String accessKey() {
    return keypair.accessKey();
  }

  void authenticate(Keypair kp) {
    this.keypair = kp;
  }

  void pathParams(Map<String, String> p) {
    this.pathParams = p;
  }

  public String path(String name) {
    return pathParams.get(name);
  }

  public Map<String, List<String>> query() {
    return query;
  }

  public List<String> queryAll(String name) {
    return query.getOrDefault(name, List.of());
  }

  public String header(String name) {
    return request.getHeaders().get(name);
  }

  /** Body parameters (JSON object, or form data) with query parameters filling missing keys. */
  public JsonObject params() throws ApiException {
    if (params != null) {
      return params;
    }
    JsonObject p = new JsonObject();
    String text = new String(body, StandardCharsets.UTF_8).trim();
    boolean multipart = mediaType.startsWith("multipart/");
    if (!text.isEmpty() && !multipart) {
      if (text.startsWith("{")
          || mediaType.equals("application/json")
          || mediaType.endsWith("+json")) {
        try {
          JsonElement e = JsonParser.parseString(text);
          if (e.isJsonObject()) {
            p = e.getAsJsonObject();
          } else if (!e.isJsonNull()) {
            throw Problems.invalidParams("The request body must be a JSON object.");
          }
        } catch (JsonParseException e) {
          throw Problems.invalidParams("Malformed JSON body.");
        }
      } else if (text.contains("=") && !text.contains("\n")) {
        // 1.5.1's `ls` sends path=... form data labelled application/octet-stream
        JsonObject form = p;
        parseQuery(text).forEach((k, v) -> form.add(k, toJson(v)));
      }
    }
    for (Map.Entry<String, List<String>> e : query.entrySet()) {
      if (!p.has(e.getKey())) {
        p.add(e.getKey(), toJson(e.getValue()));
      }
    }
    params = p;
    return p;
  }

  private static JsonElement toJson(List<String> values) {
    if (values.size() == 1) {
      return new JsonPrimitive(values.get(0));
    }
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a;
  }

  /** First present non-null string among {@code names}, or null. */
  public String str(String... names) throws ApiException {
    JsonObject p = params();
    for (String n : names) {
      JsonElement e = p.get(n);
      if (e != null && !e.isJsonNull()) {
        if (e.isJsonPrimitive()) {
          return e.getAsString();
        }
        throw Problems.invalidParams(n + " must be a string.");
      }
    }
    return null;
  }

  public boolean bool(boolean dflt, String... names) throws ApiException {
    JsonObject p = params();
    for (String n : names) {
      JsonElement e = p.get(n);
      if (e != null && !e.isJsonNull()) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
          return e.getAsBoolean();
        }
        String s = e.isJsonPrimitive() ? e.getAsString().toLowerCase(java.util.Locale.ROOT) : "";
        switch (s) {
          case "true", "1", "yes", "on" -> {
            return true;
          }
          case "false", "0", "no", "off", "" -> {
            return false;
          }
          default -> throw Problems.invalidParams(n + " must be a boolean.");
        }
      }
    }
    return dflt;
  }

  public int integer(int dflt, String... names) throws ApiException {
    JsonObject p = params();
    for (String n : names) {
      JsonElement e = p.get(n);
      if (e != null && !e.isJsonNull()) {
        try {
          return (int) Double.parseDouble(e.getAsString());
        } catch (RuntimeException ex) {
          throw Problems.invalidParams(n + " must be a number.");
        }
      }
    }
    return dflt;
  }

  /** A list parameter: a JSON array, a single string, or repeated query values. */
  public List<String> list(String name) throws ApiException {
    JsonElement e = params().get(name);
    List<String> out = new ArrayList<>();
    if (e == null || e.isJsonNull()) {
      return out;
    }
    if (e.isJsonArray()) {
      for (JsonElement x : e.getAsJsonArray()) {
        if (!x.isJsonPrimitive()) {
          throw Problems.invalidParams(name + " must be a list of strings.");
        }
        out.add(x.getAsString());
      }
    } else if (e.isJsonPrimitive()) {
      out.add(e.getAsString());
    } else {
      throw Problems.invalidParams(name + " must be a list of strings.");
    }
    return out;
  }

  /** Decodes {@code a=1&b=x+y&b=z} (form rules: {@code +} is a space). */
  static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String part : raw.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = eq >= 0 ? part.substring(0, eq) : part;
      String v = eq >= 0 ? part.substring(eq + 1) : "";
      try {
        m.computeIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), x -> new ArrayList<>())
            .add(URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    }
    return m;
  }
}
