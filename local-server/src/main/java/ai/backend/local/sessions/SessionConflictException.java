package ai.backend.local.sessions;

/** A live session with the requested name exists and cannot be reused. */
public final class SessionConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Session existing;

  public SessionConflictException(Session existing, String message) {
    super(message);
    this.existing = existing;
  }

  public Session existing() {
    return existing;
  }
}
