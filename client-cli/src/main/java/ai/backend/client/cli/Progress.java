package ai.backend.client.cli;

import ai.backend.client.ProgressListener;

/** A one-line progress bar on stderr, drawn only on a terminal (and not with {@code -q}). */
public final class Progress implements ProgressListener, AutoCloseable {
  private static final int WIDTH = 30;
  private final Term term;
  private final String label;
  private final boolean enabled;
  private long lastDraw;
  private boolean drawn;

  public Progress(Term term, String label) {
    this.term = term;
    this.label = label;
    this.enabled = term.isTty() && !term.isQuiet();
  }

  /** A listener that does nothing when no bar is shown. */
  public ProgressListener listener() {
    return enabled ? this : null;
  }

  @Override
  public synchronized void onProgress(long transferred, long total) {
    long now = System.nanoTime();
    if (!enabled || (now - lastDraw < 100_000_000L && transferred < total)) {
      return;
    }
    lastDraw = now;
    StringBuilder sb = new StringBuilder("\r").append(label).append(' ');
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * transferred / total);
      sb.append('[')
          .append("#".repeat(filled))
          .append(" ".repeat(WIDTH - filled))
          .append("] ")
          .append(String.format("%3d%% ", 100 * transferred / total));
    }
    sb.append(human(transferred));
    if (total > 0) {
      sb.append(" / ").append(human(total));
    }
    term.err.print(sb);
    term.err.flush();
    drawn = true;
  }

  @Override
  public synchronized void close() {
    if (drawn) {
      term.err.print("\u001b[2K\r");
      term.err.flush();
    }
  }

  static String human(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format("%.1f KiB", n / 1024.0);
    }
    if (n < 1024L * 1024 * 1024) {
      return String.format("%.1f MiB", n / (1024.0 * 1024));
    }
    return String.format("%.2f GiB", n / (1024.0 * 1024 * 1024));
  }
}
