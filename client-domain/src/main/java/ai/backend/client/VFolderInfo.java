package ai.backend.client;

import java.util.Map;

/**
 * A virtual folder as the server describes it (spec §9). Fields a server generation does not report
 * are null; {@link #raw()} holds everything it sent.
 *
 * @param name the folder name
 * @param id the folder id (UUID hex as the server wrote it)
 * @param host the storage host
 * @param permission the caller's permission: {@code ro}, {@code rw} or {@code wd}
 * @param owner whether the caller owns it
 * @param status e.g. {@code ready}, {@code delete-pending} (current servers), or null
 * @param usageMode {@code general}, {@code model} or {@code data} (current servers), or null
 * @param numFiles the number of files ({@code info} only), or null
 * @param usedBytes the bytes used ({@code info} on current servers), or null
 * @param createdAt the creation time as sent, or null
 * @param raw the whole object as plain Java values
 */
public record VFolderInfo(
    String name,
    String id,
    String host,
    String permission,
    boolean owner,
    String status,
    String usageMode,
    Long numFiles,
    Long usedBytes,
    String createdAt,
    Map<String, Object> raw) {
  public VFolderInfo {
    raw = raw == null ? Map.of() : java.util.Collections.unmodifiableMap(raw);
  }
}
