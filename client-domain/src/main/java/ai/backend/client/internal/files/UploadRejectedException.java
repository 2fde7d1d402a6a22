package ai.backend.client.internal.files;

import java.nio.file.Path;

/** A file cannot be uploaded; raised while planning, before anything is sent. */
public class UploadRejectedException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient Path path;

  public UploadRejectedException(Path path, String message) {
    super(message);
    this.path = path;
  }

  public UploadRejectedException(Path path, String message, Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  /** The offending file as the caller named it (or as found while expanding a directory). */
  public Path path() {
    return path;
  }
}
