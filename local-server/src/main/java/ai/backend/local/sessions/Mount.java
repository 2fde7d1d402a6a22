package ai.backend.local.sessions;

import java.nio.file.Path;

/**
 * A folder mounted into a session: a symbolic link at {@code target} (relative to the work directory,
 * the session's {@code /home/work}) to the folder's root {@code source}.
 *
 * @param folderId the folder's UUID hex
 * @param readOnly asked read-only (see the local server's README for what that enforces)
 */
public record Mount(String folderId, String name, Path source, String target, boolean readOnly) {}
