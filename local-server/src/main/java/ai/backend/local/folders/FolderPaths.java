package ai.backend.local.folders;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Client paths inside a folder and the file operations on them. A client path is relative to the
 * folder, normalized, without {@code ..} and never absolute; no existing ancestor may lead out of the
 * folder through a symbolic link (session code can plant links in a mounted folder), and the final
 * component is never followed: a link is renamed, moved or deleted as the link itself. The one
 * confinement for both the folder API and the storage proxy, which checks again at transfer time
 * because links may appear after a token was issued.
 */
public final class FolderPaths {
  /** Longest path component (Linux NAME_MAX) and whole client path accepted. */
  static final int MAX_NAME_BYTES = 255;

  static final int MAX_PATH_BYTES = 4096;

  private FolderPaths() {}

  /**
   * Resolves {@code rel} inside {@code root}; {@code null}, empty or {@code .} is the root itself.
   *
   * @throws FolderException INVALID for an absolute path, {@code ..}, NUL, an over-long name or a
   *     path that leads out of the folder
   */
  public static Path confine(Path root, String rel) throws FolderException {
    if (rel == null || rel.isEmpty()) {
      rel = ".";
    }
    if (rel.indexOf('\0') >= 0) {
      throw invalid("Invalid path: " + rel.replace('\0', '?'));
    }
    if (rel.startsWith("/")) {
      throw invalid("Absolute paths are not allowed in a folder: " + rel);
    }
    if (rel.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw invalid("The path is longer than " + MAX_PATH_BYTES + " bytes.");
    }
    for (String seg : rel.split("/")) {
      if (seg.equals("..")) {
        throw invalid("Paths must not contain '..': " + rel);
      }
      if (seg.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw invalid("A path component is longer than " + MAX_NAME_BYTES + " bytes.");
      }
    }
    try {
      Path realRoot = root.toRealPath();
      Path p = realRoot.resolve(rel).normalize();
      if (!p.startsWith(realRoot)) {
        throw invalid("The path escapes the folder: " + rel);
      }
      Path existing = p.equals(realRoot) ? realRoot : p.getParent();
      while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      if (existing == null || !existing.toRealPath().startsWith(realRoot)) {
        throw invalid("The path escapes the folder: " + rel);
      }
      return p;
    } catch (IOException e) {
      throw invalid("Invalid path: " + rel);
    }
  }

  /**
   * The real path a symlink {@code p} (from {@link #confine}) leads to, if it stays in the folder.
   *
   * @throws FolderException invalid when it leads out, not found when it dangles
   */
  public static Path insideTarget(Path root, Path p, String rel) throws FolderException {
    try {
      Path real = p.toRealPath();
      if (!real.startsWith(root.toRealPath())) {
        throw invalid("The path escapes the folder: " + rel);
      }
      return real;
    } catch (IOException e) {
      throw new FolderException(FolderException.Kind.NOT_FOUND, "No such file: " + rel);
    }
  }

  /** Like {@link #confine} but refuses the folder's root itself. */
  public static Path confineEntry(Path root, String rel) throws FolderException {
    Path p = confine(root, rel);
    try {
      if (p.equals(root.toRealPath())) {
        throw invalid("The path must name an entry inside the folder, not the folder itself.");
      }
    } catch (IOException e) {
      throw invalid("Invalid path: " + rel);
    }
    return p;
  }

  /**
   * A regular file to read: confined, and not a symbolic link (opened with {@code
   * LinkOption.NOFOLLOW_LINKS} by the callers as well, so a link swapped in later is not followed).
   */
  public static Path regularFile(Path root, String rel) throws FolderException {
    Path p = confineEntry(root, rel);
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new FolderException(FolderException.Kind.OPERATION_FAILED, "No such file: " + rel);
    }
    if (Files.isSymbolicLink(p)) {
      insideTarget(
          root, p, rel); // one leading out is named as such: that is what the user must know
    }
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      throw invalid("Not a regular file: " + rel);
    }
    return p;
  }

  /** Creates a directory; with {@code parents} its missing ancestors too. */
  public static void mkdir(Path root, String rel, boolean parents, boolean existOk)
      throws FolderException, IOException {
    Path p = confineEntry(root, rel);
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      if (!existOk) {
        throw failed("The directory already exists: " + rel);
      }
      return;
    }
    if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      throw failed("A file is in the way: " + rel);
    }
    try {
      if (parents) {
        Files.createDirectories(p.getParent());
        confine(root, rel); // an ancestor created meanwhile must not lead out either
      } else if (!Files.isDirectory(p.getParent(), LinkOption.NOFOLLOW_LINKS)) {
        throw failed("The parent directory does not exist: " + rel);
      }
      Files.createDirectory(p);
    } catch (FileAlreadyExistsException e) {
      if (!existOk || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw failed("Already exists: " + rel);
      }
    }
  }

  /** Renames an entry within its directory; {@code newName} is a plain name. */
  public static void rename(Path root, String rel, String newName)
      throws FolderException, IOException {
    if (newName == null
        || newName.isEmpty()
        || newName.contains("/")
        || newName.equals(".")
        || newName.equals("..")) {
      throw invalid("new_name must be a plain file name: " + newName);
    }
    Path src = confineEntry(root, rel);
    Path dst =
        confineEntry(root, root.relativize(src.getParent()).resolve(newName).toString());
    move(src, dst, rel);
  }

  /** Moves an entry to another path in the same folder (into {@code dst} if it is a directory). */
  public static void move(Path root, String srcRel, String dstRel)
      throws FolderException, IOException {
    Path src = confineEntry(root, srcRel);
    Path dst = confine(root, dstRel);
    if (Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)) {
      dst = dst.resolve(src.getFileName());
    }
    if (dst.startsWith(src)) {
      throw invalid("Cannot move a directory into itself: " + srcRel);
    }
    move(src, dst, srcRel);
  }

  private static void move(Path src, Path dst, String rel) throws FolderException, IOException {
    if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
      throw failed("No such file or directory: " + rel);
    }
    if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
      throw failed("The target already exists: " + dst.getFileName());
    }
    if (!Files.isDirectory(dst.getParent(), LinkOption.NOFOLLOW_LINKS)) {
      throw failed("The target directory does not exist.");
    }
    try {
      Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(src, dst);
    }
  }

  /** Deletes entries; a directory only with {@code recursive} (links are never followed). */
  public static void delete(Path root, String rel, boolean recursive)
      throws FolderException, IOException {
    Path p = confineEntry(root, rel);
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      throw failed("No such file or directory: " + rel);
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      if (!recursive) {
        try {
          Files.delete(p);
        } catch (DirectoryNotEmptyException e) {
          throw failed("The directory is not empty (delete it with recursive): " + rel);
        }
        return;
      }
      FolderStore.deleteTree(p);
    } else {
      Files.delete(p);
    }
  }

  /**
   * Moves a staged upload into place at {@code rel}, creating parent directories; an existing file
   * or link there is replaced (the link itself, not its target), a directory is not.
   */
  public static void place(Path root, String rel, Path staged) throws FolderException, IOException {
    Path target = confineEntry(root, rel);
    Files.createDirectories(target.getParent());
    confineEntry(root, rel); // re-check after creating parents
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw failed("A directory is in the way: " + rel);
    }
    try {
      Files.move(
          staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static FolderException invalid(String msg) {
    return new FolderException(FolderException.Kind.INVALID, msg);
  }

  static FolderException failed(String msg) {
    return new FolderException(FolderException.Kind.OPERATION_FAILED, msg);
  }
}
