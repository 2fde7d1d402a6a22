package ai.backend.client.errors;

import java.util.List;
import java.util.Map;

/** A GraphQL call answered with a non-empty {@code errors} list (spec §7.1). */
public class GraphQLException extends BackendApiException {
  private static final long serialVersionUID = 1L;

  public GraphQLException(String message, Details details) {
    super(message, details);
  }

  /** The GraphQL error objects ({@code message}, {@code locations}, {@code path}). */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> errors() {
    return data() instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }
}
