package ai.backend.client.internal;

import java.lang.System.Logger;

/**
 * The SDK's loggers, looked up on first use rather than when a class is loaded. {@code System.getLogger}
 * finds the logging backend: a {@code ServiceLoader} scan, the security properties and, with the JDK's
 * default, the initialisation of {@code java.util.logging} (15–20 ms of a short program's start-up,
 * e.g. a CLI command). A class that only might log should not pay that when it is loaded.
 */
public final class Loggers {
  private Loggers() {}

  /** A named logger, obtained from {@link System#getLogger} on the first {@link #get()}. */
  static final class Lazy {
    private final String name;
    private volatile Logger logger;

    Lazy(String name) {
      this.name = name;
    }

    Logger get() {
      Logger l = logger;
      if (l == null) {
        l = System.getLogger(name);
        logger = l;
      }
      return l;
    }
  }
}
