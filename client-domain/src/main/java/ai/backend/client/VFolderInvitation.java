package ai.backend.client;

/**
 * An invitation to share someone's folder ({@link VFolders#invitations()}).
 *
 * @param id the invitation id, to accept or reject it
 * @param inviter who invited (an e-mail or user id)
 * @param permission {@code ro}, {@code rw} or {@code wd}
 * @param state e.g. {@code pending}
 * @param createdAt as sent, or null
 * @param vfolderId the folder's id
 * @param vfolderName the folder's name where the server tells it, else null
 */
public record VFolderInvitation(
    String id,
    String inviter,
    String permission,
    String state,
    String createdAt,
    String vfolderId,
    String vfolderName) {}
