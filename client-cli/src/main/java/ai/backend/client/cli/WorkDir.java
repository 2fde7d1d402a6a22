package ai.backend.client.cli;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Paths in a session's work directory, {@code /home/work} on every Backend.AI kernel: a path given
 * as {@code /home/work/...} or relative to it becomes the relative path that means the same on a
 * real kernel and on local-server (where the work directory lives elsewhere on the host). Pure string
 * work on {@code /}-separated paths, whatever the local platform.
 */
public final class WorkDir {
  /** The work directory's path inside a kernel. */
  public static final String PATH = "/home/work";

  private WorkDir() {}

  /**
   * The path relative to the work directory ({@code .} for the directory itself).
   *
   * @throws CliException (usage) when the path resolves outside the work directory
   */
  public static String relative(String path) {
    String p = path == null || path.isBlank() ? "." : path;
    boolean absolute = p.startsWith("/");
    Deque<String> parts = new ArrayDeque<>();
    if (!absolute) {
      parts.add("home");
      parts.add("work");
    }
    for (String seg : p.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (parts.pollLast() == null) {
          throw outside(path);
        }
      } else {
        parts.add(seg);
      }
    }
    if (parts.size() < 2
        || !parts.pollFirst().equals("home")
        || !parts.pollFirst().equals("work")) {
      throw outside(path);
    }
    return parts.isEmpty() ? "." : String.join("/", parts);
  }

  private static CliException outside(String path) {
    return new CliException(
        ExitCode.USAGE,
        "the path must be inside the session's work directory " + PATH + ": " + path);
  }
}
