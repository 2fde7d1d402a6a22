package ai.backend.local.graphql;

import ai.backend.local.api.ApiCall;
import ai.backend.local.api.ApiException;
import ai.backend.local.api.HttpReply;
import ai.backend.local.api.Problems;
import ai.backend.local.api.Router;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import graphql.ExecutionResult;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /admin/graphql} (bare {@code data}; errors → 400) and {@code POST /admin/gql}
 * (always 200 with {@code {"data", "errors"?}}).
 */
public final class GraphQLApi {
  private final GraphQLService service;

  public GraphQLApi(GraphQLService service) {
    this.service = service;
  }

  public void register(Router r) {
    r.add("POST", "/admin/graphql", null, this::legacy);
    r.add("POST", "/admin/gql", null, this::gql);
  }

  private ExecutionResult run(ApiCall call) throws ApiException {
    String query = call.str("query");
    if (query == null || query.isBlank()) {
      throw Problems.invalidParams("query is missing or empty!");
    }
    JsonElement vars = call.params().get("variables");
    Map<String, Object> variables = Map.of();
    if (vars != null && vars.isJsonObject()) {
      variables = HttpReply.GSON.fromJson(vars, new TypeToken<Map<String, Object>>() {}.getType());
      variables = numbersToInts(variables);
    } else if (vars != null && !vars.isJsonNull()) {
      throw Problems.invalidParams("variables must be an object.");
    }
    return service.execute(
        call.accessKey(), query, variables, call.str("operation_name", "operationName"));
  }

  /** Gson reads every JSON number as Double; GraphQL Int variables want integral values. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> numbersToInts(Map<String, Object> m) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, fix(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object fix(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return d.longValue() >= Integer.MIN_VALUE && d.longValue() <= Integer.MAX_VALUE
          ? (Object) d.intValue()
          : (Object) d.longValue();
    }
    if (v instanceof Map<?, ?> mm) {
      return numbersToInts((Map<String, Object>) mm);
    }
    if (v instanceof List<?> l) {
      return l.stream().map(GraphQLApi::fix).toList();
    }
    return v;
  }

  HttpReply legacy(ApiCall call) throws ApiException {
    ExecutionResult r = run(call);
    Map<String, Object> spec = r.toSpecification();
    if (!r.getErrors().isEmpty()) {
      JsonElement errors = HttpReply.GSON.toJsonTree(spec.get("errors"));
      throw Problems.graphql(call.dialect(), r.getErrors().get(0).getMessage(), errors);
    }
    return HttpReply.json(200, HttpReply.GSON.toJsonTree(spec.get("data")));
  }

  HttpReply gql(ApiCall call) throws ApiException {
    ExecutionResult r = run(call);
    Map<String, Object> spec = r.toSpecification();
    JsonObject o = new JsonObject();
    o.add("data", HttpReply.GSON.toJsonTree(spec.get("data")));
    if (!r.getErrors().isEmpty()) {
      o.add("errors", HttpReply.GSON.toJsonTree(spec.get("errors")));
    }
    return HttpReply.json(200, o);
  }
}
