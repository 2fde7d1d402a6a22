package ai.backend.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.errors.GraphQLException;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.WaitTimeoutException;
import ai.backend.client.internal.Json;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.RequestBody;
import ai.backend.client.testsupport.FakeTransport;
import ai.backend.transport.tck.ReferenceHmac;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What goes on the wire per dialect: paths, methods, field names (spec §5, §6, §7, §13). */
class KernelRequestShapesTest {
  static final ApiVersion V4 = ApiVersion.V4_20181215;
  static final ApiVersion V4_0615 = ApiVersion.V4_20190615;
  static final ApiVersion V5 = ApiVersion.V5_20191215;
  static final ApiVersion V8 = ApiVersion.V8_20240915;
  static final ApiVersion V9 = ApiVersion.V9_20250722;

  static Session session(ApiVersion v, FakeTransport t) {
    Config c = Config.builder()
        .endpoint("http://127.0.0.1:8081")
        .accessKey("AK")
        .secretKey("SK")
        .apiVersion(v)
        .negotiate(false)
        .vfolderMounts(List.of("shared"))
        .build();
    return Session.builder().config(c).transport(t).hmac(new ReferenceHmac()).build();
  }

  static JsonObject body(HttpRequest r) {
    return Json.parseObject(((RequestBody.Bytes) r.body()).data());
  }

  static String target(HttpRequest r) {
    return r.method() + " " + r.uri().getRawPath()
        + (r.uri().getRawQuery() == null ? "" : "?" + r.uri().getRawQuery());
  }

  @Test
  void createV4UsesLangTokenAndLegacyResources() {
    FakeTransport t = new FakeTransport()
        .json(201, "{\"kernelId\": \"tok1234\", \"servicePorts\": [], \"created\": true}");
    try (Session s = session(V4, t)) {
      Kernel k = Kernel.getOrCreate(
          s,
          "lua5",
          KernelOptions.builder()
              .clientToken("tok1234")
              .tag("t")
              .env("A", "1")
              .mount("data")
              .resource("cpu", 2)
              .resource("mem", "512m")
              .resource("gpu", 0.5)
              .build());
      assertEquals("tok1234", k.name());
      assertNull(k.id());
      assertTrue(k.isCreated());
      HttpRequest r = t.requests().get(0);
      assertEquals("POST /kernel", target(r));
      JsonObject b = body(r);
      assertEquals("lua5", b.get("lang").getAsString());
      assertEquals("tok1234", b.get("clientSessionToken").getAsString());
      assertFalse(b.has("image") || b.has("name") || b.has("enqueueOnly") || b.has("group"));
      JsonObject cfg = b.getAsJsonObject("config");
      assertEquals("[\"data\",\"shared\"]", cfg.get("mounts").toString());
      assertEquals(2, cfg.get("instanceCores").getAsInt());
      assertEquals(512, cfg.get("instanceMemory").getAsInt());
      assertEquals(0.5, cfg.get("instanceGPUs").getAsDouble());
      assertFalse(cfg.has("resources"));
    }
  }

  @Test
  void v4RejectsWhatItCannotHonourBeforeSending() {
    FakeTransport t = new FakeTransport();
    try (Session s = session(V4, t)) {
      assertThrows(
          InvalidArgumentException.class,
          () -> Kernel.getOrCreate(
              s, "python", KernelOptions.builder().enqueueOnly(true).build()));
      assertThrows(
          InvalidArgumentException.class,
          () -> Kernel.getOrCreate(
              s,
              "python",
              KernelOptions.builder().resource("cuda.mem", 1).resource("tpu", 1).build()));
      assertThrows(
          InvalidArgumentException.class,
          () -> Kernel.getOrCreate(
              s, "python", KernelOptions.builder().priority(5).build()));
      assertTrue(t.requests().isEmpty());
    }
  }

