package ai.backend.client.errors;

/** A resource limit was hit (412 {@code quota-exceeded}). */
public class QuotaExceededException extends BackendApiException {
  private static final long serialVersionUID = 1L;

  public QuotaExceededException(String message, Details details) {
    super(message, details);
  }
}
