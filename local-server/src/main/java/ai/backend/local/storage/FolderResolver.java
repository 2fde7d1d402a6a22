package ai.backend.local.storage;

/** Resolves a folder reference (name or UUID hex, as the route got it) for the calling access key. */
public interface FolderResolver {
  /** @throws ai.backend.local.api.ApiException 404 vfolder-not-found when unknown or not visible */
  ResolvedFolder resolve(String nameOrId, String accessKey)
      throws ai.backend.local.api.ApiException;
}
