package ai.backend.local.sessions;

import ai.backend.local.engine.Kernel;
import ai.backend.local.engine.KernelStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One compute session: identity, owner, image, work directory, status and (once started) its kernel.
 * Thread-safe; status transitions happen under the session's monitor.
 */
public final class Session {
  private final UUID id;
  private final SessionSpec spec;
  private final String runtime;
  private final Path workDir;
  private final Instant createdAt;
  private final CompletableFuture<Kernel> ready = new CompletableFuture<>();
  private final AtomicLong lastActivityMillis;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger numQueries = new AtomicInteger();
  private SessionStatus status;
  private String statusInfo = "";
  private Instant statusChangedAt;
  private Instant terminatedAt;
  private Kernel kernel;
  private KernelStats lastStats = new KernelStats(0, 0, 0, 0);

  Session(
      UUID id,
      SessionSpec spec,
      String runtime,
      Path workDir,
      Instant createdAt,
      SessionStatus initial) {
    this.id = id;
    this.spec = spec;
    this.runtime = runtime;
    this.workDir = workDir;
    this.createdAt = createdAt;
    this.status = initial;
    this.statusChangedAt = createdAt;
    this.lastActivityMillis = new AtomicLong(createdAt.toEpochMilli());
  }

  public UUID id() {
    return id;
  }

  public String name() {
    return spec.name();
  }

  public String owner() {
    return spec.owner();
  }

  public String image() {
    return spec.image();
  }

  public SessionSpec spec() {
    return spec;
  }

  public String runtime() {
    return runtime;
  }

  /** The directory playing the role of {@code /home/work}. */
  public Path workDir() {
    return workDir;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public synchronized SessionStatus status() {
    return status;
  }

  public synchronized String statusInfo() {
    return statusInfo;
  }

  public synchronized Instant statusChangedAt() {
    return statusChangedAt;
  }

  public synchronized Instant terminatedAt() {
    return terminatedAt;
  }

  public int numQueries() {
    return numQueries.get();
  }

  /** Usage figures: live from the kernel while running, else the last ones seen. */
  public KernelStats stats() {
    Kernel k;
    synchronized (this) {
      k = kernel;
    }
    if (k != null && k.isAlive()) {
      KernelStats s = k.stats();
      synchronized (this) {
        lastStats = s;
      }
      return s;
    }
    synchronized (this) {
      return lastStats;
    }
  }

  /** The running kernel, if any. */
  public synchronized Kernel kernel() {
    return kernel;
  }

  /**
   * Waits until the session runs and returns its kernel.
   *
   * @throws IllegalStateException the session failed to start or was terminated
   */
  public Kernel awaitKernel(Duration timeout) throws TimeoutException {
    try {
      return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "session did not start: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  public long lastActivityMillis() {
    return lastActivityMillis.get();
  }

  void touch(long nowMillis) {
    lastActivityMillis.accumulateAndGet(nowMillis, Math::max);
  }

  /** Marks the start of a request using the kernel; the idle sweeper skips busy sessions. */
  void begin(long nowMillis) {
    inFlight.incrementAndGet();
    touch(nowMillis);
  }

  void end(long nowMillis) {
    inFlight.decrementAndGet();
    touch(nowMillis);
  }

  boolean busy() {
    return inFlight.get() > 0;
  }

  void countQuery() {
    numQueries.incrementAndGet();
  }

  synchronized void setStatus(SessionStatus s, String info, Instant at) {
    status = s;
    statusInfo = info == null ? "" : info;
    statusChangedAt = at;
    if (s == SessionStatus.TERMINATED || s == SessionStatus.ERROR) {
      terminatedAt = at;
    }
  }

  /** Attaches the started kernel; false when the session was terminated meanwhile. */
  synchronized boolean attach(Kernel k, Instant at) {
    if (!status.isLive()) {
      return false;
    }
    kernel = k;
    setStatus(SessionStatus.RUNNING, "", at);
    ready.complete(k);
    return true;
  }

  void failStart(Throwable cause) {
    ready.completeExceptionally(cause);
  }

  /** Detaches the kernel for closing; records its last stats. */
  synchronized Kernel detach() {
    Kernel k = kernel;
    kernel = null;
    if (!ready.isDone()) {
      ready.completeExceptionally(new IllegalStateException("session terminated"));
    }
    return k;
  }

  synchronized void recordStats(KernelStats s) {
    lastStats = s;
  }

  Map<String, String> environ() {
    return spec.environ();
  }

  @Override
  public String toString() {
    return "Session[" + id + ", " + spec.name() + ", " + spec.image() + ", " + status() + "]";
  }
}
