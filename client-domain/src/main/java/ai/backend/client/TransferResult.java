package ai.backend.client;

import java.nio.file.Path;

/**
 * One file moved by {@link VFolders#upload} or {@link VFolders#download}.
 *
 * @param remotePath the path inside the folder
 * @param localPath the local file
 * @param bytes the size, checked against what the server reported
 * @param sha256 the SHA-256 (lower-case hex) of the bytes sent or received
 * @param resumes how many times the transfer went on after a broken connection (or from a leftover
 *     {@code .part} file)
 * @param digestVerified whether {@link TransferOptions#expectedSha256()} was given and matched
 * @param skipped whether a directory download left the local file as it was, being already complete
 *     (same size and modification time as the remote file); {@code sha256} is then the local file's
 */
public record TransferResult(
    String remotePath,
    Path localPath,
    long bytes,
    String sha256,
    int resumes,
    boolean digestVerified,
    boolean skipped) {
  /** A file that was transferred (not skipped). */
  public TransferResult(
      String remotePath,
      Path localPath,
      long bytes,
      String sha256,
      int resumes,
      boolean digestVerified) {
    this(remotePath, localPath, bytes, sha256, resumes, digestVerified, false);
  }
}
