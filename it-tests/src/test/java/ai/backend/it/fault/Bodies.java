package ai.backend.it.fault;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import mockwebserver3.MockResponse;
import okio.Buffer;

/** Response bodies of the Backend.AI API (spec §5.3, §5.7, §6.2) and the broken versions of them. */
final class Bodies {
  private Bodies() {}

  static final String INFO =
      "{\"image\":\"cr.backend.ai/stable/python:3.9\",\"status\":\"RUNNING\",\"age\":1234.5,"
          + "\"numQueriesExecuted\":3}";

  static final String EXECUTED =
      "{\"result\":{\"runId\":\"0123456789abcdef0123456789abcdef\",\"status\":\"finished\","
          + "\"exitCode\":0,\"console\":[[\"stdout\",\"hello\\n\"]],\"options\":null,\"files\":null}}";

  static MockResponse.Builder json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body);
  }

  static MockResponse.Builder info() {
    return json(200, INFO);
  }

  static MockResponse.Builder executed() {
    return json(200, EXECUTED);
  }

  /** A spec §4 error body. */
  static MockResponse.Builder problem(int code, String type, String title) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/problem+json")
        .body(
            "{\"type\":\"https://api.backend.ai/probs/" + type + "\",\"title\":\"" + title + "\"}");
  }

  /** The body of {@link #INFO} padded to about {@code size} bytes, still valid JSON. */
  static String paddedInfo(int size) {
    return INFO.substring(0, INFO.length() - 1) + ",\"pad\":\""
        + "x".repeat(Math.max(0, size - INFO.length())) + "\"}";
  }

  /**
   * What nginx in front of a manager answers when the manager is down: an HTML page, long enough
   * that dumping it into an exception message would be noticed, ending in a traceback.
   */
  static String proxyErrorPage(int code, String reason) {
    return "<html>\r\n<head><title>" + code + " " + reason
        + "</title></head>\r\n<body>\r\n<center><h1>" + code + " "
        + reason + "</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n"
        + "<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n".repeat(40)
        + "<pre>Traceback (most recent call last):\n  File \"/app/manager/server.py\", line 42, in handle\n"
        + "ConnectionRefusedError: [Errno 111] Connection refused</pre>\r\n</body>\r\n</html>\r\n";
  }

  // --- downloads (spec §6.2): multipart/mixed, one tar archive per part
  // ---------------------------

  static final String BOUNDARY = "fault-boundary-7f3a";

  /** A multipart/mixed download body with one part per archive. */
  static Buffer multipart(byte[]... tars) {
    Buffer b = new Buffer();
    for (byte[] tar : tars) {
      b.writeUtf8("--" + BOUNDARY
          + "\r\nContent-Type: application/x-tar\r\nContent-Encoding: identity\r\n\r\n");
      b.write(tar);
      b.writeUtf8("\r\n");
    }
    b.writeUtf8("--" + BOUNDARY + "--\r\n");
    return b;
  }

  static MockResponse.Builder download(Buffer body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "multipart/mixed; boundary=" + BOUNDARY)
        .body(body);
  }

  /** A ustar archive with one regular file. */
  static byte[] tar(String name, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644\0");
    put(h, 108, "0001750\0");
    put(h, 116, "0001750\0");
    put(h, 124, String.format("%011o\0", content.length));
    put(h, 136, String.format("%011o\0", 1_700_000_000L));
    put(h, 148, "        ");
    h[156] = '0';
    put(h, 257, "ustar\0");
    put(h, 263, "00");
    int sum = 0;
    for (byte x : h) {
      sum += x & 0xff;
    }
    put(h, 148, String.format("%06o\0 ", sum));
    out.writeBytes(h);
    out.writeBytes(content);
    out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    out.writeBytes(new byte[1024]); // end-of-archive marker
    return out.toByteArray();
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, at, b.length);
  }
}
