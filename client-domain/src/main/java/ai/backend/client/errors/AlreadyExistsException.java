package ai.backend.client.errors;

/** An object with that name already exists ({@code session-already-exists}, {@code kernel-already-exists}, {@code vfolder-already-exists}). For sessions {@link #data()} may carry {@code existingSessionId}. */
public class AlreadyExistsException extends BackendApiException {
  private static final long serialVersionUID = 1L;

  public AlreadyExistsException(String message, Details details) {
    super(message, details);
  }
}
