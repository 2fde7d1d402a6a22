package ai.backend.client.transport.apache;

import ai.backend.client.port.RequestBody;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code multipart/form-data} (RFC 7578) as a lazily concatenated stream, for the async client: each
 * part's content is opened only when the encoder reaches it, so files are streamed, not buffered.
 */
final class MultipartStream {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

  private MultipartStream() {}

  static String boundary() {
    StringBuilder sb = new StringBuilder("----backendai");
    for (int i = 0; i < 32; i++) {
      sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }

  static InputStream open(RequestBody.Multipart body, String boundary) {
    List<Supplier<InputStream>> pieces = new ArrayList<>();
    for (RequestBody.Part part : body.parts()) {
      pieces.add(text(partHeader(part, boundary)));
      pieces.add(() -> content(part.content()));
      pieces.add(text("\r\n"));
    }
    pieces.add(text("--" + boundary + "--\r\n"));
    Iterator<Supplier<InputStream>> it = pieces.iterator();
    return new java.io.SequenceInputStream(new java.util.Enumeration<InputStream>() {
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

  static InputStream content(RequestBody body) {
    if (body instanceof RequestBody.Bytes b) {
      return new ByteArrayInputStream(b.data());
    }
    if (body instanceof RequestBody.FileBody f) {
      try {
        return Files.newInputStream(f.file());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (body instanceof RequestBody.Stream s) {
      return s.stream().get();
    }
    if (body instanceof RequestBody.Empty) {
      return InputStream.nullInputStream();
    }
    throw new IllegalArgumentException("nested multipart");
  }

  private static Supplier<InputStream> text(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    return () -> new ByteArrayInputStream(bytes);
  }

}
