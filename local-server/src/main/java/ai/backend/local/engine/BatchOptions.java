package ai.backend.local.engine;

/**
 * Batch-mode steps; each is a shell command, {@code "*"} for the runtime's default, or {@code null}
 * to skip (a skipped step still reports its completion with exit code 0).
 */
public record BatchOptions(String clean, String build, boolean buildLog, String exec) {}
