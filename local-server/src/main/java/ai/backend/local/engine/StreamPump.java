package ai.backend.local.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Copies one output pipe of a child process to a sink with blocking reads (no polling). Exposes
 * whether it is parked in a read and how many reads completed, which the stdin-wait detector uses
 * to tell that everything the program wrote has been consumed.
 */
final class StreamPump implements Runnable {
  private final Reader in;
  private final Consumer<String> sink;
  volatile boolean parked;
  volatile long seq;
  private volatile boolean done;

  StreamPump(InputStream in, Consumer<String> sink) {
    this.in = new InputStreamReader(in, StandardCharsets.UTF_8);
    this.sink = sink;
  }

  @Override
  public void run() {
    char[] buf = new char[8192];
    try {
      while (true) {
        parked = true;
        int n = in.read(buf);
        parked = false;
        if (n < 0) {
          break;
        }
        sink.accept(new String(buf, 0, n));
        seq++;
      }
    } catch (IOException e) {
      // pipe closed: the process is gone
    } finally {
      parked = false;
      synchronized (this) {
        done = true;
        notifyAll();
      }
    }
  }

  /** Waits (bounded) until EOF was reached; a background child may hold the pipe open longer. */
  synchronized boolean awaitDone(long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!done) {
      long rem = deadline - System.currentTimeMillis();
      if (rem <= 0) {
        return false;
      }
      wait(rem);
    }
    return true;
  }
}
