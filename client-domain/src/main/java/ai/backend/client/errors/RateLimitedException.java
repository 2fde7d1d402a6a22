package ai.backend.client.errors;

import ai.backend.client.RateLimit;
import java.time.Duration;
import java.util.Optional;

/** Too many requests (429 {@code rate-limit-exceeded}, spec §10). */
public class RateLimitedException extends BackendApiException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;
  private final transient RateLimit rateLimit;

  public RateLimitedException(
      String message, Details details, Duration retryAfter, RateLimit rateLimit) {
    super(message, details);
    this.retryAfter = retryAfter;
    this.rateLimit = rateLimit;
  }

  /** How long the server asked us to wait ({@code Retry-After} seconds or HTTP-date), if it said so. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** The {@code X-RateLimit-*} values of the response, if present. */
  public Optional<RateLimit> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }
}
