package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client's mistake is a problem+json 4xx that names no server path, whoever answers it: the API
 * handler or Jetty itself (malformed requests).
 */
class ClientMistakesTest {
  static final String V9 = "v9.20250722";

  @RegisterExtension
  static final LocalServerExtension local = new LocalServerExtension();

  @BeforeAll
  static void start() throws Exception {
    assertEquals(
        201,
        local
            .client()
            .call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"mistakes\"}")
            .status());
  }

  private static Path work() {
    return local
        .server()
        .sessions()
        .find(local.server().accessKey(), "mistakes")
        .orElseThrow()
        .workDir();
  }

  private static void assertClientError(TestClient.Resp r, int status) {
    assertEquals(status, r.status(), r.text());
    assertEquals(
        "application/problem+json", r.headers().firstValue("Content-Type").orElse(""), r.text());
    assertFalse(
        r.text().contains(work().toString())
            || r.text().contains(System.getProperty("java.io.tmpdir")),
        "a server path in " + r.text());
  }

  @Test
  void batchOptionsOfTheWrongTypes() throws Exception {
    for (String options : new String[] {
      "{\"build\": [\"make\", \"all\"]}",
      "{\"exec\": {\"cmd\": 1}}",
      "{\"buildLog\": [true]}",
      "{\"clean\": {}}"
    }) {
      TestClient.Resp r = local
          .client()
          .call(
              "POST",
              "/session/mistakes",
              V9,
              "{\"mode\": \"batch\", \"code\": \"\", \"options\": " + options + "}");
      assertClientError(r, 400);
      assertEquals("invalid-api-params", r.type(), options);
    }
  }

  @Test
  void unknownExecuteModesAreRejectedAtTheApiEdge() throws Exception {
    for (String mode : new String[] {"frobnicate", "QUERY", "query "}) {
      TestClient.Resp r = local
          .client()
          .call(
              "POST",
              "/session/mistakes",
              V9,
              "{\"mode\": \"" + mode + "\", \"code\": \"echo hi\"}");
      assertClientError(r, 400);
      assertEquals("invalid-api-params", r.type(), mode);
      assertTrue(
          r.json().get("msg").getAsString().contains("Unknown execution mode: " + mode), r.text());
    }
    TestClient.Resp ok = local
        .client()
        .call("POST", "/session/mistakes", V9, "{\"mode\": \"query\", \"code\": \"echo hi\"}");
    assertEquals(200, ok.status(), ok.text());
  }

  @Test
  void fileNamesTheFileSystemCannotHold() throws Exception {
    TestClient.Resp longName = upload("d/" + "n".repeat(300) + ".txt", "x");
    assertClientError(longName, 400);
    assertTrue(longName.json().get("msg").getAsString().contains("255"), longName.text());
  }

  @Test
  void uploadingOverANonEmptyDirectoryKeepsIt() throws Exception {
    Files.createDirectories(work().resolve("dir"));
    Files.writeString(work().resolve("dir/keep.txt"), "kept");
    TestClient.Resp r = upload("dir", "over");
    assertClientError(r, 400);
    assertEquals("kept", Files.readString(work().resolve("dir/keep.txt")));
  }

  @Test
  void malformedRequestsGetProblemJsonFromJettyToo() throws Exception {
    String bigHeader = "X-Filler: " + "a".repeat(70 * 1024) + "\r\n";
    for (String raw : new String[] {
      "NOT A REQUEST\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nA header without a colon\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\n" + bigHeader + "\r\n"
    }) {
      try (Socket s =
          new Socket(local.server().uri().getHost(), local.server().uri().getPort())) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(raw.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        KeepAliveTest.Reply reply = KeepAliveTest.Reply.read(s.getInputStream());
        assertTrue(
            reply.status() == 400 || reply.status() == 431 || reply.status() == 505,
            reply.toString());
        assertEquals(
            "application/problem+json", reply.headers().get("content-type"), reply.toString());
        assertTrue(
            reply.body().contains("\"type\":\"https://api.backend.ai/probs/generic-bad-request\""),
            reply.body());
      }
    }
  }

  private static TestClient.Resp upload(String name, String content) throws Exception {
    String body = "--b\r\nContent-Disposition: form-data; name=\"src\"; filename=\"" + name
        + "\"\r\n" + "Content-Type: application/octet-stream\r\n\r\n" + content + "\r\n--b--\r\n";
    return local
        .client()
        .send(
            "POST",
            "/session/mistakes/upload",
            V9,
            body.getBytes(StandardCharsets.UTF_8),
            "multipart/form-data; boundary=b",
            true,
            local.server().secretKey(),
            null);
  }
}
