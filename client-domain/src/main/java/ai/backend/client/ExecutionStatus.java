package ai.backend.client;

import java.util.Locale;

/** The {@code status} of one execute response (spec §5.7). */
public enum ExecutionStatus {
  /** The run is still going; call {@code continue}. */
  CONTINUED("continued"),
  /** The program waits for a line of input; call {@code input}. */
  WAITING_INPUT("waiting-input"),
  /** Batch mode: the clean step finished. */
  CLEAN_FINISHED("clean-finished"),
  /** Batch mode: the build step finished; the exec step follows. */
  BUILD_FINISHED("build-finished"),
  /** The run is over. */
  FINISHED("finished"),
  /** The runtime's execution timeout fired; the run is over. */
  EXEC_TIMEOUT("exec-timeout"),
  /** A status this client does not know; treated as terminal. */
  UNKNOWN("unknown");

  private final String wire;

  ExecutionStatus(String wire) {
    this.wire = wire;
  }

  /** The wire spelling, e.g. {@code waiting-input}. */
  public String wire() {
    return wire;
  }

  /** Whether the run is over after a response with this status. */
  public boolean isTerminal() {
    return this == FINISHED || this == EXEC_TIMEOUT || this == UNKNOWN;
  }

  /** Parses the wire spelling; unknown values map to {@link #UNKNOWN}. */
  public static ExecutionStatus fromWire(String value) {
    if (value != null) {
      String v = value.toLowerCase(Locale.ROOT);
      for (ExecutionStatus s : values()) {
        if (s.wire.equals(v)) {
          return s;
        }
      }
    }
    return UNKNOWN;
  }
}
