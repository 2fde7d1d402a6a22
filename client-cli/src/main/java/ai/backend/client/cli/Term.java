package ai.backend.client.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The CLI's terminal: UTF-8 stdout/stderr and the status lines of the official CLI on stderr
 * ({@code ∙} info, {@code ⋯} waiting, {@code ✔} done, {@code ✘} failure). Colours and overwritten
 * "waiting" lines only when attached to a terminal.
 */
public final class Term {
  private static final String CLEAR_LINE = "\u001b[2K\r";

  public final PrintStream out;
  public final PrintStream err;
  private final boolean tty;
  private boolean quiet;
  private boolean pendingWait;

  Term(PrintStream out, PrintStream err, boolean tty) {
    this.out = out;
    this.err = err;
    this.tty = tty;
  }

  static Term system() {
    return new Term(
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8),
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
        System.console() != null
            // the JDK cannot tell whether stderr is a terminal; the launcher can ([ -t 2 ])
            && !"false".equals(System.getProperty("backendai.stderrTty"))
            && !"dumb".equals(System.getenv("TERM"))
            && System.getenv("NO_COLOR") == null);
  }

  /**
   * Whether stdin, stdout and (as far as the launcher tells) stderr are a terminal: progress bars and
   * colours then.
   */
  public boolean isTty() {
    return tty;
  }

  public void quiet(boolean q) {
    this.quiet = q;
  }

  public boolean isQuiet() {
    return quiet;
  }

  public void info(String msg) {
    line("\u2219", "96", msg, false);
  }

  public void warn(String msg) {
    line("\u2219", "93", msg, false);
  }

  public void done(String msg) {
    line("\u2714", "92", msg, false);
  }

  /** A "waiting" line; on a terminal the next status line replaces it. */
  public void waiting(String msg) {
    line("\u22ef", "93", msg, true);
  }

  /** Failure lines are printed even with {@code -q}. */
  public synchronized void fail(String msg) {
    clearWait();
    err.println(colour("91", "\u2718") + " " + msg);
    err.flush();
  }

  private synchronized void line(String glyph, String colour, String msg, boolean wait) {
    if (quiet) {
      return;
    }
    clearWait();
    if (wait && tty) {
      err.print(colour(colour, glyph) + " " + msg + "\r");
      pendingWait = true;
    } else {
      err.println(colour(colour, glyph) + " " + msg);
    }
    err.flush();
  }

  /** Clears a pending "waiting" line before other output goes to stderr. */
  public synchronized void clearWait() {
    if (pendingWait) {
      err.print(CLEAR_LINE);
      pendingWait = false;
    }
  }

  private String colour(String code, String text) {
    return tty ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
  }
}
