package ai.backend.local.stream;

import ai.backend.local.engine.BatchOptions;
import ai.backend.local.engine.ConsoleItem;
import ai.backend.local.engine.ExecMode;
import ai.backend.local.engine.ExecRequest;
import ai.backend.local.engine.ExecResult;
import ai.backend.local.engine.ExecStatus;
import ai.backend.local.engine.Kernel;
import ai.backend.local.sessions.Session;
import ai.backend.local.sessions.SessionRegistry;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * {@code /stream/…/{id}/execute} (spec §8.2): one run per socket. The first text frame is the run
 * ({@code mode}, {@code code}, {@code options}); the run is then followed like REST execute with a
 * 0.2 s flush window, one JSON frame per result; a {@code waiting-input} result is answered by one
 * raw text frame. After {@code finished} or {@code exec-timeout} the socket is closed. A client
 * that disconnects mid-run gets its run interrupted.
 */
public final class ExecuteEndpoint extends StreamEndpoint {
  /** Flush window of one step, as the manager uses for streaming execute. */
  static final Duration FLUSH = Duration.ofMillis(200);

  /** After a client disconnect: how long to keep interrupting a run that does not stop. */
  private static final long STOP_MILLIS = 10_000;

  private static final String SERVER_RESTARTING =
      "The API server is going to restart for maintenance. Please connect again with the same run ID.";

  private static final Gson GSON = new Gson();

  /** Wakes the run thread waiting for an input line. */
  private static final String WAKE = new String("wake");

  private final BlockingQueue<String> inputs = new LinkedBlockingQueue<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean done;
  private volatile boolean clientGone;
  private volatile boolean sessionEnded;
  private volatile boolean serverStopping;

  public ExecuteEndpoint(StreamHub hub, Session session) {
    super(hub, session);
  }

  @Override
  protected void opened() {
    // waits for the first text frame
  }

  @Override
  public void onWebSocketText(String text) {
    if (started.get()) {
      inputs.add(text); // an input line (raw text, not JSON)
      return;
    }
    ExecRequest req;
    try {
      req = parse(text);
    } catch (IllegalArgumentException e) {
      started.set(true);
      done = true;
      sendError("Invalid API parameters: " + e.getMessage());
      channel.close(StatusCode.NORMAL, null);
      return;
    }
    if (started.compareAndSet(false, true)) {
      Thread t = new Thread(() -> run(req), "stream-exec-" + session.name());
      t.setDaemon(true);
      t.start();
    }
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    callback.succeed(); // run parameters and input lines come as text frames
  }

