package ai.backend.client;

import ai.backend.client.errors.InvalidArgumentException;
import java.util.Locale;
import java.util.Objects;

/**
 * A virtual folder to mount into a new compute session (spec §9.3).
 *
 * @param name the folder's name (or id)
 * @param path where it appears in the session, or null for {@code /home/work/<name>}; a relative path
 *     is relative to {@code /home/work}
 * @param readOnly mounted read-only even when the caller may write the folder
 */
public record VFolderMount(String name, String path, boolean readOnly) {
  public VFolderMount {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.contains("/") || name.contains(",")) {
      throw new InvalidArgumentException("invalid folder name to mount: '" + name + "'");
    }
    if (path != null && path.isBlank()) {
      path = null;
    }
  }

  /** Mounts {@code name} at {@code /home/work/<name>}, read-write. */
  public static VFolderMount of(String name) {
    return new VFolderMount(name, null, false);
  }

  /**
   * Parses what the CLI's {@code -m/--mount} takes: {@code NAME}, {@code NAME=PATH} or {@code NAME:PATH},
   * each optionally ending in {@code :ro} (or {@code :rw}), or the long form {@code
   * type=bind,source=NAME,target=PATH[,readonly]}.
   *
   * @throws InvalidArgumentException for an empty name or an unknown long-form key
   */
  public static VFolderMount parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    String s = spec.strip();
    if (s.startsWith("type=") || s.startsWith("source=") || s.startsWith("src=")) {
      String name = null;
      String path = null;
      boolean ro = false;
      for (String item : s.split(",")) {
        int eq = item.indexOf('=');
        String key = (eq < 0 ? item : item.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
        String value = eq < 0 ? null : item.substring(eq + 1).strip();
        switch (key) {
          case "type" -> {
            if (!"bind".equals(value)) {
              throw new InvalidArgumentException("only type=bind mounts exist: " + spec);
            }
          }
          case "source", "src" -> name = value;
          case "target", "destination", "dst" -> path = value;
          case "readonly", "ro" -> ro = value == null || !value.equalsIgnoreCase("false");
          default ->
            throw new InvalidArgumentException("unknown mount option '" + key + "': " + spec);
        }
      }
      if (name == null) {
        throw new InvalidArgumentException("a mount needs source=NAME: " + spec);
      }
      return new VFolderMount(name, path, ro);
    }
    boolean ro = false;
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.endsWith(":ro") || lower.endsWith(":rw")) {
      ro = lower.endsWith(":ro");
      s = s.substring(0, s.length() - 3);
    }
    int eq = s.indexOf('=');
    int colon = s.indexOf(':');
    int split = eq >= 0 ? eq : colon;
    if (split == 0) {
      throw new InvalidArgumentException("a mount needs a folder name: " + spec);
    }
    return split < 0
        ? new VFolderMount(s, null, ro)
        : new VFolderMount(s.substring(0, split), s.substring(split + 1), ro);
  }

  /** The spec form, {@code NAME[=PATH][:ro]}. */
  @Override
  public String toString() {
    return name + (path != null ? "=" + path : "") + (readOnly ? ":ro" : "");
  }
}
