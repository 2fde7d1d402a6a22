package ai.backend.client.internal.files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Paths inside a virtual folder and their local counterparts. A folder path is relative and {@code
 * /}-separated; it may not be absolute nor climb out with {@code ..}, whatever the server would do with
 * it, and a local path derived from one never leaves its root.
 */
public final class RemotePaths {
  private RemotePaths() {}

  /**
   * The normalised form of a folder path: no empty or {@code .} segments, no leading {@code ./}; the
   * folder's root is {@code "."}.
   *
   * @throws IllegalArgumentException when absolute, containing {@code ..} or a NUL, or a backslash
   */
  public static String normalize(String path) {
    if (path == null || path.isEmpty()) {
      return ".";
    }
    if (path.startsWith("/")) {
      throw new IllegalArgumentException("a folder path must be relative: " + path);
    }
    if (path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("a folder path may not contain NUL or '\\': " + path);
    }
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        throw new IllegalArgumentException("a folder path may not contain '..': " + path);
      }
      out.add(s);
    }
    return out.isEmpty() ? "." : String.join("/", out);
  }

  /** {@code parent/child} of two folder paths, either of which may be the root {@code "."}. */
  public static String join(String parent, String child) {
    String p = normalize(parent);
    String c = normalize(child);
    if (p.equals(".")) {
      return c;
    }
    return c.equals(".") ? p : p + "/" + c;
  }

  /** The last name of a folder path. */
  public static String name(String path) {
    String p = normalize(path);
    int slash = p.lastIndexOf('/');
    return slash < 0 ? p : p.substring(slash + 1);
  }

  /**
   * The local file for a folder path under {@code root}.
   *
   * @throws IllegalArgumentException when the path is unsafe or would land outside {@code root}
   */
  public static Path local(Path root, String path) {
    Path base = root.toAbsolutePath().normalize();
    String p = normalize(path);
    Path out = base;
    if (!p.equals(".")) {
      for (String s : p.split("/")) {
        out = out.resolve(s);
      }
    }
    out = out.normalize();
    if (!out.startsWith(base)) {
      throw new IllegalArgumentException("'" + path + "' would be written outside " + base);
    }
    return out;
  }

  /** The folder path of {@code file} relative to {@code root}, {@code /}-separated. */
  public static String relative(Path root, Path file) {
    Path rel =
        root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
    List<String> names = new ArrayList<>();
    for (Path n : rel) {
      names.add(n.toString());
    }
    return normalize(String.join("/", names));
  }
}
