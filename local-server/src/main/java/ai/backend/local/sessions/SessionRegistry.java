package ai.backend.local.sessions;

import ai.backend.local.engine.ExecutionEngine;
import ai.backend.local.engine.Kernel;
import ai.backend.local.engine.KernelLimits;
import ai.backend.local.engine.KernelStats;
import ai.backend.local.engine.RuntimeUnavailableException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Sessions by owner access key and name (live) plus a bounded history of terminated ones. Starts
 * kernels through the {@link ExecutionEngine}, sweeps idle sessions, publishes lifecycle events.
 * Closing it terminates every live session (kernels closed, work directories deleted).
 */
public final class SessionRegistry implements AutoCloseable {
  /** How long a request on a not-yet-running session waits for it to start. */
  public static final Duration START_WAIT = Duration.ofSeconds(120);

  private final ExecutionEngine engine;
  private final Path workRoot;
  private final KernelLimits limits;
  private final Clock clock;
  private final Duration idleTimeout;
  private final int maxPerKey;
  private final int historyLimit;
  private final Map<String, Map<String, Session>> live = new HashMap<>();
  private final Map<UUID, Session> byId = new HashMap<>();
  private final Deque<Session> history = new ArrayDeque<>();
  private final List<Consumer<SessionEvent>> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService starters;
  private final ScheduledExecutorService sweeper;
  private boolean closed;

  /** Result of get-or-create. */
  public record CreateResult(Session session, boolean created) {}