  @Test
  void invalidNamesFailInTheBuilder() {
    for (String bad : List.of("abc", "-abcd", "abcd-", "a b c d", "x".repeat(65), "naïve1")) {
      assertThrows(InvalidArgumentException.class, () -> KernelOptions.builder().name(bad), bad);
    }
    assertEquals("ab.c-d_e", KernelOptions.builder().name("ab.c-d_e").build().name());
    assertTrue(KernelOptions.NAME_PATTERN.matcher(KernelOptions.generateName()).matches());
  }

  @Test
  void createV4_20190615UsesImageAndEnqueueFlagsButStillTheToken() {
    FakeTransport t = new FakeTransport()
        .json(201, "{\"kernelId\": \"sess1\", \"status\": \"PENDING\", \"created\": true}");
    try (Session s = session(V4_0615, t)) {
      Kernel k = Kernel.getOrCreate(
          s,
          "python",
          KernelOptions.builder()
              .name("sess1")
              .enqueueOnly(true)
              .maxWait(Duration.ofSeconds(30))
              .type(ComputeSessionType.BATCH)
              .startupCommand("ls")
              .resource("cpu", 1)
              .build());
      assertEquals("PENDING", k.status());
      JsonObject b = body(t.requests().get(0));
      assertEquals("POST /kernel", target(t.requests().get(0)));
      assertEquals("python", b.get("image").getAsString());
      assertEquals("sess1", b.get("clientSessionToken").getAsString());
      assertTrue(b.get("enqueueOnly").getAsBoolean());
      assertEquals(30, b.get("maxWaitSeconds").getAsInt());
      assertEquals("batch", b.get("type").getAsString());
      assertEquals("default", b.get("group").getAsString());
      assertEquals(
          1, b.getAsJsonObject("config").getAsJsonObject("resources").get("cpu").getAsInt());
    }
  }

  @Test
  void createV9UsesSessionRoutesNameAndPriority() {
    // v9 sends folders by id too: the configured mount "shared" is resolved first
    FakeTransport t = new FakeTransport()
        .json(200, "{\"id\": \"0123456789abcdef0123456789abcdef\", \"name\": \"shared\"}")
        .json(
            201,
            "{\"sessionId\": \"6f0b0d0e-0000-0000-0000-000000000001\","
                + " \"sessionName\": \"sess1\", \"status\": \"RUNNING\", \"servicePorts\": [], \"created\": false}");
    try (Session s = session(V9, t)) {
      Kernel k = Kernel.getOrCreate(
          s, "python", KernelOptions.builder().name("sess1").priority(20).build());
      assertFalse(k.isCreated());
      assertEquals("6f0b0d0e-0000-0000-0000-000000000001", k.id());
      assertEquals("RUNNING", k.status());
      assertTrue(target(t.requests().get(0)).startsWith("GET /folders/_/id"));
      JsonObject b = body(t.requests().get(1));
      assertEquals("POST /session", target(t.requests().get(1)));
      assertEquals(
          "0123456789abcdef0123456789abcdef",
          b.getAsJsonObject("config").getAsJsonArray("mount_ids").get(0).getAsString());
      assertEquals("sess1", b.get("name").getAsString());
      assertEquals(20, b.get("priority").getAsInt());
      assertTrue(b.get("reuseIfExists").getAsBoolean());
      assertFalse(b.has("clientSessionToken") || b.has("lang"));
    }
  }

