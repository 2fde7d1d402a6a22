package ai.backend.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * An open terminal (pseudo-terminal) of a compute session, from {@link AsyncKernel#streamPty} or
 * {@link Kernel#streamPty}. Sends may be called from any thread; they are sent in order. Output goes to
 * the {@link TerminalListener} given when opening, or to {@link #output()} when none was given.
 */
public interface Terminal extends AutoCloseable {
  /** Sends keystrokes (control characters included, e.g. {@code 0x03} for Ctrl-C). */
  CompletableFuture<Void> write(byte[] keystrokes);

  /** Sends {@code text} as UTF-8 keystrokes. */
  CompletableFuture<Void> write(String text);

  /** Sets the remote terminal's size (the remote program gets SIGWINCH). */
  CompletableFuture<Void> resize(int rows, int cols);

  /** Restarts the remote side (a fresh shell on local-server; the kernel on a manager). */
  CompletableFuture<Void> restart();

  /** Keeps the session from idling out while nobody types. */
  CompletableFuture<Void> ping();

  /**
   * The output as a back-pressured publisher of raw byte chunks, for terminals opened without a
   * listener (one subscriber; it completes when the socket closes, or fails with the connection error).
   *
   * @throws IllegalStateException when the terminal was opened with a listener
   */
  Flow.Publisher<byte[]> output();

  /** Completes with the close code when the socket has closed (exceptionally if it failed). */
  CompletableFuture<Integer> closed();

  boolean isOpen();

  /** Closes the socket (code 1000); idempotent. */
  @Override
  void close();
}
