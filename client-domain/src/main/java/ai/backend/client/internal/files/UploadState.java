package ai.backend.client.internal.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The record of an unfinished tus upload that lets a later call (another process: the CLI run again
 * after Ctrl-C) go on with it: the upload URL, its token, and what the local file looked like. The
 * token is a credential for that one upload, so the file is owner-only (0600, in a 0700 directory).
 * One file per (endpoint, access key, folder, remote path, local path, size, mtime), named by the
 * SHA-256 of those: a changed file never matches its old record. The folder is named by its id where
 * the server has ids (the caller resolves it), not by the name given. Records older than {@link #MAX_AGE}
 * are dropped (a storage proxy's token does not live that long).
 */
public final class UploadState {
  /** Older records are stale: their tokens have expired. */
  public static final Duration MAX_AGE = Duration.ofDays(7);

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final Path dir;
  private final Path file;

  /** What a record holds. */
  public record Saved(String url, String token) {}

  private UploadState(Path dir, Path file) {
    this.dir = dir;
    this.file = file;
  }

  /**
   * The record of one upload in {@code dir}; nothing is read or written yet.
   *
   * @param folder the folder's stable key (its id where the server has ids)
   */
  public static UploadState of(
      Path dir,
      String endpoint,
      String accessKey,
      String folder,
      String remote,
      Path local,
      long size,
      FileTime mtime) {
    String key = String.join(
        "\n",
        List.of(
            endpoint,
            String.valueOf(accessKey),
            folder,
            remote,
            local.toAbsolutePath().normalize().toString(),
            Long.toString(size),
            Long.toString(mtime.toMillis())));
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return new UploadState(dir, dir.resolve("upload-" + HexFormat.of().formatHex(h)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The file the record lives in (present or not). */
  public Path file() {
    return file;
  }

  /** The saved record, or null if there is none, it is unreadable or too old. */
  public Saved load() {
    try {
      if (!Files.isRegularFile(file)
          || Files.getLastModifiedTime(file).toInstant().isBefore(Instant.now().minus(MAX_AGE))) {
        return null;
      }
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      }
      String url = p.getProperty("url");
      String token = p.getProperty("token");
      return url == null || token == null ? null : new Saved(url, token);
    } catch (IOException | IllegalArgumentException e) {
      return null; // a record we cannot read only costs a fresh upload
    }
  }

  /**
   * Writes the record (owner-only, replaced atomically) and drops stale ones.
   *
   * @throws IOException when the directory or the file cannot be written
   */
  public void save(Saved s) throws IOException {
    if (POSIX) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
    prune();
    Properties p = new Properties();
    p.setProperty("url", s.url());
    p.setProperty("token", s.token());
    FileAttribute<?>[] attrs = POSIX
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        }
        : new FileAttribute<?>[0];
    Path tmp = Files.createTempFile(dir, ".upload-", ".tmp", attrs);
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.TRUNCATE_EXISTING)) {
        p.store(out, "an unfinished Backend.AI folder upload; the token is a credential");
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Forgets the record (the upload completed, or the server no longer knows it). */
  public void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover record is checked against the server before use, and pruned when stale
    }
  }

  private void prune() {
    Instant cutoff = Instant.now().minus(MAX_AGE);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if ((n.startsWith("upload-") || n.startsWith(".upload-"))
            && Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException ignored) {
      // pruning is housekeeping
    }
  }
}
