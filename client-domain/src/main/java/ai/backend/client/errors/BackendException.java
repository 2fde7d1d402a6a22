package ai.backend.client.errors;

/**
 * Root of every exception the Backend.AI client throws. Unchecked, so callers catch only what they
 * can handle: {@link BackendApiException} when the server answered with an error, {@link
 * BackendIoException} when no usable answer came back or the client refused the call, and {@link
 * MalformedResponseException} when a successful answer could not be understood.
 */
public class BackendException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BackendException(String message) {
    super(message);
  }

  public BackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
