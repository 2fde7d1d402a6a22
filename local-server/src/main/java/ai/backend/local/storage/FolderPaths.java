package ai.backend.local.storage;

import ai.backend.local.api.ApiException;
import ai.backend.local.api.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Confines client paths to a folder: relative only, no {@code ..}, and no symlink leading out (every
 * existing ancestor's real path must lie under the folder's real root). Session code may create
 * symlinks inside a folder, so the check runs again at transfer time, not only when a token is
 * issued.
 */
public final class FolderPaths {
  private static final int MAX_PATH_BYTES = 4096;
  private static final int MAX_NAME_BYTES = 255;

  private FolderPaths() {}

  /**
   * The path {@code rel} names under {@code root} (its last component not followed).
   *
   * @throws ApiException 400 {@code invalid-api-params} for an absolute, {@code ..}-containing,
   *     overlong or escaping path
   */
  public static Path confine(Path root, String rel) throws ApiException {
    String given = rel == null ? "" : rel;
    if (given.indexOf('\0') >= 0) {
      throw Problems.invalidParams("Invalid path: " + given.replace('\0', '?'));
    }
    if (given.startsWith("/")) {
      throw Problems.invalidParams("Paths are relative to the folder, not absolute: " + given);
    }
    if (given.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw Problems.invalidParams("The path is longer than " + MAX_PATH_BYTES + " bytes.");
    }
    for (String seg : given.split("/")) {
      if (seg.equals("..")) {
        throw Problems.invalidParams("Paths must not contain '..': " + given);
      }
      if (seg.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw Problems.invalidParams(
            "A path component is longer than " + MAX_NAME_BYTES + " bytes.");
      }
    }
    try {
      Path realRoot = root.toRealPath();
      Path p = realRoot.resolve(given.isEmpty() ? "." : given).normalize();
      if (!p.startsWith(realRoot)) {
        throw escapes(given);
      }
      Path existing = p.equals(realRoot) ? realRoot : p.getParent();
      while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      if (existing == null || !existing.toRealPath().startsWith(realRoot)) {
        throw escapes(given);
      }
      return p;
    } catch (IOException e) {
      throw Problems.invalidParams("Invalid path: " + given);
    }
  }

  /**
   * The real path of an existing {@code p} (from {@link #confine}), following a last-component
   * symlink only when it stays in the folder.
   *
   * @throws ApiException 404 when it does not exist, 400 when its real path is outside
   */
  public static Path existing(Path root, Path p, String given) throws ApiException {
    try {
      Path real = p.toRealPath();
      if (!real.startsWith(root.toRealPath())) {
        throw escapes(given);
      }
      return real;
    } catch (IOException e) {
      throw notFound(given);
    }
  }

  static ApiException escapes(String given) {
    return Problems.invalidParams("The path escapes the folder: " + given);
  }

  /** 404 as a storage proxy answers a missing file. */
  static ApiException notFound(String given) {
    return new ApiException(
        404, "storage/file-not-found", "File not found", "No such file: " + given, null);
  }
}
