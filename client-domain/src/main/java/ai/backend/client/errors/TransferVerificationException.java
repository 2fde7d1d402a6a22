package ai.backend.client.errors;

/**
 * A transfer finished but its result does not check out: the size differs from the one the server
 * reported, or the SHA-256 from the one expected. A downloaded file that fails is not moved into place.
 */
public class TransferVerificationException extends BackendException {
  private static final long serialVersionUID = 1L;

  public TransferVerificationException(String message) {
    super(message);
  }
}
