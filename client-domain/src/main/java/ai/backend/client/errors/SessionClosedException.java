package ai.backend.client.errors;

/** The API session (or a stream or terminal it opened) was already closed when it was used. */
public class SessionClosedException extends BackendException {
  private static final long serialVersionUID = 1L;

  public SessionClosedException(String message) {
    super(message);
  }
}
