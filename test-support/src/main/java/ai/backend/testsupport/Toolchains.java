package ai.backend.testsupport;

import org.junit.jupiter.api.Assumptions;

/** Toolchain assumptions for tests whose needs are known only at run time (parameterized ones). */
public final class Toolchains {
  private Toolchains() {}

  /** Aborts (skips) the running test when one of {@code needed} is absent, naming its package. */
  public static void assumeInstalled(Toolchain... needed) {
    for (Toolchain t : needed) {
      Assumptions.assumeTrue(t.installed(), t::reason);
    }
  }
}
