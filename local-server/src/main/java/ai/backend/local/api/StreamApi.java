package ai.backend.local.api;

import ai.backend.local.sessions.Session;
import ai.backend.local.sessions.SessionRegistry;
import ai.backend.local.stream.AppServices;
import ai.backend.local.stream.ExecuteEndpoint;
import ai.backend.local.stream.PtyEndpoint;
import ai.backend.local.stream.StreamHub;
import ai.backend.local.stream.TcpProxyEndpoint;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * The WebSocket routes (spec §8): {@code /stream/kernel/{id}/…} (v4) and {@code /stream/session/{id}/…}
 * (v5+). The upgrade GET goes through {@link ApiHandler} like any request — signature check, rate
 * limit, session lookup — and is upgraded only when all of that passed, so failures are ordinary
 * problem+json answers.
 */
public final class StreamApi {
  private final SessionRegistry registry;
  private final StreamHub hub;
  private final ServerWebSocketContainer container;

  public StreamApi(SessionRegistry registry, StreamHub hub, ServerWebSocketContainer container) {
    this.registry = registry;
    this.hub = hub;
    this.container = container;
  }

  public void register(Router r) {
    for (Dialect d : Dialect.values()) {
      String p = "/stream/" + d.prefix() + "/{id}";
      r.add("GET", p + "/pty", d, this::pty);
      r.add("GET", p + "/execute", d, this::execute);
      r.add("GET", p + "/tcpproxy", d, this::tcpproxy);
    }
    r.add("GET", "/stream/session/{id}/apps", Dialect.CURRENT, this::apps);
  }

  HttpReply pty(ApiCall call) throws ApiException {
    Session s = runningSession(call);
    requireUpgrade(call);
    if (!hub.ptyAvailable()) {
      throw new ApiException(
          503,
          "service-unavailable",
          "Service unavailable.",
          "Terminals need python3 and a shell on the server machine.",
          null);
    }
    return upgrade(s, x -> new PtyEndpoint(hub, x));
  }

  HttpReply execute(ApiCall call) throws ApiException {
    Session s = runningSession(call);
    requireUpgrade(call);
    return upgrade(s, x -> new ExecuteEndpoint(hub, x));
  }

  HttpReply tcpproxy(ApiCall call) throws ApiException {
    Session s = runningSession(call);
    String name = call.str("app", "service");
    if (name == null || name.isEmpty()) {
      throw Problems.invalidParams("app is missing or empty!");
    }
    AppServices.App app = hub.app(name)
        .orElseThrow(() -> new ApiException(
            404, "app-not-found", "No such app service provider.", s.name() + ":" + name, null));
    String port = call.str("port");
    if (port != null && !port.isEmpty() && !port.equals(Integer.toString(app.port()))) {
      throw Problems.invalidParams(
          "Service " + name + " does not open the port number " + port + ".");
    }
    requireUpgrade(call);
    int local;
    try {
      local = hub.services(s).ensure(app);
    } catch (IllegalStateException e) {
      throw Problems.sessionNotFound(call.dialect());
    } catch (IOException e) {
      throw Problems.internal("Failed to launch the app service: " + e.getMessage());
    }
    return upgrade(s, x -> new TcpProxyEndpoint(hub, x, local));
  }

  /** {@code [{"name", "protocol", "ports"}]}: the services {@code tcpproxy} can reach. */
  HttpReply apps(ApiCall call) throws ApiException {
    Session s = registry
        .find(call.accessKey(), call.path("id"))
        .orElseThrow(() -> Problems.sessionNotFound(call.dialect()));
    registry.touch(s);
    JsonArray out = new JsonArray();
    for (AppServices.App a : hub.apps()) {
      JsonObject o = new JsonObject();
      o.addProperty("name", a.name());
      o.addProperty("protocol", a.protocol());
      JsonArray ports = new JsonArray();
      ports.add(a.port());
      o.add("ports", ports);
      out.add(o);
    }
    return HttpReply.json(200, out);
  }

  /** The caller's session named by {@code {id}} (name or UUID), waited for until it runs. */
  Session runningSession(ApiCall call) throws ApiException {
    Session s = registry
        .find(call.accessKey(), call.path("id"))
        .orElseThrow(() -> Problems.sessionNotFound(call.dialect()));
    registry.touch(s);
    try {
      s.awaitKernel(SessionRegistry.START_WAIT);
    } catch (TimeoutException e) {
      throw new ApiException(
          503, "kernel-not-ready", "The session is not running yet.", null, null);
    } catch (IllegalStateException e) {
      throw Problems.sessionNotFound(call.dialect());
    }
    return s;
  }

  /** Rejects a plain GET (no {@code Upgrade: websocket}) the way aiohttp does: 400. */
  static void requireUpgrade(ApiCall call) throws ApiException {
    String upgrade = call.header(HttpHeader.UPGRADE.asString());
    if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
      throw Problems.badRequest("Expected a WebSocket upgrade request.");
    }
  }

  private HttpReply upgrade(Session s, Function<Session, Object> endpoint) {
    return HttpReply.stream(null, (req, resp, cb) -> doUpgrade(s, endpoint, req, resp, cb));
  }

  private void doUpgrade(
      Session s, Function<Session, Object> endpoint, Request req, Response resp, Callback cb) {
    boolean upgraded = container.upgrade((rq, rs, c) -> endpoint.apply(s), req, resp, cb);
    if (!upgraded) {
      // not a valid handshake after all (e.g. a wrong Sec-WebSocket-Version)
      byte[] body =
          "{\"type\":\"https://api.backend.ai/probs/generic-bad-request\",\"title\":\"Bad request.\",\"msg\":\"Invalid WebSocket handshake.\"}"
              .getBytes(StandardCharsets.UTF_8);
      resp.setStatus(400);
      resp.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
      resp.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      resp.write(true, ByteBuffer.wrap(body), cb);
    }
  }
}
