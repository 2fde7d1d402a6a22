package ai.backend.client.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The whole-call deadlines of one session: a single daemon thread, started with the first deadline
 * and stopped by {@link #close()}; cancelled deadlines are dropped at once, not kept until they fall due.
 */
final class Timers implements AutoCloseable {
  private ScheduledThreadPoolExecutor executor; // guarded by this
  private boolean closed; // guarded by this

  /** Runs {@code task} after {@code delayNanos} (at once when not positive). */
  synchronized ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    if (closed) {
      throw new ai.backend.client.errors.SessionClosedException("the API session is closed");
    }
    if (executor == null) {
      executor = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "backendai-deadlines");
        t.setDaemon(true);
        return t;
      });
      executor.setRemoveOnCancelPolicy(true);
      executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }
    return executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
