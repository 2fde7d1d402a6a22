package ai.backend.client;

/**
 * An entry of a folder listing ({@link VFolders#ls}).
 *
 * @param name the entry's name within the listed directory
 * @param directory whether it is a directory
 * @param size the size in bytes
 * @param mode the mode as the server sent it (a number or {@code drwxr-xr-x}), or null
 * @param modified the modification time as sent, or null
 */
public record VFolderFile(
    String name, boolean directory, long size, String mode, String modified) {}
