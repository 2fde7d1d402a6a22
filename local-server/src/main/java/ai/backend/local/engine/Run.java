package ai.backend.local.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Output and status of one run: an ordered queue of console chunks (consecutive same-stream chunks
 * merged) and step markers ({@code clean-finished}, {@code build-finished}, final statuses), plus a
 * "waiting for input" flag. Producers (reader threads) append; {@link #await} hands out everything
 * up to the next marker. All methods synchronize on this object; waiters are woken at once.
 */
final class Run {
  private static final class Chunk {
    final String type;
    final StringBuilder text = new StringBuilder();

    Chunk(String type) {
      this.type = type;
    }
  }

  private record Marker(ExecStatus status, Integer exitCode) {}

  final String id;
  /** True when the persistent python interpreter runs it (else child processes). */
  final boolean interpreter;

  private final long maxOutputBytes;
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private int markers;
  private long outputBytes;
  private boolean truncated;
  private boolean waitingInput;
  private boolean passwordInput;
  private boolean finished;
  private boolean delivered;

  Run(String id, boolean interpreter, long maxOutputBytes) {
    this.id = id;
    this.interpreter = interpreter;
    this.maxOutputBytes = maxOutputBytes <= 0 ? Long.MAX_VALUE : maxOutputBytes;
  }

  /** Appends output; returns false when the run is already over (caller may log it instead). */
  synchronized boolean append(String type, String text) {
    if (finished) {
      return false;
    }
    if (text.isEmpty() || truncated) {
      return true;
    }
    long len = utf8Length(text);
    if (outputBytes + len > maxOutputBytes) {
      long room = maxOutputBytes - outputBytes;
      int cut = 0;
      long used = 0;
      while (cut < text.length()) {
        long c = utf8Length(text.substring(cut, cut + 1));
        if (used + c > room) {
          break;
        }
        used += c;
        cut++;
      }
      if (cut > 0) {
        add(type, text.substring(0, cut));
      }
      outputBytes = maxOutputBytes;
      truncated = true;
      add("stderr", "\n[output truncated: more than " + maxOutputBytes + " bytes]\n");
    } else {
      outputBytes += len;
      add(type, text);
    }
    notifyAll();
    return true;
  }

  private void add(String type, String text) {
    Object last = queue.peekLast();
    if (last instanceof Chunk && ((Chunk) last).type.equals(type)) {
      ((Chunk) last).text.append(text);
    } else {
      Chunk c = new Chunk(type);
      c.text.append(text);
      queue.addLast(c);
    }
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** A batch step completed (not the last one). */
  synchronized void step(ExecStatus status, int exitCode) {
    if (!finished) {
      queue.addLast(new Marker(status, exitCode));
      markers++;
      notifyAll();
    }
  }

  /**
   * Ends the run; returns true for the one call that actually ended it. {@code onEnd} runs (once)
   * before any waiter can see the final status, so that e.g. the FIFO turn is already free when a
   * client gets {@code finished} and submits the next run.
   */
  synchronized boolean finish(ExecStatus status, Integer exitCode, Runnable onEnd) {
    if (finished) {
      return false;
    }
    onEnd.run();
    finished = true;
    waitingInput = false;
    queue.addLast(new Marker(status, exitCode));
    markers++;
    notifyAll();
    return true;
  }

  synchronized boolean isFinished() {
    return finished;
  }

  /** True once the final status has been handed to a client. */
  synchronized boolean isDelivered() {
    return delivered;
  }

  synchronized void setWaiting(boolean password) {
    if (!finished) {
      waitingInput = true;
      passwordInput = password;
      notifyAll();
    }
  }

  synchronized boolean isWaitingInput() {
    return waitingInput;
  }

  synchronized void clearWaiting() {
    waitingInput = false;
  }

  /**
   * Waits until a marker is queued, input is awaited, or the deadline passes, and returns the
   * corresponding result.
   */
  synchronized ExecResult await(long deadlineNanos) throws InterruptedException {
    while (markers == 0 && !waitingInput) {
      long rem = deadlineNanos - System.nanoTime();
      if (rem <= 0) {
        return new ExecResult(id, ExecStatus.CONTINUED, drain(), null, false);
      }
      wait(rem / 1_000_000, (int) (rem % 1_000_000));
    }
    if (markers > 0) {
      List<ConsoleItem> console = new ArrayList<>();
      Object o;
      while (!((o = queue.pollFirst()) instanceof Marker)) {
        Chunk c = (Chunk) o;
        console.add(new ConsoleItem(c.type, c.text.toString()));
      }
      markers--;
      Marker m = (Marker) o;
      boolean last = finished && markers == 0;
      if (last) {
        delivered = true;
      }
      return new ExecResult(id, m.status(), console, m.exitCode(), false);
    }
    return new ExecResult(id, ExecStatus.WAITING_INPUT, drain(), null, passwordInput);
  }

  private List<ConsoleItem> drain() {
    List<ConsoleItem> console = new ArrayList<>(queue.size());
    for (Object o : queue) {
      Chunk c = (Chunk) o;
      console.add(new ConsoleItem(c.type, c.text.toString()));
    }
    queue.clear();
    return console;
  }
}
