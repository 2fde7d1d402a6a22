package ai.backend.client;

/** A live subscription to session events; {@link #close()} stops delivery and releases the connection. */
public interface EventSubscription extends AutoCloseable {
  /** Whether the subscription still delivers events (false after close or {@code server_close}). */
  boolean isOpen();

  @Override
  void close();
}
