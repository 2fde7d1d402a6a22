package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Upload limits, sessions per key, body size and the rate limit (README "Protocol", "Routes"). */
class LimitsApiTest {
  static final String V4 = "v4.20181215";
  static final String V9 = "v9.20250722";
  static final long MAX_BODY = 2L << 20;

  @RegisterExtension
  static final LocalServerExtension local =
      new LocalServerExtension(b -> b.maxSessionsPerKey(2).maxBodyBytes(MAX_BODY));

  static TestClient.Resp upload(
      String path, String version, List<String> names, List<byte[]> contents) throws Exception {
    return local
        .client()
        .send(
            "POST",
            path + "/upload",
            version,
            ExecSteps.multipart("lim1t", names, contents),
            "multipart/form-data; boundary=lim1t",
            true,
            local.server().secretKey(),
            null);
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 'a');
    return b;
  }

  @Test
  void uploadLimits() throws Exception {
    TestClient.Resp c = local
        .client()
        .call("POST", "/session", V9, "{\"image\": \"python\", \"name\": \"up-limits\"}");
    assertEquals(201, c.status(), c.text());
    try {
      List<String> names = new ArrayList<>();
      List<byte[]> contents = new ArrayList<>();
      for (int i = 0; i < 21; i++) {
        names.add("f" + i + ".txt");
        contents.add(bytes(1));
      }
      TestClient.Resp tooMany = upload("/session/up-limits", V9, names, contents);
      assertEquals(400, tooMany.status(), tooMany.text());
      assertEquals("invalid-api-params", tooMany.type());
      assertTrue(
          tooMany.json().get("msg").getAsString().contains("Too many files"), tooMany.text());
      // exactly 20 is fine
      TestClient.Resp twenty =
          upload("/session/up-limits", V9, names.subList(0, 20), contents.subList(0, 20));
      assertEquals(204, twenty.status(), twenty.text());

      TestClient.Resp oneMiB =
          upload("/session/up-limits", V9, List.of("big.bin"), List.of(bytes(1 << 20)));
      assertEquals(400, oneMiB.status(), oneMiB.text());
      assertEquals("invalid-api-params", oneMiB.type());
      assertTrue(oneMiB.json().get("msg").getAsString().contains("Too large file"), oneMiB.text());
      TestClient.Resp justUnder =
          upload("/session/up-limits", V9, List.of("big.bin"), List.of(bytes((1 << 20) - 1)));
      assertEquals(204, justUnder.status(), justUnder.text());
      TestClient.Resp ls = local.client().call("GET", "/session/up-limits/files?path=.", V9, null);
      assertTrue(ls.json().get("files").getAsString().contains("big.bin"), ls.text());

      TestClient.Resp v4 = local
          .client()
          .send(
              "POST",
              "/kernel/up-limits/upload",
              V4,
              ExecSteps.multipart("lim1t", List.of("big.bin"), List.of(bytes(1 << 20))),
              "multipart/form-data; boundary=lim1t",
              true,
              local.server().secretKey(),
              null);
      assertEquals(400, v4.status(), v4.text());
      assertEquals("invalid-api-params", v4.type());
      assertTrue(v4.json().get("title").getAsString().contains("Too large file"), v4.text());
    } finally {
      local.client().call("DELETE", "/session/up-limits", V9, null);
    }
  }

  @Test
  void sessionsPerKey() throws Exception {
    // the other tests of this class delete their sessions in finally, so both slots are free here
    synchronized (LimitsApiTest.class) {
      for (String n : List.of("quota-a", "quota-b")) {
        TestClient.Resp r = local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"" + n + "\"}");
        assertEquals(201, r.status(), r.text());
      }
      try {
        TestClient.Resp third = local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"quota-c\"}");
        assertEquals(412, third.status(), third.text());
        assertEquals("quota-exceeded", third.type());
        TestClient.Resp thirdV4 = local
            .client()
            .call(
                "POST",
                "/kernel/create",
                V4,
                "{\"lang\": \"sh\", \"clientSessionToken\": \"quota-c\"}");
        assertEquals(412, thirdV4.status(), thirdV4.text());
        assertEquals("quota-exceeded", thirdV4.type());
        // reusing an existing session does not count as a new one
        TestClient.Resp reuse = local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"quota-a\"}");
        assertEquals(201, reuse.status(), reuse.text());
        // a destroyed session frees its slot
        assertEquals(
            200, local.client().call("DELETE", "/session/quota-b", V9, null).status());
        TestClient.Resp again = local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"quota-c\"}");
        assertEquals(201, again.status(), again.text());
      } finally {
        for (String n : List.of("quota-a", "quota-b", "quota-c")) {
          local.client().call("DELETE", "/session/" + n, V9, null);
        }
      }
    }
  }

  @Test
  void bodyOverMaxBodyBytesIs413() throws Exception {
    StringBuilder sb = new StringBuilder("{\"echo\": \"");
    sb.append("x".repeat((int) MAX_BODY + 1));
    sb.append("\"}");
    TestClient.Resp r = local
        .client()
        .send(
            "POST",
            "/auth/test",
            V9,
            sb.toString().getBytes(StandardCharsets.UTF_8),
            "application/json",
            true,
            local.server().secretKey(),
            null);
    assertEquals(413, r.status(), r.text().length() > 300 ? r.text().substring(0, 300) : r.text());
    assertEquals("generic-bad-request", r.type());
    // a body at the limit is still read (and here answered normally)
    String ok = "{\"echo\": \"" + "y".repeat((int) MAX_BODY - 20) + "\"}";
    TestClient.Resp fine = local
        .client()
        .send(
            "POST",
            "/auth/test",
            V9,
            ok.getBytes(StandardCharsets.UTF_8),
            "application/json",
            true,
            local.server().secretKey(),
            null);
    assertEquals(200, fine.status());
  }

  @Test
  void rateLimit() throws Exception {
    try (LocalServer s = LocalServer.builder().port(0).rateLimit(5).start()) {
      TestClient c = TestClient.of(s);
      for (int i = 1; i <= 5; i++) {
        TestClient.Resp r = c.call("GET", "/auth", V9, null);
        assertEquals(200, r.status(), r.text());
        assertEquals("5", r.headers().firstValue("X-RateLimit-Limit").orElseThrow());
        assertEquals(
            Integer.toString(5 - i),
            r.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        assertEquals("900", r.headers().firstValue("X-RateLimit-Window").orElseThrow());
      }
      TestClient.Resp sixth = c.call("GET", "/auth", V9, null);
      assertEquals(429, sixth.status(), sixth.text());
      assertEquals("rate-limit-exceeded", sixth.type());
      assertEquals("0", sixth.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
      TestClient.Resp v4 = c.call("GET", "/kernel/whatever", V4, null);
      assertEquals(429, v4.status(), v4.text());
      assertEquals("rate-limit-exceeded", v4.type());
      // unauthenticated GET / is not counted and still answers
      TestClient.Resp hello = c.send("GET", "/", null, null, null, false, null, null);
      assertEquals(200, hello.status());
    }
  }
}
