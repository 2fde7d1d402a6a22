package ai.backend.client.cli;

import ai.backend.client.ProgressListener;
import java.util.Locale;

/**
 * A one-line progress bar on stderr (bytes, percentage, rate, time left), redrawn in place at most ten
 * times a second; drawn only on a terminal and not with {@code -q}.
 */
public final class Progress implements ProgressListener, AutoCloseable {
  private static final int WIDTH = 30;
  private static final long NANOS = 1_000_000_000L;
  private final Term term;
  private final String label;
  private final boolean enabled;
  private long lastDraw;
  private boolean drawn;
  // the rate is smoothed over a window so that one stalled read does not swing the ETA
  private long windowStart = System.nanoTime();
  private long windowBytes;
  private double rate = -1;

  public Progress(Term term, String label) {
    this.term = term;
    this.label = label;
    this.enabled = term.isTty() && !term.isQuiet();
  }

  /** A listener that does nothing when no bar is shown. */
  public ProgressListener listener() {
    return enabled ? this : null;
  }

  /**
   * {@link #listener()}, or {@link ProgressListener#NONE} instead of null; {@code knownTotal} (or -1)
   * stands in for a total the transfer does not report.
   */
  public ProgressListener listenerOrNone(long knownTotal) {
    return enabled ? (n, t) -> onProgress(n, t >= 0 ? t : knownTotal) : ProgressListener.NONE;
  }

  @Override
  public synchronized void onProgress(long transferred, long total) {
    long now = System.nanoTime();
    boolean finished = total >= 0 && transferred >= total;
    if (!enabled || (drawn && now - lastDraw < NANOS / 10 && !finished)) {
      return;
    }
    lastDraw = now;
    if (now - windowStart >= NANOS / 2) { // no rate before half a second of data: it would be noise
      double r = (transferred - windowBytes) * (double) NANOS / (now - windowStart);
      rate = rate < 0 ? r : 0.5 * rate + 0.5 * r;
      windowStart = now;
      windowBytes = transferred;
    }
    term.err.print("\u001b[2K\r" + line(label, transferred, total, rate));
    term.err.flush();
    drawn = true;
  }

  /** The bar's text: {@code label [####    ]  42% 1.2 MiB / 3.0 MiB  5.1 MiB/s  ETA 0:03}. */
  static String line(String label, long transferred, long total, double bytesPerSecond) {
    StringBuilder sb = new StringBuilder(label).append(' ');
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * transferred / total);
      sb.append('[')
          .append("#".repeat(filled))
          .append(" ".repeat(WIDTH - filled))
          .append("] ")
          .append(String.format(Locale.ROOT, "%3d%% ", 100 * transferred / total));
    }
    sb.append(human(transferred));
    if (total > 0) {
      sb.append(" / ").append(human(total));
    }
    if (bytesPerSecond > 0) {
      sb.append("  ").append(human((long) bytesPerSecond)).append("/s");
      if (total > 0 && transferred < total) {
        sb.append("  ETA ").append(duration((long) ((total - transferred) / bytesPerSecond)));
      }
    }
    return sb.toString();
  }

  static String duration(long seconds) {
    if (seconds >= 100 * 3600) {
      return "--:--";
    }
    long h = seconds / 3600;
    long m = seconds / 60 % 60;
    long s = seconds % 60;
    return h > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
        : String.format(Locale.ROOT, "%d:%02d", m, s);
  }

  @Override
  public synchronized void close() {
    if (drawn) {
      term.err.print("\u001b[2K\r");
      term.err.flush();
    }
  }

  /** Bytes in binary units ({@code 1.5 MiB}). */
  public static String human(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    if (n < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
  }
}
