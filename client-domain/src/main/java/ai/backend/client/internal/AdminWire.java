package ai.backend.client.internal;

import ai.backend.client.ApiVersion;
import ai.backend.client.ComputeSessionListQuery;
import ai.backend.client.ComputeSessionPage;
import ai.backend.client.ComputeSessionSummary;
import ai.backend.client.KeypairInfo;
import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.GraphQLException;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** GraphQL shapes of listing and admin calls per {@link Dialect} (spec §7). */
public final class AdminWire {
  private AdminWire() {}

  /** {@code POST /admin/graphql} or {@code /admin/gql}. */
  public static ApiRequest graphql(Dialect d, String query, Map<String, ?> variables) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", query);
    body.put("variables", variables);
    return ApiRequest.builder("POST", d.graphQlPath()).jsonBody(body).build();
  }

  /** The {@code data} object: bare on the legacy endpoint, unwrapped (and errors raised) on {@code /admin/gql}. */
  public static ResponseHandler<Map<String, Object>> dataHandler(Dialect d) {
    return r -> {
      JsonObject o = Json.parseObject(Handlers.readBody(r));
      if (d.graphQlReturnsBareData()) {
        return plain(o);
      }
      JsonElement errors = o.get("errors");
      if (errors != null && errors.isJsonArray() && !errors.getAsJsonArray().isEmpty()) {
        Object plainErrors = Json.toPlain(errors);
        String first = errors.getAsJsonArray().get(0).isJsonObject()
            ? Json.string(errors.getAsJsonArray().get(0).getAsJsonObject(), "message")
            : errors.toString();
        throw new GraphQLException(
            "GraphQL error: " + first + " (POST /" + d.graphQlPath() + ")",
            new BackendApiException.Details(
                r.status(),
                null,
                "GraphQL error",
                first,
                plainErrors,
                null,
                plain(o),
                r.headers(),
                "POST",
                "/" + d.graphQlPath()));
      }
      JsonElement data = o.get("data");
      if (data == null || !data.isJsonObject()) {
        throw new JsonParseException("GraphQL response without a 'data' object");
      }
      return plain(data.getAsJsonObject());
    };
  }

  /** Whether the list uses {@code compute_session_list} (v4.20190615+) or v4's {@code compute_sessions}. */
  public static boolean usesSessionList(Dialect d) {
    return d.version().isAtLeast(ApiVersion.V4_20190615);
  }

  /** Any query; the answer is the {@code data} object as plain Java values. */
  public static Endpoint<Map<String, Object>> query(
      Dialect d, String query, Map<String, ?> variables) {
    return new Endpoint<>(graphql(d, query, variables), dataHandler(d));
  }

  /** The session-list query and its variables, with the page parser. */
  public static Endpoint<ComputeSessionPage> listSessions(Dialect d, ComputeSessionListQuery q) {
    return new Endpoint<>(listSessionsRequest(d, q), sessionPageHandler(d, q));
  }

  static ApiRequest listSessionsRequest(Dialect d, ComputeSessionListQuery q) {
    Map<String, Object> vars = new LinkedHashMap<>();
    String query;
    if (!usesSessionList(d)) {
      String fields = "sess_id lang created_at terminated_at status mem_slot cpu_slot gpu_slot";
      // v4 filters by one status; several are filtered here after fetching all
      vars.put("status", q.statuses().size() == 1 ? q.statuses().get(0) : null);
      if (q.accessKey() != null) {
        vars.put("ak", q.accessKey());
        query =
            "query($ak:String, $status:String) { compute_sessions(access_key:$ak, status:$status) { "
                + fields + " } }";
      } else {
        query = "query($status:String) { compute_sessions(status:$status) { " + fields + " } }";
      }
    } else {
      String fields = d.isLegacyKernelApi()
          ? "sess_id image sess_type status status_info created_at terminated_at tag"
          : "name" + (d.version().major() >= 6 ? " id" : "")
              + " type image status status_info created_at tag";
      if (q.accessKey() != null) {
        fields += " access_key";
      }
      vars.put("limit", q.limit());
      vars.put("offset", q.offset());
      vars.put("status", q.statuses().isEmpty() ? null : String.join(",", q.statuses()));
      vars.put("access_key", q.accessKey());
      query = "query($limit:Int!, $offset:Int!, $status:String, $access_key:String) {"
          + " compute_session_list(limit:$limit, offset:$offset, status:$status, access_key:$access_key) {"
          + " items { " + fields + " } total_count } }";
    }
    return graphql(d, query, vars);
  }

  @SuppressWarnings("unchecked")
  public static ResponseHandler<ComputeSessionPage> sessionPageHandler(
      Dialect d, ComputeSessionListQuery q) {
    ResponseHandler<Map<String, Object>> data = dataHandler(d);
    return r -> {
      Map<String, Object> m = data.handle(r);
      if (!usesSessionList(d)) {
        Object list = m.get("compute_sessions");
        if (!(list instanceof List<?>)) {
          throw new JsonParseException("no compute_sessions list in the response");
        }
        List<ComputeSessionSummary> all = new ArrayList<>();
        for (Object o : (List<Object>) list) {
          ComputeSessionSummary s = summary(item(o));
          if (q.statuses().size() <= 1
              || s.status() != null
                  && q.statuses().contains(s.status())) { // List.of: contains(null) throws
            all.add(s);
          }
        }
        int from = Math.min(q.offset(), all.size());
        return new ComputeSessionPage(
            all.subList(from, Math.min(all.size(), from + q.limit())), all.size());
      }
      Object l = m.get("compute_session_list");
      if (!(l instanceof Map<?, ?>)) {
        throw new JsonParseException("no compute_session_list object in the response");
      }
      Map<String, Object> page = (Map<String, Object>) l;
      List<ComputeSessionSummary> items = new ArrayList<>();
      if (page.get("items") instanceof List<?> li) {
        for (Object o : li) {
          items.add(summary(item(o)));
        }
      }
      long total = page.get("total_count") instanceof Number n ? n.longValue() : items.size();
      return new ComputeSessionPage(items, total);
    };
  }

  /** A session list item; null (JSON null) or a non-object is a malformed response, not a NullPointerException. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> item(Object o) {
    if (!(o instanceof Map<?, ?>)) {
      throw new JsonParseException("a session list item is not an object: " + o);
    }
    return (Map<String, Object>) o;
  }

  static ComputeSessionSummary summary(Map<String, Object> m) {
    String name = str(m, "name", "sess_id", "session_name");
    return new ComputeSessionSummary(
        name,
        str(m, "id", "session_id"),
        str(m, "status"),
        str(m, "image", "lang"),
        str(m, "type", "sess_type"),
        str(m, "created_at"),
        m);
  }

  private static String str(Map<String, Object> m, String... keys) {
    for (String k : keys) {
      Object v = m.get(k);
      if (v != null) {
        return v.toString();
      }
    }
    return null;
  }

  /** Own keypair; the secret key is deliberately not requested. */
  public static Endpoint<KeypairInfo> keypair(Dialect d) {
    return new Endpoint<>(
        graphql(
            d,
            "query { keypair { access_key is_active is_admin resource_policy"
                + " concurrency_limit concurrency_used rate_limit num_queries } }",
            null),
        keypairHandler(d));
  }

  @SuppressWarnings("unchecked")
  public static ResponseHandler<KeypairInfo> keypairHandler(Dialect d) {
    ResponseHandler<Map<String, Object>> data = dataHandler(d);
    return r -> {
      Object k = data.handle(r).get("keypair");
      if (!(k instanceof Map<?, ?>)) {
        throw new JsonParseException("no keypair object in the response");
      }
      Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) k);
      m.remove("secret_key");
      return new KeypairInfo(
          str(m, "access_key"),
          Boolean.TRUE.equals(m.get("is_active")),
          Boolean.TRUE.equals(m.get("is_admin")),
          str(m, "resource_policy"),
          num(m, "concurrency_limit"),
          num(m, "concurrency_used"),
          num(m, "rate_limit"),
          num(m, "num_queries"),
          java.util.Collections.unmodifiableMap(m));
    };
  }

  private static Long num(Map<String, Object> m, String k) {
    return m.get(k) instanceof Number n ? n.longValue() : null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> plain(JsonObject o) {
    return (Map<String, Object>) Json.toPlain(o);
  }
}
