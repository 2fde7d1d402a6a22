package ai.backend.client.port;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A request body. Every kind but {@link Stream} is repeatable (it can be sent again on a retry); a
 * {@link Stream} can be read once only and the domain never retries a request carrying one.
 */
public sealed interface RequestBody {

  /** The media type to send in {@code Content-Type}, or {@code null} for none. */
  String contentType();

  /** Whether the body can be produced again for a retried attempt. */
  boolean repeatable();

  /** The length in bytes, or -1 when unknown (then sent chunked). */
  long contentLength();

  /** No body at all. */
  static RequestBody empty() {
    return Empty.INSTANCE;
  }

  static RequestBody ofBytes(byte[] data, String contentType) {
    return new Bytes(data, contentType);
  }

  static RequestBody ofString(String text, String contentType) {
    return new Bytes(text.getBytes(StandardCharsets.UTF_8), contentType);
  }

  static RequestBody ofFile(Path file, String contentType) {
    return new FileBody(file, contentType);
  }

  /** A one-shot body; the supplier is called once, when the transport starts sending. */
  static RequestBody ofStream(Supplier<InputStream> stream, long contentLength, String contentType) {
    return new Stream(stream, contentLength, contentType);
  }

  /** The empty body. */
  enum Empty implements RequestBody {
    INSTANCE;

    @Override
    public String contentType() {
      return null;
    }

    @Override
    public boolean repeatable() {
      return true;
    }

    @Override
    public long contentLength() {
      return 0;
    }
  }

  /** An in-memory body. The array is not copied; callers must not mutate it afterwards. */
  record Bytes(byte[] data, String contentType) implements RequestBody {
    public Bytes {
      Objects.requireNonNull(data, "data");
    }

    @Override
    public boolean repeatable() {
      return true;
    }

    @Override
    public long contentLength() {
      return data.length;
    }

    @Override
    public String toString() {
      return "Bytes[" + data.length + " bytes, " + contentType + "]";
    }
  }

  /** The content of a file, read when sent (never buffered whole in memory). */
  record FileBody(Path file, String contentType) implements RequestBody {
    public FileBody {
      Objects.requireNonNull(file, "file");
    }

    @Override
    public boolean repeatable() {
      return true;
    }

    @Override
    public long contentLength() {
      try {
        return java.nio.file.Files.size(file);
      } catch (java.io.IOException e) {
        return -1;
      }
    }
  }

  /** A one-shot streamed body. */
  record Stream(Supplier<InputStream> stream, long contentLength, String contentType) implements RequestBody {
    public Stream {
      Objects.requireNonNull(stream, "stream");
    }

    @Override
    public boolean repeatable() {
      return false;
    }
  }

  /**
   * A {@code multipart/form-data} body. The transport chooses the boundary and sends
   * {@code multipart/form-data; boundary=...}; {@link #contentType()} is the bare type (what gets signed).
   */
  record Multipart(List<Part> parts) implements RequestBody {
    public Multipart {
      parts = List.copyOf(parts);
    }

    @Override
    public String contentType() {
      return "multipart/form-data";
    }

    @Override
    public boolean repeatable() {
      return parts.stream().allMatch(p -> p.content().repeatable());
    }

    @Override
    public long contentLength() {
      return -1;
    }
  }

  /**
   * One part of a multipart body.
   *
   * @param name the form field name
   * @param filename the file name to announce, or {@code null} for a plain field
   * @param content the part's content; its content type becomes the part's {@code Content-Type}
   */
  record Part(String name, String filename, RequestBody content) {
    public Part {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(content, "content");
      if (content instanceof Multipart) {
        throw new IllegalArgumentException("nested multipart bodies are not supported");
      }
    }
  }
}
