package ai.backend.client.errors;

/**
 * The client configuration (endpoint, keys, transport name, a {@code BACKEND_*} setting) is
 * incomplete or invalid; the message names the setting to fix. Not an {@link
 * InvalidArgumentException}: the fix is in the environment, not in the call.
 */
public class ConfigurationException extends BackendException {
  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
