package ai.backend.client.errors;

/** The server rejected the request's parameters (400 {@code invalid-api-params}, {@code generic-bad-request}, …). */
public class BadRequestException extends BackendApiException {
  private static final long serialVersionUID = 1L;

  public BadRequestException(String message, Details details) {
    super(message, details);
  }
}