  @Test
  void executeSendsBothRunIdKeysAndParsesConsole() {
    FakeTransport t = new FakeTransport()
        .json(
            200,
            "{\"result\": {\"runId\": \"r1\", \"status\": \"waiting-input\", \"exitCode\": null,"
                + " \"console\": [[\"stdout\", \"name? \"]], \"options\": {\"is_password\": true}, \"files\": null}}")
        .json(
            200,
            "{\"result\": {\"runId\": \"r1\", \"status\": \"finished\", \"exitCode\": 0, \"console\":"
                + " [[\"stdout\", \"hi\\n\"], [\"stderr\", \"w\"], [\"media\", [\"image/svg+xml\", \"<svg/>\"]],"
                + " [\"html\", \"<b>x</b>\"], [\"log\", [\"INFO\", \"t\", \"l\", \"m\"]], [\"weird\", {\"a\": 1}]],"
                + " \"options\": null, \"files\": []}}");
    try (Session s = session(V5, t)) {
      Kernel k = Kernel.of(s, "sess1");
      StringBuilder prompts = new StringBuilder();
      RunResult r = k.run("x = input('name? ')", RunOptions.defaults().withInput((p, pw) -> {
        prompts.append(p).append(pw);
        return "bob";
      }));
      assertEquals("name? true", prompts.toString());
      assertEquals(ExecutionStatus.FINISHED, r.status());
      assertEquals(java.util.OptionalInt.of(0), r.exitCode());
      assertEquals("name? hi\n", r.stdout());
      assertEquals("w", r.stderr());
      assertEquals(
          List.of("stdout", "stdout", "stderr", "media", "html", "log", "weird"),
          r.console().stream().map(ConsoleItem::type).toList());
      assertEquals(new ConsoleItem.Media("image/svg+xml", "<svg/>"), r.console().get(3));
      assertEquals(new ConsoleItem.Other("weird", Map.of("a", 1L)), r.console().get(6));
      JsonObject first = body(t.requests().get(0));
      assertEquals("POST /session/sess1", target(t.requests().get(0)));
      assertEquals("query", first.get("mode").getAsString());
      assertTrue(first.has("runId") && first.get("runId").isJsonNull());
      assertTrue(first.has("run_id") && first.get("run_id").isJsonNull());
      JsonObject second = body(t.requests().get(1));
      assertEquals("input", second.get("mode").getAsString());
      assertEquals("bob", second.get("code").getAsString());
      assertEquals("r1", second.get("runId").getAsString());
      assertEquals("r1", second.get("run_id").getAsString());
    }
  }

  @Test
  void batchStepsAreReportedAndOptionsSentOnlyFirst() {
    FakeTransport t = new FakeTransport()
        .json(
            200,
            "{\"result\": {\"runId\": \"b\", \"status\": \"clean-finished\", \"exitCode\": 0, \"console\": []}}")
        .json(
            200,
            "{\"result\": {\"runId\": \"b\", \"status\": \"build-finished\", \"exitCode\": 1, \"console\": []}}")
        .json(
            200,
            "{\"result\": {\"runId\": \"b\", \"status\": \"finished\", \"exitCode\": 127, \"console\": []}}");
    try (Session s = session(V8, t)) {
      StringBuilder steps = new StringBuilder();
      RunResult r = Kernel.of(s, "sess1")
          .runBatch(
              BatchOptions.defaults().withClean("*"),
              RunOptions.defaults()
                  .withStepListener((st, code) ->
                      steps.append(st.wire()).append('=').append(code).append(' ')));
      assertEquals("clean-finished=0 build-finished=1 finished=127 ", steps.toString());
      assertEquals(java.util.OptionalInt.of(1), r.buildExitCode());
      assertEquals(java.util.OptionalInt.of(127), r.exitCode());
      JsonObject opts = body(t.requests().get(0)).getAsJsonObject("options");
      assertEquals(
          "{\"clean\":\"*\",\"build\":\"*\",\"buildLog\":true,\"exec\":\"*\"}", opts.toString());
      assertFalse(body(t.requests().get(1)).has("options"));
      assertEquals("continue", body(t.requests().get(1)).get("mode").getAsString());
    }
  }

