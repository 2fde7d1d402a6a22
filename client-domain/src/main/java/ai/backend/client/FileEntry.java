package ai.backend.client;

import java.time.Instant;

/**
 * One entry of a session directory listing (spec §6.3).
 *
 * @param name file name
 * @param mode ls-style mode string, e.g. {@code -rw-r--r--} or {@code drwxr-xr-x}
 * @param size size in bytes
 * @param modified modification time, or {@code null} when the server did not say
 * @param created change/creation time, or {@code null}
 */
public record FileEntry(String name, String mode, long size, Instant modified, Instant created) {

  public boolean isDirectory() {
    return mode != null && mode.startsWith("d");
  }

  public boolean isSymlink() {
    return mode != null && mode.startsWith("l");
  }
}
