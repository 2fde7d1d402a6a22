package ai.backend.client;

import ai.backend.client.errors.BackendException;
import ai.backend.client.errors.SessionClosedException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The non-blocking {@link Events}: subscribing connects on one of the session's callback threads, so
 * the caller never waits for the stream to open; waits end with a future. Obtain with {@link
 * AsyncSession#events()}. Subscriptions are the same as the blocking API's: closing the session closes
 * them.
 */
public final class AsyncEvents {
  private final Session session;

  AsyncEvents(Session session) {
    this.session = session;
  }

  /** Whether the negotiated version has session events. */
  public boolean isSupported() {
    return session.events().isSupported();
  }

  /** See {@link Events#subscribe(EventFilter, Consumer)}. */
  public CompletableFuture<EventSubscription> subscribe(
      EventFilter filter, Consumer<ComputeSessionEvent> listener) {
    return subscribe(filter, listener, null);
  }

  /** See {@link Events#subscribe(EventFilter, Consumer, Consumer)}; the future fails as that call throws. */
  public CompletableFuture<EventSubscription> subscribe(
      EventFilter filter,
      Consumer<ComputeSessionEvent> listener,
      Consumer<BackendException> onError) {
    return connecting(() -> session.events().subscribe(filter, listener, onError));
  }

  /** See {@link Events#waiter}: the subscription is made when the future completes. */
  public CompletableFuture<Events.Waiter> waiter(String sessionName, Set<String> eventNames) {
    return connecting(() -> session.events().waiter(sessionName, eventNames));
  }

  /** See {@link Events#awaitEvent}; the timeout runs on a timer owned by the session. */
  public CompletableFuture<ComputeSessionEvent> awaitEvent(
      String sessionName, Set<String> eventNames, Duration timeout) {
    return waiter(sessionName, eventNames).thenCompose(w -> w.future(timeout));
  }

  /** See {@link Events#awaitStatus}. */
  public CompletableFuture<ComputeSessionEvent> awaitStatus(
      String sessionName, String status, Duration timeout) {
    try {
      return awaitEvent(sessionName, Events.eventNamesOf(status), timeout);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Opening an event stream is a blocking connect: it runs on a callback thread, not the caller's. */
  private <T> CompletableFuture<T> connecting(Supplier<T> connect) {
    try {
      return CompletableFuture.supplyAsync(connect, session.core().callbackExecutor());
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new SessionClosedException("the API session is closed"));
    }
  }
}