  @Test
  void execTimeoutAndUnknownStatusesEndTheLoop() {
    FakeTransport t = new FakeTransport()
        .json(
            200,
            "{\"result\": {\"runId\": \"a\", \"status\": \"continued\", \"console\": [[\"stdout\", \"1\"]]}}")
        .json(
            200, "{\"result\": {\"runId\": \"a\", \"status\": \"exec-timeout\", \"console\": []}}")
        .json(200, "{\"result\": {\"runId\": \"c\", \"status\": \"brand-new\", \"console\": []}}");
    try (Session s = session(V9, t)) {
      Kernel k = Kernel.of(s, "sess1");
      assertEquals(ExecutionStatus.EXEC_TIMEOUT, k.run("loop").status());
      RunResult u = k.run("x");
      assertEquals(ExecutionStatus.UNKNOWN, u.status());
      assertEquals("brand-new", u.rawStatus());
      assertEquals(3, t.requests().size());
    }
  }

  @Test
  void filesLogsCompletionPerDialect() {
    String files =
        "{\"files\": \"[{\\\"mode\\\": \\\"-rw-r--r--\\\", \\\"size\\\": 12, \\\"ctime\\\": 1544846706.5,"
            + " \\\"mtime\\\": 1544846706.5, \\\"atime\\\": 1.0, \\\"filename\\\": \\\"main.c\\\"}]\", \"errors\": \"\", \"abspath\": \".\"}";
    for (ApiVersion v : List.of(V4, V9)) {
      FakeTransport t = new FakeTransport()
          .json(200, files)
          .json(200, "{\"result\": {\"logs\": \"boot\\n\"}}")
          .json(
              200,
              v == V4
                  ? "{\"result\": [\"print\", \"printf\"]}"
                  : "{\"status\": \"finished\", \"error\": null, \"suggestions\": [\"print\"]}")
          .respond(204, null, "")
          .respond(204, null, "")
          .json(200, "{\"stats\": {\"cpu_used\": 10}}");
      try (Session s = session(v, t)) {
        Kernel k = Kernel.of(s, "sess1");
        List<FileEntry> e = k.listFiles("sub dir");
        assertEquals("main.c", e.get(0).name());
        assertEquals(12, e.get(0).size());
        assertEquals(1544846706L, e.get(0).modified().getEpochSecond());
        assertEquals("boot\n", k.logs());
        assertEquals(v == V4 ? List.of("print", "printf") : List.of("print"), k.complete("pri"));
        k.interrupt();
        k.restart();
        assertEquals(new DestroyResult(null, Map.of("cpu_used", 10L)), k.destroy());
        String p = "/" + s.dialect().sessionPrefix() + "/sess1";
        List<HttpRequest> rs = t.requests();
        assertEquals("GET " + p + "/files?path=sub%20dir", target(rs.get(0)));
        assertEquals("sub dir", body(rs.get(0)).get("path").getAsString());
        assertEquals("GET " + p + "/logs", target(rs.get(1)));
        assertEquals("POST " + p + "/complete", target(rs.get(2)));
        assertEquals(3, body(rs.get(2)).getAsJsonObject("options").get("col").getAsInt());
        assertEquals("POST " + p + "/interrupt", target(rs.get(3)));
        assertEquals("PATCH " + p, target(rs.get(4)));
        assertEquals("DELETE " + p, target(rs.get(5)));
        assertEquals(0, t.openResponses());
      }
    }
  }

  @Test
  void downloadMethodAndParametersFollowTheVersion() {
    for (ApiVersion v : List.of(V4, V5, V8, V9)) {
      FakeTransport t =
          new FakeTransport().respond(200, "multipart/mixed; boundary=XX", "--XX--\r\n");
      try (Session s = session(v, t)) {
        Kernel.of(s, "sess1").download(List.of("a b.txt", "c"), Path.of("target/unused-download"));
        HttpRequest r = t.requests().get(0);
        String p = "/" + s.dialect().sessionPrefix() + "/sess1/download";
        if (v == V4) {
          assertEquals("GET " + p, target(r));
          assertEquals("[\"a b.txt\",\"c\"]", body(r).get("files").toString());
        } else if (v == V5) {
          assertEquals("GET " + p + "?files=a%20b.txt&files=c", target(r));
          assertEquals("[\"a b.txt\",\"c\"]", body(r).get("files").toString());
        } else {
          assertEquals("POST " + p + "?files=a%20b.txt&files=c", target(r));
          assertTrue(r.body() instanceof RequestBody.Empty);
        }
      }
    }
  }

