package ai.backend.client;

import java.util.concurrent.CompletableFuture;

/**
 * A byte stream to a service running in a compute session (the TCP proxy of spec §8.3), from {@link
 * AsyncKernel#connectApp} or {@link Kernel#connectApp}: one WebSocket carrying one TCP connection.
 */
public interface AppTunnel extends AutoCloseable {
  /** Sends bytes to the service; the future completes when they are handed to the socket. */
  CompletableFuture<Void> send(byte[] data);

  /** Completes with the close code when the tunnel has closed (exceptionally if it failed). */
  CompletableFuture<Integer> closed();

  boolean isOpen();

  /** Closes the tunnel (code 1000); idempotent. */
  @Override
  void close();

  /** Receives the service's bytes, in order, on the tunnel's own thread (back-pressured like {@link TerminalListener}). */
  interface Listener {
    void onData(byte[] data);

    default void onClosed(int code, String reason) {}

    default void onFailure(Throwable error) {}
  }
}
