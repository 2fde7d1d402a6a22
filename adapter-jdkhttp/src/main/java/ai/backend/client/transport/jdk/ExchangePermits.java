package ai.backend.client.transport.jdk;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * At most {@code maxConnections} exchanges in flight, from send until the response is closed.
 * java.net.http has no per-client connection limit: it opens one connection per concurrent exchange
 * and pools the idle ones, so capping the exchanges caps the connections. Waiting async senders hold
 * no thread.
 */
final class ExchangePermits {
  private final int max;
  private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
  private int used;

  ExchangePermits(int max) {
    this.max = max;
  }

  /** Blocks until a permit is free. */
  void acquire() throws InterruptedException {
    CompletableFuture<Void> granted = acquireAsync();
    try {
      granted.get();
    } catch (InterruptedException e) {
      // a permit granted meanwhile is handed back
      if (!granted.cancel(false)) {
        release();
      }
      throw e;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Completes when a permit is granted (at once when one is free). Cancelling the future before then
   * gives up the place in the queue.
   */
  CompletableFuture<Void> acquireAsync() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (this) {
      if (used < max) {
        used++;
        f.complete(null);
        return f;
      }
      waiting.add(f);
    }
    return f;
  }

  /** Hands a permit back, to the longest waiter that still wants it. */
  void release() {
    CompletableFuture<Void> next;
    synchronized (this) {
      while ((next = waiting.poll()) != null && next.isDone()) {
        // cancelled while waiting
      }
      if (next == null) {
        used--;
        return;
      }
    }
    // completed outside the lock: the waiter's continuation sends its request right here
    if (!next.complete(null)) {
      release(); // cancelled between poll and complete
    }
  }
}
