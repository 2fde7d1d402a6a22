package ai.backend.local.sessions;

/** The owner already has as many live sessions as allowed. */
public final class QuotaExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public QuotaExceededException(String message) {
    super(message);
  }
}
