package ai.backend.client.internal.files;

import ai.backend.client.port.RequestBody;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Encodes {@code multipart/form-data} (RFC 7578) once for every transport, as a stream whose content
 * type carries the boundary. Each part is opened only when the encoder reaches it, so files stream from
 * disk. The body is repeatable when every part is, and has a length when every part's is known.
 */
public final class MultipartForm {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  /**
   * One part.
   *
   * @param name the form field name
   * @param filename the file name to announce, or {@code null} for a plain field
   * @param content the part's content; its content type becomes the part's {@code Content-Type}
   */
  public record Part(String name, String filename, RequestBody content) {
    public Part {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(content, "content");
    }
  }

  private MultipartForm() {}

  /** The parts encoded under a fresh random boundary. */
  public static RequestBody encode(List<Part> parts) {
    return encode(parts, boundary());
  }

  static RequestBody encode(List<Part> parts, String boundary) {
    List<Part> copy = List.copyOf(parts);
    List<byte[]> heads = new ArrayList<>();
    byte[] tail = utf8("--" + boundary + "--\r\n");
    long length = tail.length;
    boolean repeatable = true;
    for (Part p : copy) {
      byte[] head = utf8(partHeader(p, boundary));
      heads.add(head);
      long n = p.content().contentLength();
      length = length < 0 || n < 0 ? -1 : length + head.length + n + 2;
      repeatable &= p.content().repeatable();
    }
    Supplier<InputStream> open = () -> open(copy, heads, tail);
    String type = "multipart/form-data; boundary=" + boundary;
    return repeatable
        ? RequestBody.ofRepeatableStream(open, length, type)
        : RequestBody.ofStream(open, length, type);
  }

  /** A fresh random boundary; 32 alphanumerics make a collision with content practically impossible. */
  static String boundary() {
    StringBuilder sb = new StringBuilder("----backendai");
    for (int i = 0; i < 32; i++) {
      sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }

  /** The delimiter and headers that precede a part's content. */
  static String partHeader(Part part, String boundary) {
    StringBuilder sb = new StringBuilder("--")
        .append(boundary)
        .append("\r\n")
        .append("Content-Disposition: form-data; name=\"")
        .append(escape(part.name()))
        .append('"');
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

  private static InputStream open(List<Part> parts, List<byte[]> heads, byte[] tail) {
    List<Supplier<InputStream>> pieces = new ArrayList<>();
    byte[] crlf = utf8("\r\n");
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      byte[] head = heads.get(i);
      pieces.add(() -> new ByteArrayInputStream(head));
      pieces.add(() -> part.content().openStream());
      pieces.add(() -> new ByteArrayInputStream(crlf));
    }
    pieces.add(() -> new ByteArrayInputStream(tail));
    Iterator<Supplier<InputStream>> it = pieces.iterator();
    return new SequenceInputStream(new Enumeration<InputStream>() {
      @Override
      public boolean hasMoreElements() {
        return it.hasNext();
      }

      @Override
      public InputStream nextElement() {
        return it.next().get();
      }
    });
  }

  private static byte[] utf8(String s) {
    // header text is UTF-8 so that non-ASCII file names arrive as browsers send them
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
