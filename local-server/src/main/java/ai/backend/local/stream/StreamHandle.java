package ai.backend.local.stream;

/** An open stream socket as {@link StreamHub} sees it. */
interface StreamHandle {
  /** Why the hub ends a stream. */
  enum Reason {
    SESSION_ENDED,
    SERVER_STOPPING
  }

  /**
   * Ends the stream from the server side: closes the socket and stops what it started. Returns once
   * its processes are gone (the session's work directory is deleted right after).
   */
  void end(Reason reason);
}
