package ai.backend.client.internal.files;

import java.io.IOException;

/** A tar stream is corrupt (bad checksum, bad number field) or ended in the middle. */
public class MalformedTarException extends IOException {
  private static final long serialVersionUID = 1L;

  public MalformedTarException(String message) {
    super(message);
  }
}
