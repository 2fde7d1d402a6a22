package ai.backend.local.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/** Runs a query to completion with a given client (shared by the HTTP tests). */
final class CoreApiTestAccess {
  private CoreApiTestAccess() {}

  static JsonObject run(TestClient c, String path, String version, String code) throws Exception {
    JsonObject body = new JsonObject();
    body.addProperty("mode", "query");
    body.add("runId", com.google.gson.JsonNull.INSTANCE);
    body.addProperty("code", code);
    JsonObject res =
        c.call("POST", path, version, body.toString()).json().getAsJsonObject("result");
    JsonArray console = new JsonArray();
    console.addAll(res.getAsJsonArray("console"));
    while (res.get("status").getAsString().equals("continued")) {
      JsonObject cont = new JsonObject();
      cont.addProperty("mode", "continue");
      cont.addProperty("runId", res.get("runId").getAsString());
      cont.addProperty("code", "");
      res = c.call("POST", path, version, cont.toString()).json().getAsJsonObject("result");
      console.addAll(res.getAsJsonArray("console"));
    }
    res.add("console", console);
    return res;
  }
}
