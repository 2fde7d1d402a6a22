package ai.backend.client;

import ai.backend.client.errors.TransferVerificationException;
import ai.backend.client.errors.UnsupportedFeatureException;
import ai.backend.client.internal.VFolderTransfers;
import ai.backend.client.internal.VFolderWire;
import java.nio.file.Path;
import java.util.List;

/**
 * Virtual folders: storage that outlives compute sessions (spec §9). Obtain with {@link
 * Session#vfolders()}; {@link AsyncVFolders} is the same calls returning futures. A folder is named by
 * its name or its id; paths inside it are relative ({@code data/train.csv}) and may not climb out with
 * {@code ..}.
 *
 * <p>Transfers follow the negotiated version: the direct v4 routes, or since v6.20200815 the storage
 * proxy (tus upload, ranged download). They stream (memory does not grow with the file), resume after a
 * broken connection by default, check the size and report the SHA-256 of the bytes moved; see {@link
 * TransferOptions}. Operations a server generation lacks fail with {@link UnsupportedFeatureException}
 * before anything is sent.
 *
 * <pre>{@code
 * VFolders vf = session.vfolders();
 * vf.create("mydata");
 * TransferResult r = vf.upload("mydata", Path.of("train.csv"), "inputs/train.csv",
 *     TransferOptions.defaults());
 * }</pre>
 */
public final class VFolders {
  private final Session session;

  VFolders(Session session) {
    this.session = session;
  }

  /** Creates a folder on the default storage host. */
  public VFolderInfo create(String name) {
    return create(name, null);
  }

  /** Creates a folder on {@code host} ({@code null}: the server's default). */
  public VFolderInfo create(String name, String host) {
    return session.core().call(VFolderWire.create(session.dialect(), name, host));
  }

  /** The folders the caller owns or was invited to. */
  public List<VFolderInfo> list() {
    return session.core().call(VFolderWire.list(session.dialect()));
  }

  public VFolderInfo info(String name) {
    return session.core().call(VFolderWire.info(session.dialect(), name));
  }

  /** Deletes a folder; since v8.20240315 it goes to the trash ({@link #restore}, {@link #purge}). */
  public void delete(String name) {
    session.core().call(VFolderWire.delete(session.dialect(), name));
  }

  /** Renames a folder (v5+). */
  public void rename(String name, String newName) {
    session.core().call(VFolderWire.rename(session.dialect(), name, newName));
  }

  /** Deletes a trashed folder for good (v8.20240315+). */
  public void purge(String name) {
    trash("purge", name);
  }

  /** Brings a trashed folder back (v8.20240315+). */
  public void restore(String name) {
    trash("restore-from-trash-bin", name);
  }

  /** Removes a trashed folder's content from storage (v8.20240315+). */
  public void deleteFromTrash(String name) {
    trash("delete-from-trash-bin", name);
  }

  private void trash(String action, String name) {
    VFolderWire.requireTrash(session.dialect()); // fail before resolving the id
    String id = VFolderWire.looksLikeId(name)
        ? name
        : session.core().call(VFolderWire.resolveId(session.dialect(), name));
    session.core().call(VFolderWire.trash(session.dialect(), action, id));
  }

  /** Creates a directory and its parents inside the folder; an existing one is fine. */
  public void mkdir(String name, String path) {
    session.core().call(VFolderWire.mkdir(session.dialect(), name, path));
  }

  /** Lists a directory of the folder ({@code "."} for its root). */
  public List<VFolderFile> ls(String name, String path) {
    return session.core().call(VFolderWire.ls(session.dialect(), name, path));
  }

  /** Deletes files (and, with {@code recursive}, directories) inside the folder. */
  public void rm(String name, List<String> paths, boolean recursive) {
    session.core().call(VFolderWire.rm(session.dialect(), name, paths, recursive));
  }

  /** Moves or renames a file or directory inside the folder (v5+). */
  public void mv(String name, String src, String dst) {
    session.core().call(VFolderWire.mv(session.dialect(), name, src, dst));
  }

  /**
   * Uploads one file to {@code remotePath} in the folder (parents are created).
   *
   * @throws TransferVerificationException when the server's size, or the expected SHA-256, differs,
   *     or the file changed while being sent
   * @throws ai.backend.client.errors.BackendIoException when the connection failed more often in a
   *     row than allowed, or the transfer was cancelled (kind {@code CANCELLED})
   */
  public TransferResult upload(
      String name, Path localFile, String remotePath, TransferOptions options) {
    return transfers().upload(name, localFile, remotePath, options);
  }

  /**
   * Downloads one file of the folder to {@code localFile}, through {@code <localFile>.part}, which a
   * later call resumes from when the transfer breaks for good.
   */
  public TransferResult download(
      String name, String remotePath, Path localFile, TransferOptions options) {
    return transfers().download(name, remotePath, localFile, options);
  }

  /**
   * Uploads a directory tree (regular files; symbolic links are skipped) under {@code remoteDir}
   * ({@code "."}: the folder's root), filtered by the options' include/exclude globs.
   */
  public List<TransferResult> uploadDirectory(
      String name, Path localDir, String remoteDir, TransferOptions options) {
    return transfers().uploadDirectory(name, localDir, remoteDir, options);
  }

  /**
   * Downloads a directory of the folder, recursively, into {@code localDir}, filtered by the globs.
   * Each file gets the remote modification time. Run again after an interruption, it resumes: a
   * {@code .part} goes on, and without {@link TransferOptions.Builder#overwrite overwrite} a local
   * file of the remote size and modification time is left as it is ({@link TransferResult#skipped});
   * any other existing file is refused unless overwrite is set.
   */
  public List<TransferResult> downloadDirectory(
      String name, String remoteDir, Path localDir, TransferOptions options) {
    return transfers().downloadDirectory(name, remoteDir, localDir, options);
  }

  /**
   * Invites users (e-mails or ids, as the server knows them) with {@code permission} {@code ro},
   * {@code rw} or {@code wd}; returns the ids invited.
   */
  public List<String> invite(String name, String permission, List<String> users) {
    return session.core().call(VFolderWire.invite(session.dialect(), name, permission, users));
  }

  /** Invitations to the caller that are pending. */
  public List<VFolderInvitation> invitations() {
    return session.core().call(VFolderWire.invitations(session.dialect()));
  }

  public void acceptInvitation(String invitationId) {
    session.core().call(VFolderWire.accept(session.dialect(), invitationId, accessKey(session)));
  }

  public void rejectInvitation(String invitationId) {
    session.core().call(VFolderWire.reject(session.dialect(), invitationId));
  }

  static String accessKey(Session s) {
    return s.config().isAnonymous() ? null : s.config().accessKey();
  }

  private VFolderTransfers transfers() {
    return new VFolderTransfers(session.core());
  }
}
