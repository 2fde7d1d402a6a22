package ai.backend.client;

/**
 * A downloaded archive tried to write outside the destination (absolute path, {@code ..}, or a
 * symbolic link escaping it). Extraction stopped at that member; nothing of it was written.
 */
public class UnsafeDownloadException extends BackendClientException {
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