  @Test
  void uploadRefusesOutsideBaseAndLargeFilesWithoutSending(@TempDir Path dir) throws Exception {
    Path base = Files.createDirectories(dir.resolve("base"));
    Path ok = Files.writeString(base.resolve("main.c"), "int main(){}");
    Path outside = Files.writeString(dir.resolve("secret.txt"), "x");
    Path big = Files.write(base.resolve("big.bin"), new byte[1 << 20]);
    FakeTransport t = new FakeTransport().respond(204, null, "");
    try (Session s = session(V9, t)) {
      Kernel k = Kernel.of(s, "sess1");
      assertThrows(InvalidArgumentException.class, () -> k.upload(List.of(ok, outside), base));
      assertThrows(InvalidArgumentException.class, () -> k.upload(List.of(big), base));
      assertTrue(t.requests().isEmpty());
      long[] seen = new long[2];
      k.upload(List.of(ok), base, (n, total) -> {
        seen[0] = n;
        seen[1] = total;
      });
      HttpRequest r = t.requests().get(0);
      assertEquals("POST /session/sess1/upload", target(r));
      RequestBody.Stream m = (RequestBody.Stream) r.body();
      assertTrue(m.contentType().startsWith("multipart/form-data; boundary="), m.contentType());
      try (java.io.InputStream in = m.stream().get()) {
        assertTrue(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .contains("Content-Disposition: form-data; name=\"src\"; filename=\"main.c\"\r\n"));
      }
    }
  }

  @Test
  void listingUsesTheVersionsQueryAndEndpoint() {
    FakeTransport t = new FakeTransport()
        .json(
            200,
            "{\"compute_sessions\": ["
                + "{\"sess_id\": \"a\", \"lang\": \"python\", \"status\": \"RUNNING\"},"
                + "{\"sess_id\": \"b\", \"lang\": \"python\", \"status\": \"TERMINATED\"},"
                + "{\"sess_id\": \"c\", \"lang\": \"lua5\", \"status\": \"RUNNING\"}]}");
    try (Session s = session(V4, t)) {
      ComputeSessionPage p = s.admin()
          .listSessions(new ComputeSessionListQuery(List.of("RUNNING", "TERMINATED"), 2, 1, null));
      assertEquals(3, p.totalCount());
      assertEquals(
          List.of("b", "c"), p.items().stream().map(ComputeSessionSummary::name).toList());
      HttpRequest r = t.requests().get(0);
      assertEquals("POST /admin/graphql", target(r));
      assertTrue(body(r).get("query").getAsString().contains("compute_sessions(status:$status)"));
      assertTrue(body(r).getAsJsonObject("variables").get("status").isJsonNull());
    }
    t = new FakeTransport()
        .json(
            200,
            "{\"data\": {\"compute_session_list\": {\"items\": [{\"name\": \"a\","
                + " \"id\": \"u1\", \"status\": \"RUNNING\", \"image\": \"python\", \"type\": \"interactive\"}], \"total_count\": 7}}}")
        .json(200, "{\"data\": null, \"errors\": [{\"message\": \"Cannot query field 'x'\"}]}");
    try (Session s = session(V9, t)) {
      ComputeSessionPage p = s.admin()
          .listSessions(new ComputeSessionListQuery(List.of("RUNNING", "PENDING"), 1, 0, null));
      assertEquals(7, p.totalCount());
      assertEquals("u1", p.items().get(0).id());
      HttpRequest r = t.requests().get(0);
      assertEquals("POST /admin/gql", target(r));
      JsonObject vars = body(r).getAsJsonObject("variables");
      assertEquals("RUNNING,PENDING", vars.get("status").getAsString());
      assertEquals(1, vars.get("limit").getAsInt());
      GraphQLException e =
          assertThrows(GraphQLException.class, () -> s.admin().graphql("{ x }", Map.of()));
      assertEquals("Cannot query field 'x'", e.msg());
      assertEquals(0, t.openResponses());
    }
  }

