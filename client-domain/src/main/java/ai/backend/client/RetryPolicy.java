package ai.backend.client;

import ai.backend.client.errors.InvalidArgumentException;
import java.time.Duration;
import java.util.Objects;

/**
 * Automatic retries of idempotent requests on transient failures (connection failures before a
 * response, 502/503/504, 429): bounded, exponential backoff with equal jitter (a wait between half
 * the computed backoff and all of it), honouring {@code Retry-After} up to {@link #maxRetryAfter()}.
 *
 * @param maxRetries retries after the first attempt (0 disables retrying)
 * @param initialBackoff backoff before the first retry; doubled per retry
 * @param maxBackoff cap of the computed backoff
 * @param maxRetryAfter longest server-requested wait that is honoured; longer requests are not retried
 */
public record RetryPolicy(
    int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {
  public RetryPolicy {
    if (maxRetries < 0) {
      throw new InvalidArgumentException("maxRetries must not be negative");
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxRetryAfter.isNegative()) {
      throw new InvalidArgumentException("retry durations must not be negative");
    }
  }

  /** 2 retries, 0.5 s doubling up to 8 s, Retry-After honoured up to 60 s. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(
        2, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60));
  }

  /** Never retry. */
  public static RetryPolicy none() {
    return new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  public RetryPolicy withMaxRetries(int n) {
    return new RetryPolicy(n, initialBackoff, maxBackoff, maxRetryAfter);
  }
}
