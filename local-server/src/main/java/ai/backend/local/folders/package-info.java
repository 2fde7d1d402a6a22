/**
 * Virtual folders of the local server: folders that outlive sessions, kept under the server's state
 * directory (one directory per folder with its files under {@code data/} and its metadata in {@code
 * folder.json}). The HTTP routes ({@code ai.backend.local.api.FolderApi}) and session mounts use the
 * {@link ai.backend.local.folders.FolderStore}; this package depends on no other package of the server.
 */
package ai.backend.local.folders;
