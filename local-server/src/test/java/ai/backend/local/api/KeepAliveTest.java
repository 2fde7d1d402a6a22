package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connection the server keeps open is usable for the next request: an error answered before the
 * request body was read must not leave the connection to be closed silently under a client that
 * pooled it. Raw sockets, so that the body can be sent after the server could have answered.
 */
class KeepAliveTest {
  @RegisterExtension
  static final LocalServerExtension local = new LocalServerExtension();

  @Test
  void routingErrorWithALateBodyKeepsTheConnectionUsable() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      // no such method on this route: answered before the body is read
      out.write(head("PUT", "/session/abcd", 2).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(300);
      out.write("{}".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Reply first = Reply.read(in);
      assertEquals(405, first.status());
      assertFalse(
          "close".equalsIgnoreCase(first.headers().get("connection")),
          first.headers().toString());
      // the idle timeout is announced, a little under the server's own
      assertEquals(
          "timeout=" + (ApiHandler.CONNECTION_IDLE_TIMEOUT.toSeconds() - 10),
          first.headers().get("keep-alive"));

      out.write(head("GET", "/", 0).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Reply second = Reply.read(in);
      assertEquals(200, second.status());
      assertTrue(second.body().contains("\"version\""), second.body());
    }
  }

  @Test
  void aBodyTooLargeToReadIsAnsweredWithConnectionClose() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(head("POST", "/session", 1L << 40).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Reply r = Reply.read(s.getInputStream());
      assertEquals(413, r.status());
      assertEquals("close", r.headers().get("connection"));
      assertEquals(null, r.headers().get("keep-alive"));
    }
  }

  /**
   * A wrongly signed request is answered from its headers: its body is never waited for nor read
   * (a client declaring 30 MB and sending nothing gets its 401 at once, and the connection closes).
   */
  @Test
  void anUnauthenticatedRequestIsAnsweredBeforeItsBody() throws Exception {
    TestClient signer = TestClient.of(local.server());
    StringBuilder head = new StringBuilder(
        "POST /session HTTP/1.1\r\nHost: " + local.server().uri().getAuthority() + "\r\n");
    signer
        .headers("POST", "/session", "v9.20250722", "application/json", "not-the-secret", null)
        .forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("Content-Type: application/json\r\nContent-Length: 30000000\r\n\r\n");
    try (Socket s = connect()) {
      s.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      long t0 = System.nanoTime();
      Reply r = Reply.read(
          s.getInputStream()); // 10 s socket timeout: a server waiting for the body fails this
      assertEquals(401, r.status(), r.toString());
      assertEquals("close", r.headers().get("connection"));
      assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
    }
  }

  /**
   * A client that declares a body over the limit and sends it all before reading (every HTTP/1.1
   * client without Expect: 100-continue) gets the 413, not a reset: the server reads and drops the
   * body before answering, instead of closing on unread bytes.
   */
  @Test
  void aTooLargeBodyStillSentIsAnswered413NotReset() throws Exception {
    try (LocalServer small =
        LocalServer.builder().port(0).maxBodyBytes(64 * 1024).start()) {
      TestClient signer = TestClient.of(small);
      int length = 2 * 1024 * 1024;
      StringBuilder head = new StringBuilder(
          "POST /auth/test HTTP/1.1\r\nHost: " + small.uri().getAuthority() + "\r\n");
      signer
          .headers("POST", "/auth/test", "v9.20250722", "application/json", small.secretKey(), null)
          .forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("Content-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n");
      try (Socket s = new Socket(small.uri().getHost(), small.uri().getPort())) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(300); // a server that answers from the headers and closes has done so by now
        out.write(new byte[length]);
        out.flush();
        Reply r = Reply.read(s.getInputStream());
        assertEquals(413, r.status(), r.toString());
      }
    }
  }

  /** A signed client that stops sending mid-body is answered 408 after the body idle timeout. */
  @Test
  void aBodyThatStopsArrivingEndsTheRequest() throws Exception {
    try (LocalServer slow = LocalServer.builder()
        .port(0)
        .bodyIdleTimeout(java.time.Duration.ofSeconds(1))
        .start()) {
      TestClient signer = TestClient.of(slow);
      StringBuilder head = new StringBuilder(
          "POST /auth/test HTTP/1.1\r\nHost: " + slow.uri().getAuthority() + "\r\n");
      signer
          .headers("POST", "/auth/test", "v9.20250722", "application/json", slow.secretKey(), null)
          .forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"echo\": ");
      try (Socket s = new Socket(slow.uri().getHost(), slow.uri().getPort())) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        long t0 = System.nanoTime();
        Reply r;
        try {
          r = Reply.read(s.getInputStream());
        } catch (IOException closed) {
          r = null; // the connection was closed at the timeout: the worker is free all the same
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (r != null) {
          assertEquals(408, r.status(), r.toString());
        }
        assertTrue(ms >= 500 && ms < 8000, "ended after " + ms + " ms");
      }
      TestClient c = TestClient.of(slow);
      assertEquals(
          200, c.call("POST", "/auth/test", "v9.20250722", "{\"echo\": \"x\"}").status());
    }
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket(local.server().uri().getHost(), local.server().uri().getPort());
    s.setSoTimeout(10_000);
    return s;
  }

  private static String head(String method, String target, long length) {
    return method + " " + target + " HTTP/1.1\r\n"
        + "Host: " + local.server().uri().getAuthority() + "\r\n"
        + "X-BackendAI-Version: v9.20250722\r\n"
        + (length > 0 ? "Content-Type: application/json\r\nContent-Length: " + length + "\r\n" : "")
        + "\r\n";
  }

  record Reply(int status, Map<String, String> headers, String body) {
    static Reply read(InputStream in) throws IOException {
      String status = line(in);
      if (status == null) {
        throw new IOException("the server closed the connection before answering");
      }
      Map<String, String> headers = new LinkedHashMap<>();
      String l;
      while ((l = line(in)) != null && !l.isEmpty()) {
        int c = l.indexOf(':');
        headers.put(
            l.substring(0, c).trim().toLowerCase(Locale.ROOT),
            l.substring(c + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      return new Reply(
          Integer.parseInt(status.split(" ")[1]),
          headers,
          new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          String s = b.toString(StandardCharsets.US_ASCII);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        b.write(c);
      }
      return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
    }
  }
}
