package ai.backend.client.port;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A response whose body is streamed from the connection, never buffered by the transport. It must be
 * closed (also when the body is not read) to release the connection.
 */
public interface HttpResponse extends AutoCloseable {

  int status();

  HttpHeaders headers();

  /** The body stream; reading past the end returns -1. Closing the response closes it. */
  InputStream body();

  /** Releases the connection. Idempotent. Never throws checked exceptions. */
  @Override
  void close();

  /** Reads the whole body. Convenience for small bodies; closes nothing. */
  default byte[] bodyBytes() {
    try {
      return body().readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the whole body as UTF-8 text. */
  default String bodyString() {
    return new String(bodyBytes(), StandardCharsets.UTF_8);
  }
}
