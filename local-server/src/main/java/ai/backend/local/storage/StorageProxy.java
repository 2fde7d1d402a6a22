package ai.backend.local.storage;

import ai.backend.local.api.ApiException;
import ai.backend.local.api.Problems;
import ai.backend.local.folders.FolderException;
import ai.backend.local.folders.FolderPaths;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.eclipse.jetty.server.Handler;

/**
 * The storage-proxy half of the folder transfers: issues transfer tokens (for {@code
 * request-upload}/{@code request-download}) and serves the unauthenticated endpoints under {@value
 * #PREFIX} that accept them (tus 1.0.0 upload, Range download, zip of a directory). Upload sessions
 * are part files under the state directory, their offset being the part file's length, so an upload
 * resumes after a dropped connection or a server restart.
 */
public final class StorageProxy {
  /** The path prefix of the storage-proxy endpoints, on the server's own port. */
  public static final String PREFIX = "/storage-proxy";

  /** How long a token (and so an unfinished upload) stays valid: long enough for multi-GiB resumes. */
  public static final Duration TOKEN_LIFETIME = Duration.ofHours(24);

  final FolderResolver resolver;
  final TransferTokens tokens;
  final Duration bodyIdleTimeout;
  private final Path uploads;
  private final SecureRandom random = new SecureRandom();

  private StorageProxy(
      FolderResolver resolver, TransferTokens tokens, Path uploads, Duration bodyIdleTimeout) {
    this.resolver = resolver;
    this.tokens = tokens;
    this.uploads = uploads;
    this.bodyIdleTimeout = bodyIdleTimeout;
  }

  /**
   * Opens the proxy's state under {@code stateDir/storage-proxy} (token secret, upload part files),
   * dropping part files of uploads whose tokens have expired.
   *
   * @param bodyIdleTimeout the longest silence while a PATCH body arrives; past it the bytes that
   *     arrived are kept and the request ends
   */
  public static StorageProxy open(
      Path stateDir, FolderResolver resolver, Clock clock, Duration bodyIdleTimeout)
      throws IOException {
    Path dir = Files.createDirectories(stateDir.resolve("storage-proxy"));
    Path uploads = Files.createDirectories(dir.resolve("uploads"));
    FileTime cutoff = FileTime.from(clock.instant().minus(TOKEN_LIFETIME.plusHours(1)));
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(uploads)) {
      for (Path p : ds) {
        if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).compareTo(cutoff) < 0) {
          Files.deleteIfExists(p);
        }
      }
    }
    return new StorageProxy(resolver, TransferTokens.open(dir, clock), uploads, bodyIdleTimeout);
  }

  /** A handler serving {@value #PREFIX} and passing every other request to {@code next}. */
  public Handler handler(Handler next) {
    return new StorageProxyHandler(this, next);
  }

  /**
   * Starts an upload of {@code size} bytes to {@code relpath} in {@code f}: checks the path, creates
   * the (empty) session and returns its token.
   *
   * @throws ApiException 403 for a read-only folder, 400 for a bad path or a directory in the way
   */
  public String newUpload(ResolvedFolder f, String accessKey, String relpath, long size)
      throws ApiException, IOException {
    checkWritable(f);
    if (relpath == null || relpath.isEmpty() || relpath.endsWith("/")) {
      throw Problems.invalidParams("path must name a file in the folder.");
    }
    if (size < 0) {
      throw Problems.invalidParams("size must not be negative.");
    }
    Path target = confine(f.root(), relpath);
    if (target.equals(f.root().toRealPath())
        || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw Problems.invalidParams("A directory is in the way: " + relpath);
    }
    long usable = Files.getFileStore(uploads).getUsableSpace();
    if (size > usable) {
      throw Problems.invalidParams(
          "The upload is " + size + " bytes; the server has " + usable + " bytes free.");
    }
    byte[] b = new byte[16];
    random.nextBytes(b);
    String session = HexFormat.of().formatHex(b);
    Files.createFile(part(session));
    return tokens.issue(tokens.claims(
        TransferTokens.Op.UPLOAD, f, accessKey, relpath, size, false, session, TOKEN_LIFETIME));
  }

  /**
   * A download token for {@code relpath} in {@code f}, after checking that it exists (a directory
   * only with {@code archive}).
   */
  public String newDownload(ResolvedFolder f, String accessKey, String relpath, boolean archive)
      throws ApiException, IOException {
    String rel = relpath == null ? "" : relpath;
    Path real = existing(f.root(), rel);
    if (Files.isDirectory(real) && !archive) {
      throw Problems.invalidParams(
          "The path is a directory: download it with archive=true (a zip), or name a file.");
    }
    if (!Files.isDirectory(real) && !Files.isRegularFile(real)) {
      throw Problems.invalidParams("The file is not a regular file.");
    }
    return tokens.issue(tokens.claims(
        TransferTokens.Op.DOWNLOAD, f, accessKey, rel, 0, archive, null, TOKEN_LIFETIME));
  }

  /**
   * {@link FolderPaths#confine} in the storage proxy's words: every refusal is 400 {@code
   * invalid-api-params}. Called again at transfer time, as session code may plant symlinks after a
   * token was issued.
   */
  static Path confine(Path root, String rel) throws ApiException {
    try {
      return FolderPaths.confine(root, rel);
    } catch (FolderException e) {
      throw Problems.invalidParams(e.getMessage());
    }
  }

  /**
   * The real path of the existing {@code rel}, following a last-component symlink only when it
   * stays in the folder: 404 {@code storage/file-not-found} as a storage proxy answers a missing
   * file, 400 for a path leading out.
   */
  static Path existing(Path root, String rel) throws ApiException {
    try {
      return FolderPaths.insideTarget(root, FolderPaths.confine(root, rel), rel);
    } catch (FolderException e) {
      if (e.kind() == FolderException.Kind.NOT_FOUND) {
        throw new ApiException(
            404, "storage/file-not-found", "File not found", e.getMessage(), null);
      }
      throw Problems.invalidParams(e.getMessage());
    }
  }

  static void checkWritable(ResolvedFolder f) throws ApiException {
    if (!f.writable()) {
      throw new ApiException(
          403,
          "generic-forbidden",
          "Forbidden operation.",
          "The folder " + f.name() + " is read-only for you: uploads need rw or wd permission.",
          null);
    }
  }

  Path part(String session) throws ApiException {
    if (!session.matches("[0-9a-f]{32}")) {
      throw Problems.invalidParams("Malformed upload session id.");
    }
    return uploads.resolve(session + ".part");
  }

  /** Marks a finished upload, so that a client that lost the last answer learns it completed. */
  Path done(String session) throws ApiException {
    part(session);
    return uploads.resolve(session + ".done");
  }
}