  @Test
  void keypairNeverCarriesTheSecret() {
    FakeTransport t = new FakeTransport()
        .json(
            200,
            "{\"keypair\": {\"access_key\": \"AK\", \"secret_key\": \"SK!\","
                + " \"is_active\": true, \"is_admin\": false, \"concurrency_limit\": 30}}");
    try (Session s = session(V4, t)) {
      KeypairInfo k = s.admin().keypair();
      assertEquals("AK", k.accessKey());
      assertEquals(30L, k.concurrencyLimit());
      assertFalse(k.toString().contains("SK!"));
      assertFalse(body(t.requests().get(0)).get("query").getAsString().contains("secret_key"));
    }
  }

  @Test
  void eventsPathAndParametersFollowTheVersion() {
    FakeTransport t = new FakeTransport()
        .respond(
            200,
            "text/event-stream",
            "event: session_started\ndata: {\"sessionName\": \"sess1\", \"sessionId\": \"u1\", \"reason\": \"\"}\n\n"
                + "event: server_close\ndata: {}\n\n");
    try (Session s = session(V9, t)) {
      ComputeSessionEvent e = s.events().awaitStatus("sess1", "RUNNING", Duration.ofSeconds(5));
      assertEquals("session_started", e.name());
      assertEquals("u1", e.sessionId());
      assertEquals(
          "GET /events/session?name=sess1&group=%2A", target(t.requests().get(0)));
    }
    t = new FakeTransport().respond(200, "text/event-stream", "event: server_close\ndata: {}\n\n");
    try (Session s = session(V4_0615, t)) {
      assertThrows(WaitTimeoutException.class, () -> s.events()
          .awaitStatus("sess1", "RUNNING", Duration.ofMillis(200)));
      assertEquals(
          "GET /stream/kernel/_/events?sessionId=sess1&group=%2A",
          target(t.requests().get(0)));
      assertEquals(0, t.openResponses());
    }
    try (Session s = session(V4, new FakeTransport())) {
      assertThrows(
          InvalidArgumentException.class, () -> s.events().subscribe(EventFilter.all(), e -> {}));
    }
  }

  @Test
  void asyncRunChainsTheSameCalls() {
    FakeTransport t = new FakeTransport()
        .json(
            200,
            "{\"result\": {\"runId\": \"r\", \"status\": \"continued\", \"console\": [[\"stdout\", \"a\"]]}}")
        .json(
            200,
            "{\"result\": {\"runId\": \"r\", \"status\": \"waiting-input\", \"console\": [], \"options\": {\"is_password\": false}}}")
        .json(
            200,
            "{\"result\": {\"runId\": \"r\", \"status\": \"finished\", \"exitCode\": 0, \"console\": [[\"stdout\", \"b\"]]}}");
    try (Session s = session(V9, t)) {
      StringBuilder seen = new StringBuilder();
      RunResult r = Kernel.of(s, "sess1")
          .async()
          .run(
              "x",
              RunOptions.defaults()
                  .withListener(i -> seen.append(((ConsoleItem.Stdout) i).text()))
                  .withAsyncInput(
                      (p, pw) -> java.util.concurrent.CompletableFuture.completedFuture("in")))
          .join();
      assertEquals("ab", seen.toString());
      assertEquals("ab", r.stdout());
      assertEquals("in", body(t.requests().get(2)).get("code").getAsString());
      assertTrue(new String(
              ((RequestBody.Bytes) t.requests().get(1).body()).data(), StandardCharsets.UTF_8)
          .contains("\"mode\":\"continue\""));
    }
  }
}
