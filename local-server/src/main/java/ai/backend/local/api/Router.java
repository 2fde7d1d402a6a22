package ai.backend.local.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Routes by method and path segments; {@code {name}} segments capture path parameters. */
public final class Router {
  /** A route; {@code dialect} null means "any dialect". */
  record Route(
      String method,
      String[] pattern,
      Dialect dialect,
      boolean auth,
      Endpoint endpoint,
      boolean streamsBody) {}

  /** A match: the route and its captured parameters. */
  record Match(Route route, Map<String, String> params) {}

  private final List<Route> routes = new ArrayList<>();

  /** Adds an authenticated route. Earlier routes win, so add literal paths before captures. */
  public Router add(String method, String path, Dialect dialect, Endpoint endpoint) {
    routes.add(new Route(method, split(path), dialect, true, endpoint, false));
    return this;
  }

  /**
   * Adds an authenticated route that reads its body itself ({@link ApiCall#bodyStream()}), so the
   * body is neither buffered nor bound by the server's body size limit. A request whose signature
   * covers its body (versions before v4.20181215, non-multipart) is buffered as usual.
   */
  public Router addStreaming(String method, String path, Dialect dialect, Endpoint endpoint) {
    routes.add(new Route(method, split(path), dialect, true, endpoint, true));
    return this;
  }

  /** Adds an unauthenticated route. */
  public Router addPublic(String method, String path, Endpoint endpoint) {
    routes.add(new Route(method, split(path), null, false, endpoint, false));
    return this;
  }

  static String[] split(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out.toArray(new String[0]);
  }

  /**
   * Finds the route for {@code method} and decoded {@code segments} in {@code dialect}.
   *
   * @throws ApiException 404 when no path matches, 405 when only other methods match
   */
  Match match(String method, String[] segments, Dialect dialect, String path) throws ApiException {
    boolean pathMatched = false;
    for (Route r : routes) {
      if (r.dialect() != null && r.dialect() != dialect) {
        continue;
      }
      Optional<Map<String, String>> params = capture(r.pattern(), segments);
      if (params.isEmpty()) {
        continue;
      }
      if (r.method().equals(method) || (method.equals("HEAD") && r.method().equals("GET"))) {
        return new Match(r, params.get());
      }
      pathMatched = true;
    }
    if (pathMatched) {
      throw Problems.methodNotAllowed(method);
    }
    throw Problems.notFound(dialect, path, new com.google.gson.JsonPrimitive(path));
  }

  private static Optional<Map<String, String>> capture(String[] pattern, String[] segments) {
    if (pattern.length != segments.length) {
      return Optional.empty();
    }
    Map<String, String> p = new HashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String pat = pattern[i];
      if (pat.startsWith("{") && pat.endsWith("}")) {
        p.put(pat.substring(1, pat.length() - 1), segments[i]);
      } else if (!pat.equals(segments[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(p);
  }
}
