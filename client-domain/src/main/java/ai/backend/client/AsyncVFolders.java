package ai.backend.client;

import ai.backend.client.internal.VFolderTransfers;
import ai.backend.client.internal.VFolderWire;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The non-blocking {@link VFolders}: the same calls, each returning a future at once. Obtain with {@link
 * AsyncSession#vfolders()}. A transfer runs on one of the session's worker threads (disk I/O blocks
 * anyway); cancelling its future stops it and closes its connection.
 */
public final class AsyncVFolders {
  private final Session session;

  AsyncVFolders(Session session) {
    this.session = session;
  }

  /** See {@link VFolders#create(String)}. */
  public CompletableFuture<VFolderInfo> create(String name) {
    return create(name, null);
  }

  /** See {@link VFolders#create(String, String)}. */
  public CompletableFuture<VFolderInfo> create(String name, String host) {
    return session.core().callAsync(() -> VFolderWire.create(session.dialect(), name, host));
  }

  public CompletableFuture<List<VFolderInfo>> list() {
    return session.core().callAsync(() -> VFolderWire.list(session.dialect()));
  }

  public CompletableFuture<VFolderInfo> info(String name) {
    return session.core().callAsync(() -> VFolderWire.info(session.dialect(), name));
  }

  /** See {@link VFolders#delete}. */
  public CompletableFuture<Void> delete(String name) {
    return session.core().callAsync(() -> VFolderWire.delete(session.dialect(), name));
  }

  public CompletableFuture<Void> rename(String name, String newName) {
    return session.core().callAsync(() -> VFolderWire.rename(session.dialect(), name, newName));
  }

  public CompletableFuture<Void> purge(String name) {
    return trash("purge", name);
  }

  public CompletableFuture<Void> restore(String name) {
    return trash("restore-from-trash-bin", name);
  }

  public CompletableFuture<Void> deleteFromTrash(String name) {
    return trash("delete-from-trash-bin", name);
  }

  private CompletableFuture<Void> trash(String action, String name) {
    try {
      VFolderWire.requireTrash(session.dialect());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<String> id = VFolderWire.looksLikeId(name)
        ? CompletableFuture.completedFuture(name)
        : session.core().callAsync(() -> VFolderWire.resolveId(session.dialect(), name));
    return id.thenCompose(
        i -> session.core().callAsync(() -> VFolderWire.trash(session.dialect(), action, i)));
  }

  public CompletableFuture<Void> mkdir(String name, String path) {
    return session.core().callAsync(() -> VFolderWire.mkdir(session.dialect(), name, path));
  }

  public CompletableFuture<List<VFolderFile>> ls(String name, String path) {
    return session.core().callAsync(() -> VFolderWire.ls(session.dialect(), name, path));
  }

  public CompletableFuture<Void> rm(String name, List<String> paths, boolean recursive) {
    return session
        .core()
        .callAsync(() -> VFolderWire.rm(session.dialect(), name, paths, recursive));
  }

  public CompletableFuture<Void> mv(String name, String src, String dst) {
    return session.core().callAsync(() -> VFolderWire.mv(session.dialect(), name, src, dst));
  }

  /** See {@link VFolders#upload}; cancelling the future stops the transfer. */
  public CompletableFuture<TransferResult> upload(
      String name, Path localFile, String remotePath, TransferOptions options) {
    return transfer(options, o -> transfers().upload(name, localFile, remotePath, o));
  }

  /** See {@link VFolders#download}; cancelling the future stops the transfer. */
  public CompletableFuture<TransferResult> download(
      String name, String remotePath, Path localFile, TransferOptions options) {
    return transfer(options, o -> transfers().download(name, remotePath, localFile, o));
  }

  /** See {@link VFolders#uploadDirectory}. */
  public CompletableFuture<List<TransferResult>> uploadDirectory(
      String name, Path localDir, String remoteDir, TransferOptions options) {
    return transfer(options, o -> transfers().uploadDirectory(name, localDir, remoteDir, o));
  }

  /** See {@link VFolders#downloadDirectory}. */
  public CompletableFuture<List<TransferResult>> downloadDirectory(
      String name, String remoteDir, Path localDir, TransferOptions options) {
    return transfer(options, o -> transfers().downloadDirectory(name, remoteDir, localDir, o));
  }

  public CompletableFuture<List<String>> invite(
      String name, String permission, List<String> users) {
    return session
        .core()
        .callAsync(() -> VFolderWire.invite(session.dialect(), name, permission, users));
  }

  public CompletableFuture<List<VFolderInvitation>> invitations() {
    return session.core().callAsync(() -> VFolderWire.invitations(session.dialect()));
  }

  public CompletableFuture<Void> acceptInvitation(String invitationId) {
    return session
        .core()
        .callAsync(
            () -> VFolderWire.accept(session.dialect(), invitationId, VFolders.accessKey(session)));
  }

  public CompletableFuture<Void> rejectInvitation(String invitationId) {
    return session.core().callAsync(() -> VFolderWire.reject(session.dialect(), invitationId));
  }

  private VFolderTransfers transfers() {
    return new VFolderTransfers(session.core());
  }

  /**
   * Runs a blocking transfer on a worker; the future's cancellation cancels a token of its own (the
   * caller's token, if any, cancels it too), which closes the connection the worker is blocked on.
   */
  private <T> CompletableFuture<T> transfer(
      TransferOptions options, Function<TransferOptions, T> job) {
    CancelToken token = new CancelToken();
    TransferOptions o;
    try {
      o = java.util.Objects.requireNonNull(options, "options").toBuilder()
          .cancelToken(token)
          .build();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    AutoCloseable link =
        options.cancelToken() == null ? null : options.cancelToken().onCancel(token::cancel);
    CompletableFuture<T> result = new CompletableFuture<>();
    result.whenComplete((v, e) -> {
      if (result.isCancelled()) {
        token.cancel();
      }
      if (link != null) {
        try {
          link.close();
        } catch (Exception ignored) {
          // unregistering does not fail
        }
      }
    });
    try {
      session.core().callbackExecutor().execute(() -> {
        if (result.isDone()) {
          return;
        }
        try {
          result.complete(job.apply(o));
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
    } catch (RuntimeException e) { // the session is closed
      result.completeExceptionally(e);
    }
    return result;
  }
}
