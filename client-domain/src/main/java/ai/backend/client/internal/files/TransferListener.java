package ai.backend.client.internal.files;

/** Receives progress of a byte transfer; {@code total} is {@code -1} when unknown. */
@FunctionalInterface
public interface TransferListener {

  /** A listener that ignores all progress. */
  TransferListener NONE = (transferred, total) -> {};

  void onProgress(long transferred, long total);
}
