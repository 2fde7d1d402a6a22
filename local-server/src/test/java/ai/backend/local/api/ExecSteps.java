package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives execute calls step by step over HTTP: one call, then {@code continue} while the answer is
 * {@code continued}, accumulating the console. Bounded by a call count and a deadline.
 */
final class ExecSteps {
  /** Upper bound on continue calls for one step (each waits at most the server's flush timeout). */
  static final int MAX_CALLS = 400;

  final TestClient client;
  final String path;
  final String version;
  String runId;
  /** Every status seen, in order (including {@code continued}). */
  final List<String> statuses = new ArrayList<>();

  ExecSteps(TestClient client, String path, String version) {
    this.client = client;
    this.path = path;
    this.version = version;
  }

  /** Sends one execute call; returns its {@code result}. */
  JsonObject call(JsonObject body) throws Exception {
    String mode = body.get("mode").getAsString();
    if ((mode.equals("query") || mode.equals("batch"))
        && (!body.has("runId") || body.get("runId").isJsonNull())) {
      runId = null; // a new run
    }
    TestClient.Resp r = client.call("POST", path, version, body.toString());
    assertEquals(200, r.status(), r.text());
    JsonObject res = r.json().getAsJsonObject("result");
    String id = res.get("runId").getAsString();
    if (runId != null) {
      assertEquals(runId, id, "run ID must stay the same within a run");
    }
    runId = id;
    statuses.add(res.get("status").getAsString());
    return res;
  }

  static JsonObject body(String mode, String runId, String code) {
    JsonObject b = new JsonObject();
    b.addProperty("mode", mode);
    if (runId == null) {
      b.add("runId", JsonNull.INSTANCE);
    } else {
      b.addProperty("runId", runId);
    }
    b.addProperty("code", code);
    return b;
  }

  /** Starts a query run and follows it to its first non-{@code continued} status. */
  JsonObject query(String code) throws Exception {
    runId = null;
    return settle(call(body("query", null, code)));
  }

  /** Starts a batch run and follows it to its first non-{@code continued} status. */
  JsonObject batch(JsonObject options) throws Exception {
    runId = null;
    JsonObject b = body("batch", null, "");
    b.add("options", options);
    return settle(call(b));
  }

  /** Answers a {@code waiting-input} and follows the run to its next non-{@code continued} status. */
  JsonObject input(String text) throws Exception {
    return settle(call(body("input", runId, text)));
  }

  /** One {@code continue} call then on to the next non-{@code continued} status. */
  JsonObject next() throws Exception {
    return settle(call(body("continue", runId, "")));
  }

  /** Continues while {@code continued}; the returned result's console holds everything collected. */
  JsonObject settle(JsonObject res) throws Exception {
    JsonArray console = new JsonArray();
    console.addAll(res.getAsJsonArray("console"));
    int calls = 0;
    while (res.get("status").getAsString().equals("continued")) {
      assertTrue(++calls < MAX_CALLS, "run did not settle: " + statuses);
      res = call(body("continue", runId, ""));
      console.addAll(res.getAsJsonArray("console"));
    }
    res.add("console", console);
    return res;
  }

  static String out(JsonObject result, String stream) {
    StringBuilder sb = new StringBuilder();
    for (var e : result.getAsJsonArray("console")) {
      JsonArray item = e.getAsJsonArray();
      if (item.get(0).getAsString().equals(stream)) {
        sb.append(item.get(1).getAsString());
      }
    }
    return sb.toString();
  }

  static String stdout(JsonObject result) {
    return out(result, "stdout");
  }

  static String status(JsonObject result) {
    return result.get("status").getAsString();
  }

  static Integer exitCode(JsonObject result) {
    var e = result.get("exitCode");
    return e == null || e.isJsonNull() ? null : e.getAsInt();
  }

  /** A multipart/form-data body with binary-safe contents. */
  static byte[] multipart(String boundary, List<String> names, List<byte[]> contents) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < names.size(); i++) {
      String head =
          "--" + boundary + "\r\nContent-Disposition: form-data; name=\"src\"; filename=\""
              + names.get(i) + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
      out.writeBytes(head.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.writeBytes(contents.get(i));
      out.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** Waits (bounded) until every pid is gone or dead. */
  static void assertAllDead(List<Long> pids, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    for (long pid : pids) {
      while (alive(pid) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      org.junit.jupiter.api.Assertions.assertFalse(alive(pid), "pid " + pid + " still alive");
    }
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
