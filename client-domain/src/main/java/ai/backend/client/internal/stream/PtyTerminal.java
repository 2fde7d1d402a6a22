package ai.backend.client.internal.stream;

import ai.backend.client.Terminal;
import ai.backend.client.TerminalListener;
import ai.backend.client.internal.ApiCore;
import ai.backend.client.internal.Json;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;

/**
 * The terminal protocol of spec §8.1 over one WebSocket: JSON text frames out; {@code out}/{@code
 * error} frames in, as text (servers up to 25.5) or binary (25.6+) frames with the same JSON.
 */
public final class PtyTerminal extends SocketStream implements Terminal {
  private final TerminalListener listener;
  private final SubmissionPublisher<byte[]> publisher;

  private PtyTerminal(TerminalListener listener, String session) {
    super("pty", session, "terminal");
    if (listener != null) {
      this.listener = listener;
      this.publisher = null;
    } else {
      // submit() blocks when the subscriber is 16 chunks behind: back-pressure, not an unbounded
      // buffer
      this.publisher = new SubmissionPublisher<>(Runnable::run, 16);
      this.listener = new TerminalListener() {
        @Override
        public void onOutput(byte[] data) {
          publisher.submit(data);
        }

        @Override
        public void onClosed(int code, String reason) {
          publisher.close();
        }

        @Override
        public void onFailure(Throwable error) {
          publisher.closeExceptionally(error);
        }
      };
    }
  }

  /** Opens the terminal of session {@code name} (spec §8.1 path for the core's dialect). */
  public static CompletableFuture<Terminal> open(
      ApiCore core, String name, TerminalListener listener) {
    String path = StreamSockets.path(core.dialect(), name, "pty");
    return connect(core, path, List.of(), new PtyTerminal(listener, name)).thenApply(t -> t);
  }

  @Override
  void onMessage(byte[] data, boolean text) {
    JsonObject o;
    try {
      JsonElement e = Json.parse(data);
      o = e.isJsonObject() ? e.getAsJsonObject() : null;
    } catch (RuntimeException e) {
      o = null;
    }
    if (o == null) {
      return; // not a frame of the protocol: ignored, as the server ignores unknown frames
    }
    String type = Json.string(o, "type");
    String payload = Json.string(o, "data");
    if ("out".equals(type) && payload != null) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(payload);
      } catch (IllegalArgumentException e) {
        return;
      }
      delivery.submit(() -> listener.onOutput(bytes));
    } else if ("error".equals(type)) {
      String msg = payload == null ? "" : payload;
      delivery.submit(() -> listener.onError(msg));
    }
  }

  @Override
  void deliverClosed(int code, String reason) {
    listener.onClosed(code, reason);
  }

  @Override
  void deliverFailure(Throwable error) {
    listener.onFailure(error);
  }

  private static Map<String, Object> message(String type) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    return m;
  }

  private CompletableFuture<Void> send(Map<String, Object> frame) {
    return sendText(Json.write(frame));
  }

  @Override
  public CompletableFuture<Void> write(byte[] keystrokes) {
    Map<String, Object> f = message("stdin");
    f.put("chars", Base64.getEncoder().encodeToString(keystrokes));
    return send(f);
  }

  @Override
  public CompletableFuture<Void> write(String text) {
    return write(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public CompletableFuture<Void> resize(int rows, int cols) {
    if (rows <= 0 || cols <= 0) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("rows and cols must be positive"));
    }
    Map<String, Object> f = message("resize");
    f.put("rows", rows);
    f.put("cols", cols);
    return send(f);
  }

  @Override
  public CompletableFuture<Void> restart() {
    return send(message("restart"));
  }

  @Override
  public CompletableFuture<Void> ping() {
    return send(message("ping"));
  }

  @Override
  public Flow.Publisher<byte[]> output() {
    if (publisher == null) {
      throw new IllegalStateException(
          "this terminal delivers its output to the listener it was opened with");
    }
    return publisher;
  }

  @Override
  public String toString() {
    return "Terminal[" + (isOpen() ? "open" : "closed") + "]";
  }
}
