package ai.backend.client.port;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A request body. Every kind but a one-shot {@link Stream} is repeatable (it can be sent again on a
 * retry); a one-shot stream can be read once only and the domain never retries a request carrying one.
 * Multipart bodies arrive here already encoded by the domain, as a {@link Stream} whose content type
 * carries the boundary.
 */
public sealed interface RequestBody {

  /** The media type to send in {@code Content-Type}, or {@code null} for none. */
  String contentType();

  /** Whether the body can be produced again for a retried attempt. */
  boolean repeatable();

  /** The length in bytes, or -1 when unknown (then sent chunked). */
  long contentLength();

  /**
   * The content from its start, for encoders and adapters that read bodies as streams. A one-shot
   * {@link Stream} may be opened once only.
   *
   * @throws java.io.UncheckedIOException when a file cannot be opened
   */
  InputStream openStream();

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
  static RequestBody ofStream(
      Supplier<InputStream> stream, long contentLength, String contentType) {
    return new Stream(stream, contentLength, contentType, false);
  }

  /**
   * A streamed body that can be sent again: each call of the supplier opens the same content afresh
   * from its start (e.g. a file, or an encoding of files).
   */
  static RequestBody ofRepeatableStream(
      Supplier<InputStream> stream, long contentLength, String contentType) {
    return new Stream(stream, contentLength, contentType, true);
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

    @Override
    public InputStream openStream() {
      return InputStream.nullInputStream();
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
    public InputStream openStream() {
      return new java.io.ByteArrayInputStream(data);
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

    @Override
    public InputStream openStream() {
      try {
        return java.nio.file.Files.newInputStream(file);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /**
   * A streamed body, read as it is sent.
   *
   * @param contentLength the length in bytes, or -1 when unknown (then sent chunked)
   * @param repeatable whether every call of {@code stream} opens the content afresh from its start
   */
  record Stream(
      Supplier<InputStream> stream, long contentLength, String contentType, boolean repeatable)
      implements RequestBody {
    public Stream {
      Objects.requireNonNull(stream, "stream");
    }

    @Override
    public InputStream openStream() {
      return stream.get();
    }
  }
}
