package ai.backend.local;

import ai.backend.local.api.ApiException;
import ai.backend.local.api.FolderApi;
import ai.backend.local.folders.Folder;
import ai.backend.local.folders.FolderException;
import ai.backend.local.folders.FolderStore;
import ai.backend.local.storage.FolderResolver;
import ai.backend.local.storage.ResolvedFolder;

/**
 * The {@link FolderResolver} of the storage-proxy routes over the {@link FolderStore}. It lives in the
 * root package, outside every package slice: {@code FolderResolver} names {@code api.ApiException},
 * so an implementation in {@code folders} or {@code api} would close a package cycle (api → folders →
 * storage → api).
 */
final class FolderStoreResolver implements FolderResolver {
  private final FolderStore store;

  FolderStoreResolver(FolderStore store) {
    this.store = store;
  }

  /** A folder in the trash bin is not visible: 404 like an unknown one. */
  @Override
  public ResolvedFolder resolve(String nameOrId, String accessKey) throws ApiException {
    Folder f;
    try {
      f = store.find(accessKey, nameOrId);
    } catch (FolderException e) {
      throw FolderApi.notFound(e.getMessage());
    }
    if (f.trashed()) {
      throw FolderApi.notFound("The folder " + f.name() + " is in the trash bin.");
    }
    return new ResolvedFolder(f.id(), f.name(), store.root(f), f.writable());
  }
}
