package ai.backend.client.internal.stream;

import ai.backend.client.BackendClientException;
import ai.backend.client.Terminal;
import ai.backend.client.TerminalListener;
import ai.backend.client.internal.ApiCore;
import ai.backend.client.internal.Json;
import ai.backend.client.port.WebSocketChannel;
import ai.backend.client.port.WebSocketListener;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
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
public final class PtyTerminal implements Terminal {
  private final TerminalListener listener;
  private final SubmissionPublisher<byte[]> publisher;
  private final Delivery delivery;
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private volatile WebSocketChannel channel;

  private PtyTerminal(TerminalListener listener, String session) {
    this.delivery = new Delivery(StreamSockets.threadName("pty", session));
    if (listener != null) {
      this.listener = listener;
      this.publisher = null;
    } else {
      // submit() blocks when the subscriber is 16 chunks behind: back-pressure, not an unbounded buffer
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
  public static CompletableFuture<Terminal> open(ApiCore core, String name, TerminalListener listener) {
    PtyTerminal t = new PtyTerminal(listener, name);
    String path = StreamSockets.path(core.dialect(), name, "pty");
    CompletableFuture<Terminal> result = StreamSockets.open(core, path, List.of(), t.socketListener())
        .thenApply(ch -> {
          t.channel = ch;
          return (Terminal) t;
        });
    result.whenComplete((v, e) -> {
      if (e != null) {
        t.delivery.finish();
        t.closed.completeExceptionally(e);
      }
    });
    return result;
  }

  private WebSocketListener socketListener() {
    return new WebSocketListener() {
      @Override
      public void onText(WebSocketChannel ch, String text) {
        onFrame(text);
      }

      @Override
      public void onBinary(WebSocketChannel ch, ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        onFrame(new String(b, StandardCharsets.UTF_8));
      }

      @Override
      public void onClose(WebSocketChannel ch, int code, String reason) {
        delivery.submit(() -> listener.onClosed(code, reason));
        delivery.finish();
        closed.complete(code);
      }

      @Override
      public void onError(WebSocketChannel ch, Throwable error) {
        BackendClientException e = new BackendClientException("terminal connection failed: " + error.getMessage(), error);
        delivery.submit(() -> listener.onFailure(e));
        delivery.finish();
        closed.completeExceptionally(e);
      }
    };
  }

  private void onFrame(String text) {
    JsonObject o;
    try {
      JsonElement e = Json.parse(text);
      o = e.isJsonObject() ? e.getAsJsonObject() : null;
    } catch (RuntimeException e) {
      o = null;
    }
    if (o == null) {
      return; // not a frame of the protocol: ignored, as the server ignores unknown frames
    }
    String type = Json.string(o, "type");
    String data = Json.string(o, "data");
    if ("out".equals(type) && data != null) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(data);
      } catch (IllegalArgumentException e) {
        return;
      }
      delivery.submit(() -> listener.onOutput(bytes));
    } else if ("error".equals(type)) {
      String msg = data == null ? "" : data;
      delivery.submit(() -> listener.onError(msg));
    }
  }

  private CompletableFuture<Void> send(Map<String, Object> frame) {
    WebSocketChannel ch = channel;
    if (ch == null || !ch.isOpen()) {
      return CompletableFuture.failedFuture(new BackendClientException("the terminal is closed"));
    }
    return ch.sendText(Json.write(frame));
  }

  private static Map<String, Object> message(String type) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    return m;
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
      return CompletableFuture.failedFuture(new IllegalArgumentException("rows and cols must be positive"));
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
      throw new IllegalStateException("this terminal delivers its output to the listener it was opened with");
    }
    return publisher;
  }

  @Override
  public CompletableFuture<Integer> closed() {
    return closed;
  }

  @Override
  public boolean isOpen() {
    WebSocketChannel ch = channel;
    return ch != null && ch.isOpen() && !closed.isDone();
  }

  @Override
  public void close() {
    WebSocketChannel ch = channel;
    if (ch != null && !closed.isDone()) {
      ch.close(1000, "").exceptionally(e -> {
        ch.abort();
        return null;
      });
    }
  }

  @Override
  public String toString() {
    return "Terminal[" + (isOpen() ? "open" : "closed") + "]";
  }
}
