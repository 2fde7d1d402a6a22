package ai.backend.local.engine;

/** See the engine's Javadoc for when this is thrown; the HTTP layer maps it to a 4xx problem. */
public class RuntimeUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RuntimeUnavailableException(String message) {
    super(message);
  }
}
