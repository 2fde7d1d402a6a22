package ai.backend.local.engine;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads owned by one engine: daemon threads with small stacks for pipe readers and run drivers
 * (200 python kernels mean 400 mostly-blocked reader threads), and one shared scheduler for run
 * timeouts and stdin-wait detection ticks.
 */
final class EngineThreads implements AutoCloseable {
  private static final long STACK = 256 * 1024;
  private final AtomicLong counter = new AtomicLong();
  private final ScheduledExecutorService scheduler;

  EngineThreads() {
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(null, r, "engine-scheduler", STACK);
      t.setDaemon(true);
      return t;
    });
  }

  Thread start(String name, Runnable r) {
    Thread t = new Thread(null, r, name + "-" + counter.incrementAndGet(), STACK);
    t.setDaemon(true);
    t.start();
    return t;
  }

  ScheduledFuture<?> schedule(Runnable r, long millis) {
    return scheduler.schedule(r, millis, TimeUnit.MILLISECONDS);
  }

  ScheduledFuture<?> every(Runnable r, long millis) {
    return scheduler.scheduleWithFixedDelay(r, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
