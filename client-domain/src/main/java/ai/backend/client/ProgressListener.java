package ai.backend.client;

/** Progress of an upload or download: bytes so far and the total, or {@code -1} when unknown. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (transferred, total) -> {};

  void onProgress(long transferred, long total);
}
