package ai.backend.client.internal.files;

import java.io.IOException;

/** A multipart body (or its Content-Type) does not follow RFC 2046, or it ended early. */
public class MalformedMultipartException extends IOException {
  private static final long serialVersionUID = 1L;

  public MalformedMultipartException(String message) {
    super(message);
  }
}
