package ai.backend.local.api;

import ai.backend.local.sessions.SessionEvent;
import ai.backend.local.sessions.SessionRegistry;
import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;

/**
 * {@code GET /events/session}: session lifecycle as server-sent events (§8.4). One blocking writer per
 * subscriber (acceptable for a development server); {@code :} keep-alive comments every 15 s; on
 * server shutdown each stream gets {@code event: server_close}.
 */
public final class EventsApi implements AutoCloseable {
  private static final Set<String> KERNEL_EVENTS =
      Set.of("preparing", "creating", "started", "terminating", "terminated", "cancelled");
  private static final SessionEvent CLOSE = new SessionEvent("server_close", "", "", "", "", null);

  private final SessionRegistry registry;
  private final Duration keepAlive;
  private final Set<BlockingQueue<SessionEvent>> subscribers = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public EventsApi(SessionRegistry registry, Duration keepAlive) {
    this.registry = registry;
    this.keepAlive = keepAlive;
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
      throw new ApiException(403, "generic-forbidden", "Forbidden operation.",
          "Only your own sessions can be watched.", null);
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
          throw Problems.invalidParams("scope must be '*', 'session', 'kernel' or 'session,kernel'.");
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

  private record Filter(String owner, String name, String sessionId, boolean session, boolean kernel) {
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
    BlockingQueue<SessionEvent> queue = new LinkedBlockingQueue<>();
    subscribers.add(queue);
    AutoCloseable sub =
        registry.subscribe(
            e -> {
              if (f.accepts(e)) {
                queue.add(e);
              }
            });
    try {
      if (closed) {
        queue.add(CLOSE);
      }
      write(response, false, ": stream opened\n\n");
      while (true) {
        SessionEvent e = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
          write(response, false, ":\n\n");
          continue;
        }
        if (e == CLOSE) {
          write(response, true, "event: server_close\ndata: {}\n\n");
          callback.succeeded();
          return;
        }
        StringBuilder sb = new StringBuilder();
        String suffix = e.name().startsWith("session_") ? e.name().substring(8) : e.name();
        if (f.session()) {
          sb.append(message(e.name(), payload(e, false)));
        }
        if (f.kernel() && KERNEL_EVENTS.contains(suffix)) {
          sb.append(message("kernel_" + suffix, payload(e, true)));
        }
        if (sb.length() > 0) {
          write(response, false, sb.toString());
        }
      }
    } catch (Exception e) {
      // client went away (write failed) or we were interrupted: end this stream
      callback.failed(e);
    } finally {
      subscribers.remove(queue);
      try {
        sub.close();
      } catch (Exception ignored) {
        // unsubscribe cannot fail meaningfully
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

  private static void write(Response response, boolean last, String text) throws Exception {
    FutureCallback cb = new FutureCallback();
    response.write(last, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), cb);
    cb.get(30, TimeUnit.SECONDS);
  }

  /** Ends every open stream with {@code server_close}. */
  @Override
  public void close() {
    closed = true;
    for (BlockingQueue<SessionEvent> q : subscribers) {
      q.add(CLOSE);
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
