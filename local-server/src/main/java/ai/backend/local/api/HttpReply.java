package ai.backend.local.api;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A complete response: written in one piece with {@code Content-Length}, or, when {@link #streamer()}
 * is set, handed to it after the status and headers are set (server-sent events).
 */
public record HttpReply(
    int status, String contentType, byte[] body, Map<String, String> headers, Streamer streamer) {

  /** Shared JSON settings: nulls kept (clients expect {@code "exitCode": null}), no HTML escaping. */
  public static final Gson GSON =
      new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

  /** Writes a streaming body; must complete {@code callback} when done. */
  public interface Streamer {
    void stream(Request request, Response response, Callback callback) throws Exception;
  }

  public static HttpReply json(int status, JsonElement body) {
    return new HttpReply(
        status,
        "application/json; charset=utf-8",
        GSON.toJson(body).getBytes(StandardCharsets.UTF_8),
        Map.of(),
        null);
  }

  public static HttpReply noContent() {
    return new HttpReply(204, null, new byte[0], Map.of(), null);
  }

  public static HttpReply bytes(int status, String contentType, byte[] body) {
    return new HttpReply(status, contentType, body, Map.of(), null);
  }

  public static HttpReply stream(String contentType, Streamer streamer) {
    return new HttpReply(200, contentType, null, Map.of(), streamer);
  }

  public HttpReply withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new HttpReply(status, contentType, body, h, streamer);
  }
}
