package ai.backend.local.api;

import ai.backend.local.sessions.SessionEvent;
import ai.backend.local.sessions.SessionRegistry;
import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /events/session}: session lifecycle as server-sent events (§8.4). A stream holds no
 * thread (asynchronous writes, one shared keep-alive ticker): hundreds of open streams cost memory,
 * not Jetty's workers. {@code :} keep-alive comments every 15 s; on server shutdown each stream gets
 * {@code event: server_close}.
 */
public final class EventsApi implements AutoCloseable {
  private static final Set<String> KERNEL_EVENTS =
      Set.of("preparing", "creating", "started", "terminating", "terminated", "cancelled");

  private final SessionRegistry registry;
  private final Duration keepAlive;
  /** Events queued for a client that does not read, past which its stream is ended. */
  private static final int MAX_PENDING = 10_000;

  private final Set<Subscriber> subscribers = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService ticker;
  private volatile boolean closed;

  public EventsApi(SessionRegistry registry, Duration keepAlive) {
    this.registry = registry;
    this.keepAlive = keepAlive;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bai-events-keepalive");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(50, keepAlive.toMillis() / 3);
    ticker.scheduleAtFixedRate(
        () -> {
          long now = System.nanoTime();
          for (Subscriber sub : subscribers) {
            sub.keepAlive(now);
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
  }

  public void register(Router r) {
    r.add("GET", "/events/session", Dialect.CURRENT, this::events);
  }

  HttpReply events(ApiCall call) throws ApiException {
    String name = call.str("name", "sessionName");
    String sessionId = call.str("sessionId", "session_id");
    String owner = call.str("ownerAccessKey", "owner_access_key");
    String scope = call.str("scope");
    if (owner != null && !owner.equals(call.accessKey())) {
      throw new ApiException(
          403,
          "generic-forbidden",
          "Forbidden operation.",
          "Only your own sessions can be watched.",
          null);
    }
    boolean sessionScope;
    boolean kernelScope;
    if (scope == null || scope.equals("*")) {
      sessionScope = true;
      kernelScope = true;
    } else {
      List<String> parts = List.of(scope.replace(" ", "").split(","));
      for (String p : parts) {
        if (!p.equals("session") && !p.equals("kernel")) {
          throw Problems.invalidParams(
              "scope must be '*', 'session', 'kernel' or 'session,kernel'.");
        }
      }
      sessionScope = parts.contains("session");
      kernelScope = parts.contains("kernel");
    }
    String me = call.accessKey();
    String wantName = name == null || name.isEmpty() ? "*" : name;
    Filter f = new Filter(me, wantName, sessionId, sessionScope, kernelScope);
    return HttpReply.stream("text/event-stream", (req, resp, cb) -> stream(f, req, resp, cb))
        .withHeader("Cache-Control", "no-cache");
  }

  private record Filter(
      String owner, String name, String sessionId, boolean session, boolean kernel) {
    boolean accepts(SessionEvent e) {
      if (!e.owner().equals(owner)) {
        return false;
      }
      if (sessionId != null && !sessionId.isEmpty()) {
        return e.sessionId().equals(sessionId);
      }
      return name.equals("*") || name.equals(e.sessionName());
    }
  }

  private void stream(Filter f, Request request, Response response, Callback callback) {
    Subscriber sub = new Subscriber(f, response, callback);
    subscribers.add(sub);
    sub.unsubscribe = registry.subscribe(sub::offer);
    sub.send(": stream opened\n\n", false);
    if (closed) {
      sub.close();
    }
  }

  /**
   * One open stream. Holds no thread: events (from the registry's callbacks) and keep-alives (from
   * the shared ticker) are queued, and one asynchronous write at a time drains the queue, the next
   * started from the previous one's completion.
   */
  private final class Subscriber {
    private final Filter filter;
    private final Response response;
    private final Callback done;
    private final Deque<String> pending = new ArrayDeque<>();
    private volatile AutoCloseable unsubscribe;
    private boolean writing; // guarded by this
    private boolean last; // guarded by this: server_close queued, nothing after it
    private boolean ended; // guarded by this
    private volatile long lastWrite = System.nanoTime();

    Subscriber(Filter filter, Response response, Callback done) {
      this.filter = filter;
      this.response = response;
      this.done = done;
    }

    void offer(SessionEvent e) {
      if (!filter.accepts(e)) {
        return;
      }
      StringBuilder sb = new StringBuilder();
      String suffix = e.name().startsWith("session_") ? e.name().substring(8) : e.name();
      if (filter.session()) {
        sb.append(message(e.name(), payload(e, false)));
      }
      if (filter.kernel() && KERNEL_EVENTS.contains(suffix)) {
        sb.append(message("kernel_" + suffix, payload(e, true)));
      }
      if (sb.length() > 0) {
        send(sb.toString(), false);
      }
    }

    void keepAlive(long now) {
      if (now - lastWrite >= keepAlive.toNanos()) {
        send(":\n\n", false);
      }
    }

    void close() {
      send("event: server_close\ndata: {}\n\n", true);
    }

    void send(String text, boolean isLast) {
      synchronized (this) {
        if (last || ended) {
          return;
        }
        if (pending.size() >= MAX_PENDING) {
          // a client that does not read: drop it rather than buffer without bound
          end(new java.io.IOException("the client does not read its event stream"));
          return;
        }
        pending.add(text);
        last = isLast;
        if (writing) {
          return;
        }
        writing = true;
      }
      drain();
    }

    private void drain() {
      String text;
      boolean finalChunk;
      synchronized (this) {
        if (pending.isEmpty() || ended) {
          writing = false;
          return;
        }
        // everything queued in one write: a completion that runs at once cannot nest deeply
        StringBuilder sb = new StringBuilder();
        for (String t; (t = pending.poll()) != null; ) {
          sb.append(t);
        }
        text = sb.toString();
        finalChunk = last;
      }
      lastWrite = System.nanoTime();
      response.write(
          finalChunk,
          ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
          Callback.from(
              () -> {
                if (finalChunk) {
                  end(null);
                } else {
                  drain();
                }
              },
              this::end));
    }

    /** Ends the stream: succeeded after server_close, failed when the client went away. */
    private void end(Throwable failure) {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
        pending.clear();
      }
      subscribers.remove(this);
      try {
        AutoCloseable u = unsubscribe;
        if (u != null) {
          u.close();
        }
      } catch (Exception ignored) {
        // unsubscribe cannot fail meaningfully
      }
      if (failure == null) {
        done.succeeded();
      } else {
        done.failed(failure);
      }
    }
  }

  private static String message(String event, JsonObject data) {
    return "event: " + event + "\ndata: " + HttpReply.GSON.toJson(data) + "\n\n";
  }

  private static JsonObject payload(SessionEvent e, boolean kernel) {
    JsonObject o = new JsonObject();
    o.addProperty("reason", e.reason());
    o.addProperty("sessionName", e.sessionName());
    o.addProperty("ownerAccessKey", e.owner());
    o.addProperty("sessionId", e.sessionId());
    o.addProperty("exitCode", e.exitCode());
    if (kernel) {
      o.addProperty("kernelId", e.sessionId());
      o.addProperty("clusterRole", "main");
      o.addProperty("clusterIdx", 0);
    }
    return o;
  }

  /** Ends every open stream with {@code server_close}. */
  @Override
  public void close() {
    closed = true;
    ticker.shutdownNow();
    for (Subscriber sub : subscribers) {
      sub.close();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    while (!subscribers.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
