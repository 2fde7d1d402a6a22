package ai.backend.client.errors;

/** The client configuration is incomplete or invalid; the message names the setting to fix. */
public class ConfigurationException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
