package ai.backend.client.internal;

import java.io.IOException;

/**
 * A response body read into memory went past {@link Handlers#MAX_BODY_BYTES}; {@link ApiCore}
 * reports it as a {@code MalformedResponseException}.
 */
final class BodyTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  BodyTooLargeException(long limit) {
    super("response body larger than " + limit + " bytes");
  }
}
