package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Files, GraphQL and SSE through real HTTP. */
class ExtrasApiTest {
  static final String V4 = "v4.20181215";
  static final String V9 = "v9.20250722";

  @RegisterExtension
  static final LocalServerExtension local = new LocalServerExtension();

  static byte[] multipart(String boundary, String[][] files) {
    StringBuilder sb = new StringBuilder();
    for (String[] f : files) {
      sb.append("--")
          .append(boundary)
          .append("\r\n")
          .append("Content-Disposition: form-data; name=\"src\"; filename=\"")
          .append(f[0])
          .append("\"\r\n")
          .append("Content-Type: application/octet-stream\r\n\r\n")
          .append(f[1])
          .append("\r\n");
    }
    sb.append("--").append(boundary).append("--\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void completionAnswersInEachDialectsShape() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"complete-sess\"}")
            .status());
    TestClient.Resp v9 =
        local.client().call("POST", "/session/complete-sess/complete", V9, "{\"code\": \"pri\"}");
    assertEquals(200, v9.status(), v9.text());
    JsonObject o = v9.json();
    assertEquals("finished", o.get("status").getAsString(), v9.text());
    assertTrue(o.get("error").isJsonNull(), v9.text());
    assertTrue(o.get("suggestions").isJsonArray(), v9.text());
    TestClient.Resp v4 =
        local.client().call("POST", "/kernel/complete-sess/complete", V4, "{\"code\": \"pri\"}");
    assertEquals(200, v4.status(), v4.text());
    assertTrue(v4.json().get("result").isJsonArray(), v4.text());
    assertFalse(v4.json().has("status"), v4.text());
  }

  @Test
  void uploadListDownload() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"files-sess\"}")
            .status());
    byte[] body = multipart(
        "XyZ",
        new String[][] {{"main.py", "print('from file')\n"}, {"sub/dir/data.txt", "hello\nworld"}});
    TestClient.Resp up = local
        .client()
        .send(
            "POST",
            "/session/files-sess/upload",
            V9,
            body,
            "multipart/form-data; boundary=XyZ",
            true,
            local.server().secretKey(),
            null);
    assertEquals(204, up.status(), up.text());
    TestClient.Resp escape = local
        .client()
        .send(
            "POST",
            "/session/files-sess/upload",
            V9,
            multipart("b", new String[][] {{"../evil.txt", "x"}}),
            "multipart/form-data; boundary=b",
            true,
            local.server().secretKey(),
            null);
    assertEquals(400, escape.status());
    assertEquals("invalid-api-params", escape.type());
    String[][] many = new String[21][];
    for (int i = 0; i < 21; i++) {
      many[i] = new String[] {"f" + i, "x"};
    }
    TestClient.Resp tooMany = local
        .client()
        .send(
            "POST",
            "/session/files-sess/upload",
            V9,
            multipart("b", many),
            "multipart/form-data; boundary=b",
            true,
            local.server().secretKey(),
            null);
    assertEquals(400, tooMany.status());
    assertTrue(tooMany.json().get("msg").getAsString().contains("Too many files"));

    TestClient.Resp ls = local.client().call("GET", "/session/files-sess/files?path=.", V9, null);
    assertEquals(200, ls.status(), ls.text());
    JsonArray entries =
        JsonParser.parseString(ls.json().get("files").getAsString()).getAsJsonArray();
    List<String> names = new ArrayList<>();
    entries.forEach(e -> names.add(e.getAsJsonObject().get("filename").getAsString()));
    assertTrue(names.contains("main.py") && names.contains("sub"), names.toString());
    assertEquals(".", ls.json().get("abspath").getAsString());
    TestClient.Resp lsOut =
        local.client().call("GET", "/session/files-sess/files?path=%2Fetc", V9, null);
    assertEquals(400, lsOut.status());

    // a symlink pointing outside: listing through it is refused, downloading it stores the link
    Path work = local
        .server()
        .sessions()
        .find(local.server().accessKey(), "files-sess")
        .orElseThrow()
        .workDir();
    Files.createSymbolicLink(work.resolve("outside"), Path.of("/etc"));
    assertEquals(
        400,
        local
            .client()
            .call("GET", "/session/files-sess/files?path=outside%2Fpasswd", V9, null)
            .status());

    TestClient.Resp dl = local
        .client()
        .call(
            "POST", "/session/files-sess/download?files=sub&files=main.py&files=outside", V9, null);
    assertEquals(200, dl.status(), dl.text());
    String ct = dl.headers().firstValue("Content-Type").orElseThrow();
    assertTrue(ct.startsWith("multipart/mixed; boundary="), ct);
    String text = new String(dl.raw(), StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("sub/dir/data.txt"));
    assertTrue(text.contains("hello\nworld"));
    assertTrue(text.contains("print('from file')"));
    assertFalse(text.contains("root:x:0:0"), "symlink target must not be archived");
    verifyTarWithSystemTar(dl.raw(), ct.substring(ct.indexOf('=') + 1));

    TestClient.Resp missing =
        local.client().call("POST", "/session/files-sess/download?files=nope", V9, null);
    assertEquals(400, missing.status());
    assertEquals("The file is not found.", missing.json().get("msg").getAsString());

    TestClient.Resp single = local
        .client()
        .call("POST", "/session/files-sess/download_single?file=sub%2Fdir%2Fdata.txt", V9, null);
    assertEquals(200, single.status());
    assertEquals("hello\nworld", single.text());
    assertEquals(
        400,
        local
            .client()
            .call("POST", "/session/files-sess/download_single?file=outside%2Fpasswd", V9, null)
            .status());

    JsonObject batch = CoreApiTestAccess.run(
        local.client(), "/session/files-sess", V9, "exec(open('main.py').read())");
    assertTrue(batch.toString().contains("from file"), batch.toString());
    local.client().call("DELETE", "/session/files-sess", V9, null);
  }

  /** The work directory by its kernel name, as the official clients send it ({@code ls} asks for /home/work). */
  @Test
  void homeWorkPathsMeanTheWorkDirectory() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"hw-sess\"}")
            .status());
    TestClient.Resp up = local
        .client()
        .send(
            "POST",
            "/session/hw-sess/upload",
            V9,
            multipart(
                "b",
                new String[][] {{"/home/work/abs/in.txt", "absolute"}, {"rel.txt", "relative"}}),
            "multipart/form-data; boundary=b",
            true,
            local.server().secretKey(),
            null);
    assertEquals(204, up.status(), up.text());
    Path work = local
        .server()
        .sessions()
        .find(local.server().accessKey(), "hw-sess")
        .orElseThrow()
        .workDir();
    assertEquals("absolute", Files.readString(work.resolve("abs/in.txt")));

    for (String path : List.of("%2Fhome%2Fwork", "%2Fhome%2Fwork%2F", "%2F%2Fhome%2Fwork")) {
      TestClient.Resp ls =
          local.client().call("GET", "/session/hw-sess/files?path=" + path, V9, null);
      assertEquals(200, ls.status(), path + ": " + ls.text());
      String files = ls.json().get("files").getAsString();
      assertTrue(files.contains("\"abs\"") && files.contains("\"rel.txt\""), files);
    }
    TestClient.Resp sub =
        local.client().call("GET", "/session/hw-sess/files?path=%2Fhome%2Fwork%2Fabs", V9, null);
    assertTrue(sub.json().get("files").getAsString().contains("in.txt"), sub.text());

    TestClient.Resp single = local
        .client()
        .call("POST", "/session/hw-sess/download_single?file=%2Fhome%2Fwork%2Frel.txt", V9, null);
    assertEquals(200, single.status(), single.text());
    assertEquals("relative", single.text());
    TestClient.Resp dl = local
        .client()
        .call("POST", "/session/hw-sess/download?files=%2Fhome%2Fwork%2Fabs", V9, null);
    assertEquals(200, dl.status(), dl.text());
    assertTrue(new String(dl.raw(), StandardCharsets.ISO_8859_1).contains("absolute"));

    // what resolves outside the work directory is still refused
    for (String outside :
        List.of("%2Fhome%2Fworkshop", "%2Fhome%2Fwork%2F..%2Fetc", "%2Fetc", "%2Fhome", "..%2Fx")) {
      TestClient.Resp r =
          local.client().call("GET", "/session/hw-sess/files?path=" + outside, V9, null);
      assertEquals(400, r.status(), outside + ": " + r.text());
      assertEquals("invalid-api-params", r.type());
    }
    TestClient.Resp escape = local
        .client()
        .send(
            "POST",
            "/session/hw-sess/upload",
            V9,
            multipart("b", new String[][] {{"/home/work/../evil.txt", "x"}}),
            "multipart/form-data; boundary=b",
            true,
            local.server().secretKey(),
            null);
    assertEquals(400, escape.status());
    assertFalse(Files.exists(work.getParent().resolve("evil.txt")));
    local.client().call("DELETE", "/session/hw-sess", V9, null);
  }

  @Test
  void v4DownloadWithJsonBodyOnGet() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call(
                "POST",
                "/kernel/create",
                V4,
                "{\"lang\": \"python\", \"clientSessionToken\": \"v4files\"}")
            .status());
    TestClient.Resp up = local
        .client()
        .send(
            "POST",
            "/kernel/v4files/upload",
            V4,
            multipart("qq", new String[][] {{"a.txt", "AAA"}}),
            "multipart/form-data; boundary=qq",
            true,
            local.server().secretKey(),
            null);
    assertEquals(204, up.status());
    TestClient.Resp dl =
        local.client().call("GET", "/kernel/v4files/download", V4, "{\"files\": [\"a.txt\"]}");
    assertEquals(200, dl.status(), dl.text());
    assertTrue(new String(dl.raw(), StandardCharsets.ISO_8859_1).contains("AAA"));
    TestClient.Resp ls =
        local.client().call("GET", "/kernel/v4files/files", V4, "{\"path\": \".\"}");
    assertTrue(ls.json().get("files").getAsString().contains("a.txt"));
    local.client().call("DELETE", "/kernel/v4files", V4, null);
  }

  private static void verifyTarWithSystemTar(byte[] body, String boundary) throws Exception {
    String s = new String(body, StandardCharsets.ISO_8859_1);
    int start = s.indexOf("\r\n\r\n") + 4;
    int end = s.indexOf("\r\n--" + boundary, start);
    byte[] tar = java.util.Arrays.copyOfRange(body, start, end);
    Path dir = Files.createTempDirectory("tar-check");
    Path f = dir.resolve("a.tar");
    Files.write(f, tar);
    Process p = new ProcessBuilder("tar", "-tvf", f.toString())
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("sub/dir/data.txt"), out);
  }

  @Test
  void graphqlBothEndpoints() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"gql-sess\"}")
            .status());
    JsonObject q = new JsonObject();
    q.addProperty(
        "query",
        "query($limit:Int!, $offset:Int!, $status:String) { compute_session_list(limit:$limit, offset:$offset, status:$status) { items { name id status image access_key } total_count } }");
    JsonObject vars = new JsonObject();
    vars.addProperty("limit", 10);
    vars.addProperty("offset", 0);
    vars.addProperty("status", "RUNNING,PENDING");
    q.add("variables", vars);
    TestClient.Resp r = local.client().call("POST", "/admin/gql", V9, q.toString());
    assertEquals(200, r.status(), r.text());
    JsonObject list = r.json().getAsJsonObject("data").getAsJsonObject("compute_session_list");
    assertTrue(list.get("total_count").getAsInt() >= 1, r.text());
    assertFalse(r.json().has("errors"));

    JsonObject v4q = new JsonObject();
    v4q.addProperty(
        "query",
        "query($status:String) { compute_sessions(status:$status) { sess_id lang status } }");
    JsonObject v4vars = new JsonObject();
    v4vars.addProperty("status", "RUNNING");
    v4q.add("variables", v4vars);
    TestClient.Resp legacy = local.client().call("POST", "/admin/graphql", V4, v4q.toString());
    assertEquals(200, legacy.status(), legacy.text());
    assertTrue(legacy.json().getAsJsonArray("compute_sessions").toString().contains("gql-sess"));

    JsonObject kp = new JsonObject();
    kp.addProperty("query", "{ keypair { access_key is_active concurrency_used num_queries } }");
    TestClient.Resp k = local.client().call("POST", "/admin/gql", V9, kp.toString());
    assertEquals(
        local.server().accessKey(),
        k.json()
            .getAsJsonObject("data")
            .getAsJsonObject("keypair")
            .get("access_key")
            .getAsString());

    JsonObject bad = new JsonObject();
    bad.addProperty("query", "{ nosuchfield }");
    TestClient.Resp e1 = local.client().call("POST", "/admin/graphql", V9, bad.toString());
    assertEquals(400, e1.status());
    assertEquals("graphql-error", e1.type());
    assertTrue(e1.json().get("data").isJsonArray());
    TestClient.Resp e2 = local.client().call("POST", "/admin/gql", V9, bad.toString());
    assertEquals(200, e2.status());
    assertTrue(e2.json().getAsJsonArray("errors").size() > 0);
    TestClient.Resp e3 = local.client().call("POST", "/admin/graphql", V4, bad.toString());
    assertEquals("invalid-api-params", e3.type());
    local.client().call("DELETE", "/session/gql-sess", V9, null);
  }

  @Test
  void sessionEventsStream() throws Exception {
    String target = "/events/session?name=sse-sess&scope=session,kernel";
    // sign via the test client, then open the stream with the same headers
    TestClient signer = TestClient.of(local.server());
    HttpRequest req = signedGet(signer, target);
    CompletableFuture<HttpResponse<java.io.InputStream>> f =
        signer.http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream());
    HttpResponse<java.io.InputStream> resp = f.get(10, TimeUnit.SECONDS);
    assertEquals(200, resp.statusCode());
    assertTrue(
        resp.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8));
    assertEquals(
        201,
        local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"sse-sess\"}")
            .status());
    local.client().call("DELETE", "/session/sse-sess", V9, null);
    List<String> events = new ArrayList<>();
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.startsWith("event: ")) {
        events.add(line.substring(7));
        if (line.equals("event: kernel_terminated")) {
          break;
        }
      } else if (line.startsWith("data: ")
          && events.get(events.size() - 1).equals("session_started")) {
        JsonObject d = JsonParser.parseString(line.substring(6)).getAsJsonObject();
        assertEquals("sse-sess", d.get("sessionName").getAsString());
        assertEquals(local.server().accessKey(), d.get("ownerAccessKey").getAsString());
      }
    }
    assertTrue(
        events.containsAll(List.of(
            "session_enqueued",
            "session_started",
            "kernel_started",
            "session_terminating",
            "session_terminated",
            "kernel_terminated")),
        events.toString());
    resp.body().close();
  }

  static HttpRequest signedGet(TestClient c, String target) throws Exception {
    String date = java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
        java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
    String host = c.base.getHost() + ":" + c.base.getPort();
    String sts = String.join(
        "\n",
        "GET",
        target,
        date,
        "host:" + host,
        "content-type:application/octet-stream",
        "x-backendai-version:" + V9,
        TestClient.sha256Hex(new byte[0]));
    byte[] k1 = TestClient.hmac(
        c.secretKey.getBytes(StandardCharsets.UTF_8), date.substring(0, 10).replace("-", ""));
    String sig =
        java.util.HexFormat.of().formatHex(TestClient.hmac(TestClient.hmac(k1, host), sts));
    return HttpRequest.newBuilder(URI.create(c.base + target))
        .timeout(Duration.ofSeconds(30))
        .header("X-BackendAI-Version", V9)
        .header("X-BackendAI-Date", date)
        .header(
            "Authorization",
            "BackendAI signMethod=HMAC-SHA256, credential=" + c.accessKey + ":" + sig)
        .GET()
        .build();
  }
}
