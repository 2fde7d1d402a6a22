package ai.backend.client.internal.stream;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One thread per stream that runs the user's callbacks in order, off the transport's threads. The
 * hand-off queue is small and {@link #submit} blocks when it is full: the WebSocket callback then
 * returns late and the next frame is read late, which is how back-pressure reaches the server.
 */
final class Delivery {
  private static final Runnable END = () -> {};
  private final BlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(8);
  private final Thread thread;
  private volatile boolean finishing;

  Delivery(String name) {
    thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues {@code task}; blocks while the consumer is behind. */
  void submit(Runnable task) {
    if (Thread.currentThread() == thread) {
      task.run(); // a callback that triggers another one (e.g. a close from inside onOutput)
      return;
    }
    if (finishing) {
      return;
    }
    try {
      queue.put(task);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs the queued tasks, then ends the thread; later submissions are dropped. */
  void finish() {
    finishing = true;
    if (Thread.currentThread() != thread) {
      queue.offer(END); // if the queue is full the loop still sees the flag once it drains
    }
  }

  private void loop() {
    try {
      while (true) {
        Runnable r = queue.take();
        if (r == END) {
          return;
        }
        try {
          r.run();
        } catch (RuntimeException e) {
          // a failing user callback must not stop the delivery of the close that follows
        }
        if (finishing && queue.isEmpty()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
