package ai.backend.client.errors;

/** Authentication or authorization failed: 401/403, or {@code invalid-auth-params}/{@code auth-failed}/{@code generic-forbidden}. */
public class AuthenticationException extends BackendApiException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message, Details details) {
    super(message, details);
  }
}
