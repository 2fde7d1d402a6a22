package ai.backend.local.folders;

import java.time.Instant;

/**
 * A folder's metadata, as persisted in its {@code folder.json}.
 *
 * @param id UUID hex without dashes
 * @param host always {@link FolderStore#HOST}
 * @param owner the owning access key
 * @param permission {@code ro}, {@code rw} or {@code wd}
 * @param usageMode {@code general}, {@code model} or {@code data}
 * @param status {@code ready}, or {@code delete-pending} while in the trash bin
 * @param trashed whether the folder is in the trash bin
 */
public record Folder(
    String id,
    String name,
    String host,
    String owner,
    String permission,
    String usageMode,
    Instant createdAt,
    String status,
    boolean trashed) {
  public static final String READY = "ready";
  public static final String DELETE_PENDING = "delete-pending";

  /** Whether sessions and file routes may write into it. */
  public boolean writable() {
    return !permission.equals("ro") && !trashed;
  }

  Folder withName(String newName) {
    return new Folder(id, newName, host, owner, permission, usageMode, createdAt, status, trashed);
  }

  Folder withTrashed(boolean t) {
    return new Folder(
        id, name, host, owner, permission, usageMode, createdAt, t ? DELETE_PENDING : READY, t);
  }
}
