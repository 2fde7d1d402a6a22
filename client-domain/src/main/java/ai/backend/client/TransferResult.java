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
 */
public record TransferResult(
    String remotePath,
    Path localPath,
    long bytes,
    String sha256,
    int resumes,
    boolean digestVerified) {}
