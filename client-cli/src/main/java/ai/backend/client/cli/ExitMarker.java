package ai.backend.client.cli;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs one command on a remote PTY and recovers its exit code, which the PTY protocol (spec §8.1)
 * does not carry: the command line typed into the remote shell prints private OSC sequences (which
 * terminals ignore) before and after the command. Output up to the start marker (the prompt and the
 * echo of the typed line) is dropped; the exit marker ends the run.
 */
public final class ExitMarker {
  static final String START = "\u001b]1337;BackendAIExecStart\u0007";
  static final String EXIT = "\u001b]1337;BackendAIExit=";
  private static final int MAX_PENDING = 64;

  private boolean started;
  private Integer exitCode;
  private String pending = "";

  /** The line to type into a POSIX shell: markers around {@code argv}, then {@code exit}. */
  public static byte[] commandLine(List<String> argv) {
    StringBuilder sb = new StringBuilder(" printf '\\033]1337;BackendAIExecStart\\007'; ");
    for (int i = 0; i < argv.size(); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(quote(argv.get(i)));
    }
    sb.append("; printf '\\033]1337;BackendAIExit=%d\\007' $?; exit\r");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** POSIX single-quoting (bare when only safe characters). */
  public static String quote(String s) {
    if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=@%+,-]+")) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** The exit code once the exit marker was seen. */
  public synchronized Integer exitCode() {
    return exitCode;
  }

  /** The part of {@code data} to show; markers and what precedes the start marker are removed. */
  public synchronized byte[] filter(byte[] data) {
    if (exitCode != null) {
      return new byte[0];
    }
    // ISO-8859-1 maps bytes 1:1, so indexes are byte offsets and the bytes come back unchanged
    String s = pending + new String(data, StandardCharsets.ISO_8859_1);
    pending = "";
    StringBuilder out = new StringBuilder();
    if (!started) {
      int i = s.indexOf(START);
      if (i < 0) {
        pending = prefixTail(s, START);
        return new byte[0];
      }
      started = true;
      s = s.substring(i + START.length());
    }
    int i = s.indexOf(EXIT);
    if (i >= 0) {
      int end = s.indexOf('\u0007', i);
      out.append(s, 0, i);
      if (end < 0 && s.length() - i < EXIT.length() + MAX_PENDING) {
        pending = s.substring(i);
      } else if (end >= 0) {
        try {
          exitCode = Integer.parseInt(s.substring(i + EXIT.length(), end));
        } catch (NumberFormatException e) {
          exitCode = 1;
        }
      } else {
        out.append(s.substring(i));
      }
    } else {
      String tail = prefixTail(s, EXIT);
      out.append(s, 0, s.length() - tail.length());
      pending = tail;
    }
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The longest suffix of {@code s} that is a proper prefix of {@code marker}. */
  private static String prefixTail(String s, String marker) {
    for (int n = Math.min(marker.length() - 1, s.length()); n > 0; n--) {
      if (marker.startsWith(s.substring(s.length() - n))) {
        return s.substring(s.length() - n);
      }
    }
    return "";
  }
}
