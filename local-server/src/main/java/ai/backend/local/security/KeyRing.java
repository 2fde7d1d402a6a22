package ai.backend.local.security;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The keypairs this server knows, with per-key usage counters ({@code num_queries}, {@code last_used}). */
public final class KeyRing {
  private final Map<String, Keypair> keys;
  private final Map<String, AtomicLong> queries = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
  private final Clock clock;

  public KeyRing(List<Keypair> keypairs, Clock clock) {
    this.keys = keypairs.stream()
        .collect(Collectors.toUnmodifiableMap(Keypair::accessKey, Function.identity()));
    this.clock = clock;
  }

  public Optional<Keypair> find(String accessKey) {
    return Optional.ofNullable(keys.get(accessKey));
  }

  /** Records one successful authentication. */
  public void used(Keypair kp) {
    queries.computeIfAbsent(kp.accessKey(), k -> new AtomicLong()).incrementAndGet();
    lastUsed.put(kp.accessKey(), clock.instant());
  }

  public long numQueries(String accessKey) {
    AtomicLong n = queries.get(accessKey);
    return n == null ? 0 : n.get();
  }

  public Optional<Instant> lastUsed(String accessKey) {
    return Optional.ofNullable(lastUsed.get(accessKey));
  }
}
