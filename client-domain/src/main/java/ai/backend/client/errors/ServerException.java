package ai.backend.client.errors;

/** The server failed (5xx): agent failures, {@code server-frozen}, {@code service-unavailable}, gateways. */
public class ServerException extends BackendApiException {
  private static final long serialVersionUID = 1L;

  public ServerException(String message, Details details) {
    super(message, details);
  }
}