  public SessionRegistry(
      ExecutionEngine engine,
      Path workRoot,
      KernelLimits limits,
      Clock clock,
      Duration idleTimeout,
      int maxPerKey,
      int historyLimit) {
    this.engine = engine;
    this.workRoot = workRoot;
    this.limits = limits;
    this.clock = clock;
    this.idleTimeout = idleTimeout;
    this.maxPerKey = maxPerKey;
    this.historyLimit = historyLimit;
    this.starters = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "session-start");
      t.setDaemon(true);
      return t;
    });
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "session-idle-sweeper");
      t.setDaemon(true);
      return t;
    });
    if (idleTimeout != null && !idleTimeout.isZero() && !idleTimeout.isNegative()) {
      long period = Math.max(200, Math.min(idleTimeout.toMillis() / 4, 30_000));
      sweeper.scheduleWithFixedDelay(this::sweepQuietly, period, period, TimeUnit.MILLISECONDS);
    }
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** The runtimes (image names) the engine can start here, for an unknown image's error. */
  public java.util.Set<String> availableRuntimes() {
    return engine.availableRuntimes();
  }

  public KernelLimits limits() {
    return limits;
  }

  /** Registers a lifecycle listener; it must not block. Close the handle to unsubscribe. */
  public AutoCloseable subscribe(Consumer<SessionEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * Returns the live session {@code spec.name()} of {@code spec.owner()} if it can be reused, else
   * creates one. A synchronous create returns once the kernel runs; {@code enqueueOnly} returns at once.
   *
   * @throws ai.backend.local.engine.UnknownImageException the image maps to no runtime
   * @throws RuntimeUnavailableException the runtime is not installed or failed to start
   * @throws SessionConflictException same name with another image, or reuse not allowed
   * @throws QuotaExceededException too many live sessions for the owner
   */
  public CreateResult getOrCreate(SessionSpec spec) {
    String runtime = engine.resolveRuntime(spec.image());
    Session session;
    boolean created;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("server is shutting down");
      }
      Session existing = live.getOrDefault(spec.owner(), Map.of()).get(spec.name());
      if (existing != null) {
        if (!spec.reuseIfExists()) {
          // the title says "already exists": the message must not say it again (ErrorMessagesTest)
          throw new SessionConflictException(
              existing,
              false,
              "Session " + spec.name()
                  + " is live and reuse was not asked for: use another name, or terminate it first.");
        }
        if (!existing.image().equals(spec.image())) {
          throw new SessionConflictException(
              existing,
              true,
              "Session " + spec.name() + " runs " + existing.image() + ", not " + spec.image()
                  + ": use another name, or terminate it first.");
        }
        session = existing;
        created = false;
        session.touch(clock.millis());
      } else {
        if (live.getOrDefault(spec.owner(), Map.of()).size() >= maxPerKey) {
          throw new QuotaExceededException("You have reached your resource limit.");
        }
        Optional<String> unavailable = engine.unavailable(spec.image());
        if (unavailable.isEmpty() && !readOnlyFolders(spec.mounts()).isEmpty()) {
          unavailable = engine.readOnlyMountsUnavailable();
        }
        if (unavailable.isPresent()) {
          throw new RuntimeUnavailableException(unavailable.get());
        }
        UUID id = UUID.randomUUID();
        session = new Session(
            id,
            spec,
            runtime,
            workRoot.resolve(id.toString()),
            clock.instant(),
            spec.enqueueOnly() ? SessionStatus.PENDING : SessionStatus.PREPARING);
        live.computeIfAbsent(spec.owner(), k -> new LinkedHashMap<>()).put(spec.name(), session);
        byId.put(id, session);
        created = true;
      }
    }
    if (!created) {
      if (!spec.enqueueOnly()) {
        awaitQuietly(session);
      }
      return new CreateResult(session, false);
    }
    emit(session, "session_enqueued", "", null);
    if (spec.enqueueOnly()) {
      starters.execute(() -> startQuietly(session));
    } else {
      start(session);
    }
    return new CreateResult(session, true);
  }

  private void awaitQuietly(Session s) {
    try {
      s.awaitKernel(START_WAIT);
    } catch (TimeoutException | IllegalStateException e) {
      // the caller reports the session's current status
    }
  }

  private void startQuietly(Session s) {
    try {
      start(s);
    } catch (RuntimeException e) {
      // recorded as status ERROR by start()
    }
  }

  private void start(Session s) {
    s.setStatus(SessionStatus.PREPARING, "", clock.instant());
    emit(s, "session_scheduled", "", null);
    emit(s, "session_preparing", "", null);
    emit(s, "session_creating", "", null);
    Kernel k;
    try {
      linkMounts(s.workDir(), s.spec().mounts());
      k = engine.start(
          s.image(), s.workDir(), s.environ(), limits, readOnlyFolders(s.spec().mounts()));
    } catch (RuntimeException e) {
      synchronized (this) {
        removeLive(s);
        s.setStatus(SessionStatus.ERROR, String.valueOf(e.getMessage()), clock.instant());
        addHistory(s);
      }
      s.failStart(e);
      deleteTree(s.workDir());
      emit(s, "session_failure", "creation-failed", null);
      throw e;
    }
    if (!s.attach(k, clock.instant())) {
      k.close();
      deleteTree(s.workDir());
      return;
    }
    s.touch(clock.millis());
    emit(s, "session_started", "", null);
  }

  /**
   * Links each mounted folder into the work directory (a symbolic link to the folder's root: nothing
   * is copied, and the work directory's deletion removes the link, never the folder's files).
   */
  static void linkMounts(Path workDir, List<Mount> mounts) {
    if (mounts.isEmpty()) {
      return;
    }
    try {
      Files.createDirectories(workDir);
      for (Mount m : mounts) {
        Path link = workDir.resolve(m.target()).normalize();
        if (!link.startsWith(workDir) || link.equals(workDir)) {
          throw new IllegalArgumentException("mount target outside the work directory");
        }
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, m.source());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot mount the session's folders", e);
    }
  }

  /** The roots of the folders in {@code mounts} that are mounted read-only. */
  public static List<Path> readOnlyFolders(List<Mount> mounts) {
    List<Path> out = new java.util.ArrayList<>();
    for (Mount m : mounts) {
      if (m.readOnly()) {
        out.add(m.source());
      }
    }
    return out;
  }

  /** A live session of {@code owner} by UUID (tried first) or name. */
  public synchronized Optional<Session> find(String owner, String ref) {
    Session s = null;
    try {
      s = byId.get(UUID.fromString(ref));
    } catch (IllegalArgumentException e) {
      // not a UUID: look up by name
    }
    Map<String, Session> mine = live.getOrDefault(owner, Map.of());
    if (s != null && s.owner().equals(owner) && mine.get(s.name()) == s) {
      return Optional.of(s);
    }
    return Optional.ofNullable(mine.get(ref));
  }

  /** A session of {@code owner} by UUID or name, live or terminated (newest first). */
  public synchronized Optional<Session> findAny(String owner, String ref) {
    Optional<Session> l = find(owner, ref);
    if (l.isPresent()) {
      return l;
    }
    for (Session s : history) {
      if (s.owner().equals(owner) && (s.id().toString().equals(ref) || s.name().equals(ref))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Live and terminated sessions of {@code owner}, newest first. */
  public synchronized List<Session> list(String owner) {
    List<Session> all = new ArrayList<>(live.getOrDefault(owner, Map.of()).values());
    for (Session s : history) {
      if (s.owner().equals(owner)) {
        all.add(s);
      }
    }
    all.sort(Comparator.comparing(Session::createdAt).reversed());
    return all;
  }

  /** Number of live sessions of {@code owner}. */
  public synchronized int liveCount(String owner) {
    return live.getOrDefault(owner, Map.of()).size();
  }

  /** Records activity on a session (each API call counts as usage). */
  public void touch(Session s) {
    s.touch(clock.millis());
  }

  /** Runs {@code body} as an in-flight use of the session's kernel (the idle sweeper skips it). */
  public <T> T use(Session s, java.util.function.Function<Kernel, T> body) throws TimeoutException {
    s.begin(clock.millis());
    try {
      Kernel k = s.awaitKernel(START_WAIT);
      return body.apply(k);
    } finally {
      s.end(clock.millis());
    }
  }

  /** An in-flight use of a session that outlives one call; closing it is idempotent. */
  public interface Hold extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Marks the session in use until the handle is closed (an open terminal or app connection, like a
   * manager's "active app connections"): the idle sweeper skips it meanwhile.
   */
  public Hold hold(Session s) {
    s.begin(clock.millis());
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        s.end(clock.millis());
      }
    };
  }

  /** Counts an execute call towards the session's and the key's query counters. */
  public void countQuery(Session s) {
    s.countQuery();
  }

  /** Terminates a session: kills its process tree, deletes its work directory. Idempotent. */
  public KernelStats destroy(Session s, String reason) {
    synchronized (this) {
      if (!removeLive(s)) {
        return s.stats();
      }
      s.setStatus(SessionStatus.TERMINATING, reason, clock.instant());
    }
    emit(s, "session_terminating", reason, null);
    KernelStats stats = s.stats();
    Kernel k = s.detach();
    if (k != null) {
      stats = k.stats();
      s.recordStats(stats);
      k.close();
    }
    deleteTree(s.workDir());
    synchronized (this) {
      s.setStatus(SessionStatus.TERMINATED, reason, clock.instant());
      addHistory(s);
    }
    emit(s, "session_terminated", reason, null);
    return stats;
  }

  /** Destroys sessions idle longer than the idle timeout; returns how many. */
  public int sweepIdle() {
    if (idleTimeout == null || idleTimeout.isZero() || idleTimeout.isNegative()) {
      return 0;
    }
    long now = clock.millis();
    List<Session> victims = new ArrayList<>();
    synchronized (this) {
      for (Map<String, Session> m : live.values()) {
        for (Session s : m.values()) {
          if (s.status() == SessionStatus.RUNNING
              && !s.busy()
              && now - s.lastActivityMillis() > idleTimeout.toMillis()) {
            victims.add(s);
          }
        }
      }
    }
    for (Session s : victims) {
      destroy(s, "idle-timeout");
    }
    return victims.size();
  }

  private void sweepQuietly() {
    try {
      sweepIdle();
    } catch (RuntimeException e) {
      // keep the sweeper alive; the next round retries
    }
  }

  private boolean removeLive(Session s) {
    Map<String, Session> m = live.get(s.owner());
    if (m == null || m.get(s.name()) != s) {
      return false;
    }
    m.remove(s.name());
    if (m.isEmpty()) {
      live.remove(s.owner());
    }
    return true;
  }

  private void addHistory(Session s) {
    history.addFirst(s);
    while (history.size() > historyLimit) {
      Session old = history.removeLast();
      byId.remove(old.id());
    }
  }

  private void emit(Session s, String name, String reason, Integer exitCode) {
    SessionEvent e = new SessionEvent(
        name, s.id().toString(), s.name(), s.owner(), reason == null ? "" : reason, exitCode);
    for (Consumer<SessionEvent> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        // a broken subscriber must not break the lifecycle
      }
    }
  }

  /**
   * Stops the sweeper and marks every live session terminated, detaching their kernels; the caller
   * closes the engine (which kills all process trees in parallel) and then calls {@link #purge()}.
   */
  public List<Kernel> shutdown() {
    List<Session> all = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return List.of();
      }
      closed = true;
      live.values().forEach(m -> all.addAll(m.values()));
      live.clear();
    }
    sweeper.shutdownNow();
    starters.shutdownNow();
    List<Kernel> kernels = new ArrayList<>();
    for (Session s : all) {
      s.setStatus(SessionStatus.TERMINATING, "server-shutdown", clock.instant());
      Kernel k = s.detach();
      if (k != null) {
        kernels.add(k);
      }
    }
    synchronized (this) {
      for (Session s : all) {
        s.setStatus(SessionStatus.TERMINATED, "server-shutdown", clock.instant());
        addHistory(s);
      }
    }
    return kernels;
  }

  /** Deletes every session work directory under the work root. */
  public void purge() {
    try (var dirs = Files.list(workRoot)) {
      dirs.forEach(SessionRegistry::deleteTree);
    } catch (IOException e) {
      // best effort on shutdown
    }
  }

  /** Shuts down, closes the kernels of live sessions and deletes work directories. Idempotent. */
  @Override
  public void close() {
    for (Kernel k : shutdown()) {
      k.close();
    }
    purge();
  }

  /** Deletes a tree without following symlinks; best effort. */
  static void deleteTree(Path root) {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          dir.toFile().setWritable(true);
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // best effort
    }
  }
}
