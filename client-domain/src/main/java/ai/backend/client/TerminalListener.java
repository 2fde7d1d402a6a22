package ai.backend.client;

import ai.backend.client.errors.BackendException;

/**
 * Receives what a session's terminal (spec §8.1) sends. Calls come one at a time, in order, from one
 * thread of the stream (never the transport's I/O thread); the next frame is read only after a call
 * returns, so a slow listener slows the server down instead of filling memory.
 */
public interface TerminalListener {
  /** Raw terminal output (stdout and stderr merged, xterm escape sequences included). */
  void onOutput(byte[] data);

  /** An {@code {"type":"error"}} frame from the server. */
  default void onError(String message) {}

  /** The socket closed: the session ended, the server closed it, or {@link Terminal#close()} was called. */
  default void onClosed(int code, String reason) {}

  /** The connection failed (a {@link BackendException}); no other call follows. */
  default void onFailure(Throwable error) {}
}
