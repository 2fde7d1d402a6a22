package ai.backend.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stops a blocking transfer from another thread ({@link TransferOptions.Builder#cancelToken}); the
 * transfer then ends with a {@link ai.backend.client.errors.BackendIoException} of kind {@code
 * CANCELLED}. Interrupting the transferring thread does the same. Thread-safe; cancelling is final.
 */
public final class CancelToken {
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final List<Runnable> actions = new CopyOnWriteArrayList<>();

  /** A token not cancelled yet. */
  public CancelToken() {}

  /** Cancels; the actions registered with {@link #onCancel} run once, on this thread. */
  public void cancel() {
    if (cancelled.compareAndSet(false, true)) {
      for (Runnable r : actions) {
        try {
          r.run();
        } catch (RuntimeException ignored) {
          // one failing action must not keep the others from stopping the transfer
        }
      }
    }
  }

  public boolean isCancelled() {
    return cancelled.get();
  }

  /**
   * Runs {@code action} on cancellation (at once if already cancelled), e.g. closing the connection a
   * transfer is blocked on. Returns a handle that unregisters it.
   */
  public AutoCloseable onCancel(Runnable action) {
    actions.add(action);
    if (cancelled.get()) {
      action.run();
    }
    return () -> actions.remove(action);
  }
}
