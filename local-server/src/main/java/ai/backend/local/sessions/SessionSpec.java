package ai.backend.local.sessions;

import java.util.List;
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
 * @param mounts folders linked into the work directory when the session starts
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
    boolean reuseIfExists,
    List<Mount> mounts) {
  public SessionSpec {
    environ = environ == null ? Map.of() : Map.copyOf(environ);
    type = type == null ? "interactive" : type;
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
  }

  /** A spec without mounts. */
  public SessionSpec(
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
    this(
        owner,
        name,
        image,
        type,
        tag,
        environ,
        startupCommand,
        priority,
        enqueueOnly,
        reuseIfExists,
        List.of());
  }

  /** This spec with {@code m} as its mounts. */
  public SessionSpec withMounts(List<Mount> m) {
    return new SessionSpec(
        owner,
        name,
        image,
        type,
        tag,
        environ,
        startupCommand,
        priority,
        enqueueOnly,
        reuseIfExists,
        m);
  }
}
