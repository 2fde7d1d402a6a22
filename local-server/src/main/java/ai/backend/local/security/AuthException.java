package ai.backend.local.security;

/** An authentication failure; {@link #kind()} tells the HTTP layer which problem type (§2.8) to answer. */
public final class AuthException extends Exception {
  private static final long serialVersionUID = 1L;

  /** {@code INVALID_PARAMS} → 400 {@code invalid-auth-params}; {@code FAILED} → 401 {@code auth-failed}. */
  public enum Kind {
    INVALID_PARAMS,
    FAILED
  }

  private final Kind kind;

  public AuthException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static AuthException invalid(String message) {
    return new AuthException(Kind.INVALID_PARAMS, message);
  }

  static AuthException failed(String message) {
    return new AuthException(Kind.FAILED, message);
  }
}
