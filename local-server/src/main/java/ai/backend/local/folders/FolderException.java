package ai.backend.local.folders;

/** A folder operation refused; the routes turn the kind into the manager's problem type. */
public final class FolderException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** No such folder for this owner. */
    NOT_FOUND,
    /** A folder of that name exists. */
    ALREADY_EXISTS,
    /** A bad name, path or parameter. */
    INVALID,
    /** The folder's status forbids it (in the trash bin, or not in it). */
    BAD_STATUS,
    /** A file operation failed (no such file, not empty, ...). */
    OPERATION_FAILED,
    /** The folder does not permit writing. */
    READ_ONLY
  }

  private final Kind kind;

  public FolderException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
