package ai.backend.local.stream;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The server end of one WebSocket. Sends are serialized and wait for completion (bounded), so a slow
 * client slows its producer (terminal output, run loop) instead of queueing without limit. Once
 * {@link #close} was called nothing more is sent.
 */
final class WsChannel {
  /** A client that does not take a frame within this time is treated as gone. */
  private static final long SEND_TIMEOUT_MS = 30_000;

  private static final Gson GSON =
      new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

  private final Session session;
  private final boolean binaryJson;
  private final Object sendLock = new Object();
  private volatile boolean closed;

  /** @param binaryJson send JSON messages as binary frames (25.6+) instead of text frames */
  WsChannel(Session session, boolean binaryJson) {
    this.session = session;
    this.binaryJson = binaryJson;
  }

  /** Sends one JSON message as a text or binary frame per the server's setting; false if not sent. */
  boolean sendJson(JsonObject message) {
    String json = GSON.toJson(message);
    if (binaryJson) {
      return sendBinary(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
    }
    return send(cb -> session.sendText(json, cb));
  }

  /** Sends raw bytes as one binary frame; false if not sent. */
  boolean sendBinary(ByteBuffer data) {
    return send(cb -> session.sendBinary(data, cb));
  }

  private boolean send(java.util.function.Consumer<Callback> op) {
    synchronized (sendLock) {
      if (closed || !session.isOpen()) {
        return false;
      }
      Callback.Completable done = new Callback.Completable();
      op.accept(done);
      try {
        done.get(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        closed = true;
        session.disconnect();
        return false;
      } catch (ExecutionException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  boolean isOpen() {
    return !closed && session.isOpen();
  }

  /** Starts the closing handshake (idempotent); later sends are dropped. */
  void close(int code, String reason) {
    closed = true;
    if (session.isOpen()) {
      session.close(code, reason, Callback.NOOP);
    }
  }
}
