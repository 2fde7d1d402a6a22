package ai.backend.local.api;

import com.google.gson.JsonElement;

/** Factory for the problem types this server answers with (spec §4.2). */
public final class Problems {
  public static final String PREFIX = "https://api.backend.ai/probs/";

  private Problems() {}

  public static ApiException invalidParams(String msg) {
    return new ApiException(
        400, "invalid-api-params", "Missing or invalid API parameters.", msg, null);
  }

  public static ApiException invalidAuth(String msg) {
    return new ApiException(
        400, "invalid-auth-params", "Missing or invalid authorization parameters.", msg, null);
  }

  public static ApiException authFailed(String msg) {
    return new ApiException(401, "auth-failed", "Credential/signature mismatch.", msg, null);
  }

  public static ApiException badRequest(String msg) {
    return new ApiException(400, "generic-bad-request", "Bad request.", msg, null);
  }

  public static ApiException tooLarge(String msg) {
    return new ApiException(413, "generic-bad-request", "Request entity too large.", msg, null);
  }

  public static ApiException notFound(Dialect d, String path, JsonElement data) {
    return d == Dialect.V4
        ? new ApiException(404, "generic-not-found", "Unknown URL path.", null, null)
        : new ApiException(404, "url-not-found", "Unknown URL path.", null, data);
  }

  public static ApiException methodNotAllowed(String method) {
    return new ApiException(405, "method-not-allowed", "Method not allowed.", null, null);
  }

  public static ApiException sessionNotFound(Dialect d) {
    return d == Dialect.V4
        ? new ApiException(404, "kernel-not-found", "No such kernel.", null, null)
        : new ApiException(
            404, "session-not-found", "No such session.", null, null, "session_read_not-found");
  }

  public static ApiException quotaExceeded() {
    return new ApiException(
        412, "quota-exceeded", "You have reached your resource limit.", null, null);
  }

  /**
   * 404 {@code image-not-found}, as managers up to 24.x answer it (spec §4.2); the message and {@code
   * data.availableImages} list what this server runs, so the user can pick one.
   */
  public static ApiException imageNotFound(String msg, java.util.Collection<String> served) {
    com.google.gson.JsonObject data = new com.google.gson.JsonObject();
    com.google.gson.JsonArray names = new com.google.gson.JsonArray();
    served.forEach(names::add);
    data.add("availableImages", names);
    String list = served.isEmpty()
        ? "no runtime is installed on this machine"
        : "available images: " + String.join(", ", served) + " (any tag, e.g. python:3.9)";
    return new ApiException(
        404, "image-not-found", "No such environment image.", msg + "; " + list, data);
  }

  public static ApiException rateLimited() {
    return new ApiException(429, "rate-limit-exceeded", "Rate limit exceeded.", null, null);
  }

  public static ApiException graphql(Dialect d, String first, JsonElement errors) {
    return d == Dialect.V4
        ? new ApiException(
            400, "invalid-api-params", "Missing or invalid API parameters.", first, null)
        : new ApiException(400, "graphql-error", "GraphQL-generated error.", first, errors);
  }

  public static ApiException internal(String msg) {
    return new ApiException(500, "internal-server-error", "Internal server error.", msg, null);
  }
}
