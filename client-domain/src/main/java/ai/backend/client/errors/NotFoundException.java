package ai.backend.client.errors;

/** The addressed object does not exist (404, {@code *-not-found}); idle-timed-out sessions also end up here. */
public class NotFoundException extends BackendApiException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message, Details details) {
    super(message, details);
  }
}
