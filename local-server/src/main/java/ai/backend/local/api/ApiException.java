package ai.backend.local.api;

import com.google.gson.JsonElement;

/**
 * An error answered as {@code application/problem+json}.
 *
 * @see Problems for the catalogue of types and titles
 */
public final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;
  private final String title;
  private final transient JsonElement data;
  private final String errorCode;

  /**
   * @param type the suffix after {@code https://api.backend.ai/probs/}
   * @param msg the extra message (v4: appended to the title in parentheses; v5+: {@code msg})
   */
  public ApiException(int status, String type, String title, String msg, JsonElement data) {
    this(status, type, title, msg, data, null);
  }

  /** @param errorCode the 25.x {@code error_code} (e.g. {@code session_read_not-found}), or null */
  public ApiException(
      int status, String type, String title, String msg, JsonElement data, String errorCode) {
    super(msg, null, false, false);
    this.status = status;
    this.type = type;
    this.title = title;
    this.data = data;
    this.errorCode = errorCode;
  }

  public String errorCode() {
    return errorCode;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  /** The extra message, or null. */
  public String msg() {
    return getMessage();
  }

  public JsonElement data() {
    return data;
  }
}
