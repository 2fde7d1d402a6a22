package ai.backend.local.engine;

import java.time.Duration;

/**
 * @param runTimeout wall time of one run before it is killed and reported as {@code exec-timeout}
 * @param memoryBytes address-space limit per process (0 = none)
 * @param maxOutputBytes output kept per run; beyond it output is dropped with a truncation notice
 */
public record KernelLimits(Duration runTimeout, long memoryBytes, long maxOutputBytes) {
  public static KernelLimits defaults() {
    return new KernelLimits(Duration.ofMinutes(10), 4L << 30, 8L << 20);
  }
}
