package ai.backend.local.sessions;

import java.util.Map;

/**
 * What a client asked for when creating a session.
 *
 * @param owner the owning access key
 * @param name the session name (client session token)
 * @param image the image reference as given ({@code lang} in v4)
 * @param type {@code interactive}, {@code batch}, ...
 * @param enqueueOnly answer {@code PENDING} at once and start in the background
 * @param reuseIfExists reuse a live session with the same name and image
 */
public record SessionSpec(
    String owner,
    String name,
    String image,
    String type,
    String tag,
    Map<String, String> environ,
    String startupCommand,
    int priority,
    boolean enqueueOnly,
    boolean reuseIfExists) {
  public SessionSpec {
    environ = environ == null ? Map.of() : Map.copyOf(environ);
    type = type == null ? "interactive" : type;
  }
}
