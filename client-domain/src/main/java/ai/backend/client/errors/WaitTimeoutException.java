package ai.backend.client.errors;

/** A client-side wait (for a session event, or for a run to finish) exceeded its time limit. */
public class WaitTimeoutException extends BackendException {
  private static final long serialVersionUID = 1L;

  public WaitTimeoutException(String message) {
    super(message);
  }
}
