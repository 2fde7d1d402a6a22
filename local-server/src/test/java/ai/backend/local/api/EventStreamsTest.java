package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Event streams hold no server thread: with more streams open than Jetty has workers (200), the
 * server still answers, and every stream still gets the events.
 */
class EventStreamsTest {
  static final String V9 = "v9.20250722";
  static final int STREAMS = 400;

  @Test
  void manyOpenStreamsDoNotStopTheServer() throws Exception {
    try (LocalServer server = LocalServer.builder().port(0).start()) {
      TestClient client = TestClient.of(server);
      List<Socket> sockets = new ArrayList<>();
      List<BufferedReader> readers = new ArrayList<>();
      try {
        for (int i = 0; i < STREAMS; i++) {
          Socket s = new Socket(server.uri().getHost(), server.uri().getPort());
          s.setSoTimeout(30_000);
          StringBuilder req =
              new StringBuilder("GET /events/session?name=ev-sess HTTP/1.1\r\nHost: "
                  + server.uri().getAuthority() + "\r\n");
          client
              .headers("GET", "/events/session?name=ev-sess", V9, null, server.secretKey(), null)
              .forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
          req.append("\r\n");
          s.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          sockets.add(s);
          readers.add(new BufferedReader(
              new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)));
        }
        for (BufferedReader r : readers) {
          assertEquals("HTTP/1.1 200 OK", r.readLine());
        }
        long t0 = System.nanoTime();
        TestClient.Resp hello = client.send("GET", "/", null, null, null, false, null, null);
        assertEquals(200, hello.status());
        assertTrue(
            System.nanoTime() - t0 < 10_000_000_000L, "GET / took too long with open streams");

        assertEquals(
            201,
            client
                .call("POST", "/session", V9, "{\"image\": \"sh\", \"name\": \"ev-sess\"}")
                .status());
        for (BufferedReader r :
            List.of(readers.get(0), readers.get(STREAMS / 2), readers.get(STREAMS - 1))) {
          String line;
          boolean seen = false;
          while (!seen && (line = r.readLine()) != null) {
            seen = line.startsWith("event: session_");
          }
          assertTrue(seen, "no event on a stream");
        }
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
      // the server serves on after the clients went away
      assertEquals(
          200, client.send("GET", "/", null, null, null, false, null, null).status());
    }
  }
}
