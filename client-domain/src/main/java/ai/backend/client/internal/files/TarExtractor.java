package ai.backend.client.internal.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Extracts a tar stream (see {@link TarReader} for the formats) into a destination directory, as
 * the SDK does with each part of a session download (spec §6.2).
 *
 * <p>Safety rules, all checked before anything is written for a member:
 *
 * <ul>
 *   <li>absolute names, names with a {@code ..} segment, and names that would resolve outside the
 *       destination (also through a symbolic link already in the destination or created earlier
 *       by the archive) are refused with {@link UnsafeArchiveException}, which stops extraction;
 *   <li>symbolic links must point inside the destination; hard links must name a regular file
 *       already extracted inside it;
 *   <li>devices, fifos and unknown member types are skipped and listed in {@link Summary#skipped()}.
 * </ul>
 *
 * <p>Each file is written to {@code .<name>.partial-<random>} in its final directory and renamed
 * into place only once complete, so an interrupted extraction never leaves a truncated file under
 * the real name. Permissions follow Python tarfile's "data" filter: the executable bits are kept,
 * setuid/setgid/sticky and group/other write are dropped, the owner can always read and write.
 * Modification times are restored (directories' at the end, since extracting into them changes it).
 */
public final class TarExtractor {

  /** Progress callback: content bytes written so far and the member being extracted. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (bytesSoFar, currentEntry) -> {};

    void onProgress(long bytesSoFar, String currentEntry);
  }

  /**
   * A member that was not extracted.
   *
   * @param name the member name as stored
   * @param reason why, for a warning message
   */
  public record Skipped(String name, String reason) {}

  /**
   * What an extraction did.
   *
   * @param extracted absolute paths created or replaced, in archive order (directories included)
   * @param skipped members deliberately not extracted
   * @param bytes total content bytes written
   */
  /**
   * What an extraction did.
   *
   * @param extracted every path written or confirmed (directories that existed included)
   * @param created the paths that did not exist before, in creation order ({@link #remove} undoes them)
   */
  public record Summary(
      List<Path> extracted, List<Path> created, List<Skipped> skipped, long bytes) {
    public Summary {
      extracted = List.copyOf(extracted);
      created = List.copyOf(created);
      skipped = List.copyOf(skipped);
    }
  }

  private static final int COPY_BUFFER = 64 * 1024;

  private final Path dest;
  private final Path destReal;
  private final Listener listener;
  private final List<Path> extracted = new ArrayList<>();
  private final List<Path> created = new ArrayList<>();
  private final List<Path> links = new ArrayList<>();
  private final List<Skipped> skipped = new ArrayList<>();
  private final Map<Path, Instant> dirTimes = new LinkedHashMap<>();
  private long bytes;

  private TarExtractor(Path dest, Listener listener) throws IOException {
    Files.createDirectories(dest);
    this.destReal = dest.toRealPath();
    this.dest = destReal;
    this.listener = listener == null ? Listener.NONE : listener;
  }

  /** Extracts without progress reporting; see {@link #extract(InputStream, Path, Listener)}. */
  public static Summary extract(InputStream tar, Path destination) throws IOException {
    return extract(tar, destination, Listener.NONE);
  }

  /**
   * Extracts every member of {@code tar} under {@code destination} (created if missing). The
   * stream is read up to the end-of-archive marker and not closed.
   *
   * @throws UnsafeArchiveException when a member breaks the safety rules, or when, once every member
   *     is in place, a symbolic link of the archive resolves outside the destination (a chain of links
   *     can do that only together); everything this extraction created is removed again
   * @throws MalformedTarException when the archive is corrupt or truncated; the member being
   *     written is removed
   */
  public static Summary extract(InputStream tar, Path destination, Listener listener)
      throws IOException {
    Objects.requireNonNull(tar, "tar");
    TarExtractor x = new TarExtractor(Objects.requireNonNull(destination, "destination"), listener);
    try {
      x.run(new TarReader(tar));
      x.verifyLinks();
    } catch (UnsafeArchiveException e) {
      remove(x.created);
      throw e;
    } finally {
      x.restoreDirectoryTimes();
    }
    return new Summary(x.extracted, x.created, x.skipped, x.bytes);
  }

  /**
   * Removes what an extraction created ({@link Summary#created}), newest first: files and links,
   * and directories once empty. Best effort: what cannot be removed stays.
   */
  public static void remove(List<Path> created) {
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        Files.deleteIfExists(created.get(i));
      } catch (IOException ignored) {
        // a directory that still holds files it did not create, or a file system error: leave it
      }
    }
  }

  /**
   * Checks every symbolic link the archive made, now that all members are in place: each was
   * inside when made, but a later member can change what an earlier link's path goes through.
   */
  private void verifyLinks() throws IOException {
    for (Path link : links) {
      if (!Files.isSymbolicLink(link)) {
        continue; // replaced by a later member
      }
      String text = Files.readSymbolicLink(link).toString();
      String name = dest.relativize(link).toString();
      Path pointsTo = resolveLenient(name, link.getParent(), text);
      if (!pointsTo.startsWith(destReal)) {
        throw new UnsafeArchiveException(
            name, "symbolic link " + name + " -> " + text + " resolves outside the destination");
      }
    }
  }

  /** Records {@code p} as created by this extraction when nothing was there before. */
  private void noteNew(Path p, boolean existed) {
    if (!existed) {
      created.add(p);
    }
  }

  private void run(TarReader reader) throws IOException {
    TarReader.Entry e;
    while ((e = reader.next()) != null) {
      switch (e.type()) {
        case FILE -> writeFile(e, reader.data());
        case DIRECTORY -> makeDirectory(e);
        case SYMLINK -> makeSymlink(e);
        case HARD_LINK -> makeHardLink(e);
        case CHAR_DEVICE, BLOCK_DEVICE -> skip(e, "device files are not extracted");
        case FIFO -> skip(e, "fifos are not extracted");
        case OTHER -> skip(e, "unsupported tar member type '" + printable(e.typeFlag()) + "'");
      }
    }
  }

  // --- members -------------------------------------------------------------------------------

  private void writeFile(TarReader.Entry e, InputStream data) throws IOException {
    Path target = resolve(e.name());
    if (target.equals(dest)) {
      throw new UnsafeArchiveException(e.name(), "a file cannot replace the destination directory");
    }
    Path parent = makeParents(e.name(), target);
    refuseDirectory(e.name(), target);
    listener.onProgress(bytes, e.name());
    Path temp = Files.createTempFile(parent, "." + target.getFileName() + ".partial-", "");
    boolean done = false;
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        byte[] buf = new byte[COPY_BUFFER];
        long left = e.size();
        while (left > 0) {
          int n = data.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            throw new MalformedTarException("truncated tar archive in member " + e.name());
          }
          out.write(buf, 0, n);
          left -= n;
          bytes += n;
          listener.onProgress(bytes, e.name());
        }
      }
      applyMode(temp, e.mode(), false);
      Files.setLastModifiedTime(temp, FileTime.from(e.mtime()));
      boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
      moveIntoPlace(temp, target);
      noteNew(target, existed);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(temp);
      }
    }
    extracted.add(target);
  }

  private void makeDirectory(TarReader.Entry e) throws IOException {
    Path target = resolve(e.name());
    if (target.equals(dest)) {
      return; // "./" entries name the destination itself
    }
    makeParents(e.name(), target);
    if (Files.isSymbolicLink(target)) {
      checkLinkedPath(e.name(), target);
    } else if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target)) {
      throw new IOException(
          "cannot extract directory " + e.name() + ": a non-directory exists at " + target);
    }
    boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
    Files.createDirectories(target);
    noteNew(target, existed);
    applyMode(target, e.mode(), true);
    dirTimes.put(target, e.mtime());
    extracted.add(target);
  }

  private void makeSymlink(TarReader.Entry e) throws IOException {
    String link = e.linkName();
    if (link.isEmpty()) {
      throw new UnsafeArchiveException(e.name(), "symbolic link with an empty target");
    }
    if (link.startsWith("/") || Path.of(link).isAbsolute()) {
      throw new UnsafeArchiveException(e.name(), "symbolic link to absolute path " + link);
    }
    Path target = resolve(e.name());
    if (target.equals(dest)) {
      throw new UnsafeArchiveException(e.name(), "a link cannot replace the destination");
    }
    Path parent = makeParents(e.name(), target);
    // Resolve the target as the OS will: from the link's directory, following links that exist.
    Path pointsTo = resolveLenient(e.name(), parent, link);
    if (!pointsTo.startsWith(destReal)) {
      throw new UnsafeArchiveException(
          e.name(), "symbolic link target " + link + " is outside the destination");
    }
    refuseDirectory(e.name(), target);
    Path temp = tempName(parent, target);
    Files.createSymbolicLink(temp, Path.of(link));
    boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
    try {
      moveIntoPlace(temp, target);
    } catch (IOException ex) {
      Files.deleteIfExists(temp);
      throw ex;
    }
    noteNew(target, existed);
    links.add(target);
    extracted.add(target);
  }

  private void makeHardLink(TarReader.Entry e) throws IOException {
    Path target = resolve(e.name());
    Path source;
    try {
      source = resolve(e.linkName());
    } catch (UnsafeArchiveException ex) {
      throw new UnsafeArchiveException(
          e.name(), "hard link target " + e.linkName() + " is outside the destination");
    }
    if (target.equals(dest)) {
      throw new UnsafeArchiveException(e.name(), "a link cannot replace the destination");
    }
    checkParents(e.linkName(), source);
    if (source.equals(target)) {
      extracted.add(target); // a link to itself: rename() would be a no-op and leave the temp
      return;
    }
    if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new UnsafeArchiveException(
          e.name(), "hard link target " + e.linkName() + " is not a file extracted earlier");
    }
    Path parent = makeParents(e.name(), target);
    refuseDirectory(e.name(), target);
    Path temp = tempName(parent, target);
    try {
      Files.createLink(temp, source);
    } catch (UnsupportedOperationException | IOException ex) {
      Files.copy(source, temp, StandardCopyOption.COPY_ATTRIBUTES); // e.g. FAT, some network FSs
    }
    boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
    try {
      moveIntoPlace(temp, target);
    } catch (IOException ex) {
      Files.deleteIfExists(temp);
      throw ex;
    }
    noteNew(target, existed);
    extracted.add(target);
  }

  private void skip(TarReader.Entry e, String reason) {
    skipped.add(new Skipped(e.name(), reason));
  }

  // --- path safety ---------------------------------------------------------------------------

  /** Maps a member name to a path under the destination, lexically; refuses escapes. */
  private Path resolve(String name) throws UnsafeArchiveException {
    if (name.isEmpty()) {
      throw new UnsafeArchiveException(name, "empty name");
    }
    if (name.indexOf('\0') >= 0) {
      throw new UnsafeArchiveException(name, "NUL character in name");
    }
    if (name.startsWith("/")) {
      throw new UnsafeArchiveException(name, "absolute path");
    }
    Path p = dest;
    for (String seg : name.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        throw new UnsafeArchiveException(name, "'..' path segment");
      }
      Path next = p.resolve(seg);
      // A segment must stay one plain component: on Windows "\\x" or "C:x" would not.
      if (!p.equals(next.getParent()) || next.getFileName().toString().equals("..")) {
        throw new UnsafeArchiveException(name, "invalid path segment " + seg);
      }
      p = next;
    }
    return p;
  }

  /**
   * Creates the parent directories of {@code target}, refusing to go through a symbolic link that
   * leads outside the destination. Returns the parent.
   */
  private Path makeParents(String name, Path target) throws IOException {
    checkParents(name, target);
    Path parent = target.getParent();
    List<Path> missing = new ArrayList<>();
    for (Path p = parent;
        p != null && !p.equals(dest) && !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
        p = p.getParent()) {
      missing.add(0, p);
    }
    Files.createDirectories(parent);
    created.addAll(missing);
    return parent;
  }

  /** Checks every existing component between the destination and {@code target}'s parent. */
  private void checkParents(String name, Path target) throws IOException {
    Path rel = dest.relativize(target.getParent());
    Path p = dest;
    for (Path seg : rel) {
      if (seg.toString().isEmpty()) {
        continue;
      }
      p = p.resolve(seg);
      if (Files.isSymbolicLink(p)) {
        checkLinkedPath(name, p);
      } else if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        return; // the rest will be created as plain directories
      }
    }
  }

  private void checkLinkedPath(String name, Path link) throws IOException {
    Path real;
    try {
      real = link.toRealPath();
    } catch (IOException ex) {
      throw new UnsafeArchiveException(name, "path goes through a dangling symbolic link " + link);
    }
    if (!real.startsWith(destReal)) {
      throw new UnsafeArchiveException(
          name, "path goes through symbolic link " + dest.relativize(link) + " to " + real);
    }
  }

  /** Resolves {@code link} relative to {@code dir} like the kernel would, as far as it exists. */
  private Path resolveLenient(String name, Path dir, String link) throws IOException {
    Path cur = dir.toRealPath();
    int hops = 0;
    boolean missing = false;
    for (String seg : link.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (missing) {
          // "a/.." leaves from wherever a will lead; a does not exist yet, and a later member may
          // make it a link (to "." for one), so where this ends cannot be known now
          throw new UnsafeArchiveException(
              name,
              "symbolic link target " + link
                  + " goes up ('..') from a path that does not exist yet");
        }
        cur = cur.getParent() == null ? cur : cur.getParent();
        continue;
      }
      cur = cur.resolve(seg);
      if (!Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
        missing = true;
        continue;
      }
      if (Files.isSymbolicLink(cur)) {
        if (++hops > 40) {
          throw new UnsafeArchiveException(name, "too many levels of symbolic links");
        }
        try {
          cur = cur.toRealPath();
        } catch (IOException ex) {
          throw new UnsafeArchiveException(
              name, "symbolic link target goes through a dangling link " + cur);
        }
      }
    }
    return cur;
  }

  private void refuseDirectory(String name, Path target) throws IOException {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("cannot extract " + name + ": a directory exists at " + target);
    }
  }

  // --- file system helpers -------------------------------------------------------------------

  private static Path tempName(Path parent, Path target) throws IOException {
    // createTempFile gives an unused random name; links need the name free, so drop the file.
    Path temp = Files.createTempFile(parent, "." + target.getFileName() + ".partial-", "");
    Files.delete(temp);
    return temp;
  }

  private static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException ex) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException ex) {
      throw new IOException("cannot replace " + target + ": " + ex, ex);
    }
  }

  private static void applyMode(Path p, int mode, boolean directory) throws IOException {
    int m = (mode & 0755) | (directory ? 0700 : 0600);
    PosixFileAttributeView view =
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view != null) {
      view.setPermissions(permissions(m));
    } else if (!directory && (mode & 0100) != 0) {
      p.toFile().setExecutable(true, true);
    }
  }

  private static Set<PosixFilePermission> permissions(int m) {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < order.length; bit++) {
      if ((m & (1 << bit)) != 0) {
        s.add(order[bit]);
      }
    }
    return s;
  }

  private void restoreDirectoryTimes() {
    List<Map.Entry<Path, Instant>> dirs = new ArrayList<>(dirTimes.entrySet());
    for (int i = dirs.size() - 1; i >= 0; i--) {
      try {
        Files.setLastModifiedTime(
            dirs.get(i).getKey(), FileTime.from(dirs.get(i).getValue()));
      } catch (IOException ignored) {
        // A cosmetic failure; the content is extracted.
      }
    }
  }

  private static String printable(char c) {
    return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
  }
}
