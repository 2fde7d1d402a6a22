package ai.backend.client.internal;

import ai.backend.client.ComputeSessionEvent;
import ai.backend.client.EventFilter;
import ai.backend.client.EventSubscription;
import ai.backend.client.errors.BackendException;
import ai.backend.client.internal.sse.SseEvent;
import ai.backend.client.internal.sse.SseParser;
import ai.backend.client.port.HttpResponse;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One subscription to {@code /events/session} (spec §8.4): the first connection is made by {@link
 * #start()} on the caller's thread (so an error reaches the caller), then one daemon thread reads the
 * stream, delivers events and reconnects after the server's {@code retry} delay, until {@link #close()}
 * or a {@code server_close} event.
 */
public final class EventStream implements EventSubscription {
  private static final Loggers.Lazy LOG = new Loggers.Lazy("ai.backend.client.events");
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final long DEFAULT_RETRY_MILLIS = 5000;
  /** SSE streams are idle for long stretches; the call timeout must not end them. */
  private static final Duration STREAM_TIMEOUT = Duration.ofDays(1);

  private final ApiCore core;
  private final ApiRequest request;
  private final boolean legacyPayload;
  private final Consumer<ComputeSessionEvent> sink;
  private final Consumer<BackendException> onError;
  private final Runnable onEnd;
  private final CountDownLatch closedLatch = new CountDownLatch(1);
  private volatile boolean open = true;
  private volatile HttpResponse response;
  private volatile SseParser parser;
  private Thread thread;

  public EventStream(
      ApiCore core,
      EventFilter filter,
      Consumer<ComputeSessionEvent> sink,
      Consumer<BackendException> onError,
      Runnable onEnd) {
    this.core = core;
    Dialect d = core.dialect();
    this.legacyPayload = d.isLegacyKernelApi();
    this.request = request(d, filter);
    this.sink = sink;
    this.onError = onError == null ? e -> {} : onError;
    this.onEnd = onEnd == null ? () -> {} : onEnd;
  }

  /** The SSE request of a filter: 19.09 names the session {@code sessionId}, v5+ {@code name}. */
  public static ApiRequest request(Dialect d, EventFilter f) {
    String path = d.eventsPath();
    if (path == null) {
      throw new ai.backend.client.errors.InvalidArgumentException(
          "session events need API v4.20190615 or newer; the server speaks " + d.version());
    }
    ApiRequest.Builder b = ApiRequest.builder("GET", path)
        .header("Accept", "text/event-stream")
        .query(d.isLegacyKernelApi() ? "sessionId" : "name", f.sessionName())
        .query("group", f.group())
        .timeout(STREAM_TIMEOUT);
    if (!"*".equals(f.scope())) {
      b.query("scope", f.scope());
    }
    return b.build();
  }

  /** Connects (throwing what the server answers) and starts the reader thread. */
  public EventStream start() {
    HttpResponse r = core.open(request);
    synchronized (this) {
      response = r;
      parser = new SseParser(r.body());
      thread = new Thread(this::loop, "backendai-events-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      thread.start();
    }
    return this;
  }

  private void loop() {
    try {
      while (open) {
        boolean serverClosed = readAll();
        release();
        if (serverClosed || !open) {
          break;
        }
        long retry = parser.retryMillis() != null ? parser.retryMillis() : DEFAULT_RETRY_MILLIS;
        if (closedLatch.await(Math.max(retry, 100), TimeUnit.MILLISECONDS)) {
          break;
        }
        try {
          HttpResponse r = core.open(request);
          synchronized (this) {
            response = r;
            parser = new SseParser(r.body());
          }
          if (!open) {
            release();
          }
        } catch (BackendException e) {
          if (!open) {
            break;
          }
          if (e instanceof ai.backend.client.errors.BackendApiException) {
            onError.accept(e);
            break;
          }
          LOG.get()
              .log(Level.DEBUG, "event stream reconnect failed, retrying: {0}", e.getMessage());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open = false;
      release();
      onEnd.run();
    }
  }

  /** Reads until the stream ends; true if the server said {@code server_close}. */
  private boolean readAll() {
    try {
      SseEvent e;
      while (open && (e = parser.next()) != null) {
        if ("server_close".equals(e.event())) {
          return true;
        }
        ComputeSessionEvent ev = parse(e, legacyPayload);
        if (ev != null) {
          try {
            sink.accept(ev);
          } catch (RuntimeException ex) {
            LOG.get().log(Level.WARNING, "session event listener failed", ex);
          }
        }
      }
    } catch (IOException e) {
      if (open) {
        LOG.get().log(Level.DEBUG, "event stream broke: {0}", e.getMessage());
      }
    }
    return false;
  }

  /** Decodes one SSE event; null for events without a JSON object payload. */
  public static ComputeSessionEvent parse(SseEvent e, boolean legacyPayload) {
    JsonObject o;
    try {
      JsonElement el = Json.parse(e.data());
      if (!el.isJsonObject()) {
        return null;
      }
      o = el.getAsJsonObject();
    } catch (JsonParseException ex) {
      return null;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) Json.toPlain(o);
    String name = Json.string(o, "sessionName");
    String id = Json.string(o, "sessionId");
    if (legacyPayload) {
      // 19.09 put the session name into "sessionId"
      if (name == null) {
        name = id;
      }
      id = null;
    }
    JsonElement ec = o.get("exitCode");
    Integer exit = null;
    if (ec != null && ec.isJsonPrimitive() && ec.getAsJsonPrimitive().isNumber()) {
      try {
        long v = Json.longValue(ec, "exitCode");
        exit = v == (int) v ? (int) v : null;
      } catch (JsonParseException outOfRange) {
        // 1e99999 is no exit code: unknown, like a missing one (getAsInt threw
        // NumberFormatException)
      }
    }
    return new ComputeSessionEvent(
        e.event(),
        name,
        id,
        Json.string(o, "ownerAccessKey"),
        Json.string(o, "reason"),
        exit,
        data);
  }

  private synchronized void release() {
    try {
      if (parser != null) {
        parser.close();
      }
    } catch (IOException ignored) {
      // closing a broken stream
    }
    if (response != null) {
      response.close();
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Stops delivery, closes the connection and waits briefly for the reader thread to end. */
  @Override
  public void close() {
    open = false;
    closedLatch.countDown();
    release();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
