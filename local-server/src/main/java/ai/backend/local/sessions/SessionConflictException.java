package ai.backend.local.sessions;

/** A live session with the requested name exists and cannot be reused. */
public final class SessionConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Session existing;
  private final boolean otherImage;

  /**
   * @param otherImage whether the live session runs another image (else: reuse was not asked for)
   */
  public SessionConflictException(Session existing, boolean otherImage, String message) {
    super(message);
    this.existing = existing;
    this.otherImage = otherImage;
  }

  /** Whether the live session runs another image; false when reuse was not asked for. */
  public boolean otherImage() {
    return otherImage;
  }

  public Session existing() {
    return existing;
  }
}
