package ai.backend.client.errors;

/**
 * The negotiated API version has no such operation (e.g. the trash bin before v8.20240315, renaming a
 * folder on v4); nothing was sent.
 */
public class UnsupportedFeatureException extends BackendException {
  private static final long serialVersionUID = 1L;

  public UnsupportedFeatureException(String message) {
    super(message);
  }
}
