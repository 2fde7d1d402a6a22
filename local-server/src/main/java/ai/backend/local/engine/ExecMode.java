package ai.backend.local.engine;

import java.util.Locale;
import java.util.Optional;

/** An execute request's {@code mode} (spec §6.1), parsed once where the request comes in. */
public enum ExecMode {
  /** Runs a snippet. */
  QUERY,
  /** Builds and runs uploaded files. */
  BATCH,
  /** Collects more output of the current run. */
  CONTINUE,
  /** Sends a line to the current run's stdin. */
  INPUT,
  /** Code completion. */
  COMPLETE;

  /** The name on the wire. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode named {@code wire} (exactly as the API spells it); empty for an unknown one. */
  public static Optional<ExecMode> parse(String wire) {
    for (ExecMode m : values()) {
      if (m.wire().equals(wire)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** Whether the mode starts a new run. */
  public boolean startsRun() {
    return this == QUERY || this == BATCH;
  }
}
