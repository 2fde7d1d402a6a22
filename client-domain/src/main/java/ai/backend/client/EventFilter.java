package ai.backend.client;

/**
 * Which session events to receive (spec §8.4).
 *
 * @param sessionName a session name, or {@code "*"} for all of the key's sessions
 * @param group a group name, or {@code "*"}
 * @param scope {@code session}, {@code kernel} or {@code "*"} (both; current servers only)
 */
public record EventFilter(String sessionName, String group, String scope) {
  public EventFilter {
    sessionName = sessionName == null || sessionName.isEmpty() ? "*" : sessionName;
    group = group == null || group.isEmpty() ? "*" : group;
    scope = scope == null || scope.isEmpty() ? "*" : scope;
  }

  public static EventFilter all() {
    return new EventFilter("*", "*", "*");
  }

  public static EventFilter session(String name) {
    return new EventFilter(name, "*", "*");
  }
}
