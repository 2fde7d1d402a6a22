package ai.backend.local.storage;

public record ResolvedFolder(
    String id /* uuid hex, no dashes */, String name, java.nio.file.Path root, boolean writable) {}
