package ai.backend.local.engine;

import java.util.Locale;

/** The status of one execute result; {@link #wire()} is the string the REST and stream APIs send. */
public enum ExecStatus {
  /** The run goes on; this result holds what it printed so far. */
  CONTINUED,
  /** The run blocks reading input; answer with mode {@code input}. */
  WAITING_INPUT,
  /** The batch clean step ended; build and exec follow. */
  CLEAN_FINISHED,
  /** The batch build step ended; exec follows unless the build failed. */
  BUILD_FINISHED,
  /** The run ended; the exit code is set. */
  FINISHED,
  /** The run was killed for exceeding the execution timeout. */
  EXEC_TIMEOUT;

  private final String wire = name().toLowerCase(Locale.ROOT).replace('_', '-');

  /** The status as sent over the wire, e.g. {@code waiting-input}. */
  public String wire() {
    return wire;
  }

  /** True for the statuses that end a run: no more results follow. */
  public boolean isFinal() {
    return this == FINISHED || this == EXEC_TIMEOUT;
  }
}
