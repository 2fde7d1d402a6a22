package ai.backend.client.errors;

/**
 * A downloaded archive tried to write outside the destination (absolute path, {@code ..}, or a
 * symbolic link, or a chain of them, escaping it). The download is refused as a whole: what it had
 * written into the destination before the refusal is removed again (files it replaced stay replaced).
 */
public class UnsafeDownloadException extends BackendException {
  private static final long serialVersionUID = 1L;
  private final String entryName;

  public UnsafeDownloadException(String entryName, String message, Throwable cause) {
    super(message, cause);
    this.entryName = entryName;
  }

  /** The refused member name as stored in the archive. */
  public String entryName() {
    return entryName;
  }
}
