package ai.backend.client.internal.files;

import java.time.Duration;

/**
 * How a transfer survives broken connections: whether to resume at all, how many failures in a row
 * (without progress in between) it takes, and the exponential backoff between attempts.
 */
public record Retry(boolean resume, int maxRetries, Duration initialBackoff, Duration maxBackoff) {
  public Retry {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative");
    }
  }

  /** The wait before attempt {@code failures + 1}: initial × 2^(failures-1), capped. */
  public Duration backoff(int failures) {
    long ms = initialBackoff.toMillis();
    for (int i = 1; i < failures && ms < maxBackoff.toMillis(); i++) {
      ms *= 2;
    }
    return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
  }

  /** Whether another attempt follows the {@code failures}-th failure in a row. */
  public boolean allows(int failures) {
    return resume && failures <= maxRetries;
  }
}
