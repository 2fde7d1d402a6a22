package ai.backend.client.internal.files;

import java.io.IOException;

/** An archive member would be written outside the destination, or links outside it. */
public class UnsafeArchiveException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String entryName;

  public UnsafeArchiveException(String entryName, String reason) {
    super("refusing archive member \"" + entryName + "\": " + reason);
    this.entryName = entryName;
  }

  /** The member name as stored in the archive. */
  public String entryName() {
    return entryName;
  }
}
