package ai.backend.local.api;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** Per-key rolling-window request counter (spec §10: 15-minute window). Thread-safe. */
public final class RateLimiter {
  public static final int WINDOW_SECONDS = 900;

  private final Clock clock;
  private final Map<String, Deque<Long>> hits = new HashMap<>();

  public RateLimiter(Clock clock) {
    this.clock = clock;
  }

  /** Records one request of {@code key}; returns the remaining count (negative when exceeded). */
  public synchronized int hit(String key, int limit) {
    long now = clock.millis();
    Deque<Long> q = hits.computeIfAbsent(key, k -> new ArrayDeque<>());
    long cutoff = now - WINDOW_SECONDS * 1000L;
    while (!q.isEmpty() && q.peekFirst() <= cutoff) {
      q.pollFirst();
    }
    if (q.size() >= limit) {
      return -1;
    }
    q.addLast(now);
    return limit - q.size();
  }
}
