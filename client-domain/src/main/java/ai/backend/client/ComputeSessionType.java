package ai.backend.client;

import java.util.Locale;

/** The kind of compute session (API v4.20190615+). */
public enum ComputeSessionType {
  INTERACTIVE,
  BATCH,
  INFERENCE,
  SYSTEM;

  /** The wire spelling, e.g. {@code interactive}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
