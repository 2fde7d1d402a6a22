package ai.backend.local.engine;

import java.time.Instant;

/** The bounded "container log" of a kernel: keeps the newest {@code max} characters. */
final class LogBuffer {
  private final StringBuilder sb = new StringBuilder();
  private final int max;

  LogBuffer(int max) {
    this.max = max;
  }

  synchronized void append(String text) {
    sb.append(text);
    if (sb.length() > max) {
      sb.delete(0, sb.length() - max * 3 / 4);
    }
  }

  void event(String message) {
    append(Instant.now() + " [kernel] " + message + "\n");
  }

  @Override
  public synchronized String toString() {
    return sb.toString();
  }
}
