package ai.backend.client;

import ai.backend.client.errors.BackendException;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.SessionClosedException;
import ai.backend.client.errors.WaitTimeoutException;
import ai.backend.client.internal.EventStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Session lifecycle events over Server-Sent Events (spec §8.4; API v4.20190615+). Obtain with {@link
 * Session#events()}; {@link AsyncEvents} is the same calls returning futures. Each subscription reads its stream on one daemon thread; closing the session closes
 * every subscription still open.
 */
public final class Events {
  private final Session session;
  private final Set<EventStream> open = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService timer;
  private boolean closed;

  Events(Session session) {
    this.session = session;
  }

  /** Whether the negotiated version has session events. */
  public boolean isSupported() {
    return session.dialect().supportsEvents();
  }

  /** Subscribes; see {@link #subscribe(EventFilter, Consumer, Consumer)}. */
  public EventSubscription subscribe(EventFilter filter, Consumer<ComputeSessionEvent> listener) {
    return subscribe(filter, listener, null);
  }

  /**
   * Connects now (so errors such as 403 are thrown here) and delivers events to {@code listener} on the
   * subscription's thread until closed or the server sends {@code server_close}. A dropped connection is
   * re-established after the server's {@code retry} delay.
   *
   * @param onError told about an error answer to a reconnection, which ends the subscription; may be null
   * @throws InvalidArgumentException when the server's API version has no session events
   */
  public EventSubscription subscribe(
      EventFilter filter,
      Consumer<ComputeSessionEvent> listener,
      Consumer<BackendException> onError) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(listener, "listener");
    synchronized (this) {
      if (closed) {
        throw new SessionClosedException("the API session is closed");
      }
    }
    EventStream[] self = new EventStream[1];
    EventStream s =
        new EventStream(session.core(), filter, listener, onError, () -> open.remove(self[0]));
    self[0] = s;
    open.add(s);
    try {
      return s.start();
    } catch (RuntimeException e) {
      open.remove(s);
      throw e;
    }
  }

  /**
   * Waits for one of {@code eventNames} about {@code sessionName}. Only events after the subscription is
   * made are seen: subscribe before triggering what you wait for, or use {@link #waiter}.
   *
   * @throws WaitTimeoutException when nothing matching arrived in time
   * @throws BackendIoException when the session ended with another terminal event first
   */
  public ComputeSessionEvent awaitEvent(
      String sessionName, Set<String> eventNames, Duration timeout) {
    try (Waiter w = waiter(sessionName, eventNames)) {
      return w.await(timeout);
    }
  }

  /**
   * Waits until the session reaches {@code status} ({@code RUNNING}, {@code TERMINATED}, …): the events
   * {@code session_<status>} and {@code kernel_<status>} ({@code RUNNING} is reported as {@code *_started}).
   */
  public ComputeSessionEvent awaitStatus(String sessionName, String status, Duration timeout) {
    return awaitEvent(sessionName, eventNamesOf(status), timeout);
  }

  /** The event names that mean a status was reached. */
  public static Set<String> eventNamesOf(String status) {
    String s = status.toLowerCase(Locale.ROOT);
    if (s.equals("running")) {
      s = "started";
    }
    return Set.of("session_" + s, "kernel_" + s);
  }

  /** Subscribes now and returns a handle to wait on later (close it when done). */
  public Waiter waiter(String sessionName, Set<String> eventNames) {
    KernelOptions.validateName(sessionName);
    Set<String> names = Set.copyOf(eventNames);
    CompletableFuture<ComputeSessionEvent> f = new CompletableFuture<>();
    EventSubscription sub = subscribe(
        EventFilter.session(sessionName),
        e -> {
          if (!sessionName.equals(e.sessionName())) {
            return;
          }
          if (names.contains(e.name())) {
            f.complete(e);
          } else if (e.isTerminal()) {
            f.completeExceptionally(
                new BackendIoException("session " + sessionName + " ended with event "
                    + e.name()
                    + (e.reason() == null || e.reason().isEmpty() ? "" : " (" + e.reason() + ")")
                    + " while waiting for " + names));
          }
        },
        f::completeExceptionally);
    return new Waiter(sub, f, sessionName, names);
  }

  /** A subscription waiting for one matching event. */
  public final class Waiter implements AutoCloseable {
    private final EventSubscription sub;
    private final CompletableFuture<ComputeSessionEvent> result;
    private final String sessionName;
    private final Set<String> names;

    private Waiter(
        EventSubscription sub,
        CompletableFuture<ComputeSessionEvent> result,
        String sessionName,
        Set<String> names) {
      this.sub = sub;
      this.result = result;
      this.sessionName = sessionName;
      this.names = names;
    }

    /** Blocks up to {@code timeout} for the event. */
    public ComputeSessionEvent await(Duration timeout) {
      try {
        return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw timeout(timeout);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BackendIoException("interrupted while waiting for " + names, e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof BackendException b
            ? b
            : new BackendIoException("waiting for " + names + " failed", e.getCause());
      } finally {
        close();
      }
    }

    /** The event as a future failing with {@link WaitTimeoutException} after {@code timeout}; closes itself. */
    public CompletableFuture<ComputeSessionEvent> future(Duration timeout) {
      ScheduledExecutorService t = timer();
      var task = t.schedule(
          () -> result.completeExceptionally(timeout(timeout)),
          timeout.toNanos(),
          TimeUnit.NANOSECONDS);
      return result.whenComplete((e, x) -> {
        task.cancel(false);
        close();
      });
    }

    private WaitTimeoutException timeout(Duration timeout) {
      return new WaitTimeoutException(
          "no " + names + " event for session " + sessionName + " within " + timeout);
    }

    @Override
    public void close() {
      sub.close();
    }
  }

  private synchronized ScheduledExecutorService timer() {
    if (closed) {
      throw new SessionClosedException("the API session is closed");
    }
    if (timer == null) {
      ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
        Thread th = new Thread(r, "backendai-event-timer");
        th.setDaemon(true);
        return th;
      });
      t.setRemoveOnCancelPolicy(true);
      timer = t;
    }
    return timer;
  }

  /** Closes every open subscription and the timer (called by {@link Session#close()}). */
  void closeAll() {
    ScheduledExecutorService t;
    synchronized (this) {
      closed = true;
      t = timer;
    }
    for (EventStream s : open) {
      s.close();
    }
    if (t != null) {
      t.shutdownNow();
      try {
        t.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