  /** The first frame: {@code {"mode": "query"|"batch", "code": …, "options": {…}}}. */
  static ExecRequest parse(String text) {
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(text);
      if (!e.isJsonObject()) {
        throw new IllegalArgumentException("the first message must be a JSON object.");
      }
      o = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("malformed JSON in the first message.");
    }
    JsonElement m = o.get("mode");
    String mode = m != null && m.isJsonPrimitive() ? m.getAsString() : null;
    if (mode == null || mode.isEmpty()) {
      throw new IllegalArgumentException("mode is missing or empty!");
    }
    ExecMode parsed = ExecMode.parse(mode)
        .filter(ExecMode::startsRun)
        .orElseThrow(() -> new IllegalArgumentException("mode has an invalid value."));
    JsonElement c = o.get("code");
    if (c != null && !c.isJsonNull() && !c.isJsonPrimitive()) {
      throw new IllegalArgumentException("code must be a string.");
    }
    String code = c == null || c.isJsonNull() ? "" : c.getAsString();
    BatchOptions opts = null;
    JsonElement oe = o.get("options");
    if (oe != null && oe.isJsonObject()) {
      JsonObject oo = oe.getAsJsonObject();
      // as REST execute does (SessionApi.execute)
      opts = new BatchOptions(
          str(oo, "clean"), str(oo, "build"), bool(oo, "buildLog"), str(oo, "exec"));
    } else if (oe != null && !oe.isJsonNull()) {
      throw new IllegalArgumentException("options must be an object.");
    }
    return new ExecRequest(parsed, null, code, parsed == ExecMode.BATCH ? opts : null);
  }

  private static String str(JsonObject o, String k) {
    JsonElement e = o.get(k);
    if (e != null && !e.isJsonNull() && !e.isJsonPrimitive()) {
      // as REST execute answers; getAsString would throw UnsupportedOperationException out of the
      // socket
      throw new IllegalArgumentException("options." + k + " must be a string.");
    }
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }

  private static boolean bool(JsonObject o, String k) {
    JsonElement e = o.get(k);
    return e != null && !e.isJsonNull() && e.isJsonPrimitive() && e.getAsBoolean();
  }

  private void run(ExecRequest first) {
    SessionRegistry registry = hub.registry();
    try {
      Kernel k = session.awaitKernel(SessionRegistry.START_WAIT);
      registry.countQuery(session);
      ExecResult r = execute(k, first);
      while (true) {
        if (serverStopping) {
          return; // the client got server-restarting; the kernel is closed next
        }
        if (clientGone) {
          stop(k, r);
          return;
        }
        channel.sendJson(frame(r));
        switch (r.status()) {
          case FINISHED, EXEC_TIMEOUT -> {
            done = true;
            channel.close(StatusCode.NORMAL, null);
            return;
          }
          case WAITING_INPUT -> {
            // after the session ended no input comes that matters: poll until the kernel is closed
            String line = sessionEnded ? WAKE : inputs.take();
            r = line == WAKE
                ? execute(k, new ExecRequest(ExecMode.CONTINUE, r.runId(), "", null))
                : execute(k, new ExecRequest(ExecMode.INPUT, r.runId(), line, null));
          }
          default -> r = execute(k, new ExecRequest(ExecMode.CONTINUE, r.runId(), "", null));
        }
      }
    } catch (TimeoutException | RuntimeException e) {
      // InvalidExecRequestException, a closed kernel (IllegalStateException), an I/O failure, ...
      done = true;
      if (!clientGone) {
        String why = e instanceof TimeoutException
            ? "the session is not running yet"
            : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        sendError("BackendError: " + why);
        channel.close(StatusCode.NORMAL, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      done = true;
    }
  }

  /** One step (the open socket already holds the session in use, see StreamEndpoint). */
  private static ExecResult execute(Kernel k, ExecRequest req) {
    return k.execute(req, FLUSH);
  }

  private static boolean terminal(ExecResult r) {
    return r.status().isFinal();
  }

  /**
   * The client is gone mid-run: interrupt the run and follow it to its end, so that the kernel's
   * turn is free for the next run. Programs that ignore one SIGINT get another every second.
   */
  private void stop(Kernel k, ExecResult r) {
    long deadline = System.nanoTime() + STOP_MILLIS * 1_000_000L;
    long nextInterrupt = 0;
    while (!terminal(r) && !sessionEnded && System.nanoTime() < deadline) {
      if (System.nanoTime() >= nextInterrupt) {
        k.interrupt();
        nextInterrupt = System.nanoTime() + 1_000_000_000L;
      }
      r = execute(k, new ExecRequest(ExecMode.CONTINUE, r.runId(), "", null));
    }
  }

  /**
   * A result as a stream frame: the REST ExecutionResult fields minus {@code runId} (the REST route adds
   * {@code runId} to this same object).
   */
  public static JsonObject frame(ExecResult r) {
    JsonObject o = new JsonObject();
    o.addProperty("status", r.status().wire());
    JsonArray console = new JsonArray();
    for (ConsoleItem item : r.console()) {
      JsonArray pair = new JsonArray();
      pair.add(item.type());
      pair.add(GSON.toJsonTree(item.value()));
      console.add(pair);
    }
    o.add("console", console);
    if (r.exitCode() == null) {
      o.add("exitCode", JsonNull.INSTANCE);
    } else {
      o.addProperty("exitCode", r.exitCode());
    }
    if (r.status() == ExecStatus.WAITING_INPUT) {
      JsonObject opts = new JsonObject();
      opts.addProperty("is_password", r.passwordInput());
      o.add("options", opts);
    } else {
      o.add("options", JsonNull.INSTANCE);
    }
    o.add("files", new JsonArray());
    return o;
  }

  private void sendError(String msg) {
    JsonObject o = new JsonObject();
    o.addProperty("status", "error");
    o.addProperty("msg", msg);
    channel.sendJson(o);
  }

  @Override
  public void end(Reason reason) {
    if (reason == Reason.SESSION_ENDED && started.get() && !done) {
      // the kernel is closed next, which ends the run (exit code 137): let the run thread report
      // that final status and close the socket itself
      sessionEnded = true;
      inputs.add(WAKE);
      return;
    }
    serverStopping = reason == Reason.SERVER_STOPPING;
    inputs.add(WAKE);
    if (reason == Reason.SERVER_STOPPING && !done) {
      JsonObject o = new JsonObject();
      o.addProperty("status", "server-restarting");
      o.addProperty("msg", SERVER_RESTARTING);
      channel.sendJson(o);
    }
    super.end(reason);
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    clientGone = true;
    inputs.add(WAKE);
    super.onWebSocketClose(statusCode, reason, callback);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    clientGone = true;
    inputs.add(WAKE);
    super.onWebSocketError(cause);
  }

  @Override
  protected void release() {
    // the run thread ends by itself: it sees clientGone, or the run's end
  }
}
