package ai.backend.client.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Waits between retry attempts; injectable so tests run without real sleeps. */
public interface Sleeper {

  /** Blocks the calling thread. */
  void sleep(Duration d) throws InterruptedException;

  /** Completes after the delay without holding a thread. */
  CompletableFuture<Void> delay(Duration d);

  /** Real time: {@link Thread#sleep} and {@link CompletableFuture#delayedExecutor}. */
  static Sleeper system() {
    return new Sleeper() {
      @Override
      public void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
      }

      @Override
      public CompletableFuture<Void> delay(Duration d) {
        return CompletableFuture.runAsync(
            () -> {}, CompletableFuture.delayedExecutor(d.toMillis(), TimeUnit.MILLISECONDS));
      }
    };
  }
}
