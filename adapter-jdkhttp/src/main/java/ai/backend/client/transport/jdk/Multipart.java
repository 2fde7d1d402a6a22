package ai.backend.client.transport.jdk;

import ai.backend.client.port.RequestBody;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes {@code multipart/form-data} (RFC 7578) as a chain of publishers, so file parts are streamed
 * from disk and never held in memory whole.
 */
final class Multipart {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  private Multipart() {}

  /** A fresh random boundary; 32 alphanumerics make a collision with content practically impossible. */
  static String boundary() {
    StringBuilder sb = new StringBuilder("----backendai");
    for (int i = 0; i < 32; i++) {
      sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }

  static BodyPublisher publisher(RequestBody.Multipart body, String boundary) {
    List<BodyPublisher> pieces = new ArrayList<>();
    for (RequestBody.Part part : body.parts()) {
      pieces.add(ascii(partHeader(part, boundary)));
      pieces.add(JdkBodies.publisher(part.content()));
      pieces.add(ascii("\r\n"));
    }
    pieces.add(ascii("--" + boundary + "--\r\n"));
    return BodyPublishers.concat(pieces.toArray(BodyPublisher[]::new));
  }

  /** The delimiter and headers that precede a part's content. */
  static String partHeader(RequestBody.Part part, String boundary) {
    StringBuilder sb = new StringBuilder("--").append(boundary).append("\r\n")
        .append("Content-Disposition: form-data; name=\"").append(escape(part.name())).append('"');
    if (part.filename() != null) {
      sb.append("; filename=\"").append(escape(part.filename())).append('"');
    }
    sb.append("\r\n");
    String type = part.content().contentType();
    if (type != null) {
      sb.append("Content-Type: ").append(type).append("\r\n");
    } else if (part.filename() != null) {
      sb.append("Content-Type: application/octet-stream\r\n");
    }
    return sb.append("\r\n").toString();
  }

  /** Percent-escapes what would break the quoted-string, as browsers do (WHATWG HTML). */
  static String escape(String s) {
    return s.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
  }

  private static BodyPublisher ascii(String s) {
    // header text is UTF-8 so that non-ASCII file names arrive as browsers send them
    return BodyPublishers.ofByteArray(s.getBytes(StandardCharsets.UTF_8));
  }
}
